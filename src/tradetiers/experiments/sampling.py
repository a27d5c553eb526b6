"""Designs and seeds: which settings each run uses, and its random seed.

The levers are crossed in full (every combination); within each lever setting the
uncertainties follow the spec's design: full factorial, a Latin hypercube
(``scipy.stats.qmc``), or a Sobol, Morris or FAST design from SALib. Keeping each lever
setting's block an intact SALib design is what lets the analysis compute sensitivity
indices per lever setting.

Seeds come from ``numpy.random.SeedSequence(root).spawn``: with ``seeding = "common"``
(the default) replication r uses the same seed at every design point (common random
numbers, so that differences between settings are not noise between seeds); with
``"independent"`` every run has its own child sequence.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from tradetiers.experiments.spec import Experiment, ExperimentSpec, Factor


@dataclass(frozen=True)
class Design:
    """The design points: one row per (lever setting, uncertainty sample)."""

    points: pd.DataFrame  #: point_id, setting, then one column per factor
    settings: int  #: number of lever settings
    per_setting: int  #: uncertainty samples in each lever setting
    unit: np.ndarray | None  #: the raw uncertainty sample (per setting), for SALib


def _levels(f: Factor, default: int) -> list[Any]:
    if f.values is not None:
        return list(f.values)
    n = f.levels or default
    return [float(x) for x in np.linspace(f.low, f.high, n)]  # type: ignore[arg-type]


def salib_problem(spec: ExperimentSpec) -> dict[str, Any]:
    """The SALib problem over the uncertainties (names and bounds)."""
    return {
        "num_vars": len(spec.uncertainties),
        "names": spec.uncertainty_names,
        "bounds": [[f.low, f.high] for f in spec.uncertainties],
    }


def lever_settings(spec: ExperimentSpec) -> list[tuple[Any, ...]]:
    """Every combination of lever values (one empty setting when there are no levers)."""
    return list(itertools.product(*(_levels(f, spec.sampling.levels) for f in spec.levers)))


def uncertainty_count(spec: ExperimentSpec) -> int:
    """Number of uncertainty samples per lever setting (without building them)."""
    s, d = spec.sampling, len(spec.uncertainties)
    n = s.samples or 0
    if s.method == "factorial":
        return int(np.prod([len(_levels(f, s.levels)) for f in spec.uncertainties], dtype=np.int64))
    if s.method == "lhs":
        return n
    if s.method == "sobol":
        return n * (2 * d + 2 if s.second_order else d + 2)
    if s.method == "morris":
        return n * (d + 1)
    return n * d  # fast


def design_size(spec: ExperimentSpec) -> int:
    """Number of design points (runs per replication)."""
    settings = int(np.prod([len(_levels(f, spec.sampling.levels)) for f in spec.levers]))
    return settings * uncertainty_count(spec)


def sampling_seed(spec: ExperimentSpec) -> int:
    """Seed of the design's random draws (the spec's root seed unless given)."""
    return spec.sampling.seed if spec.sampling.seed is not None else spec.seed


def unit_sample(spec: ExperimentSpec) -> np.ndarray | None:
    """The raw uncertainty sample of LHS and SALib designs (None for factorial).

    Rows are samples in SALib's order; columns are the uncertainties. SALib designs
    are on the factors' ranges; LHS is on [0, 1) and mapped by :func:`uncertainty_rows`.
    """
    s = spec.sampling
    seed = sampling_seed(spec)
    if s.method == "factorial":
        return None
    if s.method == "lhs":
        from scipy.stats import qmc

        gen = np.random.default_rng(seed)
        try:
            sampler = qmc.LatinHypercube(d=len(spec.uncertainties), rng=gen)
        except TypeError:  # scipy < 1.15 calls it seed
            sampler = qmc.LatinHypercube(d=len(spec.uncertainties), seed=gen)
        return sampler.random(s.samples)
    problem = salib_problem(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=DeprecationWarning)
        if s.method == "sobol":
            from SALib.sample import sobol

            return sobol.sample(
                problem, s.samples, calc_second_order=s.second_order, scramble=True, seed=seed
            )
        if s.method == "morris":
            from SALib.sample import morris

            return morris.sample(problem, s.samples, num_levels=s.morris_levels, seed=seed)
        from SALib.sample import fast_sampler

        return fast_sampler.sample(problem, s.samples, M=s.fast_m, seed=seed)


def uncertainty_rows(spec: ExperimentSpec, unit: np.ndarray | None) -> list[tuple[Any, ...]]:
    """Uncertainty values per sample, as the spec's factors define them."""
    s = spec.sampling
    if s.method == "factorial":
        return list(itertools.product(*(_levels(f, s.levels) for f in spec.uncertainties)))
    assert unit is not None
    if s.method != "lhs":
        return [tuple(float(x) for x in row) for row in unit]
    rows = []
    for u in unit:
        row: list[Any] = []
        for f, x in zip(spec.uncertainties, u, strict=False):
            if f.values is not None:
                row.append(f.values[min(int(x * len(f.values)), len(f.values) - 1)])
            else:
                row.append(float(f.low + x * (f.high - f.low)))  # type: ignore[operator]
        rows.append(tuple(row))
    return rows


