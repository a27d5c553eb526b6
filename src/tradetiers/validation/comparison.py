"""Comparing two scenarios over the same seeds: paired differences of key indicators.

Run A and run B share a seed, so ``B - A`` in one seed is a paired difference: the
effect of what B changes, with the luck of that seed held fixed as far as the two
worlds allow. :func:`compare` returns the per-seed values (tidy) and, per indicator and
year, the means of A and B, the mean and band of ``B - A`` and in how many seeds B is
above A, so a test can state claims such as "in at least 16 of 20 seeds B's hegemon
debt/GDP in 2040 is higher than A's"::

    result = compare("teaching", "dollar_run", seeds=20, years=50)
    assert result.b_greater("hegemon_debt_to_gdp", 2040) >= 16

An indicator is a world column (``"world_gdp"``) or a country's column
(``("CHN", "mastered_semiconductors")``, also written ``"CHN.mastered_semiconductors"``).
When A and B start in different years they are paired by years since the start: the
tables give A's years (``year``) and B's (``year_b``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tradetiers.config import MISSING, Scenario, ScenarioError
from tradetiers.validation.check import check_workers, load_scenario, seed_list, seed_text
from tradetiers.validation.runs import Probe, Progress, RunRequest, probe, request_dict, run_many
from tradetiers.validation.runs import stack as stack_runs
from tradetiers.validation.spec import WORLD

DEFAULT_SEEDS = 20
SOURCE = "compare"  #: what one-line errors of a comparison name

#: the key world indicators, in the order tables and plots show them
KEY_LABELS = {
    "world_gdp": "world GDP",
    "world_trade": "world trade",
    "hegemon_manufacturing_share": "hegemon manufacturing share of GDP",
    "hegemon_finance_share": "hegemon finance share of GDP",
    "hegemon_debt_to_gdp": "hegemon debt/GDP",
    "hegemon_deficit_to_gdp": "hegemon deficit/GDP",
    "reserve_credibility": "reserve credibility",
    "policy_rate": "policy rate",
    "world_reserves": "world reserves",
    "countries_tier_1": "countries in tier 1",
    "countries_tier_2": "countries in tier 2",
    "countries_tier_3": "countries in tier 3",
    "countries_tier_4": "countries in tier 4",
}

IndicatorLike = str | tuple[str, str]


@dataclass(frozen=True)
class Indicator:
    """A world column (``country`` None) or one country's column."""

    column: str
    country: str | None = None
    label: str = ""

    @property
    def name(self) -> str:
        """``world_gdp`` or ``CHN.mastered_semiconductors``."""
        return self.column if self.country is None else f"{self.country}.{self.column}"

    @property
    def title(self) -> str:
        """The label, or the name."""
        return self.label or self.name


def indicator_name(indicator: IndicatorLike | Indicator) -> str:
    """The name tables use for an indicator given in any of its forms."""
    if isinstance(indicator, Indicator):
        return indicator.name
    if isinstance(indicator, tuple):
        return f"{indicator[0]}.{indicator[1]}"
    return indicator


def parse_indicator(indicator: IndicatorLike) -> Indicator:
    """``"world_gdp"``, ``"CHN.gdp"`` or ``("CHN", "gdp")`` as an :class:`Indicator`."""
    if isinstance(indicator, tuple):
        if len(indicator) != 2 or not all(isinstance(x, str) for x in indicator):
            raise ScenarioError(
                SOURCE, "columns", indicator, "a column name or a (country, column) pair"
            )
        code, column = indicator
    elif isinstance(indicator, str) and "." in indicator:
        code, _, column = indicator.partition(".")
    elif isinstance(indicator, str) and indicator:
        return Indicator(indicator, None, KEY_LABELS.get(indicator, ""))
    else:
        raise ScenarioError(
            SOURCE, "columns", indicator, "a column name or a (country, column) pair"
        )
    return Indicator(column, code, f"{code} {column.replace('_', ' ')}")


def key_indicators(scenario: Scenario) -> list[Indicator]:
    """The key world indicators, with the margin and frontier of the top rung."""
    top = scenario.goods.ladder[-1]
    out = [Indicator(c, None, label) for c, label in KEY_LABELS.items()]
    out.append(Indicator(f"margin_{top}", None, f"margin of {top} (top rung)"))
    out.append(Indicator(f"frontier_{top}", None, f"frontier of {top} (top rung)"))
    return out


