"""Step 7 of the year, structure: labour moves toward better pay; tiers are reclassified.

The arithmetic is in :mod:`tradetiers.economy.structure`. Pay is what was actually
sold, raised where tariffs protect or subsidies pay; the issuer's finance sector is
one more sector workers can move to (M2). Tier changes and new challengers are logged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tradetiers.economy import money, production, services, structure

if TYPE_CHECKING:
    from tradetiers.model import TradeModel


def restructure(model: TradeModel) -> None:
    """Move labour toward better pay, then reclassify tiers and log the changes."""
    s, p = model.state, model.scenario.parameters
    pay = production.pay_per_worker(
        model.prices,
        s.productivity,
        model.goods_workers,
        s.labour_shares,
        s.land,
        s.deposits,
        p.land_elasticity,
        p.deposit_elasticity,
        model.input_share,
        p.sector_floor,
        model.efficiency,
    )
    # pay counts what was actually sold: a seller that cannot sell part of its output
    # (export controls, a stalled market) earns less there, and labour moves away
    assert model.last is not None
    sold_share = np.divide(
        s.revenue - model.last.allocation.unsold.T,
        s.revenue,
        out=np.ones_like(s.revenue),
        where=s.revenue > 0,
    )
    pay = pay * sold_share
    # protected or subsidised sectors pay more at home (tariffs, reshoring subsidies)
    pay = pay * (1.0 + s.subsidy) * (1.0 + s.tariff_wedge * _home_sales_share(model))
    first = not s.expected_pay.any()
    s.expected_pay = pay if first else structure.smooth_pay(s.expected_pay, pay, p.pay_smoothing)
    capable = s.productivity > 0
    pool = 1.0 - s.services_labour  # the workers outside home services, before they move
    s.services_labour = services.labour_share(
        s.services_labour, s.services_share, p.reallocation_speed
    )
    if model.scenario.money.enabled:
        _reallocate_with_finance(model, capable, first, pool)
    else:
        target = structure.target_shares(s.expected_pay, capable, p.pay_elasticity, p.sector_floor)
        s.labour_shares = structure.reallocate(s.labour_shares, target, p.reallocation_speed)
    assert model.last is not None
    new_tier = structure.classify_tiers(
        model.last.allocation.exports.T,
        s.revenue,
        s.gdp_per_capita,
        s.is_hegemon,
        p.poorest_income_share,
        s.finance_share if model.scenario.money.enabled else None,
    )
    rel = model.relative_capability()
    top = rel[:, -2:] >= model.tech_params.mastery_share  # masters a top rung
    challenger = (new_tier == 2) & top.any(axis=1) & ~s.is_hegemon
    for i in np.flatnonzero(challenger & ~s.challenger):
        model.log("challenger", f"{s.names[i]} masters a top rung: a challenger", s.codes[i])
    s.challenger = challenger
    changed = np.flatnonzero((s.tier != 0) & (new_tier != s.tier))
    for i in changed:
        model.log(
            "tier_change",
            f"{s.names[i]} moves from tier {s.tier[i]} to tier {new_tier[i]}",
            s.codes[i],
        )
    s.tier = new_tier


def _home_sales_share(model: TradeModel) -> np.ndarray:
    """Share of each country's sales of each good that stay at home, (N, G)."""
    assert model.last is not None
    a = model.last.allocation
    return np.divide(
        a.domestic.T, a.sold.T, out=np.zeros_like(model.state.revenue), where=a.sold.T > 0
    )


def _reallocate_with_finance(
    model: TradeModel, capable: np.ndarray, first: bool, pool: np.ndarray
) -> None:
    """Labour moves among goods sectors and the finance sector toward better pay (M2).

    Finance is one more column in the reallocation: its pay is the finance
    sector's value added per finance worker, and only a country whose finance
    earns something (the issuer, while the spread is positive) can have one. The
    reallocation is among the workers outside home services (``pool``, the share of
    all workers they were), whose number services set (see economy/services.py).
    """
    s, p = model.state, model.scenario.parameters
    f = s.finance_labour / pool  # finance's share of the pool
    # pay at no less than the sector floor, so that a new issuer's empty finance
    # sector shows what its first workers would earn (as goods sectors do)
    workers = np.maximum(f, p.sector_floor) * pool * s.population
    pay = money.finance_pay(s.finance_va, workers)
    s.expected_finance_pay = (
        pay if first else structure.smooth_pay(s.expected_finance_pay, pay, p.pay_smoothing)
    )
    has_finance = s.finance_va > 0
    shares = np.column_stack([s.labour_shares * (1.0 - f)[:, None], f])
    pays = np.column_stack([s.expected_pay, s.expected_finance_pay])
    able = np.column_stack([capable, has_finance])
    target = structure.target_shares(pays, able, p.pay_elasticity, p.sector_floor)
    new = structure.reallocate(shares, target, p.reallocation_speed)
    s.finance_labour = new[:, -1] * (1.0 - s.services_labour)
    s.labour_shares = new[:, :-1] / (1.0 - new[:, -1])[:, None]
