"""The app's shared state (a context) and the components every page uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import solara
from matplotlib.figure import Figure

from tradetiers.ui import charts
from tradetiers.ui.i18n import tr
from tradetiers.ui.livevega import LiveVega
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
def VegaChart(
    make: Callable[[], dict], deps: list, on_hover: Callable[[Any], None] | None = None
) -> None:
    """A Vega-Lite chart drawn by the browser; the spec is rebuilt only when ``deps`` change.

    The widget is :class:`~tradetiers.ui.livevega.LiveVega`: the chart's shape (a cached
    template) is sent once, and each step only swaps its named datasets into the running
    view, without the re-embedding and 100 ms debounce of Solara's ``VegaLite``.
    """
    spec = solara.use_memo(make, dependencies=deps)
    shape = solara.use_memo(lambda: {k: v for k, v in spec.items() if k != "datasets"}, [spec])
    LiveVega.element(
        spec=shape,
        datasets=spec.get("datasets", {}),
        on_hover=on_hover,
        listen_to_hover=on_hover is not None,
    )


@solara.component
def ChartCard(
    title: str,
    make: Callable[[], dict],
    deps: list,
    filename: str,
    provenance: str,
    png: Callable[[], Figure] | None = None,
    on_hover: Callable[[Any], None] | None = None,
) -> None:
    """A chart with its title, provenance label and a PNG download.

    Args:
        title: heading shown above the chart.
        make: builds the Vega-Lite spec shown on screen (see :mod:`tradetiers.ui.vega`).
        deps: rebuild the spec only when these change.
        filename: PNG file name offered for download.
        provenance: the label saying where the numbers come from.
        png: builds the matplotlib figure of the PNG download; called only when a user
            downloads it. Without it the PNG is ``make(lib=charts)``: pages write
            ``lambda lib=vega: lib.time_series(...)``, as :mod:`tradetiers.ui.vega` and
            :mod:`tradetiers.ui.charts` share their function signatures.
        on_hover: called with the datum under the pointer (or None).
    """
    with solara.Card(title, margin=1, classes=["tt-chart"]):
        VegaChart(make, deps, on_hover)
        with solara.Row(justify="space-between", style={"align-items": "center"}):
            Provenance(provenance)
            figure = png or (lambda: make(lib=charts))  # type: ignore[call-arg]
            solara.FileDownload(
                lambda: charts.png(figure()),
                filename=filename,
                label=tr("download_png", "en"),
                mime_type="image/png",
            )
