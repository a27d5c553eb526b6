"""The browser app: ``solara run tradetiers.ui.app`` (what ``tradetiers ui`` serves).

The layout owns this browser session's world: it builds a :class:`Session` inside the
component (``use_memo``), so every browser session has its own model and nothing is
shared at module level. Pages read it through :data:`AppContext`.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time

import reacton.core
import solara

from tradetiers.config import Scenario, ScenarioError
from tradetiers.ui import fonts
from tradetiers.ui.components.common import AppContext, AppState
from tradetiers.ui.components.controls import (
    Downloads,
    LeverPanel,
    RunControls,
    YearDisplay,
    language_label,
)
from tradetiers.ui.i18n import tr
from tradetiers.ui.pages import bubbles, compare, ladder, lessons, money, world
from tradetiers.ui.session import CapError, Session, library

#: environment variable through which ``tradetiers ui SCENARIO`` passes its scenario
SCENARIO_ENV = "TRADETIERS_UI_SCENARIO"

# the packaged Chinese font, served by this app (no system CJK font needed)
fonts.serve()

# Reacton's fast renderer (opt-in since reacton 1.11, fuzz-tested against the default
# one): a render walks only the components whose state changed, where the default
# renderer revisits and updates every widget of the page. A step then costs the server
# the page's charts, not the ~1000 widgets of the page and the sidebar. Read by
# ``reacton.render`` for each page; set ``REACTON_FAST=0`` to use the default renderer.
os.environ.setdefault("REACTON_FAST", "1")

PAGES = [
    ("", "page_world", world.Page),
    ("ladder", "page_ladder", ladder.Page),
    ("money", "page_money", money.Page),
    ("bubbles", "page_bubbles", bubbles.Page),
    ("compare", "page_compare", compare.Page),
    ("lessons", "page_lessons", lessons.Page),
]


def scenario_choices() -> list[str]:
    """The library's scenarios, plus the one given on the command line if it is a file."""
    names = list(library())
    given = os.environ.get(SCENARIO_ENV, "")
    if given and given not in names:
        names.insert(0, given)
    return names


def build_session(scenario: str | Scenario, seed: int | None) -> tuple[Session | None, str]:
    """Build a session, or return the message that explains why it cannot be built."""
    if isinstance(scenario, str):
        scenario = library().get(scenario, scenario)  # type: ignore[assignment]
    try:
        return Session(scenario, seed=seed), ""
    except CapError as err:
        return None, err.key + "|" + str(err.fields.get("n", "")) + "|" + str(err.fields["cap"])
    except ScenarioError as err:
        return None, "scenario_error|" + str(err)


def _message(code: str, lang: str) -> str:
    key, *rest = code.split("|", 2)
    if key == "cap_countries":
        return tr(key, lang, n=rest[0], cap=rest[1])
    return tr("scenario_error", lang, err=rest[0] if rest else code)


def _no_loop() -> bool:
    """True outside an event loop (``solara.render`` in tests): run the play task threaded."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return True
    return False


@solara.component
def Layout(children: list | None = None) -> None:
    """The app frame: controls in the sidebar, page navigation, the page."""
    children = children or []
    lang = solara.use_reactive("en")
    # change counters, read by the components that depend on them (never by this layout,
    # so a step re-renders the page and the year, not the frame and the levers)
    world_version = solara.use_reactive(0)
    lever_version = solara.use_reactive(0)
    choices = solara.use_memo(scenario_choices, [])
    scenario = solara.use_reactive(os.environ.get(SCENARIO_ENV) or choices[0])
    seed = solara.use_reactive(-1)  # -1: the scenario's own seed
    nonce = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(5.0)
    message = solara.use_reactive("")
    running = solara.use_memo(threading.Event, [])  # seen at once by the play thread
    session, error = solara.use_memo(
        lambda: build_session(scenario.value, None if seed.value < 0 else seed.value),
        dependencies=[scenario.value, seed.value, nonce.value],
    )
    if session is not None and seed.value < 0:
        seed.set(session.seed)

    # [world changes, lever changes, the lever panel's last state]: never stale, unlike a
    # captured value
    counter: list = solara.use_memo(lambda: [0, 0, None], [])
    # each subscriber of a counter would re-render on its own: batch them into one render
    batch = reacton.core.get_render_context()

    def remember_levers() -> None:
        counter[2] = session.lever_state() if session is not None else None

    solara.use_memo(remember_levers, [session])

    def bump() -> None:
        counter[0] += 1
        counter[1] += 1
        if session is not None:
            counter[2] = session.lever_state()
        with batch:
            world_version.set(counter[0])
            lever_version.set(counter[1])

    def stepped() -> None:
        counter[0] += 1
        state = session.lever_state() if session is not None else None
        with batch:
            world_version.set(counter[0])
            if state != counter[2]:
                counter[2] = state
                counter[1] += 1
                lever_version.set(counter[1])

    def toggle_play() -> None:
        if running.is_set():
            running.clear()
            playing.set(False)
        else:
            running.set()
            playing.set(True)

    def reset(new_seed: int | None) -> None:
        running.clear()
        playing.set(False)
        message.set("")
        if new_seed is not None and new_seed != seed.value:
            seed.set(new_seed)
        else:
            nonce.set(nonce.value + 1)
        bump()

    async def loop() -> None:
        # runs on the server's event loop (as Mesa's SolaraViz does), so each year's
        # re-render happens in this session's kernel context
        while running.is_set() and session is not None:
            start = time.perf_counter()
            try:
                session.step()
            except CapError as err:
                message.set(err.message(lang.value))
                running.clear()
                playing.set(False)
                return
            stepped()
            await asyncio.sleep(max(0.0, 1.0 / speed.value - (time.perf_counter() - start)))

    solara.lab.use_task(loop, dependencies=[playing.value, session], prefer_threaded=_no_loop())

    # one state per session, language and message: a step or a play/pause keeps it, so
    # the components reading it re-render only through the counters they read
    state = solara.use_memo(
        lambda: AppState(
            session=session,
            lang=lang.value,
            bump=bump,
            stepped=stepped,
            message=message.value,
            set_message=message.set,
            world=world_version,
            levers=lever_version,
        ),
        dependencies=[session, lang.value, message.value],
    )
    solara.provide_context(AppContext, state)
    t = state.t
    solara.Title("tradetiers")
    solara.Style(fonts.css(lang.value))
    with solara.AppLayout(title=t("app_title"), navigation=False, color="#263238"):
        with solara.AppBar():
            for path, key, _ in PAGES:
                with solara.Link(f"/{path}"):
                    solara.Button(
                        t(key), text=True, dark=True, classes=[f"tt-nav-{path or 'world'}"]
                    )
        with solara.Sidebar():
            solara.Button(
                language_label(lang.value),
                icon_name="mdi-translate",
                on_click=lambda: lang.set("zh" if lang.value == "en" else "en"),
                outlined=True,
                classes=["tt-lang"],
            )
            YearDisplay()
            RunControls(playing.value, toggle_play, speed, scenario, choices, seed, reset)
            if session is not None:
                Downloads()
                LeverPanel()
        if error:
            solara.Error(_message(error, lang.value), classes=["tt-cap"])
        if message.value:
            solara.Warning(message.value, classes=["tt-cap"])
        if session is not None:
            solara.Div(children=children)


routes = [
    solara.Route(path=path or "/", component=page, label=key, layout=Layout if i == 0 else None)
    for i, (path, key, page) in enumerate(PAGES)
]
