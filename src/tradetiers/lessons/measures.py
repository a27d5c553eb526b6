"""Reveal measures: what a lesson's run shows, computed from its frames (never written in).

A lesson names one measure in ``[reveal]`` with its arguments. The measure reads the
lesson's run (and, if it compares, the baseline run) and returns named numbers. The
lesson's choices are conditions on those numbers, so the answer to the prediction
question is whatever the run produced.

Each measure has an arguments model (validated when the lesson loads), the names of the
values it returns (the lesson's texts and conditions may use only these), and whether
it needs a baseline run. A new measure is a function added to :data:`MEASURES`; a new
lesson that uses an existing measure needs no code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

RUNG_PATTERN = r"^[a-z][a-z0-9_]*$"
CODE = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{1,7}$")]


@dataclass(frozen=True)
class Run:
    """A finished run's tables and where they came from.

    Attributes:
        world: one row per year (``TradeModel.world_frame``).
        countries: one row per year and country.
        trade: bilateral flows.
        events: the event log.
        scenario: the scenario's name.
        seed: the seed.
        rungs: the manufacturing ladder, low to high.
        start_year: the first simulated year.
    """

    world: pd.DataFrame
    countries: pd.DataFrame
    trade: pd.DataFrame
    events: pd.DataFrame
    scenario: str
    seed: int
    rungs: tuple[str, ...]
    start_year: int

    @property
    def last_year(self) -> int:
        """The last simulated year."""
        return int(self.world["year"].max())

    def country(self, code: str, column: str) -> pd.Series:
        """One country's column by year."""
        cf = self.countries
        return cf[cf["country"] == code].set_index("year")[column]


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _window_mean(series: pd.Series, window: int, last: bool) -> float:
    values = series.to_numpy(float)
    part = values[-window:] if last else values[:window]
    return float(np.nanmean(part)) if part.size else float("nan")


# -- largest_buyer ----------------------------------------------------------------------
class LargestBuyerArgs(_Args):
    """Who buys a tier's exports of some goods."""

    exporter_tier: Annotated[int, Field(ge=1, le=4)]
    goods: Annotated[list[str], Field(min_length=1)]
    window: Annotated[int, Field(ge=1, le=50)] = 5


def tier_sales(run: Run, exporter_tier: int, goods: list[str]) -> pd.DataFrame:
    """Per year, the exporter tier's cross-border sales of ``goods`` by buyer tier (columns)."""
    cf, tf = run.countries, run.trade
    tiers = cf.set_index(["year", "country"])["tier"]
    t = tf[(tf["exporter"] != tf["importer"]) & tf["good"].isin(goods)]
    t = t.assign(
        et=tiers.reindex(list(zip(t["year"], t["exporter"], strict=True))).to_numpy(),
        it=tiers.reindex(list(zip(t["year"], t["importer"], strict=True))).to_numpy(),
    )
    t = t[t["et"] == exporter_tier]
    table = t.pivot_table(index="year", columns="it", values="value", aggfunc="sum")
    return table.reindex(columns=[1, 2, 3, 4]).fillna(0.0)


def largest_buyer(run: Run, base: Run | None, a: LargestBuyerArgs) -> dict[str, float]:
    """Shares of the exporter tier's cross-border sales of ``goods`` bought by each tier.

    Over the last ``window`` years; tiers are each year's. Also which tier runs the
    largest trade deficit and the hegemon's trade balance (GDP units), the "market".
    """
    cf = run.countries
    years = sorted(cf["year"].unique())[-a.window :]
    sold = tier_sales(run, a.exporter_tier, a.goods).reindex(years).fillna(0.0).sum()
    total = float(sold.sum())
    out = {
        f"share_tier_{k}": 100 * float(sold.get(k, 0.0)) / total if total else 0.0
        for k in range(1, 5)
    }
    best = max(range(1, 5), key=lambda k: out[f"share_tier_{k}"])
    out["buyer_tier"] = float(best) if total else 0.0
    out["buyer_share"] = out[f"share_tier_{best}"]
    recent = cf[cf["year"].isin(years)]
    balance = recent.groupby("tier")["trade_balance"].sum() / len(years)
    out["deficit_tier"] = float(balance.idxmin())
    out["surplus_tier"] = float(balance.idxmax())
    heg = recent[recent["tier"] == 1]["trade_balance"]
    out["hegemon_balance"] = float(heg.sum()) / len(years)
    return out


