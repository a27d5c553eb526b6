"""Demand: income-dependent budget shares (Engel curves).

A country's share of spending on good g is ``base_g * y^e_g``, normalised, where ``y`` is
its income per person relative to the world average (last year's, so that this
year's price system stays linear). Food's share falls with income; chips and AI rise.
"""

from __future__ import annotations

import numpy as np

DEFAULT_BASE = {
    "agriculture": 0.16,
    "resources": 0.10,
}
DEFAULT_ELASTICITY = {"agriculture": -0.5, "resources": 0.0}


def default_base_shares(goods: list[str]) -> np.ndarray:
    """Base budget shares: primary goods as above, the ladder sharing the rest, tilted low."""
    k = len(goods) - 2
    rest = 1.0 - DEFAULT_BASE["agriculture"] - DEFAULT_BASE["resources"]
    tilt = np.linspace(1.3, 0.7, k) if k > 1 else np.ones(1)
    ladder = rest * tilt / tilt.sum()
    return np.concatenate([[DEFAULT_BASE["agriculture"], DEFAULT_BASE["resources"]], ladder])


def default_elasticities(goods: list[str]) -> np.ndarray:
    """Income elasticities of the budget share: food falls, higher rungs rise."""
    k = len(goods) - 2
    ladder = np.linspace(-0.2, 0.6, k) if k > 1 else np.zeros(1)
    return np.concatenate(
        [[DEFAULT_ELASTICITY["agriculture"], DEFAULT_ELASTICITY["resources"]], ladder]
    )


def budget_shares(
    relative_income: np.ndarray,
    base: np.ndarray,
    elasticity: np.ndarray,
    allowed: np.ndarray,
) -> np.ndarray:
    """Budget shares (N, G), rows summing to 1 over the goods a country can buy.

    Args:
        relative_income: income per person over the world mean (N,), positive.
        base: base shares (G,).
        elasticity: income elasticity of each share (G,).
        allowed: (N, G) bool, whether the country has a supplier it may buy g from;
            goods it cannot buy are dropped before pricing (else the allocation stalls).
    """
    y = np.clip(relative_income, 1e-3, 1e3)
    w = base[None, :] * y[:, None] ** elasticity[None, :]
    w = np.where(allowed, w, 0.0)
    total = w.sum(axis=1, keepdims=True)
    return np.divide(w, total, out=np.zeros_like(w), where=total > 0)
