"""Years per second and peak memory of whole runs, and the cost of a step vs. its allocation.

Run: ``python benchmarks/bench_model.py [--quick]``. Each world runs in its own
process so that its peak memory (max RSS) is its own. Prints figures, asserts nothing.

Worlds: the teaching world (N = 8), a dense synthetic world (N = 200) and a sparse
synthetic world (N = 5,000, k = 10).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

WORLDS = {
    "teaching (N=8)": {"scenario": "teaching", "years": 100},
    "dense N=200": {
        "scenario": {
            "name": "bench200",
            "synthetic": {"countries": 200, "seed": 1},
            "graph": {"kind": "complete"},
        },
        "years": 100,
    },
    "sparse N=5000, k=10": {
        "scenario": {
            "name": "bench5000",
            "synthetic": {"countries": 5000, "seed": 1},
            "graph": {"kind": "sparse", "k": 10},
        },
        "years": 20,
    },
}


def child(spec: dict) -> dict:
    """Run one world in this process and report timings and memory."""
    from tradetiers import Scenario, TradeModel
    from tradetiers.economy import gravity

    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sc = spec["scenario"]
    scenario = Scenario.load(sc) if isinstance(sc, str) else Scenario.from_dict(sc)
    t0 = time.perf_counter()
    model = TradeModel(scenario, rng=1)
    t1 = time.perf_counter()
    model.step()  # first year: path distances, kernel, cold Sinkhorn
    t2 = time.perf_counter()
    years = spec["years"]
    step_times = []
    for _ in range(years - 1):
        ts = time.perf_counter()
        model.step()
        step_times.append(time.perf_counter() - ts)
    t3 = time.perf_counter()
    ratios = []
    for _ in range(min(10, years)):  # extra years, timed apart from the run above
        previous = model.last.allocation
        ts = time.perf_counter()
        model.step()
        full = time.perf_counter() - ts
        # the same year's allocation alone, on the same arrays and warm start
        p = model.scenario.parameters
        ta = time.perf_counter()
        gravity.allocate(
            model._kernel,
            model.last.market.revenue.T,
            model.last.market.purchases.T,
            p.sinkhorn_tolerance,
            p.sinkhorn_max_iter,
            p.unmet_weight,
            warm=previous,
            known_stalled=set(model.last.allocation.stalled),
        )
        ratios.append(full / (time.perf_counter() - ta))
    frames = time.perf_counter()
    model.world_frame()
    model.country_frame()
    frames = time.perf_counter() - frames
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    steady = sorted(step_times)[len(step_times) // 2]
    return {
        "n": model.state.n,
        "years": years,
        "build_s": t1 - t0,
        "first_year_s": t2 - t1,
        "run_s": t3 - t0,
        "years_per_s": years / (t3 - t0),
        "median_year_ms": 1000 * steady,
        "step_over_allocation": sorted(ratios)[len(ratios) // 2],
        "frames_s": frames,
        "peak_rss_mb": peak / 1024,
        "model_rss_mb": (peak - base_rss) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the 5,000-country world")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(WORLDS[args.child])))
        return
    print(
        f"{'world':<22}{'years':>6}{'run s':>8}{'years/s':>9}{'ms/year':>9}"
        f"{'first yr s':>11}{'step/alloc':>11}{'peak MB':>9}"
    )
    for name in WORLDS:
        if args.quick and "5000" in name:
            continue
        out = subprocess.run(
            [sys.executable, __file__, "--child", name], capture_output=True, text=True, check=True
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{name:<22}{r['years']:>6}{r['run_s']:>8.2f}{r['years_per_s']:>9.1f}"
            f"{r['median_year_ms']:>9.1f}{r['first_year_s']:>11.2f}"
            f"{r['step_over_allocation']:>11.2f}{r['peak_rss_mb']:>9.0f}"
        )
    print(
        "run s includes building the world; step/alloc is a whole year over its bare "
        "Sinkhorn allocation on the same arrays (median over years)."
    )


if __name__ == "__main__":
    main()
