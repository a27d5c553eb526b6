"""Services: a non-traded sector whose share of GDP rises with income.

Most of a rich economy's value added is services that never cross a border (retail,
health, construction, government). Without them a manufacturing share of GDP such as
the US's 14% in 2001 has no meaning: the traded sectors would be the whole economy.

Each country spends a share ``σ`` of its income on its own services. At its start the
share is the country's base ``ω`` (from data); it then rises with the country's income
per person relative to where it started, an Engel curve that also stands for Baumol's
cost disease (services get dearer as goods get cheaper to make):

    σ = ω x / (ω x + 1 − ω),   x = (y / y₀)^κ

Services are bought at home only, so their market clears country by country: with the
rest of GDP ``R`` (goods and finance value added), services value added is
``σ / (1 − σ) · R`` and so ``σ`` of GDP. What a country borrows from or lends abroad
(its current account) is spent on or saved from traded goods: a deficit is imports, it
does not bid up home services. The traded goods' prices are therefore untouched by
services, except through the workers services employ: they hire in proportion to their
share of GDP, adjusting at the reallocation speed, so that services pay about the
average income.

All functions are pure and vectorised over countries. A base share of 0 is no
services sector at all, and every result is then exactly zero.
"""

from __future__ import annotations

import numpy as np


def spending_share(
    base: np.ndarray,
    income: np.ndarray,
    income_start: np.ndarray,
    elasticity: float,
) -> np.ndarray:
    """Share of GDP that home services take (N,).

    Args:
        base: each country's share at its start, ω in [0, 1).
        income: income per person now (last year's, so this year's prices stay linear).
        income_start: income per person in the first year (0 where not known yet).
        elasticity: κ, how fast the share rises with income growth.
    """
    known = (income_start > 0) & (income > 0)
    growth = np.divide(income, income_start, out=np.ones_like(income), where=known)
    x = np.clip(growth, 1e-3, 1e3) ** elasticity
    weight = base * x
    return np.divide(weight, weight + 1.0 - base, out=np.zeros_like(base), where=base > 0)


def value_added(other_income: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Services value added (N,): ``σ / (1 − σ)`` of the rest of GDP (never negative)."""
    return share / (1.0 - share) * np.maximum(other_income, 0.0)


def labour_share(current: np.ndarray, share: np.ndarray, speed: float) -> np.ndarray:
    """Services' share of workers (N,), moving part of the way toward their share of GDP."""
    return (1.0 - speed) * current + speed * share
