"""Accounting identities of DESIGN.md §2, checked on a model's latest year.

Each check returns the largest relative error, measured against the world total of
the quantity concerned (a good's world sales, or world trade), so that the result is
comparable across goods and world sizes. Tests require all of them to be ≤ 1e-9
every year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tradetiers.model import TradeModel


def identity_errors(model: TradeModel) -> dict[str, float]:
    """Largest relative error of each identity in the model's latest year."""
    if model.last is None:
        return {}
    alloc, market, s = model.last.allocation, model.last.market, model.state
    sales = market.revenue.T  # (G, N)
    purchases = market.purchases.T
    scale = np.maximum(sales.sum(axis=1), 1e-300)
    world_trade = max(float(s.exports.sum()), 1e-300)

    def per_good(diff: np.ndarray) -> float:
        return float((np.abs(diff) / scale[:, None]).max()) if diff.size else 0.0

    return {
        "market_clearing": float((np.abs(sales.sum(axis=1) - purchases.sum(axis=1)) / scale).max()),
        "exports_equal_imports": float(
            (np.abs(alloc.exports.sum(axis=1) - alloc.imports.sum(axis=1)) / scale).max()
        ),
        "supplier_rows": per_good(alloc.sold + alloc.unsold - sales),
        "buyer_columns": per_good(alloc.bought + alloc.unmet - purchases),
        "trade_balances_sum_to_zero": abs(float(s.trade_balance.sum())) / world_trade,
        "country_totals": float(np.abs(s.exports - alloc.exports.sum(axis=0)).max() / world_trade),
        **_money_errors(model, world_trade),
    }


def _money_errors(model: TradeModel, world_trade: float) -> dict[str, float]:
    """Current accounts sum to zero; D_t = D_{t-1} + deficit_t; reserves move only by settlement.

    Debt also falls by an explicit, logged write-off when a government restructures.

    The reserve identity: the change in the world's reserves equals the issuer's
    settlement flows, minus its current account plus what its finance sector lent
    (portfolio flows and emergency credit), less anything extinguished in a hand-over.
    """
    if not model.scenario.money.enabled:
        return {}
    s, mw = model.state, model.money
    gdp_scale = max(float(np.abs(s.gdp).sum()), 1e-300)
    ca = s.current_account
    debt_scale = np.maximum(np.abs(s.debt), np.abs(mw.debt_before)).sum() + 1e-300
    # the party that settled this year (before any hand-over at the year's end)
    settler = np.zeros(s.n, dtype=bool)
    settler[mw.settled_by] = True
    settlement = -float(ca[settler].sum()) + float(s.capital_inflow[~settler].sum())
    change = float(s.reserves.sum()) - mw.reserves_before
    return {
        "current_accounts_sum_to_zero": abs(float(ca.sum())) / world_trade,
        "current_account_is_trade_plus_income": float(
            np.abs(ca - (s.exports - s.imports + s.primary_income)).max() / world_trade
        ),
        "debt_accumulates_deficits": float(
            np.abs(s.debt - (mw.debt_before + s.deficit - s.debt_write_off)).sum() / debt_scale
        ),
        "reserves_change_by_settlement": abs(change - (settlement - mw.handover)) / gdp_scale,
    }


def state_problems(model: TradeModel) -> list[str]:
    """Names of state arrays holding NaN, infinity, or a negative stock or flow."""
    s = model.state
    problems = []
    arrays = {
        "gdp": s.gdp,
        "exports": s.exports,
        "imports": s.imports,
        "output": s.output,
        "labour_shares": s.labour_shares,
        "productivity": s.productivity,
        "prices": model.prices,
    }
    if model.scenario.money.enabled:
        arrays.update(
            {
                "reserves": s.reserves,
                "portfolio": s.portfolio,
                "finance_labour": s.finance_labour,
                "interest_rate": s.interest_rate,
            }
        )
        if not np.isfinite(s.debt).all():
            problems.append("debt: not finite")
    for name, arr in arrays.items():
        if not np.isfinite(arr).all():
            problems.append(f"{name}: not finite")
        elif (arr < 0).any():
            problems.append(f"{name}: negative")
    if model.last is not None:
        a = model.last.allocation
        for name, arr in {"unmet": a.unmet, "unsold": a.unsold, "sold": a.sold}.items():
            if not np.isfinite(arr).all() or (arr < -1e-9 * max(1.0, np.abs(arr).max())).any():
                problems.append(f"allocation.{name}: bad values")
    return problems
