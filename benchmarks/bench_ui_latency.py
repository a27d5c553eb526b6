"""Time from pressing Step to the updated page, in real headless Chromium.

Starts ``tradetiers ui SCENARIO`` offline on a free port, presses Step repeatedly and
waits until the year display has changed and every chart of the page has been redrawn by
the browser. Prints the figures for the World and Money pages of the teaching world
(target under 300 ms), the World page of the blockade world and the World and Money
pages of the historical world (thirty economies), twice: as seen in the
page (from the browser's click event to the frame after the last chart was redrawn) and
as Playwright waits for it (which adds its own click checks and round trips, ~50-90 ms
here). Also times the same click without a browser (``solara.render``), i.e. the
server side.

    python benchmarks/bench_ui_latency.py [--steps 20] [--pages world,money]
        [--no-blockade] [--no-historical]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from playwright.sync_api import sync_playwright

from tradetiers.ui.testing import CHROMIUM, CHROMIUM_ARGS, Server

DONE = (
    "const e = document.querySelector('.tt-year');"
    " const charts = [...document.querySelectorAll('.tt-chart .tt-vega')];"
    " return e && parseInt(e.innerText.match(/(\\d+)\\s*$/)[1]) >= n"
    " && charts.length >= MIN && charts.every(c => c.querySelector('svg.marks')"
    "   && c.dataset.ttDrawn !== c.dataset.ttSeen);"
)
#: true once the year shows ``n`` and each of at least MIN charts was redrawn
WAIT = "([n, MIN]) => { " + DONE + " }"
#: records when the browser sees the click on Step (capture phase, before any handler)
CLICKED = (
    "document.addEventListener('click', e => {"
    " if (e.target.closest('.tt-step')) window.ttClicked = performance.now(); }, true);"
)
#: in the page: from that click until the frame after WAIT holds (what a user sees)
SEEN = (
    "async ([n, MIN]) => { const done = () => { " + DONE + " };"
    " await new Promise(r => { const f = () => done() ? r() : requestAnimationFrame(f); f(); });"
    " await new Promise(r => requestAnimationFrame(() => r()));"
    " return performance.now() - window.ttClicked; }"
)
#: note how often each chart has been drawn, so WAIT sees that each one was redrawn after
#: the click (``data-tt-drawn`` counts the chart widget's draws: embeds and data swaps)
TAG = (
    "() => document.querySelectorAll('.tt-chart .tt-vega')"
    ".forEach(c => c.dataset.ttSeen = c.dataset.ttDrawn)"
)


#: page -> (URL path, the least number of charts it draws once a year has run)
PAGES = {"world": ("", 3), "money": ("money", 6)}


def browser_latency(
    steps: int, scenario: str = "teaching", page_name: str = "world"
) -> tuple[list[float], list[float]]:
    """(Playwright: click → charts redrawn, in the page: click event → next frame)."""
    path, least = PAGES[page_name]
    out, seen = [], []
    with Server(scenario) as srv, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        page.add_init_script(CLICKED)
        page.goto(srv.url + path)
        page.wait_for_selector(".tt-step")
        page.click(".tt-step")  # a page without years yet draws no charts
        page.wait_for_function(WAIT, arg=[1, least], polling="raf")
        page.wait_for_timeout(1000)  # let the first draws settle
        for n in range(2, steps + 2):
            page.evaluate(TAG)
            t0 = time.perf_counter()
            page.click(".tt-step")
            page.wait_for_function(WAIT, arg=[n, least], polling="raf")
            out.append(time.perf_counter() - t0)
            seen.append(page.evaluate(SEEN, [n, least]) / 1000)
        b.close()
    return out, seen


def server_latency(steps: int, scenario: str = "teaching", page_name: str = "world") -> list[float]:
    import ipyvuetify as v
    import solara

    from tradetiers.ui.app import SCENARIO_ENV, Layout
    from tradetiers.ui.pages import money, world

    os.environ[SCENARIO_ENV] = scenario
    page = {"world": world.Page, "money": money.Page}[page_name]
    _box, rc = solara.render(Layout(children=[page()]), handle_error=False)
    button = rc.find(v.Btn, class_="tt-step").widget
    button.click()  # the first year draws the charts (not timed)
    out = []
    for _ in range(steps):
        t0 = time.perf_counter()
        button.click()
        out.append(time.perf_counter() - t0)
    rc.close()
    return out


def report(name: str, xs: list[float]) -> None:
    ms = sorted(1000 * x for x in xs)
    p90 = ms[int(0.9 * (len(ms) - 1))]
    print(
        f"{name:<40} median {statistics.median(ms):6.0f} ms   p90 {p90:6.0f} ms   "
        f"min {ms[0]:6.0f} ms   (n={len(ms)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--pages", default="world,money", help="pages of the teaching world")
    parser.add_argument("--no-blockade", action="store_true", help="skip the blockade world")
    parser.add_argument("--no-historical", action="store_true", help="skip the historical world")
    args = parser.parse_args()
    runs = [("teaching", name, ", target < 300 ms") for name in args.pages.split(",")]
    if not args.no_blockade:
        runs.append(("blockade", "world", ""))
    if not args.no_historical:
        runs += [("historical", name, ", thirty economies") for name in args.pages.split(",")]
    for scenario, name, note in runs:
        print(f"{scenario} world, {name.title()} page{note}", flush=True)
        report(
            "server only (solara.render, click→render)", server_latency(args.steps, scenario, name)
        )
        automated, seen = browser_latency(args.steps, scenario, name)
        report("browser, as seen (click → charts drawn)", seen)
        report("browser, Playwright click → wait", automated)


if __name__ == "__main__":
    main()
