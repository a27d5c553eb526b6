"""Browser tests of the Lessons section: a teacher presents lesson 4 to a class.

``tradetiers ui`` served offline and driven in headless Chromium (Debian's
``/usr/bin/chromium`` through the Python ``playwright`` package). Screenshots of every
step go to ``tests/artifacts/lessons/``.
"""

import re
import shutil
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")

from tradetiers.ui.testing import CHROMIUM, CHROMIUM_ARGS, Server  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "lessons"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() or shutil.which("npm") is None,
    reason="needs /usr/bin/chromium (apt-get install -y chromium) and npm for the asset cache",
)
TIMEOUT = 60_000
#: Latin words allowed on a Chinese screen: codes, units and names that are not words
ALLOWED_LATIN = {
    "English",
    "tradetiers",
    "GDP",
    "AI",
    "PNG",
    "CSV",
    "ChatGPT",
    "DeepSeek",
    "A100",
    "Nvidia",
}


@pytest.fixture(scope="module")
def server():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / "server.log"
    with Server(log=log) as srv:
        yield srv
    assert "Could not load URL" not in log.read_text(), "the app tried to download at run time"


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_lessons(browser, server, width=1400, height=1000):
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(server.url + "lessons")
    page.wait_for_selector(".tt-lesson-open-4")
    return ctx, page


def shot(page, name):
    page.wait_for_timeout(400)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def next_step(page, label):
    page.click(".tt-lesson-next")
    page.wait_for_selector(f".tt-lesson-step:has-text('{label}')")


def visible_strings(page, root):
    """Every visible text string under ``root``, HTML and SVG, one entry per text node."""
    return page.evaluate(
        """root => {
            const el = document.querySelector(root); const out = [];
            const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            while (walk.nextNode()) {
                const n = walk.currentNode, t = n.textContent.trim();
                const p = n.parentElement;
                if (!t || !p || p.closest('style,script,.v-tooltip')) continue;
                const r = p.getBoundingClientRect();
                if (r.width === 0 && r.height === 0) continue;
                out.push(t);
            }
            return out;
        }""",
        root,
    )


def english_words(strings):
    words = set()
    for s in strings:
        s = re.sub(r"\b\w+_\w+\b", "", s)  # identifiers (the scenario's name)
        for w in re.findall(r"[A-Za-z][A-Za-z'’]{2,}", s):
            if w not in ALLOWED_LATIN:
                words.add(w)
    return words


