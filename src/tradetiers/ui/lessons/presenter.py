"""The lesson presenter: predict, observe, explain; teacher mode; class predictions.

Steps: framing, predict, observe, reveal, explain, try, discuss. In teacher mode the
presenter fills the screen with large fonts and high contrast, steps with Next and
Back, can freeze the run at a chosen year, and opens a class session whose code
students enter on their own devices; their predictions are tallied on the teacher's
screen before the run is revealed. A student's view shows the question, takes the
prediction and, once the teacher reveals, shows the run.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import ipyvuetify as v
import solara
import traitlets

from tradetiers.lessons import Lesson
from tradetiers.lessons.classroom import CLASSROOM, Room
from tradetiers.lessons.runs import Result, compute, reveal_text, view_frame
from tradetiers.ui.components.common import VegaChart
from tradetiers.ui.i18n import tr
from tradetiers.ui.lessons.chart import view_spec


class JoinLink(v.VuetifyTemplate):
    """The link that joins a class session (``…/lessons?code=ABCDE``), as plain text.

    Built in the browser from the address the teacher's screen uses (its host, port
    and any root path), which the server does not know; no QR code, nothing fetched.
    """

    template = traitlets.Unicode(
        """
<template><a class="tt-join-link" :href="url" target="_blank" rel="noopener"
  style="font-size: 1.2em; font-family: monospace; word-break: break-all">{{ url }}</a>
