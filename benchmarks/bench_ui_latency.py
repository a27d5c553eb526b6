"""Time from pressing Step to the updated page, in real headless Chromium.

Starts ``tradetiers ui SCENARIO`` offline on a free port, presses Step repeatedly and
waits until the year display has changed and every chart of the World page has been
redrawn by the browser. Prints the figures for the teaching world (target under 300 ms)
and the blockade world. Also times the same click without a browser (``solara.render``),
i.e. the server side.

    python benchmarks/bench_ui_latency.py [--steps 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from playwright.sync_api import sync_playwright

from tradetiers.ui.testing import CHROMIUM, CHROMIUM_ARGS, Server

WAIT = (
    "n => { const e = document.querySelector('.tt-year');"
    " const charts = [...document.querySelectorAll('.tt-chart .tt-vega')];"
    " return e && parseInt(e.innerText.match(/(\\d+)\\s*$/)[1]) >= n"
    " && charts.length >= 3 && charts.every(c => c.querySelector('svg.marks')"
    "   && c.dataset.ttDrawn !== c.dataset.ttSeen); }"
)
#: note how often each chart has been drawn, so WAIT sees that each one was redrawn after
#: the click (``data-tt-drawn`` counts the chart widget's draws: embeds and data swaps)
TAG = (
    "() => document.querySelectorAll('.tt-chart .tt-vega')"
    ".forEach(c => c.dataset.ttSeen = c.dataset.ttDrawn)"
)


def browser_latency(steps: int, scenario: str = "teaching") -> list[float]:
    out = []
    with Server(scenario) as srv, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        page.goto(srv.url)
        page.wait_for_selector(".tt-chart svg.marks")
        page.wait_for_timeout(1000)  # let the first draws settle
        for n in range(1, steps + 1):
            page.evaluate(TAG)
            t0 = time.perf_counter()
            page.click(".tt-step")
            page.wait_for_function(WAIT, arg=n, polling="raf")
            out.append(time.perf_counter() - t0)
        b.close()
    return out


def server_latency(steps: int, scenario: str = "teaching") -> list[float]:
    import ipyvuetify as v
    import solara

    from tradetiers.ui.app import SCENARIO_ENV, Layout
    from tradetiers.ui.pages import world

    os.environ[SCENARIO_ENV] = scenario
    _box, rc = solara.render(Layout(children=[world.Page()]), handle_error=False)
    button = rc.find(v.Btn, class_="tt-step").widget
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
    args = parser.parse_args()
    for scenario, note in (("teaching", ", target < 300 ms"), ("blockade", "")):
        print(f"{scenario} world, World page{note}")
        report("server only (solara.render, click→render)", server_latency(args.steps, scenario))
        report("browser (click Step → charts redrawn)", browser_latency(args.steps, scenario))


if __name__ == "__main__":
    main()
