"""Validation: run a scenario over seeds and check its output against its targets.

For each target the simulated figure is the mean over seeds of ``column * scale``
(converted to US dollars when asked, see :mod:`.nominal`) in the target's year; the
band holds the middle ``band`` share of the seeds (quantiles ``(1 - band) / 2`` and
``1 - (1 - band) / 2``); a target passes when ``|mean - value| <= tolerance`` (or
``tolerance_relative * |value|``).

    >>> from tradetiers.validation import validate
    >>> result = validate("historical", seeds=20, workers=0)   # doctest: +SKIP
    >>> result.targets[["indicator", "year", "value", "mean", "pass"]]   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tradetiers.config import MISSING, Scenario, ScenarioError
from tradetiers.validation import nominal as nominal_data
from tradetiers.validation.runs import Progress, RunRequest, probe, request_dict, run_many, stack
from tradetiers.validation.spec import CONVERSIONS, SET_LABELS, Target, check_columns

DEFAULT_SCENARIO = "historical"
MAX_SEEDS = 10_000
#: what :attr:`ValidationResult.lines` gives for each set (``seed_value``, ...)
FIELDS = ("value", "tolerance", "pass", "required", "source")
#: the per-target table's columns: the target's fields, then the simulation's
TARGET_COLUMNS = [
    "indicator",
    "label",
    "country",
    "column",
    "year",
    "scale",
    "convert",
    "convert_via",
    "bound",
    "value",
    "unit",
    "set",
    "source",
    "tolerance",
    "tolerance_relative",
    "required",
    "mean",
    "band_low",
    "band_high",
    "pass",
]


@dataclass(frozen=True)
class ValidationResult:
    """What a validation found, as tables.

    Attributes:
        scenario: the scenario's name.
        title: the scenario's title.
        seeds: the seeds run.
        band: the band's width (0.9: from the 5% to the 95% quantile of the seeds).
        start_year: the scenario's first year.
        targets: one row per target: its fields, then ``mean``, ``band_low``,
            ``band_high`` and ``pass`` (see :data:`TARGET_COLUMNS`).
        lines: one row per (indicator, country, year), the seed essay's and the
            official figures side by side (``seed_value``, ``official_value``,
            ``seed_pass``...; None where a set has no figure).
        series: the simulated figures, tidy: ``indicator, country, year, seed, value``
            (``country`` is ``world`` for world columns), every year run.
        nominal: the nominal GDP table used for converted targets, if any.
    """

    scenario: str
    title: str
    seeds: list[int]
    band: float
    start_year: int
    targets: pd.DataFrame
    lines: pd.DataFrame
    series: pd.DataFrame
    nominal: nominal_data.NominalGDP | None = None

    @property
    def passed(self) -> bool:
        """True when every required target passes."""
        required = self.targets[self.targets["required"]]
        return bool(required["pass"].all())

    @property
    def failures(self) -> pd.DataFrame:
        """The required targets that fail."""
        t = self.targets
        return t[t["required"] & ~t["pass"].astype(bool)]

    @property
    def caption(self) -> str:
        """``model output: scenario NAME, seeds 0–19``."""
        return f"model output: scenario {self.scenario}, {seed_text(self.seeds)}"


def seed_text(seeds: Sequence[int]) -> str:
    """``seeds 0–19`` for a range, ``seeds 1, 5, 9`` otherwise, ``seed 3`` for one."""
    seeds = list(seeds)
    if len(seeds) == 1:
        return f"seed {seeds[0]}"
    if seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"seeds {seeds[0]}–{seeds[-1]}"
    return "seeds " + ", ".join(str(s) for s in seeds)


def seed_list(seeds: int | Sequence[int], option: str = "--seeds") -> list[int]:
    """``N`` as seeds 0..N-1, or an explicit list of seeds, checked.

    Raises:
        ScenarioError: not between 1 and 10,000 seeds, or a negative seed.
    """
    if isinstance(seeds, bool | str) or not isinstance(seeds, int | Sequence):
        raise ScenarioError(option, "seeds", seeds, "a number of seeds or a list of seeds")
    if isinstance(seeds, int):
        if not 1 <= seeds <= MAX_SEEDS:
            raise ScenarioError(option, "seeds", seeds, f"must be between 1 and {MAX_SEEDS:,}")
        return list(range(seeds))
    out = [int(s) for s in seeds]
    if not out or len(out) > MAX_SEEDS or min(out) < 0:
        raise ScenarioError(option, "seeds", list(seeds), f"1 to {MAX_SEEDS:,} non-negative seeds")
    return out


def check_workers(workers: int | None) -> None:
    """Raise a one-line error for a negative number of workers."""
    if workers is not None and (isinstance(workers, bool) or workers < 0):
        raise ScenarioError("--workers", "workers", workers, "must be 0 or more")


def load_scenario(scenario: Scenario | str | Path) -> tuple[Scenario, str]:
    """A scenario and the name errors give it (its file, or ``<name>``)."""
    if isinstance(scenario, Scenario):
        return scenario, f"<{scenario.name}>"
    return Scenario.load(scenario), str(scenario)


def validate(
    scenario: Scenario | str | Path = DEFAULT_SCENARIO,
    seeds: int | Sequence[int] | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> ValidationResult:
    """Run a scenario over seeds and check it against its ``[validation]`` targets.

    Args:
        scenario: a Scenario, a scenario file or a shipped name.
        seeds: how many seeds (0..N-1) or which; default the table's ``seeds``.
        workers: worker processes (0: this process; None: one per core). The numbers
            do not depend on it.
        progress: called with (runs done, runs in all) after each run.

    Returns:
        The per-target table, the table's lines and the simulated series.

    Raises:
        ScenarioError: no ``[validation]`` table, a column the frames do not have, a
            missing nominal GDP row, bad seeds or workers: one line each.
    """
    sc, source = load_scenario(scenario)
    settings = sc.validation
    if settings is None:
        raise ScenarioError(
            source, "validation", MISSING, "the scenario has no [validation] table of targets"
        )
    chosen = seed_list(settings.seeds if seeds is None else seeds)
    check_workers(workers)
    nominal = nominal_data.load(settings, source)
    frames = probe(sc)
    check_columns(sc, source, frames.world_columns, frames.country_columns)

    targets = settings.targets
    converted = [t for t in targets if t.convert != "none"]
    world_cols = {t.column for t in targets if t.country is None}
    world_cols |= {"world_gdp"} if any(t.country is None for t in converted) else set()
    country_cols = {t.column for t in targets if t.country is not None}
    country_cols |= {"gdp"} if any(t.country is not None for t in converted) else set()
    codes = sorted(
        {t.country for t in targets if t.country is not None}
        | {t.convert_via for t in targets if t.convert_via is not None}
    )
    years = settings.last_year - sc.start_year + 1
    data = request_dict(sc)
    requests = [
        RunRequest(
            data, s, years, tuple(sorted(world_cols)), tuple(sorted(country_cols)), tuple(codes)
        )
        for s in chosen
    ]
    world, countries = stack(run_many(requests, workers, progress))
    series = simulated_series(targets, world, countries, nominal)
    table = evaluate(targets, series, settings.quantiles)
    return ValidationResult(
        scenario=sc.name,
        title=sc.title or sc.name,
        seeds=chosen,
        band=settings.band,
        start_year=sc.start_year,
        targets=table,
        lines=side_by_side(targets, table),
        series=series,
        nominal=nominal,
    )


def simulated_series(
    targets: Sequence[Target],
    world: pd.DataFrame,
    countries: pd.DataFrame,
    nominal: nominal_data.NominalGDP | None,
) -> pd.DataFrame:
    """The simulated figure of each indicator, every year and seed (tidy).

    A converted figure is kept only in the years the nominal GDP table covers.
    """
    parts = []
    done: set[tuple[str, str | None]] = set()
    for t in targets:
        if (t.indicator, t.country) in done:
            continue
        done.add((t.indicator, t.country))
        if t.country is None:
            frame, gdp_column = world, "world_gdp"
        else:
            frame, gdp_column = countries[countries["country"] == t.country], "gdp"
        value = frame[t.column].astype(float) * t.scale
        if t.convert != "none":
            assert nominal is not None
            gdp = frame[gdp_column]
            if t.convert_via is not None:  # another country's GDP, matched by year and seed
                via = countries[countries["country"] == t.convert_via].set_index(["year", "seed"])
                keys = pd.MultiIndex.from_arrays([frame["year"], frame["seed"]])
                gdp = pd.Series(via["gdp"].reindex(keys).to_numpy(), index=frame.index)
            usd = nominal.series(nominal_data.nominal_code(t)) * CONVERSIONS[t.convert]
            frame = frame[frame["year"].isin(usd.index)]  # years the data cover
            value = (
                value.loc[frame.index] / gdp.loc[frame.index].astype(float) * frame["year"].map(usd)
            )
        parts.append(
            pd.DataFrame(
                {
                    "indicator": t.indicator,
                    "country": t.where,
                    "year": frame["year"].to_numpy(),
                    "seed": frame["seed"].to_numpy(),
                    "value": value.to_numpy(dtype=float),
                }
            )
        )
    series = pd.concat(parts, ignore_index=True)
    return series.sort_values(["indicator", "country", "year", "seed"], ignore_index=True)


def evaluate(
    targets: Sequence[Target], series: pd.DataFrame, quantiles: tuple[float, float]
) -> pd.DataFrame:
    """One row per target: its fields, the mean over seeds, the band and pass/fail."""
    grouped = series.groupby(["indicator", "country", "year"])["value"]
    stats = {key: group.to_numpy() for key, group in grouped}
    rows = []
    for t in targets:
        values = stats.get((t.indicator, t.where, t.year), np.array([np.nan]))
        finite = values[np.isfinite(values)]
        if len(finite):
            mean = float(finite.mean())
            low, high = (float(q) for q in np.quantile(finite, quantiles))
        else:
            mean = low = high = float("nan")
        row = t.model_dump()
        row.update(mean=mean, band_low=low, band_high=high, **{"pass": t.passes(mean)})
        rows.append(row)
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def side_by_side(targets: Sequence[Target], table: pd.DataFrame) -> pd.DataFrame:
    """One row per (indicator, country, year): each set's figure, tolerance and verdict."""
    labels: dict[tuple[str, str], str] = {}
    units: dict[tuple[str, str], str] = {}
    for t in targets:  # an indicator's label and unit: the first target that gives one
        if t.label:
            labels.setdefault((t.indicator, t.where), t.label)
        if t.unit:
            units.setdefault((t.indicator, t.where), t.unit)
    lines: dict[tuple[str, str, int], dict[str, object]] = {}
    for t, (_, row) in zip(targets, table.iterrows(), strict=True):
        key = (t.indicator, t.where, t.year)
        line = lines.setdefault(
            key,
            {
                "indicator": t.indicator,
                "label": labels.get((t.indicator, t.where), t.indicator),
                "country": t.where,
                "year": t.year,
                "unit": units.get((t.indicator, t.where), ""),
                "mean": row["mean"],
                "band_low": row["band_low"],
                "band_high": row["band_high"],
                **{f"{s}_{f}": None for s in SET_LABELS for f in FIELDS},
            },
        )
        line.update(
            {
                f"{t.set}_value": t.value,
                f"{t.set}_tolerance": t.tolerance_text(),
                f"{t.set}_pass": bool(row["pass"]),
                f"{t.set}_required": t.required,
                f"{t.set}_source": t.source,
            }
        )
    return pd.DataFrame(list(lines.values()))
