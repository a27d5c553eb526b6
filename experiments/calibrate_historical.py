"""Calibrate the historical world's free parameters against its targets.

Usage::

    python experiments/calibrate_historical.py                 # fit, write, rebuild
    python experiments/calibrate_historical.py --evaluate      # the loss of the current values
    python experiments/calibrate_historical.py --seeds 8 --iterations 300 --workers 2

It fits *parameters*, never paths: how fast home services grow with income, trend
growth, how fast countries imitate and how much their development limits it, the
finance premium, the reserves the world wants, the issuer's fiscal response and the
term premium (the real rate on government debt over the real policy rate). The
loss is, over common seeds:

- the required targets of the scenario's ``[validation]`` table (the US manufacturing
  share and federal debt, the seed essay's figures and the official ones): each
  target's error over its tolerance, squared (a bound counts only when it is broken);
- catch-up, more lightly: each of the 26 gapminder economies' growth of GDP per head
  from 2002 to 2007 (``gapminder_extract_2002_2007.csv``), the log error over 5%,
  squared and averaged.

The search is scipy's Nelder-Mead on the parameters mapped to their bounds, from the
values in ``experiments/historical/calibrated.toml``, which the result then replaces
(with a comment saying how it was obtained) before ``build_historical.py`` refits the
starting state to the new values.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import multiprocessing
import sys
import tomllib
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_historical

from tradetiers import Scenario
from tradetiers.config import _merge
from tradetiers.validation import nominal as nominal_data
from tradetiers.validation.check import evaluate, simulated_series
from tradetiers.validation.runs import RunRequest, run_one, stack


@dataclass(frozen=True)
class Free:
    """A free parameter: its table and name in the scenario, and its bounds."""

    table: str
    name: str
    low: float
    high: float


FREE = [
    Free("parameters", "services_income_elasticity", 0.0, 1.5),
    Free("parameters", "productivity_growth", 0.0, 0.03),
    Free("technology", "imitation_rate", 0.02, 0.3),
    Free("technology", "social_capability", 0.0, 1.5),
    Free("money", "finance_spread", 0.0, 0.08),
    Free("money", "reserve_months", 1.0, 12.0),
    Free("money", "hegemon_fiscal_response", 0.0, 0.1),
    Free("money", "term_premium", 0.0, 0.03),
]
#: weight of the catch-up term against the US targets
GROWTH_WEIGHT = 4.0
#: tolerance of a country's 2002-2007 growth, as a log ratio
GROWTH_TOLERANCE = 0.05


def current_values() -> np.ndarray:
    """The free parameters' values in calibrated.toml."""
    cal = tomllib.loads(build_historical.CALIBRATED.read_text(encoding="utf-8"))
    return np.array([cal[f.table][f.name] for f in FREE], dtype=float)


