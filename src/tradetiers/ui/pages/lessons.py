"""The Lessons page: the list of lessons, joining a class by code, the presenter.

The lessons are data (``src/tradetiers/lessons/``, plus any folders named by
``TRADETIERS_LESSONS``), loaded once per server process. The page keeps its own
language, which follows the app's language switch and can be switched from the
presenter too (the teacher's full screen hides the sidebar).

A student joins a class session by typing its code, or by opening the link the
teacher's screen shows: ``/lessons?code=ABCDE`` joins at once.
"""

from __future__ import annotations

import functools
from urllib.parse import parse_qs

import solara

from tradetiers.lessons import Lesson, LessonError, load_all
from tradetiers.lessons.classroom import CLASSROOM
from tradetiers.ui import fonts
from tradetiers.ui.components.common import use_app
from tradetiers.ui.i18n import tr
from tradetiers.ui.lessons.presenter import LangButton, Presenter, Student


@functools.cache
def _lessons() -> tuple[tuple[Lesson, ...], str]:
    try:
        return tuple(load_all()), ""
    except LessonError as err:
        return (), str(err)


def code_in(search: str | None) -> str:
    """The class-session code of a query string (``code=ABCDE``), or ""."""
    values = parse_qs(search or "").get("code") or [""]
    return values[0].strip()


@solara.component
def Page() -> None:
    """The Lessons page."""
    app = use_app()
    override = solara.use_reactive(None)
    solara.use_effect(lambda: override.set(None), [app.lang])  # the sidebar switch wins
    lang = override.value or app.lang
    opened = solara.use_reactive("")
    teacher = solara.use_reactive(False)
    code = solara.use_reactive("")
    joined = solara.use_reactive("")
    bad_code = solara.use_reactive(False)
    lessons, error = _lessons()
    by_id = {x.id: x for x in lessons}
    linked = code_in(solara.use_router().search)
    solara.Title(f"tradetiers · {tr('page_lessons', lang)}")
    solara.Style(fonts.css(lang, face=False))  # its language may differ from the app's

    def toggle_lang() -> None:
        override.set("zh" if lang == "en" else "en")

    def close() -> None:
        opened.set("")
        joined.set("")
        teacher.set(False)

    def join(typed: str | None = None) -> None:
        room = CLASSROOM.get(code.value if typed is None else typed)
        if room is None or room.lesson not in by_id:
            bad_code.set(True)
            return
        bad_code.set(False)
        joined.set(room.code)

    def join_linked() -> None:  # a link with ?code=ABCDE joins once, when opened
        if linked:
            code.set(linked)
            join(linked)

    solara.use_effect(join_linked, [linked])

    if error:
        solara.Error(error, classes=["tt-lesson-error"])
    room = CLASSROOM.get(joined.value) if joined.value else None
    if room is not None:
        Student(by_id[room.lesson], room, lang, toggle_lang, close)
        return
    if opened.value in by_id:
        Presenter(by_id[opened.value], lang, teacher.value, teacher.set, toggle_lang, close)
        return
    with solara.Div(classes=["tt-lesson-list"]):
        with solara.Row(style={"align-items": "center"}):
            solara.HTML(tag="h2", unsafe_innerHTML=tr("lesson_list_title", lang))
            LangButton(lang, toggle_lang)
        with solara.Card(tr("lesson_join", lang), margin=1):
            with solara.Row(style={"align-items": "center"}):
                solara.InputText(
                    tr("lesson_code", lang),
                    value=code,
                    continuous_update=True,
                    classes=["tt-join-code"],
                )
                solara.Button(
                    tr("lesson_join_button", lang), on_click=lambda: join(), classes=["tt-join"]
                )
            if bad_code.value:
                solara.Warning(tr("lesson_bad_code", lang), classes=["tt-bad-code"])
        for x in lessons:
            with solara.Card(
                f"{tr('lesson_number', lang, n=x.number)} · {x.title(lang)}",
                margin=1,
                classes=[f"tt-lesson-card-{x.number}"],
            ):
                solara.Text(x.text("summary", lang), style={"display": "block"})
                with solara.Row(style={"align-items": "center"}):
                    solara.Button(
                        tr("lesson_open", lang),
                        on_click=lambda lid=x.id: opened.set(lid),
                        color="primary",
                        classes=[f"tt-lesson-open-{x.number}"],
                    )
                    solara.Text(
                        f"{tr('lesson_mechanisms', lang)}: {' '.join(x.spec.mechanisms)}",
                        style={"font-size": "0.8em"},
                    )