def _largest_buyer_names(_a: LargestBuyerArgs) -> list[str]:
    names = [f"share_tier_{k}" for k in range(1, 5)]
    return [*names, "buyer_tier", "buyer_share", "deficit_tier", "surplus_tier", "hegemon_balance"]


# -- compare_end --------------------------------------------------------------------------
class CompareEndArgs(_Args):
    """Columns at the end of the run against the baseline's."""

    country: CODE | None = None
    columns: list[str] = Field(default_factory=list)
    world_columns: list[str] = Field(default_factory=list)
    window: Annotated[int, Field(ge=1, le=50)] = 5
    scale: Annotated[float, Field(gt=0)] = 100.0


def compare_end(run: Run, base: Run | None, a: CompareEndArgs) -> dict[str, float]:
    """For each column: start, end, change and growth in the run; end in the baseline; diff.

    ``end`` and ``start`` are means over ``window`` years; levels, changes and diffs are
    multiplied by ``scale`` (100: shares in per cent or points); growth is in per cent.
    """
    assert base is not None
    out: dict[str, float] = {}

    def series(r: Run, col: str, world: bool) -> pd.Series:
        if world:
            return r.world.set_index("year")[col]
        assert a.country is not None
        return r.country(a.country, col)

    pairs = [(c, False) for c in a.columns] + [(c, True) for c in a.world_columns]
    for col, world in pairs:
        s, b = series(run, col, world), series(base, col, world)
        start, end = _window_mean(s, a.window, False), _window_mean(s, a.window, True)
        b_end = _window_mean(b, a.window, True)
        out[f"{col}_start"] = a.scale * start
        out[f"{col}_run"] = a.scale * end
        out[f"{col}_base"] = a.scale * b_end
        out[f"{col}_change"] = a.scale * (end - start)
        out[f"{col}_diff"] = a.scale * (end - b_end)
        b_start = _window_mean(b, a.window, False)
        out[f"{col}_growth"] = 100 * (end / start - 1) if start else 0.0
        out[f"{col}_base_growth"] = 100 * (b_end / b_start - 1) if b_start else 0.0
    return out


def _compare_end_names(a: CompareEndArgs) -> list[str]:
    suffixes = ("start", "run", "base", "change", "diff", "growth", "base_growth")
    return [f"{c}_{s}" for c in [*a.columns, *a.world_columns] for s in suffixes]


# -- margin_collapse ------------------------------------------------------------------------
class MarginCollapseArgs(_Args):
    """A rung's world margin and price as the number of capable producers grows."""

    rung: Annotated[str, Field(pattern=RUNG_PATTERN)]
    threshold: Annotated[float, Field(gt=0, le=1)] = 0.5
    window: Annotated[int, Field(ge=1, le=50)] = 5


def margin_collapse(run: Run, base: Run | None, a: MarginCollapseArgs) -> dict[str, float]:
    """Margin (per cent of revenue) and price at the start and the end; makers then and now.

    A maker holds at least ``threshold`` of the frontier capability on the rung.
    """
    wf, cf = run.world.set_index("year"), run.countries
    makers = (
        cf[cf[f"relcap_{a.rung}"] >= a.threshold]
        .groupby("year")
        .size()
        .reindex(wf.index, fill_value=0)
    )
    margin, price = wf[f"margin_{a.rung}"], wf[f"price_{a.rung}"]
    p0, p1 = _window_mean(price, a.window, False), _window_mean(price, a.window, True)
    return {
        "margin_start": 100 * _window_mean(margin, a.window, False),
        "margin_end": 100 * _window_mean(margin, a.window, True),
        "margin_change": 100
        * (_window_mean(margin, a.window, True) - _window_mean(margin, a.window, False)),
        "makers_start": float(makers.iloc[0]),
        "makers_end": float(makers.iloc[-1]),
        "price_change": 100 * (p1 / p0 - 1) if p0 else 0.0,
    }