</template>
<script>
module.exports = {
  computed: {
    url() {
      const root = (window.solara && window.solara.rootPath) || '';
      return `${window.location.origin}${root}/lessons?code=${this.code}`;
    },
  },
}
</script>
"""
    ).tag(sync=True)
    code = traitlets.Unicode("").tag(sync=True)


STEPS = ("framing", "predict", "observe", "reveal", "explain", "try", "discuss")

TEACHER_CSS = """
.tt-teacher { position: fixed; inset: 0; z-index: 1000; overflow: auto; background: #000;
  color: #fff; font-size: 26px; line-height: 1.45; padding: 28px 48px; }
.tt-teacher .v-btn { font-size: 22px !important; }
.tt-teacher h1, .tt-teacher h2, .tt-teacher h3 { color: #ffeb3b; }
.tt-teacher .solara-markdown, .tt-teacher .rendered_html, .tt-teacher .rendered_html * {
  color: #fff !important; background: transparent !important; font-size: inherit !important; }
.tt-teacher .v-input--checkbox label { color: #000; font-size: 20px; }
.tt-teacher .tt-chart-box { background: #fff; color: #000; padding: 8px; display: inline-block; }
.tt-teacher .tt-choice-row { border: 2px solid #fff; margin: 6px 0; padding: 6px 12px; }
.tt-teacher .tt-answer { border: 3px solid #ffeb3b; padding: 8px 14px; }
.tt-lesson .tt-answer { border-left: 4px solid #6a1b9a; padding: 4px 10px; }
.tt-lesson .tt-choice-row { margin: 4px 0; }
.tt-teacher .tt-join-link { color: #ffeb3b; }
.tt-teacher .tt-try-row { background: transparent !important; color: #fff; }
.tt-teacher .tt-try-row .v-btn--outlined { color: #fff !important; }
"""


def use_result(lesson: Lesson, try_id: str | None = None) -> tuple[Result | None, bool]:
    """The lesson's run on its seed, computed in a thread (cached per process)."""
    task = solara.lab.use_task(
        lambda: compute(lesson, None, try_id), dependencies=[lesson.id, try_id]
    )
    return (task.value if task.finished else None), bool(task.error)


def use_room_version(room: Room | None) -> int:
    """Re-render when the class session changes (votes, reveal): polled twice a second."""
    seen = solara.use_reactive(-1)

    async def poll() -> None:
        while room is not None:
            if room.version != seen.value:
                seen.set(room.version)
            await asyncio.sleep(0.5)

    solara.lab.use_task(poll, dependencies=[room.code if room else None], prefer_threaded=False)
    return seen.value


@solara.component
def LangButton(lang: str, toggle_lang: Callable[[], None]) -> None:
    """The lessons' own language switch (the teacher's full screen hides the sidebar's)."""
    solara.Button(
        tr("language_switch", lang),
        icon_name="mdi-translate",
        on_click=toggle_lang,
        outlined=True,
        classes=["tt-lesson-lang"],
    )


@solara.component
def ExitButton(lang: str, on_exit: Callable[[], None]) -> None:
    """Back to the list of lessons."""
    solara.Button(
        tr("lesson_exit", lang),
        icon_name="mdi-close",
        on_click=on_exit,
        text=True,
        classes=["tt-lesson-exit"],
    )


@solara.component
def Md(text: str) -> None:
    """Lesson Markdown."""
    solara.Markdown(text, style={"font-size": "inherit"})


@solara.component
def Tally(lesson: Lesson, room: Room, lang: str) -> None:
    """The class's predictions per choice."""
    tally = room.tally()
    n = sum(tally.values())
    with solara.Div(classes=["tt-tally"]):
        solara.HTML(
            tag="h3",
            unsafe_innerHTML=tr("lesson_tally", lang, n=n),
            classes=["tt-tally-count"],
        )
        for cid, count in tally.items():
            bar = "█" * count
            solara.Text(
                f"{lesson.text(f'choice.{cid}', lang)}  {count} {bar}",
                classes=[f"tt-tally-{cid}"],
                style={"display": "block"},
            )


@solara.component
def Choices(
    lesson: Lesson, lang: str, chosen: str | None, on_choose: Callable[[str], None] | None
) -> None:
    """The question's choices as buttons (the chosen one filled)."""
    for k, cid in enumerate(lesson.choice_ids):
        with solara.Row(classes=["tt-choice-row"], style={"align-items": "center"}):
            solara.Button(
                chr(ord("A") + k),
                color="primary" if chosen == cid else None,
                outlined=chosen != cid,
                on_click=(lambda cid=cid: on_choose(cid)) if on_choose else None,
                disabled=on_choose is None,
                classes=[f"tt-choice-{cid}"],
            )
            solara.Text(lesson.text(f"choice.{cid}", lang))


@solara.component
def RunChart(lesson: Lesson, result: Result, lang: str, cursor: int, large: bool) -> None:
    """The highlighted view up to ``cursor``, with its provenance."""
    data = solara.use_memo(lambda: view_frame(lesson, result, lang), [id(result), lang])
    years = (int(result.run.world["year"].min()), int(result.run.world["year"].max()))
    base_label = lesson.text("baseline", lang) if result.baseline is not None else ""
    with solara.Div(classes=["tt-chart-box", "tt-lesson-chart"]):
        VegaChart(
            lambda: view_spec(
                data, lesson.text("view", lang), lang, years, cursor, base_label, large
            ),
            [id(result), lang, cursor, large],
        )
        solara.Text(
            f"{tr('model_output', lang)} · {tr('scenario_lc', lang)} {result.run.scenario} · "
            f"{tr('seed_lc', lang)} {result.seed}",
            classes=["tt-provenance"],
            style={"font-size": "0.7em"},
        )


@solara.component
def Answer(lesson: Lesson, result: Result, lang: str, mine: str | None) -> None:
    """What the run answers, the reveal's numbers, and the prediction it is set against."""
    with solara.Div(classes=["tt-answer"]):
        answer = (
            lesson.text(f"choice.{result.answer}", lang)
            if result.answer
            else tr("lesson_no_choice", lang)
        )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<b>{tr('lesson_run_answer', lang)}:</b> {answer}",
            classes=["tt-run-answer"],
        )
        if mine is not None:
            solara.Text(
                f"{tr('lesson_your_prediction', lang)}: {lesson.text(f'choice.{mine}', lang)}",
                style={"display": "block"},
            )
        Md(reveal_text(lesson, result.values, lang))


@solara.component
def Observe(lesson: Lesson, result: Result | None, lang: str, large: bool) -> None:
    """The run, growing year by year to the freeze year; play/pause and the freeze slider."""
    first = int(result.run.world["year"].min()) if result is not None else 0
    last = int(result.run.world["year"].max()) if result is not None else 0
    cursor = solara.use_reactive(first)
    freeze = solara.use_reactive(last)
    playing = solara.use_reactive(False)

    def reset_years() -> None:
        cursor.set(first)
        freeze.set(last)

    solara.use_effect(reset_years, [first, last])

    async def play() -> None:
        while playing.value and cursor.value < freeze.value:
            await asyncio.sleep(0.12)
            if not playing.value:  # paused while asleep: the year stays where it is
                break
            cursor.set(min(cursor.value + 2, freeze.value))
        playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=False)
    if result is None:
        solara.Text(tr("lesson_running", lang), classes=["tt-lesson-running"])
        return
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button(
            tr("pause" if playing.value else "play", lang),
            icon_name="mdi-pause" if playing.value else "mdi-play",
            on_click=lambda: playing.set(not playing.value),
            classes=["tt-lesson-play"],
        )
        solara.Button(
            tr("lesson_to_freeze", lang),
            on_click=lambda: cursor.set(freeze.value),
            classes=["tt-lesson-jump"],
        )
        with solara.Div(classes=["tt-lesson-freeze"], style={"min-width": "260px"}):
            solara.SliderInt(
                tr("lesson_freeze", lang),
                value=freeze,
                min=first,
                max=last,
                on_value=lambda y: cursor.set(min(cursor.value, y)),
            )
        solara.Text(f"{tr('year', lang)} {cursor.value}", classes=["tt-lesson-year"])
    RunChart(lesson, result, lang, cursor.value, large)


@solara.component
def Tries(lesson: Lesson, lang: str, large: bool) -> None:
    """Things to try: each reruns the lesson with a lever change and shows its answer."""
    chosen = solara.use_reactive(None)
    # one root element: several would be wrapped in a Column, a white sheet that hides
    # the teacher mode's white text
    with solara.Div(classes=["tt-tries"]):
        for t in lesson.spec.tries:
            with solara.Row(style={"align-items": "center"}, classes=["tt-try-row"]):
                solara.Button(
                    tr("lesson_try_button", lang),
                    on_click=lambda tid=t.id: chosen.set(tid),
                    outlined=chosen.value != t.id,
                    color="primary" if chosen.value == t.id else None,
                    classes=[f"tt-try-{t.id}"],
                )
                Md(lesson.text(f"try.{t.id}", lang))
        if chosen.value is not None:
            TryResult(lesson, chosen.value, lang, large)


@solara.component
def TryResult(lesson: Lesson, try_id: str, lang: str, large: bool) -> None:
    """The run with one thing tried: its answer, numbers and view."""
    result, _failed = use_result(lesson, try_id)
    if result is None:
        solara.Text(tr("lesson_running", lang), classes=["tt-lesson-running"])
        return
    with solara.Div(classes=["tt-try-result"]):
        solara.Text(tr("lesson_try_result", lang), style={"display": "block"})
        Answer(lesson, result, lang, None)
        last = int(result.run.world["year"].max())
        RunChart(lesson, result, lang, last, large)


@solara.component
def Presenter(
    lesson: Lesson,
    lang: str,
    teacher: bool,
    set_teacher: Callable[[bool], None],
    toggle_lang: Callable[[], None],
    on_exit: Callable[[], None],
) -> None:
    """The step-by-step presenter (for a teacher, or a student alone)."""
    step = solara.use_reactive(0)
    mine = solara.use_reactive(None)
    room_code = solara.use_reactive("")
    room = CLASSROOM.get(room_code.value) if room_code.value else None
    use_room_version(room)
    result, failed = use_result(lesson)
    name = STEPS[step.value]
    large = teacher

    def go(delta: int) -> None:
        step.set(min(max(step.value + delta, 0), len(STEPS) - 1))
        if STEPS[step.value] == "reveal" and room is not None:
            CLASSROOM.reveal(room.code)

    def start_class() -> None:
        room_code.set(CLASSROOM.open(lesson.id, lesson.choice_ids).code)

    classes = ["tt-lesson", "tt-presenter"] + (["tt-teacher"] if teacher else [])
    with solara.Div(classes=classes):
        solara.Style(TEACHER_CSS)
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            ExitButton(lang, on_exit)
            LangButton(lang, toggle_lang)
            with solara.Div(classes=["tt-teacher-toggle"]):
                solara.Checkbox(
                    label=tr("lesson_teacher_mode", lang), value=teacher, on_value=set_teacher
                )
            solara.Text(
                f"{tr('lesson_number', lang, n=lesson.number)} · "
                f"{tr(f'lesson_step_{name}', lang)} ({step.value + 1}/{len(STEPS)})",
                classes=["tt-lesson-step"],
            )
        solara.HTML(tag="h1", unsafe_innerHTML=lesson.title(lang), classes=["tt-lesson-title"])
        if name == "framing":
            Md(lesson.text("framing", lang))
            if room is None:
                solara.Button(
                    tr("lesson_start_class", lang),
                    icon_name="mdi-account-group",
                    on_click=start_class,
                    classes=["tt-start-class"],
                )
        if room is not None and name in ("framing", "predict"):
            solara.HTML(
                tag="h2",
                unsafe_innerHTML=tr("lesson_class_code", lang, code=room.code),
                classes=["tt-class-code"],
            )
            with solara.Row(style={"align-items": "baseline", "flex-wrap": "wrap"}):
                solara.Text(tr("lesson_join_link", lang))
                JoinLink.element(code=room.code)
        if name == "predict":
            Md(lesson.text("question", lang))
            Choices(lesson, lang, mine.value, mine.set)
            if room is not None:
                Tally(lesson, room, lang)
        elif name == "observe":
            Observe(lesson, result, lang, large)
        elif name == "reveal":
            if result is None:
                solara.Text(tr("lesson_running", lang), classes=["tt-lesson-running"])
            else:
                Answer(lesson, result, lang, mine.value)
                if room is not None:
                    Tally(lesson, room, lang)
                RunChart(lesson, result, lang, int(result.run.world["year"].max()), large)
        elif name == "explain":
            Md(lesson.text("explanation", lang))
            if lesson.spec.view.page:
                solara.Text(
                    tr("lesson_explore", lang, page=tr(f"page_{lesson.spec.view.page}", lang)),
                    style={"display": "block", "font-style": "italic"},
                )
        elif name == "try":
            Tries(lesson, lang, large)
        elif name == "discuss":
            solara.HTML(tag="h3", unsafe_innerHTML=tr("lesson_step_discuss", lang))
            # one list, so that Markdown numbers the questions 1, 2, 3 (a list per
            # question would restart at 1 each time)
            Md(
                "\n".join(
                    f"{k}. " + lesson.text(f"discussion.{k}", lang).replace("\n", " ")
                    for k in range(1, lesson.spec.discussion + 1)
                )
            )
            solara.HTML(tag="h3", unsafe_innerHTML=tr("lesson_leaves_out", lang))
            Md(lesson.text("leaves_out", lang))
            solara.HTML(tag="h3", unsafe_innerHTML=tr("lesson_contested", lang))
            Md(lesson.text("contested", lang))
        with solara.Row(style={"margin-top": "16px"}):
            solara.Button(
                tr("lesson_back", lang),
                icon_name="mdi-chevron-left",
                on_click=lambda: go(-1),
                disabled=step.value == 0,
                classes=["tt-lesson-back"],
            )
            solara.Button(
                tr("lesson_next", lang),
                icon_name="mdi-chevron-right",
                on_click=lambda: go(1),
                disabled=step.value == len(STEPS) - 1,
                color="primary",
                classes=["tt-lesson-next"],
            )
        if failed:
            solara.Error(tr("lesson_failed", lang))


@solara.component
def Student(
    lesson: Lesson,
    room: Room,
    lang: str,
    toggle_lang: Callable[[], None],
    on_exit: Callable[[], None],
) -> None:
    """A student's screen in a class session: predict, submit, wait, see the run."""
    voter = solara.use_memo(lambda: uuid.uuid4().hex, [])
    mine = solara.use_reactive(None)
    sent = solara.use_reactive(False)
    use_room_version(room)
    result, _failed = use_result(lesson)

    def submit() -> None:
        if mine.value is not None and CLASSROOM.vote(room.code, voter, mine.value):
            sent.set(True)

    with solara.Div(classes=["tt-lesson", "tt-student"]):
        with solara.Row(style={"align-items": "center"}):
            ExitButton(lang, on_exit)
            LangButton(lang, toggle_lang)
            solara.Text(f"{tr('lesson_code', lang)}: {room.code}")
        solara.HTML(tag="h1", unsafe_innerHTML=lesson.title(lang), classes=["tt-lesson-title"])
        Md(lesson.text("framing", lang))
        Md(lesson.text("question", lang))
        Choices(lesson, lang, mine.value, None if sent.value else mine.set)
        if not sent.value:
            solara.Button(
                tr("lesson_submit", lang),
                on_click=submit,
                disabled=mine.value is None,
                color="primary",
                classes=["tt-submit"],
            )
        elif not room.revealed:
            solara.Success(tr("lesson_submitted", lang), classes=["tt-submitted"])
        if room.revealed:
            with solara.Div(classes=["tt-student-reveal"]):
                if result is None:
                    solara.Text(tr("lesson_running", lang), classes=["tt-lesson-running"])
                else:
                    Answer(lesson, result, lang, mine.value)
                    RunChart(lesson, result, lang, int(result.run.world["year"].max()), False)
                    Md(lesson.text("explanation", lang))