def build_design(exp: Experiment) -> Design:
    """The design points, with values cast to the types the scenario holds."""
    from tradetiers.experiments.paths import cast

    spec = exp.spec
    settings = lever_settings(spec)
    unit = unit_sample(spec)
    samples = uncertainty_rows(spec, unit)
    names = spec.factor_names()
    columns: dict[str, list[Any]] = {n: [] for n in names}
    setting_index: list[int] = []
    for k, lever_row in enumerate(settings):
        for unc_row in samples:
            for name, value in zip(names, (*lever_row, *unc_row), strict=False):
                columns[name].append(cast(value, exp.kinds[name]))
            setting_index.append(k)
    n = len(setting_index)
    points = pd.DataFrame({"point_id": np.arange(n, dtype=np.int64), "setting": setting_index})
    for name in names:
        points[name] = _column(columns[name], exp.kinds[name])
    return Design(points, len(settings), len(samples), unit)


def _column(values: list[Any], kind: str) -> pd.Series:
    dtype = {"float": "float64", "int": "int64", "bool": "bool", "str": "object"}.get(kind)
    return pd.Series(values, dtype=dtype)


def seed_of(seq: np.random.SeedSequence) -> int:
    """A non-negative 63-bit integer seed from a SeedSequence (fits Parquet's int64)."""
    return int(seq.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def run_seeds(root: int, points: int, replications: int, seeding: str) -> np.ndarray:
    """Seed of every run, in run_id order (run_id = point_id * replications + replication)."""
    seq = np.random.SeedSequence(root)
    if seeding == "common":
        per_rep = np.array([seed_of(c) for c in seq.spawn(replications)], dtype=np.int64)
        return np.tile(per_rep, points)
    return np.array([seed_of(c) for c in seq.spawn(points * replications)], dtype=np.int64)


def plan(exp: Experiment, design: Design) -> pd.DataFrame:
    """Every run: run_id, point_id, replication, seed and the factor values."""
    reps = exp.spec.replications
    n = len(design.points)
    point = np.repeat(design.points["point_id"].to_numpy(), reps)
    runs = pd.DataFrame(
        {
            "run_id": np.arange(n * reps, dtype=np.int64),
            "point_id": point,
            "replication": np.tile(np.arange(reps, dtype=np.int64), n),
            "seed": run_seeds(exp.spec.seed, n, reps, exp.spec.seeding),
        }
    )
    factors = design.points.drop(columns=["point_id", "setting"]).iloc[point].reset_index(drop=True)
    return pd.concat([runs, factors], axis=1)