def _margin_names(_a: MarginCollapseArgs) -> list[str]:
    return [
        "margin_start",
        "margin_end",
        "margin_change",
        "makers_start",
        "makers_end",
        "price_change",
    ]


# -- catch_up_delay --------------------------------------------------------------------------
class CatchUpDelayArgs(_Args):
    """When a country reaches an absolute capability level on a rung, with and without a change."""

    country: CODE
    rung: Annotated[str, Field(pattern=RUNG_PATTERN)]
    level: Annotated[float, Field(gt=0, le=10)] = 0.8
    #: False: ``level`` × the rung's first frontier (absolute); True: ``level`` × each
    #: year's frontier (``relcap_RUNG``; 0.8 is mastery: catching up with the leader)
    relative: bool = False
    controller: CODE | None = None
    rents_years: Annotated[int, Field(ge=1, le=200)] = 10


def _first_year_at(run: Run, code: str, column: str, level: float) -> float:
    cap = run.country(code, column)
    hit = cap[cap >= level]
    return float(hit.index[0]) if len(hit) else math.inf


def catch_up_delay(run: Run, base: Run | None, a: CatchUpDelayArgs) -> dict[str, float]:
    """Years later the country reaches ``level`` × the rung's first frontier than in the baseline.

    Absolute capability by default, so a controller that keeps raising its own frontier
    does not make the delay look longer. With ``relative`` the level is a share of each
    year's frontier instead (0.8: the year the country masters the rung, catching up
    with a leader who keeps moving). ``delay`` is infinite when the run never gets
    there; ``reached`` is 1 or 0. With a controller: its rents on the rung over the
    first ``rents_years`` years, in per cent of the baseline's (``rents_kept``).
    """
    assert base is not None
    if a.relative:
        column, level = f"relcap_{a.rung}", a.level
    else:
        column = f"capability_{a.rung}"
        level = a.level * float(run.world[f"frontier_{a.rung}"].iloc[0])
    y_run = _first_year_at(run, a.country, column, level)
    y_base = _first_year_at(base, a.country, column, level)
    if math.isinf(y_run):
        delay = math.inf
    elif math.isinf(y_base):
        delay = y_run - (base.last_year + 1)
    else:
        delay = y_run - y_base
    out = {
        "year_run": y_run,
        "year_base": y_base,
        "delay": delay,
        "reached": 0.0 if math.isinf(y_run) else 1.0,
        "rents_kept": 100.0,
    }
    if a.controller is not None:
        col = f"rents_{a.rung}"
        r = run.country(a.controller, col).iloc[1 : 1 + a.rents_years].mean()
        b = base.country(a.controller, col).iloc[1 : 1 + a.rents_years].mean()
        out["rents_kept"] = 100 * float(r / b) if b else 100.0
    return out


def _delay_names(_a: CatchUpDelayArgs) -> list[str]:
    return ["year_run", "year_base", "delay", "reached", "rents_kept"]


# -- climb_order ------------------------------------------------------------------------------
class ClimbOrderArgs(_Args):
    """The order in which a country masters the rungs of the ladder."""

    country: CODE
    #: None: the years the country mastered each rung (``mastery_share`` of each year's
    #: frontier); a number: the years it first reached ``level`` × the rung's first-year
    #: frontier (absolute, so a frontier moving faster on one rung does not reorder them)
    level: Annotated[float, Field(gt=0, le=10)] | None = None


