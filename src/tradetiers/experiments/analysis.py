"""Reading a sweep back: summary tables, plots and SALib sensitivity indices.

``tradetiers analyze DIR`` prints means and quantiles of each outcome by lever setting,
computes Sobol, Morris or FAST indices with SALib when the design is one of those, and
writes PNG plots (outcome distributions, fan charts of the time series, sensitivity
indices) and CSV tables to ``DIR/analysis``. Every plot says it is model output and
names the spec, the scenario and the number of runs.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tradetiers.experiments import sampling
from tradetiers.experiments.spec import ExperimentSpec
from tradetiers.experiments.store import Store, StoreError

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
MAX_PANELS = 12
MAX_SETTINGS_DRAWN = 6


@dataclass
class Results:
    """A sweep's tables, joined for analysis."""

    folder: Path
    meta: dict[str, Any]
    spec: ExperimentSpec
    runs: pd.DataFrame  #: runs table (plan columns, status, error, wall_time)
    outcomes: pd.DataFrame  #: runs joined with their outcomes
    series: pd.DataFrame  #: tidy series joined with the lever columns

    @property
    def outcome_names(self) -> list[str]:
        """Names of the scalar outcomes."""
        return [o.name for o in self.spec.outcomes]

    @property
    def levers(self) -> list[str]:
        """Lever column names (the grouping of the summary)."""
        return self.spec.lever_names

    def caption(self) -> str:
        """The provenance line every figure carries (model output, spec, scenario, runs)."""
        ok = int((self.runs["status"] == "ok").sum())
        return (
            f"model output: spec {self.spec.name}, scenario {self.spec.scenario}, "
            f"{ok} runs, root seed {self.spec.seed}"
        )


def load(folder: str | Path) -> Results:
    """Read a sweep folder (raises StoreError if it holds no sweep)."""
    store = Store(folder)
    meta = store.meta()
    spec = ExperimentSpec.model_validate(store.spec(), strict=False)
    runs = store.read("runs")
    outcomes = store.read("outcomes")
    merged = runs.drop(columns=["traceback"]).merge(outcomes, on="run_id", how="left")
    series = store.read("series")
    if spec.lever_names and not series.empty:
        series = series.merge(runs[["run_id", *spec.lever_names]], on="run_id", how="left")
    return Results(Path(folder), meta, spec, runs, merged, series)


def summary(res: Results, quantiles: tuple[float, ...] = QUANTILES) -> pd.DataFrame:
    """Mean, spread and quantiles of each outcome, by lever setting.

    Failed runs are counted in ``failed``; NaN outcomes of runs that succeeded (e.g. a
    threshold never crossed) in ``missing``; statistics use the other runs.
    """
    frame = res.outcomes
    keys = res.levers
    groups = frame.groupby(keys, sort=True, dropna=False) if keys else [((), frame)]
    rows: list[dict[str, Any]] = []
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        ok = group[group["status"] == "ok"]
        for name in res.outcome_names:
            values = ok[name].dropna()
            row: dict[str, Any] = dict(zip(keys, key, strict=False))
            row |= {
                "outcome": name,
                "runs": len(group),
                "failed": int((group["status"] != "ok").sum()),
                "missing": int(ok[name].isna().sum()),
                "mean": values.mean() if len(values) else math.nan,
                "std": values.std(ddof=1) if len(values) > 1 else math.nan,
            }
            for q in quantiles:
                row[f"q{round(q * 100):02d}"] = values.quantile(q) if len(values) else math.nan
            rows.append(row)
    return pd.DataFrame(rows)


def sensitivity(res: Results) -> pd.DataFrame | None:
    """SALib indices of each outcome for each lever setting (None if not a SALib design).

    Outcomes are averaged over replications at each design point first. A setting whose
    outcome has a NaN (a failed run, a threshold never crossed) or no variance gets no
    indices, and a ``note`` saying why.
    """
    spec = res.spec
    method = spec.sampling.method
    if method not in ("sobol", "morris", "fast"):
        return None
    problem = sampling.salib_problem(spec)
    unit = sampling.unit_sample(spec)
    assert unit is not None
    per = len(unit)
    _check_design(Store(res.folder).design(), unit, spec, per)
    points = res.outcomes.groupby("point_id")[res.outcome_names].mean(numeric_only=True)
    seed = sampling.sampling_seed(spec)
    settings = sampling.lever_settings(spec)
    rows: list[dict[str, Any]] = []
    for k, setting in enumerate(settings):
        ids = np.arange(k * per, (k + 1) * per)
        block = points.reindex(ids)
        label = dict(zip(spec.lever_names, setting, strict=False))
        for name in res.outcome_names:
            y = block[name].to_numpy(dtype=float)
            note = ""
            if np.isnan(y).any():
                note = f"{int(np.isnan(y).sum())} of {per} design points have no value"
            elif np.ptp(y) == 0:
                note = "the outcome does not vary"
            if note:
                rows.append({**label, "outcome": name, "factor": "", "note": note})
                continue
            indices = _salib(method, problem, unit, y, spec, seed)
            for j, factor in enumerate(problem["names"]):
                entry = {k2: float(v[j]) for k2, v in indices.items()}
                rows.append({**label, "outcome": name, "factor": factor, **entry, "note": ""})
    return pd.DataFrame(rows)


