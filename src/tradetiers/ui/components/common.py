"""The app's shared state (a context) and the components every page uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import solara
from matplotlib.figure import Figure

from tradetiers.ui import charts
from tradetiers.ui.i18n import tr
from tradetiers.ui.session import Session


@dataclass
class AppState:
    """What every page reads: the session's world, the language and a change counter.

    Attributes:
        session: this browser session's world (None if it could not be built).
        lang: ``en`` or ``zh``.
        version: increases whenever the world changes (a step, a lever, a reset).
        bump: call after changing the session to re-render the pages.
        message: an error or cap message to show, or "".
        set_message: show a message.
    """

    session: Session | None
    lang: str = "en"
    version: int = 0
    bump: Callable[[], None] = lambda: None
    message: str = ""
    set_message: Callable[[str], None] = field(default=lambda _m: None)

    def t(self, key: str, **fields: object) -> str:
        """Translate in the session's language."""
        return tr(key, self.lang, **fields)

    def ft(self, key: str, **fields: object) -> str:
        """Translate text drawn inside a figure (English if no CJK font is installed)."""
        return tr(key, charts.figure_lang(self.lang), **fields)


AppContext = solara.create_context(AppState(session=None))


def use_app() -> AppState:
    """The app state provided by the layout."""
    return solara.use_context(AppContext)


@solara.component
def Provenance(text: str) -> None:
    """The provenance label under a chart or table: model output, scenario, seed."""
    solara.Text(text, classes=["tt-provenance"], style={"font-size": "0.8em", "color": "#555"})


@solara.component
def ArrivesNote(title: str, note: str) -> None:
    """An honest placeholder for a chart whose columns are not in this run yet."""
    solara.Info(f"{title}: {note}", dense=True, classes=["tt-arrives"])


@solara.component
def ChartCard(
    title: str, make: Callable[[], Figure], deps: list, filename: str, provenance: str
) -> None:
    """A chart with its title, provenance label and a PNG download.

    Args:
        title: heading shown above the chart.
        make: builds the matplotlib figure.
        deps: re-build the figure only when these change.
        filename: PNG file name offered for download.
        provenance: the label saying where the numbers come from.
    """
    fig = solara.use_memo(make, dependencies=deps)
    with solara.Card(title, margin=1, classes=["tt-chart"]):
        solara.FigureMatplotlib(fig, format="png")
        with solara.Row(justify="space-between", style={"align-items": "center"}):
            Provenance(provenance)
            solara.FileDownload(
                lambda: charts.png(fig),
                filename=filename,
                label=tr("download_png", "en"),
                mime_type="image/png",
            )
