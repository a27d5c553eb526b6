"""Sweep throughput: runs per second with 1 and 2 local workers, and the store's cost.

200 runs of the teaching world over 50 years (an LHS over distance_decay), with the
outcomes and a tidy series of every country's GDP and manufacturing share, are run:

- bare: the same 200 models, one after another in this process, with no outcomes and
  no store (the floor any runner is measured against);
- as a sweep with 1 worker process and with 2 worker processes (wall time from the
  call to the last part written, worker start-up included).

Parallel efficiency is (runs/s with 2 workers) / (2 x runs/s with 1 worker). The store's
overhead is the time workers spend building and writing Parquet parts over the time
they spend running models and computing outcomes (measured inside the workers).

    python benchmarks/bench_sweep.py            # 200 runs x 50 years
    python benchmarks/bench_sweep.py --runs 40  # quicker
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from tradetiers.experiments.runner import run_sweep
from tradetiers.experiments.sampling import build_design, plan
from tradetiers.experiments.spec import from_dict
from tradetiers.model import TradeModel


def spec(runs: int, years: int) -> dict:
    return {
        "name": "bench",
        "scenario": "teaching",
        "years": years,
        "seed": 1,
        "uncertainties": [{"path": "parameters.distance_decay", "low": 0.2, "high": 1.5}],
        "sampling": {"method": "lhs", "samples": runs},
        "outcomes": [
            {"name": "trade", "column": "world_trade"},
            {"name": "heg_manu", "column": "hegemon_manufacturing_share", "stat": "min"},
            {
                "name": "catch_up",
                "column": "gdp_per_capita",
                "country": "MAN",
                "relative_to": "HEG",
                "stat": "first_year_above",
                "threshold": 0.3,
            },
        ],
        "series": [
            {"columns": ["world_gdp", "world_trade"]},
            {"columns": ["gdp", "manufacturing_share"], "countries": "all"},
        ],
    }


def bare(exp) -> float:
    """Seconds to run every planned model in this process, no outcomes, no store."""
    from tradetiers.config import Scenario
    from tradetiers.experiments import paths

    rows = plan(exp, build_design(exp)).to_dict(orient="records")
    start = time.perf_counter()
    for row in rows:
        data = paths.apply(exp.base, {"parameters.distance_decay": row["distance_decay"]})
        TradeModel(scenario=Scenario.from_dict(data), rng=row["seed"]).run(exp.years)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--years", type=int, default=50)
    args = parser.parse_args()
    exp = from_dict(spec(args.runs, args.years), source="<bench>")
    print(f"{args.runs} runs of the teaching world x {args.years} years")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, load average {load}\n")
    t_bare = bare(exp)
    print(f"bare models, this process:  {t_bare:7.1f} s  {args.runs / t_bare:6.2f} runs/s")
    rates = {}
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            res = run_sweep(exp, Path(tmp) / f"w{workers}", workers=workers)
            assert res.done == args.runs and res.failed == 0
            rates[workers] = args.runs / res.seconds
            overhead = 100 * res.store_seconds / res.run_seconds
            # CPU a worker got over its busy wall time: below 100% when the machine is shared
            busy = 100 * res.cpu_seconds / (res.run_seconds + res.store_seconds)
            print(
                f"sweep, {workers} worker{'s' if workers > 1 else ' '}:        "
                f"{res.seconds:7.1f} s  {rates[workers]:6.2f} runs/s   "
                f"store {overhead:4.1f}% of run time   workers got {busy:3.0f}% of a core"
            )
            size = sum(p.stat().st_size for p in (Path(tmp) / f"w{workers}").rglob("*.parquet"))
    speedup = rates[2] / rates[1]
    print(f"\nspeed-up with 2 workers: {speedup:.2f}x (target >= 1.6x)")
    print(f"parallel efficiency:     {100 * speedup / 2:.0f}%")
    print(f"1-worker sweep vs bare:  {100 * (rates[1] ** -1 * args.runs / t_bare - 1):+.0f}% time")
    print(f"store on disk:           {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
