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
