"""Structure: labour moves toward better-paid sectors; tiers are classified each year.

Reallocation follows the design prototype: target shares ``s* ∝ pay^η`` over the
sectors a country has capability in, then ``s ← (1-λ)s + λs*``, on smoothed
expected pay. With λη near 2 the rule flips into a two-year cycle and λ = 1
collapses, so the defaults are λ = 0.2, η = 3. A small floor keeps every sector with
capability alive, so that it can grow again when its pay recovers.
"""

from __future__ import annotations

import numpy as np

from tradetiers.economy.production import AGRICULTURE, FIRST_RUNG, RESOURCES
from tradetiers.state import TIER_AGRARIAN, TIER_HEGEMON, TIER_MANUFACTURER, TIER_RESOURCE


def smooth_pay(expected: np.ndarray, pay: np.ndarray, weight: float) -> np.ndarray:
    """Exponentially smoothed expectation of pay per worker."""
    return (1.0 - weight) * expected + weight * pay


def target_shares(
    expected_pay: np.ndarray, capable: np.ndarray, elasticity: float, floor: float
) -> np.ndarray:
    """Target labour shares (N, G): a floor on each capable sector plus the rest ∝ pay^η."""
    pay = np.where(capable, np.maximum(expected_pay, 0.0), 0.0)
    top = pay.max(axis=1, keepdims=True)
    rel = np.divide(pay, top, out=np.zeros_like(pay), where=top > 0)  # avoids overflow
    w = np.where(capable, rel**elasticity, 0.0)
    wsum = w.sum(axis=1, keepdims=True)
    n_cap = capable.sum(axis=1, keepdims=True)
    free = np.clip(1.0 - floor * n_cap, 0.0, 1.0)
    spread = np.divide(w, wsum, out=np.zeros_like(w), where=wsum > 0)
    uniform = np.divide(capable, n_cap, out=np.zeros(capable.shape), where=n_cap > 0)
    spread = np.where(wsum > 0, spread, uniform)
    return np.where(capable, floor, 0.0) + free * spread


def reallocate(shares: np.ndarray, target: np.ndarray, speed: float) -> np.ndarray:
    """Partial adjustment toward the target; rows keep summing to 1."""
    new = (1.0 - speed) * shares + speed * target
    return new / new.sum(axis=1, keepdims=True)


def classify_tiers(
    exports_by_good: np.ndarray,
    output_value: np.ndarray,
    gdp_per_capita: np.ndarray,
    is_hegemon: np.ndarray,
    poorest_share: float,
    finance_share: np.ndarray | None = None,
    finance_threshold: float = 0.05,
) -> np.ndarray:
    """Tier per country (N,).

    Tier 1 is the reserve issuer (or, once money exists, any country whose finance
    income is at least ``finance_threshold`` of GDP). Otherwise the tier is the largest
    gross-export category: manufacturing 2, resources 3, agriculture 4; a country that
    hardly exports is classified by its output. The poorest (below ``poorest_share``
    of the mean income per person) are tier 4 unless they live off resources.
    """
    exp_cat = _categories(exports_by_good)
    out_cat = _categories(output_value)
    gdp_out = output_value.sum(axis=1)
    basis = np.where((exports_by_good.sum(axis=1) > 0.02 * gdp_out)[:, None], exp_cat, out_cat)
    lead = np.argmax(basis, axis=1)  # 0 manufacturing, 1 resources, 2 agriculture
    tier = np.array([TIER_MANUFACTURER, TIER_RESOURCE, TIER_AGRARIAN])[lead]
    mean_income = gdp_per_capita.mean() if gdp_per_capita.size else 0.0
    poorest = (gdp_per_capita < poorest_share * mean_income) & (tier == TIER_MANUFACTURER)
    tier = np.where(poorest, TIER_AGRARIAN, tier)
    tier1 = is_hegemon.copy()
    if finance_share is not None:
        tier1 |= finance_share >= finance_threshold
    return np.where(tier1, TIER_HEGEMON, tier)


def _categories(values_by_good: np.ndarray) -> np.ndarray:
    """(N, 3): manufacturing, resources, agriculture totals (ties go to manufacturing)."""
    return np.column_stack(
        [
            values_by_good[:, FIRST_RUNG:].sum(axis=1),
            values_by_good[:, RESOURCES],
            values_by_good[:, AGRICULTURE],
        ]
    )
