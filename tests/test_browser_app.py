"""Browser tests: ``tradetiers ui`` served offline, driven in real headless Chromium.

Debian's ``/usr/bin/chromium`` through the Python ``playwright`` package (``.ci/run``
installs it with apt). Screenshots go to ``tests/artifacts/`` (ignored by git).
"""

import re
import shutil
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")

from tradetiers.ui.testing import CHROMIUM, CHROMIUM_ARGS, Server  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() or shutil.which("npm") is None,
    reason="needs /usr/bin/chromium (apt-get install -y chromium) and npm for the asset cache",
)
TIMEOUT = 30_000


@pytest.fixture(scope="module")
def server():
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "server.log"
    with Server(log=log) as srv:
        yield srv
    text = log.read_text()
    assert "Could not load URL" not in text, "the app tried to download at run time"


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_app(browser, server):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(server.url)
    page.wait_for_selector(".tt-play")
    page.wait_for_selector(".tt-chart svg.marks")
    return ctx, page


def years(page) -> int:
    text = page.inner_text(".tt-year")
    return int(re.search(r"(\d+)\s*$", text).group(1))


def wait_years(page, n: int) -> None:
    page.wait_for_function(
        "n => { const e = document.querySelector('.tt-year');"
        " return e && parseInt(e.innerText.match(/(\\d+)\\s*$/)[1]) >= n; }",
        arg=n,
    )


def step(page) -> None:
    before = years(page)
    page.click(".tt-step")
    wait_years(page, before + 1)


def test_play_advances_the_year_and_a_lever_is_marked(browser, server):
    ctx, page = open_app(browser, server)
    assert years(page) == 0
    page.click(".tt-play")
    wait_years(page, 3)
    page.click(".tt-play")  # pause
    page.wait_for_selector(".tt-step:not([disabled])")
    step(page)
    n = years(page)
    page.click(".tt-cut")
    page.wait_for_selector("text=cut HEG–MAN")
    step(page)
    step(page)
    assert years(page) == n + 2
    page.locator(".tt-export-control input").click(force=True)  # technology: export control
    page.wait_for_selector("text=control ×4")
    step(page)
    # the mark is drawn on the time series (a dashed rule with its text)
    page.wait_for_selector(".tt-chart svg text:has-text('control ×4')")
    # hovering a country node shows its card
    page.hover(".tt-chart svg .mark-symbol path >> nth=0", force=True)
    page.wait_for_selector(".tt-country-card")
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "world.png"), full_page=False)
    ctx.close()


def test_money_lever_is_marked_and_the_money_page_draws(browser, server):
    ctx, page = open_app(browser, server)
    step(page)
    page.locator(".tt-rate-path input").click(force=True)  # policy-rate path: 8% × 5 years
    page.wait_for_selector("text=policy rate 8% × 5y")
    page.click(".tt-reserve-run")
    page.wait_for_selector("text=reserve run × 5y")
    step(page)
    step(page)
    page.click(".tt-nav-money")
    page.wait_for_selector("text=The hegemon's debt and deficit (% of GDP)")
    page.wait_for_selector(".tt-credibility-gauge")
    assert page.locator(".tt-chart .tt-vega svg.marks").count() >= 6
    # the lever change (dashed) and the model's run (dotted) are marked on the charts
    page.wait_for_selector(".tt-chart svg text:has-text('policy rate 8%')")
    page.wait_for_selector(".tt-chart svg text:has-text('reserve run')")
    assert "model output · scenario teaching · seed 42" in page.inner_text("body")
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "money.png"), full_page=True)
    ctx.close()


def test_language_switch(browser, server):
    ctx, page = open_app(browser, server)
    page.click(".tt-lang")
    page.wait_for_selector("text=单步")
    assert "已模拟年数" in page.inner_text(".tt-year")
    # drawn with the Noto Sans SC the app serves (no system CJK font needed), charts too
    page.wait_for_function("() => document.fonts.check('16px \"TT Noto Sans SC\"', '单步')")
    assert "TT Noto Sans SC" in page.evaluate(
        "getComputedStyle(document.querySelector('.tt-year')).fontFamily"
    )
    step(page)
    page.wait_for_selector(".tt-chart svg text:has-text('年份')")
    svg_font = page.evaluate(
        "document.querySelector('.tt-chart svg .mark-text text, .tt-chart svg .role-axis-title"
        " text').getAttribute('font-family')"
    )
    assert "TT Noto Sans SC" in svg_font, svg_font
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "world-zh.png"))
    page.click(".tt-lang")
    page.wait_for_selector("text=Step")
    ctx.close()


PAGES = {
    "ladder": "Capability relative to the frontier",
    "money": "The hegemon's manufacturing and finance shares",
    "bubbles": "Countries over time",
    "compare": "Two settings side by side, same seed",
    "world": "Trade network",
}


def test_every_page_opens(browser, server):
    ctx, page = open_app(browser, server)
    for _ in range(5):
        step(page)
    for name, text in PAGES.items():
        page.click(f".tt-nav-{name}")
        page.wait_for_selector(f"text={text}")
        if name != "compare":
            page.wait_for_selector(".tt-provenance")
        if name == "compare":
            page.click(".tt-compare-run")
            page.wait_for_selector(".tt-chart svg.marks")
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / f"page-{name}.png"))
    assert years(page) == 5  # the world survived the navigation
    ctx.close()


def test_csv_download(browser, server):
    ctx, page = open_app(browser, server)
    step(page)
    step(page)
    with page.expect_download() as info:
        page.click("text=Download CSV (countries)")
    path = info.value.path()
    lines = Path(path).read_text().splitlines()
    assert lines[0].startswith("source,scenario,seed,year,country")
    assert lines[1].startswith("model output,teaching,42,2000,")
    assert len(lines) == 1 + 2 * 8
    ctx.close()


def test_two_browser_contexts_have_independent_models(browser, server):
    ctx1, p1 = open_app(browser, server)
    ctx2, p2 = open_app(browser, server)
    for _ in range(3):
        step(p1)
    p2.wait_for_timeout(500)
    assert years(p2) == 0
    step(p2)
    assert years(p1) == 3 and years(p2) == 1
    ctx1.close()
    ctx2.close()
