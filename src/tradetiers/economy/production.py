"""Production: real output per good from productivity, labour and endowments.

Agriculture uses land and resources use deposits, each with diminishing returns
(Cobb-Douglas in the endowment and labour). Manufacturing rungs are linear in
labour and buy resources as a fixed cost share of their revenue (``resource_input_share``);
per-unit input coefficients made resource prices oscillate in the design prototype.
"""

from __future__ import annotations

import numpy as np

AGRICULTURE, RESOURCES = 0, 1
FIRST_RUNG = 2


def labour_input(population: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Workers (millions) per country and sector, (N, G)."""
    return population[:, None] * shares


def produce(
    productivity: np.ndarray,
    workers: np.ndarray,
    land: np.ndarray,
    deposits: np.ndarray,
    land_elasticity: float,
    deposit_elasticity: float,
) -> np.ndarray:
    """Real output Y (N, G).

    Args:
        productivity: capability A (N, G).
        workers: labour per sector (N, G), in millions.
        land: arable land (N,).
        deposits: resource deposits (N,).
        land_elasticity: output elasticity of land in agriculture.
        deposit_elasticity: output elasticity of deposits in resources.
    """
    out = productivity * workers
    a, b = land_elasticity, deposit_elasticity
    out[:, AGRICULTURE] = (
        productivity[:, AGRICULTURE] * land**a * workers[:, AGRICULTURE] ** (1.0 - a)
    )
    out[:, RESOURCES] = (
        productivity[:, RESOURCES] * deposits**b * workers[:, RESOURCES] ** (1.0 - b)
    )
    return out


def value_added_share(n_goods: int, resource_input_share: float) -> np.ndarray:
    """Share of revenue that is value added, per good (G,): manufacturing pays for inputs."""
    v = np.ones(n_goods)
    v[FIRST_RUNG:] -= resource_input_share
    return v


def pay_per_worker(
    prices: np.ndarray,
    productivity: np.ndarray,
    population: np.ndarray,
    shares: np.ndarray,
    land: np.ndarray,
    deposits: np.ndarray,
    land_elasticity: float,
    deposit_elasticity: float,
    resource_input_share: float,
    floor: float,
    efficiency: float | np.ndarray = 1.0,
) -> np.ndarray:
    """Value added per worker in each sector (N, G), what labour compares when it moves.

    Evaluated at a share of at least ``floor`` so that an empty sector with land or
    deposits still shows the (high) pay a first worker would earn there. ``efficiency``
    is the growth outside the ladder that multiplies output, per good (1 at the start).
    """
    s = np.maximum(shares, max(floor, 1e-6))
    workers = labour_input(population, s)
    out = produce(productivity, workers, land, deposits, land_elasticity, deposit_elasticity)
    out *= efficiency
    vshare = value_added_share(prices.size, resource_input_share)
    return out * (prices * vshare)[None, :] / workers
