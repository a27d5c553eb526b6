"""Years per second and peak memory of whole runs, and the cost of a step vs. its allocation.

Run: ``python benchmarks/bench_model.py [--quick] [--configs core,technology,default]``.
Each world runs in its own process per configuration, so that its peak memory (max
RSS) is its own. Prints figures, asserts nothing.

Worlds: the teaching world (N = 8), a dense synthetic world (N = 200), the historical
world run on to 2050 (the baseline, N = 30, with home services and growth) and a sparse
synthetic world (N = 5,000, k = 10). Configurations: ``core`` (technology and money
off: the world of the core issue), ``technology`` (technology on, money off) and
``default`` (the scenario as shipped). The ratios to ``core`` are printed per world,
from CPU time, which other people's processes on a shared machine disturb less than
wall time.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

WORLDS = {
    "teaching (N=8)": {"scenario": "teaching", "years": 100, "repeats": 9},
    "dense N=200": {
        "scenario": {
            "name": "bench200",
            "synthetic": {"countries": 200, "seed": 1},
            "graph": {"kind": "complete"},
        },
        "years": 100,
        "repeats": 3,
    },
    "historical (N=30), to 2050": {"scenario": "baseline", "years": 51, "repeats": 5},
    "sparse N=5000, k=10": {
        "scenario": {
            "name": "bench5000",
            "synthetic": {"countries": 5000, "seed": 1},
            "graph": {"kind": "sparse", "k": 10},
        },
        "years": 20,
        "repeats": 1,
    },
}

#: scenario switches per configuration (None: as the scenario says)
CONFIGS: dict[str, dict[str, bool]] = {
    "core": {"technology": False, "money": False},
    "technology": {"technology": True, "money": False},
    "default": {},
}


def child(spec: dict, config: dict[str, bool]) -> dict:
    """Run one world in this process and report timings and memory."""
    from tradetiers import Scenario, TradeModel
    from tradetiers.economy import gravity

    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sc = spec["scenario"]
    scenario = Scenario.load(sc) if isinstance(sc, str) else Scenario.from_dict(sc)
    for table, on in config.items():
        getattr(scenario, table).enabled = on
    years = spec["years"]
    runs = []
    for _ in range(spec["repeats"]):  # whole runs, model built each time; median reported
        c0, t0 = time.process_time(), time.perf_counter()
        model = TradeModel(scenario, rng=1)
        t1 = time.perf_counter()
        model.step()  # first year: path distances, kernel, cold Sinkhorn
        t2 = time.perf_counter()
        step_times, sweeps = [], model.last.allocation.iterations
        for _ in range(years - 1):
            ts = time.perf_counter()
            model.step()
            step_times.append(time.perf_counter() - ts)
            sweeps += model.last.allocation.iterations
        t3, c3 = time.perf_counter(), time.process_time()
        median_step = sorted(step_times)[len(step_times) // 2]
        runs.append((t3 - t0, t1 - t0, t2 - t1, median_step, c3 - c0, sweeps))
    runs.sort()
    run_s, build_s, first_s, steady, _, sweeps = runs[len(runs) // 2]
    cpu = sorted(r[4] for r in runs)
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
    return {
        "n": model.state.n,
        "years": years,
        "repeats": spec["repeats"],
        "build_s": build_s,
        "first_year_s": first_s,
        "run_s": run_s,
        "best_run_s": runs[0][0],
        "cpu_s": cpu[len(cpu) // 2],
        "sweeps": sweeps,
        "years_per_s": years / run_s,
        "median_year_ms": 1000 * steady,
        "step_over_allocation": sorted(ratios)[len(ratios) // 2],
        "frames_s": frames,
        "peak_rss_mb": peak / 1024,
        "model_rss_mb": (peak - base_rss) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the 5,000-country world")
    parser.add_argument(
        "--configs", default="core,technology,default", help="comma-separated, of " + str(CONFIGS)
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(WORLDS[args.child], CONFIGS[args.config])))
        return
    configs = args.configs.split(",")
    header = (
        "world",
        "config",
        "years",
        "run s",
        "best s",
        "cpu s",
        "years/s",
        "ms/year",
        "sweeps",
        "first yr s",
        "step/alloc",
        "peak MB",
    )
    widths = (28, 11, 6, 8, 8, 8, 9, 9, 8, 11, 11, 9)
    print(
        "".join(
            h.rjust(w) if i > 1 else h.ljust(w)
            for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
    )
    for name in WORLDS:
        if args.quick and "5000" in name:
            continue
        cpu = {}
        for config in configs:
            out = subprocess.run(
                [sys.executable, __file__, "--child", name, "--config", config],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            cpu[config] = r["cpu_s"]
            cells = (
                f"{r['years']}",
                f"{r['run_s']:.2f}",
                f"{r['best_run_s']:.2f}",
                f"{r['cpu_s']:.2f}",
                f"{r['years_per_s']:.1f}",
                f"{r['median_year_ms']:.1f}",
                f"{r['sweeps']}",
                f"{r['first_year_s']:.2f}",
                f"{r['step_over_allocation']:.2f}",
                f"{r['peak_rss_mb']:.0f}",
            )
            print(
                name.ljust(widths[0])
                + config.ljust(widths[1])
                + "".join(c.rjust(w) for c, w in zip(cells, widths[2:], strict=True))
            )
        if "core" in cpu:
            ratios = ", ".join(f"{c} {cpu[c] / cpu['core']:.2f}" for c in cpu if c != "core")
            print(f"{'':28}{'cpu / core':11}{ratios}")
    print(
        "run s: median whole run, building the world included, over repeated runs (9, 3, 1);\n"
        "best s: the fastest run; cpu s: the median run's process CPU time; ms/year: median\n"
        "year after the first; sweeps: Sinkhorn sweeps of the median run; step/alloc: a whole\n"
        "year over its bare Sinkhorn allocation on the same arrays and warm start;\n"
        "peak MB: the process's max RSS."
    )


if __name__ == "__main__":
    main()