def _salib(
    method: str, problem: dict[str, Any], x: np.ndarray, y: np.ndarray, spec: Any, seed: int
) -> dict[str, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "sobol":
            from SALib.analyze import sobol

            r = sobol.analyze(problem, y, calc_second_order=spec.sampling.second_order, seed=seed)
            keys = ("S1", "S1_conf", "ST", "ST_conf")
        elif method == "morris":
            from SALib.analyze import morris

            r = morris.analyze(problem, x, y, num_levels=spec.sampling.morris_levels, seed=seed)
            keys = ("mu", "mu_star", "sigma", "mu_star_conf")
        else:
            from SALib.analyze import fast

            r = fast.analyze(problem, y, M=spec.sampling.fast_m, seed=seed)
            keys = ("S1", "S1_conf", "ST", "ST_conf")
    return {k: np.asarray(r[k], dtype=float) for k in keys}


def _check_design(design: pd.DataFrame, unit: np.ndarray, spec: ExperimentSpec, per: int) -> None:
    """The rebuilt SALib sample must be the one the runs used (same SALib, same spec)."""
    names = spec.uncertainty_names
    first = design.drop_duplicates("point_id").sort_values("point_id").head(per)
    stored = first[names].to_numpy(dtype=float)
    # integer settings were rounded from the sample; real ones are the sample itself
    tol = np.array([0.5 if first[n].dtype.kind in "iu" else 1e-9 for n in names])
    if stored.shape != unit.shape or (np.abs(stored - unit) > tol * (1 + np.abs(unit))).any():
        raise StoreError("the stored design differs from the spec's SALib sample")


# -- plots --------------------------------------------------------------------------------
def _figure(rows: int, cols: int, width: float = 4.0, height: float = 3.0) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width * cols, height * rows + 0.6), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    return fig, axes


def _setting_labels(res: Results, frame: pd.DataFrame) -> tuple[list[str], pd.Series]:
    """One label per lever setting ("distance_decay=0.3, ..."), and each row's label."""
    if not res.levers:
        return ["all runs"], pd.Series("all runs", index=frame.index)
    label = (
        frame[res.levers]
        .astype(str)
        .apply(lambda r: ", ".join(f"{k}={v}" for k, v in r.items()), axis=1)
    )
    return list(dict.fromkeys(label)), label