def test_teacher_presents_lesson_4_to_a_class(browser, server):
    teacher_ctx, teacher = open_lessons(browser, server)
    shot(teacher, "00-list")
    teacher.click(".tt-lesson-open-4")
    teacher.wait_for_selector(".tt-lesson-title:has-text('Blockades leak')")
    teacher.locator(".tt-teacher-toggle input").click(force=True)
    teacher.wait_for_selector(".tt-teacher")
    teacher.click(".tt-start-class")
    code_text = teacher.inner_text(".tt-class-code")
    code = re.search(r"code ([A-Z0-9]{5})", code_text).group(1)
    # the screen also shows the link that joins the session (plain text, no QR code)
    link = teacher.inner_text(".tt-join-link")
    assert link == f"{server.url}lessons?code={code}", link
    shot(teacher, "01-framing-teacher")

    # two students join, one by the link, one by typing the code, and predict
    students = []
    for k, choice in enumerate(["delay", "holds"]):
        ctx = browser.new_context(viewport={"width": 1000, "height": 900})
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT)
        if k == 0:
            page.goto(link)
        else:
            page.goto(server.url + "lessons")
            page.wait_for_selector(".tt-lesson-list")
            page.fill(".tt-join-code input", code)
            page.click(".tt-join")
        page.wait_for_selector(".tt-student")
        page.click(f".tt-choice-{choice}")
        page.click(".tt-submit")
        page.wait_for_selector(".tt-submitted")
        shot(page, f"02-student-{k + 1}-submitted")
        students.append((ctx, page))

    # the teacher's tally shows both predictions before the run is revealed
    next_step(teacher, "Predict")
    teacher.wait_for_selector(".tt-tally-count:has-text('Class predictions: 2')")
    assert "1" in teacher.inner_text(".tt-tally-delay")
    assert "1" in teacher.inner_text(".tt-tally-holds")
    shot(teacher, "03-predict-tally")

    # observe: the run grows year by year; freeze it at a chosen year
    next_step(teacher, "Observe")
    teacher.wait_for_selector(".tt-lesson-play")
    teacher.wait_for_selector(".tt-lesson-chart svg.marks")
    teacher.click(".tt-lesson-play")
    teacher.wait_for_function(
        "() => { const e = document.querySelector('.tt-lesson-year');"
        " return e && parseInt(e.innerText.match(/(\\d+)/)[1]) >= 1800; }"
    )
    teacher.click(".tt-lesson-play")  # pause: frozen
    # once the button says Play again, every year drawn before the pause has arrived
    teacher.wait_for_selector(".tt-lesson-play:has-text('Play')")
    frozen = teacher.inner_text(".tt-lesson-year")
    teacher.wait_for_timeout(600)
    assert teacher.inner_text(".tt-lesson-year") == frozen
    shot(teacher, "04-observe-frozen")
    teacher.click(".tt-lesson-jump")
    teacher.wait_for_selector(".tt-lesson-year:has-text('1900')")  # Britain 1770-1900

    # reveal: the run's answer against the class's predictions, with the run drawn
    next_step(teacher, "What happened")
    teacher.wait_for_selector(".tt-run-answer")
    answer = teacher.inner_text(".tt-run-answer")
    assert "years later" in answer  # the run's own answer (choice "delay")
    assert re.search(r"delayed it by \d+ years", teacher.inner_text(".tt-answer"))
    teacher.wait_for_selector(".tt-lesson-chart svg.marks")
    assert teacher.locator(".tt-lesson-chart svg .mark-line path").count() >= 4
    teacher.wait_for_selector(".tt-tally-count:has-text('Class predictions: 2')")
    shot(teacher, "05-reveal")

    # students see the run once the teacher reveals it
    for k, (_ctx, page) in enumerate(students):
        page.wait_for_selector(".tt-student-reveal .tt-run-answer")
        page.wait_for_selector(".tt-student-reveal .tt-lesson-chart svg.marks")
        shot(page, f"06-student-{k + 1}-reveal")

    # the language switch changes every visible string (reveal step, teacher's screen)
    before = visible_strings(teacher, ".tt-teacher")
    assert english_words(before)
    teacher.click(".tt-lesson-lang")
    teacher.wait_for_selector(".tt-lesson-step:has-text('结果揭晓')")
    teacher.wait_for_selector(".tt-lesson-chart svg text:has-text('年份')")
    after = visible_strings(teacher, ".tt-teacher")
    assert not english_words(after), english_words(after)
    shot(teacher, "07-reveal-zh")
    teacher.click(".tt-lesson-lang")
    teacher.wait_for_selector(".tt-lesson-step:has-text('What happened')")

    next_step(teacher, "Explain")
    teacher.wait_for_selector("text=Three channels carry technology")
    shot(teacher, "08-explain")
    next_step(teacher, "Things to try")
    teacher.click(".tt-try-embargo")  # the chip-style blockade
    teacher.wait_for_selector(".tt-try-result .tt-run-answer")
    teacher.wait_for_selector(".tt-try-result .tt-lesson-chart svg.marks")
    shot(teacher, "09-try-embargo")
    next_step(teacher, "Discuss")
    teacher.wait_for_selector("text=What the model leaves out")
    teacher.wait_for_selector("text=What is contested")
    shot(teacher, "10-discuss")
    # and back again
    teacher.click(".tt-lesson-back")
    teacher.wait_for_selector(".tt-lesson-step:has-text('Things to try')")
    for ctx, _page in students:
        ctx.close()
    teacher_ctx.close()


def test_a_wrong_code_is_refused(browser, server):
    ctx, page = open_lessons(browser, server)
    page.fill(".tt-join-code input", "ZZZZZ")
    page.click(".tt-join")
    page.wait_for_selector(".tt-bad-code")
    page.goto(server.url + "lessons?code=ZZZZZ")  # a link with a wrong code too
    page.wait_for_selector(".tt-bad-code")
    assert page.locator(".tt-student").count() == 0
    ctx.close()


def test_chinese_is_drawn_with_the_served_font(browser, server):
    """No system CJK font: the page uses the packaged Noto Sans SC the app serves."""
    ctx, page = open_lessons(browser, server)
    page.click(".tt-lesson-lang")
    page.wait_for_selector(".tt-lesson-list h2:has-text('课堂')")
    page.wait_for_function("() => document.fonts.check('16px \"TT Noto Sans SC\"', '课堂')")
    page.evaluate("document.fonts.ready")
    family = page.evaluate(
        "getComputedStyle(document.querySelector('.tt-lesson-list h2')).fontFamily"
    )
    assert "TT Noto Sans SC" in family
    shot(page, "11-list-zh")
    ctx.close()