def _reached_years(run: Run, a: ClimbOrderArgs) -> list[float]:
    if a.level is None:
        last = run.countries[run.countries["country"] == a.country].iloc[-1]
        return [float(last[f"mastered_{r}"]) for r in run.rungs]
    first = run.world.iloc[0]
    return [
        _first_year_at(run, a.country, f"capability_{r}", a.level * float(first[f"frontier_{r}"]))
        for r in run.rungs
    ]


def climb_order(run: Run, base: Run | None, a: ClimbOrderArgs) -> dict[str, float]:
    """Rungs mastered after the first year, whether lower rungs came first, the pace.

    ``in_order`` is 1 when every rung the country mastered during the run was mastered
    no earlier than the rung below it (the pyramid), 0 when it skipped ahead. With a
    ``level``, "mastered" is "first reached ``level`` × the rung's first-year frontier".
    """
    years = _reached_years(run, a)
    during = [y for y in years if np.isfinite(y) and y > run.start_year]
    in_order = 1.0
    for k in range(1, len(years)):
        if np.isfinite(years[k]) and years[k] > run.start_year:
            below = years[k - 1]
            if not np.isfinite(below) or below > years[k]:
                in_order = 0.0
    top = max((k + 1 for k, y in enumerate(years) if np.isfinite(y)), default=0)
    span = (max(during) - min(during)) if len(during) > 1 else 0.0
    return {
        "new_rungs": float(len(during)),
        "in_order": in_order,
        "top_rung": float(top),
        "first_year": min(during) if during else math.inf,
        "last_year": max(during) if during else math.inf,
        "years_per_rung": span / (len(during) - 1) if len(during) > 1 else 0.0,
    }


def _climb_names(_a: ClimbOrderArgs) -> list[str]:
    return ["new_rungs", "in_order", "top_rung", "first_year", "last_year", "years_per_rung"]


# -- reserves_squeeze ---------------------------------------------------------------------------
class ReservesSqueezeArgs(_Args):
    """The reserves and imports of every country but the issuer, against the baseline."""

    issuer: CODE
    from_year: Annotated[int, Field(ge=1000, le=3000)]


def reserves_squeeze(run: Run, base: Run | None, a: ReservesSqueezeArgs) -> dict[str, float]:
    """Others' reserves and imports from ``from_year`` on, in per cent of the baseline's.

    Also the country-years in which a country could not settle all its imports
    (import compression), in the run and in the baseline.
    """
    assert base is not None

    def late(r: Run) -> pd.DataFrame:
        cf = r.countries
        return cf[(cf["year"] >= a.from_year) & (cf["country"] != a.issuer)]

    x, b = late(run), late(base)
    return {
        "reserves_change": 100 * (x["reserves"].sum() / b["reserves"].sum() - 1),
        "imports_change": 100 * (x["imports"].sum() / b["imports"].sum() - 1),
        "compression_years": float((x["import_factor"] < 1).sum()),
        "base_compression_years": float((b["import_factor"] < 1).sum()),
    }


def _squeeze_names(_a: ReservesSqueezeArgs) -> list[str]:
    return ["reserves_change", "imports_change", "compression_years", "base_compression_years"]


@dataclass(frozen=True)
class Measure:
    """A reveal measure: its arguments, the values it returns, whether it needs a baseline."""

    name: str
    args: type[_Args]
    compute: Callable[[Run, Run | None, Any], dict[str, float]]
    names: Callable[[Any], list[str]]
    needs_baseline: bool


MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure("largest_buyer", LargestBuyerArgs, largest_buyer, _largest_buyer_names, False),
        Measure("compare_end", CompareEndArgs, compare_end, _compare_end_names, True),
        Measure("margin_collapse", MarginCollapseArgs, margin_collapse, _margin_names, False),
        Measure("catch_up_delay", CatchUpDelayArgs, catch_up_delay, _delay_names, True),
        Measure("climb_order", ClimbOrderArgs, climb_order, _climb_names, False),
        Measure("reserves_squeeze", ReservesSqueezeArgs, reserves_squeeze, _squeeze_names, True),
    )
}