def plot_outcomes(res: Results, folder: Path) -> Path:
    """Histograms of each outcome, one colour per lever setting (up to six drawn)."""
    names = res.outcome_names
    cols = min(3, len(names))
    rows = math.ceil(len(names) / cols)
    fig, axes = _figure(rows, cols)
    ok = res.outcomes[res.outcomes["status"] == "ok"]
    labels, label = _setting_labels(res, ok)
    for ax, name in zip(axes.flat, names, strict=False):
        every = ok[name].dropna().to_numpy()
        if not len(every):
            ax.text(0.5, 0.5, "no values", ha="center", transform=ax.transAxes)
        else:  # one set of bins for every setting, so the bars compare
            bins = np.histogram_bin_edges(every, bins=min(30, max(5, len(every) // 4)))
            for text in labels[:MAX_SETTINGS_DRAWN]:
                values = ok.loc[label == text, name].dropna()
                if len(values):
                    ax.hist(values, bins=bins, alpha=0.5, label=text)
        ax.set_title(name)
        ax.set_ylabel("runs")
    for ax in list(axes.flat)[len(names) :]:
        ax.set_visible(False)
    if 1 < len(labels):
        axes.flat[0].legend(fontsize="x-small")
    fig.suptitle(f"Outcome distributions\n{res.caption()}", fontsize="small")
    path = folder / "outcomes.png"
    fig.savefig(path, dpi=100)
    return path


def plot_fans(res: Results, folder: Path) -> list[Path]:
    """Fan charts: median, 25-75% and 5-95% bands over years, per indicator and country."""
    out: list[Path] = []
    if res.series.empty:
        return out
    for indicator, frame in res.series.groupby("indicator", sort=True):
        countries = list(dict.fromkeys(frame["country"]))[:MAX_PANELS]
        cols = min(4, len(countries))
        rows = math.ceil(len(countries) / cols)
        fig, axes = _figure(rows, cols)
        labels, label = _setting_labels(res, frame)
        for ax, country in zip(axes.flat, countries, strict=False):
            for i, text in enumerate(labels[:MAX_SETTINGS_DRAWN]):
                sub = frame[(frame["country"] == country) & (label == text)]
                q = sub.groupby("year")["value"].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
                color = f"C{i}"
                ax.fill_between(q.index, q[0.05], q[0.95], color=color, alpha=0.15, lw=0)
                ax.fill_between(q.index, q[0.25], q[0.75], color=color, alpha=0.3, lw=0)
                ax.plot(q.index, q[0.5], color=color, lw=1.5, label=text)
            ax.set_title(str(country))
            ax.set_xlabel("year")
        for ax in list(axes.flat)[len(countries) :]:
            ax.set_visible(False)
        if 1 < len(labels):
            axes.flat[0].legend(fontsize="x-small")
        fig.suptitle(
            f"{indicator}: median, 25-75% and 5-95% of runs\n{res.caption()}", fontsize="small"
        )
        path = folder / f"fan_{_safe(str(indicator))}.png"
        fig.savefig(path, dpi=100)
        out.append(path)
    return out


def plot_sensitivity(res: Results, table: pd.DataFrame, folder: Path) -> Path | None:
    """Bar charts of the indices: S1 and ST (Sobol, FAST) or mu* and sigma (Morris)."""
    table = table[table["factor"] != ""]
    if table.empty:
        return None
    morris = res.spec.sampling.method == "morris"
    first, second = ("mu_star", "sigma") if morris else ("S1", "ST")
    names = [n for n in res.outcome_names if n in set(table["outcome"])]
    labels, label = _setting_labels(res, table)
    labels = labels[:4]
    fig, axes = _figure(len(labels), len(names), width=3.6)
    factors = res.spec.uncertainty_names
    x = np.arange(len(factors))
    for r, text in enumerate(labels):
        for c, name in enumerate(names):
            ax = axes[r][c]
            sub = table[(label == text) & (table["outcome"] == name)].set_index("factor")
            sub = sub.reindex(factors)
            err = None if morris else sub["S1_conf"]
            ax.bar(x - 0.2, sub[first], 0.4, yerr=err, label=first)
            err2 = None if morris else sub["ST_conf"]
            ax.bar(x + 0.2, sub[second], 0.4, yerr=err2, label=second)
            ax.set_xticks(x, factors, rotation=30, ha="right", fontsize="small")
            ax.set_title(name if len(labels) == 1 else f"{name}\n{text}", fontsize="small")
    axes[0][0].legend(fontsize="x-small")
    method = res.spec.sampling.method
    fig.suptitle(f"{method} sensitivity indices (SALib)\n{res.caption()}", fontsize="small")
    path = folder / "sensitivity.png"
    fig.savefig(path, dpi=100)
    return path


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)


@dataclass
class Report:
    """What ``analyze`` produced."""

    results: Results
    summary: pd.DataFrame
    sensitivity: pd.DataFrame | None
    files: list[Path]


def analyze(folder: str | Path, out: str | Path | None = None, plots: bool = True) -> Report:
    """Summarise a sweep; write CSV tables and PNG plots to ``out`` (default DIR/analysis)."""
    import matplotlib

    matplotlib.use("Agg")
    res = load(folder)
    target = Path(out) if out is not None else Path(folder) / "analysis"
    target.mkdir(parents=True, exist_ok=True)
    table = summary(res)
    sens = sensitivity(res)
    files = [target / "summary.csv"]
    table.to_csv(files[0], index=False)
    if sens is not None:
        files.append(target / "sensitivity.csv")
        sens.to_csv(files[-1], index=False)
    if plots:
        files.append(plot_outcomes(res, target))
        files.extend(plot_fans(res, target))
        if sens is not None:
            path = plot_sensitivity(res, sens, target)
            if path is not None:
                files.append(path)
    return Report(res, table, sens, files)
