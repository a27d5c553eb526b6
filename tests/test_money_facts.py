"""Stylised facts of money (M2, M8, M9), each comparing runs over 20 seeds.

Every test runs the teaching world for 30 years with and without one change, on the
same seeds (technology makes seeds differ), and asserts an effect size that the
mechanism must produce and that could fail. Baseline runs are shared between tests.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd
import pytest
from worlds import teaching_dict

from tradetiers import Scenario, TradeModel

SEEDS = range(1, 21)
YEARS = 30
MANUFACTURERS = ["MAN", "FAB", "IND"]
LADDER = ["textiles", "machinery", "cars_appliances", "semiconductors", "ai"]


def _run(change: Callable[[dict], None] | None, seed: int) -> TradeModel:
    d = teaching_dict()
    d["years"] = YEARS
    if change is not None:
        change(d)
    return TradeModel(Scenario.from_dict(d), rng=seed).run()


@cache
def baseline(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The unchanged teaching world's (country frame, world frame) for a seed."""
    m = _run(None, seed)
    return m.country_frame(), m.world_frame()


def frames(change: Callable[[dict], None], seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    m = _run(change, seed)
    return m.country_frame(), m.world_frame()


def hegemon(cf: pd.DataFrame, column: str) -> pd.Series:
    return cf[cf.country == "HEG"].set_index("year")[column]


def money(**settings) -> Callable[[dict], None]:
    return lambda d: d.setdefault("money", {}).update(settings)


def event(**ev) -> Callable[[dict], None]:
    return lambda d: d.setdefault("events", []).append(dict(ev))


def test_rentier_drift_needs_the_finance_premium():
    """M2: finance that pays more than factories hollows the hegemon out; no premium, no drift.

    With the default spread (3% on the world's reserves and portfolio money) the
    hegemon's finance sector grows to several per cent of GDP and pulls workers out
    of manufacturing. With the spread at zero its finance sector earns nothing and
    disappears. Both worlds see the same catch-up elsewhere, so the difference in the
    manufacturing share's fall is the drift: at least 1.5 points in 18 of 20 seeds,
    and the finance share rises by at least 2 points only with the premium.
    """
    drift, fin_with, fin_without = [], [], []
    for seed in SEEDS:
        base, _ = baseline(seed)
        flat, _ = frames(money(finance_spread=0.0), seed)
        m_with, m_without = (
            hegemon(base, "manufacturing_share"),
            hegemon(flat, "manufacturing_share"),
        )
        fall_with = m_with.iloc[0] - m_with.iloc[-1]
        fall_without = m_without.iloc[0] - m_without.iloc[-1]
        drift.append(fall_with - fall_without)
        f_with, f_without = hegemon(base, "finance_share"), hegemon(flat, "finance_share")
        fin_with.append(f_with.iloc[-1] - f_with.iloc[0])
        fin_without.append(f_without.iloc[-1])
    assert sum(d >= 0.015 for d in drift) >= 18, np.round(drift, 4)
    assert min(fin_with) >= 0.02, np.round(fin_with, 4)
    assert max(fin_without) <= 1e-6, fin_without


def test_hegemon_surplus_starves_the_world_of_reserves():
    """M8 (Triffin), ``reserve_currency``: a hegemon forced into surplus drains the others.

    With the hegemon targeting a surplus of 5% of its GDP the others must run the
    matching deficits; their reserves fall, the countries that run out cannot settle
    all their imports (import compression), and the world outside the hegemon
    imports less. Over the last 20 years, in every seed: the others' reserves are at
    least 50% lower (about 85% in practice), their imports at least 2% lower (3-4%),
    and compression happens in at least 100 of the 140 country-years (against none
    in the baseline).
    """
    for seed in SEEDS:
        base, _ = baseline(seed)
        surplus, _ = frames(money(hegemon_surplus=0.05), seed)
        late = lambda cf: cf[(cf.year >= 2010) & (cf.country != "HEG")]  # noqa: E731
        b, s = late(base), late(surplus)
        assert s.reserves.sum() <= 0.5 * b.reserves.sum(), seed
        assert s.imports.sum() <= 0.98 * b.imports.sum(), seed
        assert (s.import_factor < 1).sum() >= 100, seed
        assert (b.import_factor < 1).sum() == 0, seed


def test_balanced_regime_has_no_borrowing_abroad():
    """M8, ``balanced``: every country must balance; nobody borrows abroad.

    No planned deficit, no portfolio money, no capital flow; a realised current
    account differs from zero only by sales that could not be made and demand that
    could not be met (export controls), which the identities account for.
    """
    for seed in list(SEEDS)[:5]:
        d = teaching_dict()
        d["years"] = YEARS
        d["money"] = {"regime": "balanced"}
        m = TradeModel(Scenario.from_dict(d), rng=seed)
        for _ in range(YEARS):
            m.step()
            s, a = m.state, m.last.allocation
            assert np.abs(s.planned_current_account).max() == 0.0
            assert s.portfolio.max() == 0.0 and np.abs(s.capital_inflow).max() == 0.0
            slack = a.unsold.sum(axis=0) + a.unmet.sum(axis=0)
            assert (np.abs(s.current_account) <= slack + 1e-9 * s.gdp).all()


def test_rate_hike_drains_tiers_three_and_four():
    """M8, the dollar tide: a hike pulls money out of tiers 3 and 4 and cuts their spending.

    The policy rate rises from 3% to 8% for 2010-2019. By the capital-flow rule the
    portfolio money placed in resource exporters and agrarian countries shrinks, so
    their reserves fall and they must spend less. During the hike, in every seed,
    their reserves are at least 5% lower and their absorption at least 0.5% lower
    than without it; the hike is scheduled as an event and nothing else changes.
    """
    hike = event(kind="rate_path", year=2010, until=2020, rates=[0.08])
    for seed in SEEDS:
        base, _ = baseline(seed)
        hiked, wf = frames(hike, seed)
        assert wf.set_index("year").policy_rate.loc[2012] == pytest.approx(0.08)

        def during(cf: pd.DataFrame, col: str) -> float:
            x = cf[(cf.year > 2010) & (cf.year < 2020) & (cf.tier >= 3) & (cf.country != "HEG")]
            return float(x.groupby("year")[col].sum().mean())

        assert during(hiked, "reserves") <= 0.95 * during(base, "reserves"), seed
        assert during(hiked, "absorption") <= 0.995 * during(base, "absorption"), seed
        assert during(hiked, "portfolio") <= 0.6 * during(base, "portfolio"), seed


def test_debts_and_a_falling_share_erode_credibility():
    """M9: persistent deficits and a falling manufacturing share lower credibility.

    Two changes against the baseline: the hegemon's upkeep at 8% of GDP (persistent
    deficits, rising debt) lowers credibility after 30 years by at least 0.1 in every
    seed; and a world where followers cannot absorb technology (the hegemon keeps its
    share of manufacturing and technology rents) keeps it higher by at least 0.05.
    """
    spend = event(kind="military_spending", year=2000, country="HEG", share=0.08)
    frozen = lambda d: d.setdefault("technology", {}).update(absorption=False)  # noqa: E731
    for seed in SEEDS:
        _, base = baseline(seed)
        _, debt = frames(spend, seed)
        _, held = frames(frozen, seed)
        c_base = base.reserve_credibility.iloc[-1]
        assert debt.hegemon_debt_to_gdp.iloc[-1] > base.hegemon_debt_to_gdp.iloc[-1] + 0.3
        assert debt.reserve_credibility.iloc[-1] <= c_base - 0.1, seed
        assert held.reserve_credibility.iloc[-1] >= c_base + 0.05, seed


def test_a_run_raises_the_hegemons_rate_and_cuts_its_imports():
    """M9: in a run holders sell reserves; the hegemon's rate spikes and its imports fall.

    A forced run from 2015 for five years: during it the hegemon's interest rate is at
    least one point higher and its imports at least 2% lower, in every seed.
    """
    run = event(kind="reserve_run", year=2015, years=5)
    for seed in SEEDS:
        base, _ = baseline(seed)
        ran, wf = frames(run, seed)
        assert wf.set_index("year").reserve_run.loc[2016] == 1
        r_base = hegemon(base, "interest_rate").loc[2016:2019].mean()
        r_run = hegemon(ran, "interest_rate").loc[2016:2019].mean()
        m_base = hegemon(base, "imports").loc[2016:2019].mean()
        m_run = hegemon(ran, "imports").loc[2016:2019].mean()
        assert r_run >= r_base + 0.01, seed
        assert m_run <= 0.98 * m_base, seed


def test_tariff_on_manufacturers_protects_a_little_and_costs_more():
    """A hegemon's 25% tariff on manufacturers' goods: a little reshoring, dearer prices.

    From 2010 the hegemon taxes the three manufacturers' manufactured goods. Over
    2015-2029: its manufacturing share rises, by less than 3 points, on average and
    in at least 16 of 20 seeds (technology's luck can outweigh a small effect); in
    every seed its consumer prices rise by more than its manufacturing share does
    (relative changes); with the retaliation rule on, all three answer with tariffs
    of their own, and with it off nobody does.
    """
    tariff = dict(
        kind="tariff", year=2010, imposer="HEG", targets=MANUFACTURERS, goods=LADDER, rate=0.25
    )
    quiet = lambda d: (  # noqa: E731
        d.setdefault("events", []).append(dict(tariff)),
        d.setdefault("money", {}).update(tariff_retaliation=False),
    )
    gains = []
    for seed in SEEDS:
        base, _ = baseline(seed)
        m = _run(event(**tariff), seed)
        taxed = m.country_frame()
        share_b = hegemon(base, "manufacturing_share").loc[2015:].mean()
        share_t = hegemon(taxed, "manufacturing_share").loc[2015:].mean()
        price_b = hegemon(base, "price_index").loc[2015:].mean()
        price_t = hegemon(taxed, "price_index").loc[2015:].mean()
        gains.append(share_t - share_b)
        assert share_t - share_b < 0.03, seed
        assert (price_t / price_b - 1) > (share_t / share_b - 1), seed
        answered = {m.state.codes[t.imposer] for t in m.tariffs if t.source == "retaliation"}
        assert answered == set(MANUFACTURERS), seed
        assert len(_run(quiet, seed).tariffs) == 1
    assert np.mean(gains) > 0 and sum(g > 0 for g in gains) >= 16, np.round(gains, 4)
