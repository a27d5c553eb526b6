"""The app's shared state (a context) and the components every page uses."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import solara
from matplotlib.figure import Figure
from solara.components.file_download import FileDownloadWidget

from tradetiers.ui import charts
from tradetiers.ui.i18n import tr
from tradetiers.ui.livevega import LiveVega, dataset_texts
from tradetiers.ui.session import Session


@dataclass(eq=False)
class AppState:
    """What every page reads: the session's world, the language and change counters.

    The layout provides one AppState per session and language, so a step does not
    change the context: a component that depends on the simulated years calls
    :meth:`world_version` (reading a reactive variable subscribes just that component),
    and the lever panel calls :meth:`lever_version`. A step therefore re-renders the
    page, the year display and the event feed, not the sidebar's levers.

    Attributes:
        session: this browser session's world (None if it could not be built).
        lang: ``en`` or ``zh``.
        version: the world's change counter when no reactive counter is given (tests).
        bump: call after changing the session through a lever (re-renders the pages and
            the lever panel).
        stepped: call after simulating a year (re-renders what depends on the year, and
            the lever panel only if what it shows changed, see
            :meth:`~tradetiers.ui.session.Session.lever_state`).
        message: an error or cap message to show, or "".
        set_message: show a message.
        world: the reactive counter of world changes (steps, levers, resets).
        levers: the reactive counter of changes the lever panel shows.
    """

    session: Session | None
    lang: str = "en"
    version: int = 0
    bump: Callable[[], None] = lambda: None
    stepped: Callable[[], None] | None = None
    message: str = ""
    set_message: Callable[[str], None] = field(default=lambda _m: None)
    world: solara.Reactive[int] | None = None
    levers: solara.Reactive[int] | None = None

    def world_version(self) -> int:
        """The world's change counter (a step, a lever, a reset).

        Read during a render, it re-renders the reading component on every change.
        """
        return self.world.value if self.world is not None else self.version

    def lever_version(self) -> int:
        """The lever panel's change counter (a lever, or a step that changed what it shows)."""
        return self.levers.value if self.levers is not None else self.version

    def after_step(self) -> None:
        """Re-render what a simulated year changed."""
        (self.stepped or self.bump)()

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
def LazyDownload(data: Callable[[], bytes], filename: str, label: str, mime_type: str) -> None:
    """A download button whose bytes are made only when it is clicked.

    Like ``solara.FileDownload`` with a callable, without its watcher thread: that one
    starts a thread (and renders again) whenever the callable changes, i.e. every year
    for a chart's PNG. Here a click asks for the file, and the bytes of the latest
    ``data`` are made in that event and sent once; the browser then saves them.
    """
    requested, set_requested = solara.use_state(False)
    payload = solara.use_ref(None)
    latest = solara.use_ref(data)
    latest.current = data

    def request(value: bool) -> None:
        payload.current = latest.current() if value else None
        set_requested(value)

    FileDownloadWidget.element(
        filename=filename,
        bytes=payload.current if requested else None,
        request_download=requested,
        on_request_download=request,
        children=[solara.Button(label, icon_name="mdi-cloud-download-outline")],
        mime_type=mime_type,
    )


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
    shape = solara.use_memo(
        lambda: json.dumps({k: v for k, v in spec.items() if k != "datasets"}), [spec]
    )
    texts = solara.use_memo(lambda: dataset_texts(spec.get("datasets", {})), [spec])
    LiveVega.element(
        spec=shape,
        datasets=texts,
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
            LazyDownload(
                lambda: charts.png(figure()),
                filename=filename,
                label=tr("download_png", "en"),
                mime_type="image/png",
            )