def to_unbounded(x: np.ndarray) -> np.ndarray:
    """Map values within their bounds to the real line (a logit), for the search."""
    low, high = (np.array([getattr(f, a) for f in FREE]) for a in ("low", "high"))
    p = np.clip((x - low) / (high - low), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def to_bounded(z: np.ndarray) -> np.ndarray:
    """The inverse of :func:`to_unbounded`."""
    low, high = (np.array([getattr(f, a) for f in FREE]) for a in ("low", "high"))
    return low + (high - low) / (1 + np.exp(-z))


class Objective:
    """The loss of a parameter vector over fixed seeds (common random numbers)."""

    def __init__(self, seeds: list[int], pool: Executor | None) -> None:
        self.base = tomllib.loads(build_historical.OUT.read_text(encoding="utf-8"))
        self.scenario = Scenario.from_dict(self.base, source=str(build_historical.OUT))
        settings = self.scenario.validation
        assert settings is not None
        self.targets = [t for t in settings.targets if t.required]
        self.nominal = nominal_data.load(settings, str(build_historical.OUT))
        self.seeds, self.pool = seeds, pool
        gap = pd.read_csv(build_historical.DATA / "gapminder_extract_2002_2007.csv")
        self.growth = pd.Series(
            (gap["gdppc_2007"] / gap["gdppc_2002"]).to_numpy(), index=gap["iso"]
        ).dropna()
        self.evaluations = 0

    def scenario_with(self, x: np.ndarray) -> Scenario:
        """The scenario with the free parameters set to ``x``."""
        over: dict[str, dict[str, float]] = {}
        for f, v in zip(FREE, x, strict=True):
            over.setdefault(f.table, {})[f.name] = float(v)
        return Scenario.from_dict(_merge(self.base, over), source="<calibration>")

    def parts(self, x: np.ndarray) -> tuple[pd.DataFrame, pd.Series]:
        """The required targets' table and each country's simulated 2002-2007 growth."""
        sc = self.scenario_with(x)
        data = sc.model_dump(mode="python")
        data["validation"] = None
        years = max(t.year for t in self.targets) - sc.start_year + 1
        requests = [
            RunRequest(data, s, years, ("world_gdp",), ("gdp", "gdp_per_capita", *COLUMNS), None)
            for s in self.seeds
        ]
        runs = self.pool.map(run_one, requests) if self.pool else map(run_one, requests)
        world, countries = stack(list(runs))
        table = evaluate(
            self.targets,
            simulated_series(self.targets, world, countries, self.nominal),
            (0.05, 0.95),
        )
        pc = countries.pivot_table(index="country", columns="year", values="gdp_per_capita")
        growth = (pc[2007] / pc[2002]).reindex(self.growth.index)
        return table, growth

    def __call__(self, z: np.ndarray) -> float:
        """The loss at the unbounded point ``z``."""
        x = to_bounded(z)
        table, growth = self.parts(x)
        loss = target_loss(table) + growth_loss(growth, self.growth)
        self.evaluations += 1
        if self.evaluations % 10 == 0:
            shown = ", ".join(f"{f.name}={v:.4g}" for f, v in zip(FREE, x, strict=True))
            print(f"  {self.evaluations:4d}  loss {loss:8.3f}  {shown}", flush=True)
        return loss


#: the columns the required targets read (besides GDP)
COLUMNS = ("manufacturing_share", "debt")


def target_loss(table: pd.DataFrame) -> float:
    """Each required target's error over its allowed error, squared and summed."""
    total = 0.0
    for row in table.itertuples():
        allowed = row.tolerance if pd.notna(row.tolerance) else None
        if allowed is None and pd.notna(row.tolerance_relative):
            allowed = row.tolerance_relative * abs(row.value)
        scale = allowed if allowed else abs(row.value) * 0.1
        gap = row.mean - row.value
        if row.bound == "below":
            gap = max(gap, 0.0)
        elif row.bound == "above":
            gap = min(gap, 0.0)
        total += (gap / scale) ** 2 if math.isfinite(gap) else 1e6
    return total


def growth_loss(simulated: pd.Series, data: pd.Series) -> float:
    """Catch-up: the mean squared log error of 2002-2007 growth, over its tolerance."""
    err = np.log(simulated.to_numpy() / data.to_numpy()) / GROWTH_TOLERANCE
    err = err[np.isfinite(err)]
    return GROWTH_WEIGHT * float(np.mean(err**2)) if err.size else 1e6


def write_calibrated(x: np.ndarray, loss: float, seeds: int, evaluations: int) -> None:
    """Replace calibrated.toml with the fitted values and how they were found."""
    lines = [
        "# Parameters of the historical world fitted by experiments/calibrate_historical.py",
        f"# on {dt.date.today().isoformat()}: scipy Nelder-Mead over {evaluations} evaluations,",
        f"# each the mean of {seeds} common seeds; loss {loss:.3f} (required targets of",
        "# [validation]: error over tolerance squared; plus the 2002-2007 growth of GDP per",
        "# head of the 26 gapminder economies). Paths are not fitted: these are parameters.",
    ]
    tables: dict[str, list[str]] = {}
    for f, v in zip(FREE, x, strict=True):
        tables.setdefault(f.table, []).append(f"{f.name} = {float(v):.6g}")
    for table, rows in tables.items():
        lines += ["", f"[{table}]", *rows]
    build_historical.write_atomic(build_historical.CALIBRATED, "\n".join(lines) + "\n")


def report(objective: Objective, x: np.ndarray) -> float:
    """Print the targets and the catch-up at ``x``; return the loss."""
    table, growth = objective.parts(x)
    with pd.option_context("display.width", 160):
        print(table[["indicator", "year", "set", "value", "mean", "pass"]].to_string(index=False))
        ratio = (growth / objective.growth).round(3)
        print("growth 2002-07, model / data:", ratio.to_dict())
    loss = target_loss(table) + growth_loss(growth, objective.growth)
    print(f"loss {loss:.3f} (targets {target_loss(table):.3f})")
    return loss


def initial_simplex(z0: np.ndarray, step: float = 0.8) -> np.ndarray:
    """A simplex with a real step in every direction (logit units), not scipy's 5%."""
    return np.vstack([z0, z0 + step * np.eye(z0.size)])


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=8, help="common seeds per evaluation")
    parser.add_argument("--iterations", type=int, default=250, help="Nelder-Mead evaluations")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (0: here)")
    parser.add_argument("--evaluate", action="store_true", help="report the current values")
    args = parser.parse_args(argv)
    pool = (
        ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("spawn"))
        if args.workers > 0
        else None
    )
    try:
        objective = Objective(list(range(args.seeds)), pool)
        x0 = current_values()
        if args.evaluate:
            report(objective, x0)
            return 0
        z0 = to_unbounded(x0)
        print(f"start: loss {objective(z0):.3f}")
        result = minimize(
            objective,
            z0,
            method="Nelder-Mead",
            options={
                "maxfev": args.iterations,
                "xatol": 1e-2,
                "fatol": 1e-2,
                "initial_simplex": initial_simplex(z0),
            },
        )
        x = to_bounded(result.x)
        loss = report(objective, x)
        write_calibrated(x, loss, args.seeds, objective.evaluations)
    finally:
        if pool is not None:
            pool.shutdown()
    build_historical.build(verbose=False)
    print(f"wrote {build_historical.CALIBRATED.name} and rebuilt {build_historical.OUT.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