@dataclass(frozen=True)
class CompareResult:
    """Two scenarios over the same seeds, paired by seed.

    Attributes:
        a: scenario A's name.
        b: scenario B's name.
        seeds: the seeds, shared by A and B.
        years: years run.
        a_start: A's first year.
        b_start: B's first year.
        band: the width of the bands (0.9: from the 5% to the 95% quantile).
        indicators: what is compared.
        per_seed: tidy, one row per (indicator, seed, year): ``indicator, country,
            column, seed, t`` (years since the start), ``year`` (A's), ``year_b``,
            ``a``, ``b`` and ``diff`` (``b - a``); ``country`` is ``world`` for world
            columns.
        stats: one row per (indicator, year): ``a_mean, a_low, a_high, b_mean, b_low,
            b_high, diff_mean, diff_low, diff_high``, ``b_greater`` (seeds with B above
            A) and ``n`` (seeds with both values).
    """

    a: str
    b: str
    a_title: str
    b_title: str
    seeds: list[int]
    years: int
    a_start: int
    b_start: int
    band: float
    indicators: list[Indicator]
    per_seed: pd.DataFrame
    stats: pd.DataFrame

    @property
    def paired_by(self) -> str:
        """``year`` when A and B start together, else ``years since the start``."""
        return "year" if self.a_start == self.b_start else "years since the start"

    @property
    def caption(self) -> str:
        """Which model output this is."""
        text = f"model output: A = scenario {self.a}, B = scenario {self.b}, "
        text += f"{seed_text(self.seeds)}, paired by seed"
        if self.a_start != self.b_start:
            text += f"; years since the start (A from {self.a_start}, B from {self.b_start})"
        return text

    def at(self, indicator: IndicatorLike | Indicator, year: int) -> pd.DataFrame:
        """The per-seed rows of one indicator in one of A's years."""
        name = indicator_name(indicator)
        rows = self.per_seed[(self.per_seed["indicator"] == name) & (self.per_seed["year"] == year)]
        if rows.empty:
            raise KeyError(f"no {name} in {year}: indicators {self.names}")
        return rows.reset_index(drop=True)

    def b_greater(self, indicator: IndicatorLike | Indicator, year: int) -> int:
        """In how many seeds B's value is above A's in ``year``."""
        return int((self.at(indicator, year)["diff"] > 0).sum())

    @property
    def names(self) -> list[str]:
        """The indicators' names."""
        return [i.name for i in self.indicators]

    def table_years(self) -> list[int]:
        """A's years the printed table shows: 10 years in, the middle and the end."""
        offsets = sorted({o for o in (10, self.years // 2, self.years - 1) if 0 <= o < self.years})
        return [self.a_start + o for o in offsets]


def compare(
    a: Scenario | str | Path,
    b: Scenario | str | Path,
    seeds: int | Sequence[int] = DEFAULT_SEEDS,
    years: int | None = None,
    workers: int | None = None,
    columns: Sequence[IndicatorLike] | None = None,
    progress: Progress | None = None,
    band: float = 0.9,
) -> CompareResult:
    """Run A and B over the same seeds and pair their indicators seed by seed.

    Args:
        a: scenario A (a Scenario, a file or a shipped name).
        b: scenario B.
        seeds: how many seeds (0..N-1) or which.
        years: years to run (default: the shorter of the two horizons).
        workers: worker processes (0: this process; None: one per core).
        columns: indicators: world columns, or (country, column) pairs; default the
            key indicators both scenarios have.
        progress: called with (runs done, runs in all) after each run.
        band: the width of the bands.

    Returns:
        The per-seed values and per-year statistics.

    Raises:
        ScenarioError: a bad scenario, option or column, or nothing to compare.
    """
    sa, _ = load_scenario(a)
    sb, _ = load_scenario(b)
    chosen = seed_list(seeds)
    check_workers(workers)
    horizon = min(sa.years, sb.years) if years is None else years
    if isinstance(horizon, bool) or not isinstance(horizon, int) or not 1 <= horizon <= 1000:
        raise ScenarioError("--years", "years", years, "must be between 1 and 1000")
    if not 0 < band < 1:
        raise ScenarioError(SOURCE, "band", band, "must be between 0 and 1")
    pa, pb = probe(sa), probe(sb)
    indicators = choose(sa, sb, pa, pb, columns)
    world_cols = tuple(dict.fromkeys(i.column for i in indicators if i.country is None))
    country_cols = tuple(dict.fromkeys(i.column for i in indicators if i.country is not None))
    codes = tuple(sorted({i.country for i in indicators if i.country is not None}))
    requests = [
        RunRequest(request_dict(sc), s, horizon, world_cols, country_cols, codes, key)
        for key, sc in (("A", sa), ("B", sb))
        for s in chosen
    ]
    world, countries = stack_runs(run_many(requests, workers, progress))
    per_seed = paired(indicators, world, countries, sa.start_year, sb.start_year)
    return CompareResult(
        a=sa.name,
        b=sb.name,
        a_title=sa.title or sa.name,
        b_title=sb.title or sb.name,
        seeds=chosen,
        years=horizon,
        a_start=sa.start_year,
        b_start=sb.start_year,
        band=band,
        indicators=indicators,
        per_seed=per_seed,
        stats=statistics(per_seed, band),
    )


def choose(
    sa: Scenario,
    sb: Scenario,
    pa: Probe,
    pb: Probe,
    columns: Sequence[IndicatorLike] | None,
) -> list[Indicator]:
    """The indicators to compare: those asked for (all must exist in both), or the key ones.

    Raises:
        ScenarioError: an indicator one scenario lacks, or none in common.
    """
    if columns is None:
        found = [
            i
            for i in key_indicators(sa)
            if i.column in pa.world_columns and i.column in pb.world_columns
        ]
        if not found:
            raise ScenarioError(
                SOURCE,
                "columns",
                MISSING,
                f"{sa.name} and {sb.name} have no key indicator in common; name columns to compare",
            )
        return found
    if isinstance(columns, str | tuple) or not columns:
        raise ScenarioError(SOURCE, "columns", columns, "a non-empty list of indicators")
    out: list[Indicator] = []
    for item in columns:
        ind = parse_indicator(item)
        for sc, p in ((sa, pa), (sb, pb)):
            have = p.world_columns if ind.country is None else p.country_columns
            if ind.country is not None and ind.country not in p.codes:
                raise ScenarioError(
                    SOURCE,
                    "columns",
                    ind.name,
                    f"scenario {sc.name} has no country {ind.country}; compare countries "
                    "both scenarios have, or world columns",
                )
            if ind.column not in have:
                frame = "world_frame()" if ind.country is None else "country_frame()"
                raise ScenarioError(
                    SOURCE,
                    "columns",
                    ind.name,
                    f"not a numeric column of scenario {sc.name}'s {frame}",
                )
        if ind.name not in {o.name for o in out}:
            out.append(ind)
    return out


def paired(
    indicators: Sequence[Indicator],
    world: pd.DataFrame,
    countries: pd.DataFrame,
    a_start: int,
    b_start: int,
) -> pd.DataFrame:
    """Pair A's and B's values by indicator, seed and years since the start."""
    parts = []
    for ind in indicators:
        sides = []
        for key, start in (("A", a_start), ("B", b_start)):
            if ind.country is None:
                frame = world[world["key"] == key]
            else:
                frame = countries[(countries["key"] == key) & (countries["country"] == ind.country)]
            sides.append(
                pd.DataFrame(
                    {
                        "seed": frame["seed"].to_numpy(),
                        "t": (frame["year"] - start).to_numpy(),
                        f"year_{key}": frame["year"].to_numpy(),
                        key: frame[ind.column].to_numpy(dtype=float),
                    }
                )
            )
        both = sides[0].merge(sides[1], on=["seed", "t"], how="inner")
        parts.append(
            pd.DataFrame(
                {
                    "indicator": ind.name,
                    "country": ind.country or WORLD,
                    "column": ind.column,
                    "seed": both["seed"],
                    "t": both["t"],
                    "year": both["year_A"],
                    "year_b": both["year_B"],
                    "a": both["A"],
                    "b": both["B"],
                    "diff": both["B"] - both["A"],
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    order = {ind.name: k for k, ind in enumerate(indicators)}
    out["order"] = out["indicator"].map(order)
    out = out.sort_values(["order", "t", "seed"], kind="stable").drop(columns="order")
    return out.reset_index(drop=True)


def statistics(per_seed: pd.DataFrame, band: float = 0.9) -> pd.DataFrame:
    """Per indicator and year: means and bands of A, B and B - A; seeds with B above A."""
    low, high = (1 - band) / 2, 1 - (1 - band) / 2
    rows = []
    for (name, t), group in per_seed.groupby(["indicator", "t"], sort=False):
        row: dict[str, object] = {
            "indicator": name,
            "country": group["country"].iloc[0],
            "column": group["column"].iloc[0],
            "t": t,
            "year": group["year"].iloc[0],
            "year_b": group["year_b"].iloc[0],
        }
        for col in ("a", "b", "diff"):
            values = group[col].to_numpy(dtype=float)
            values = values[np.isfinite(values)]
            if len(values):
                lo, hi = np.quantile(values, (low, high))
                row.update({f"{col}_mean": values.mean(), f"{col}_low": lo, f"{col}_high": hi})
            else:
                row.update({f"{col}_mean": np.nan, f"{col}_low": np.nan, f"{col}_high": np.nan})
        diff = group["diff"].to_numpy(dtype=float)
        row["b_greater"] = int((diff > 0).sum())
        row["n"] = int(np.isfinite(diff).sum())
        rows.append(row)
    return pd.DataFrame(rows)
