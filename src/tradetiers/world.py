"""Builds the initial world: countries, endowments and the trade graph.

Also holds the synthetic-world generator, which makes a valid world of any size
(4 to 5,000 countries) with given tier proportions, from its own seed.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from tradetiers.config import CountrySpec, Scenario, SyntheticSettings
from tradetiers.economy.network import build_graph
from tradetiers.economy.production import AGRICULTURE, FIRST_RUNG, RESOURCES
from tradetiers.state import CountryState


def build_state(scenario: Scenario) -> CountryState:
    """Arrays for the scenario's countries (a synthetic world must be resolved first)."""
    goods = scenario.goods.names
    cs = scenario.countries
    n, g = len(cs), len(goods)
    prod = np.zeros((n, g))
    shares = np.zeros((n, g))
    for i, c in enumerate(cs):
        for name, val in c.productivity.items():
            prod[i, goods.index(name)] = val
        for name, val in (c.labour_shares or {}).items():
            shares[i, goods.index(name)] = val
    capable = prod > 0
    given = shares.sum(axis=1) > 0
    # Without given shares, start spread evenly over capable sectors; the first years
    # of reallocation then find the country's comparative advantage.
    even = capable / capable.sum(axis=1, keepdims=True)
    shares = np.where(given[:, None], np.where(capable, shares, 0.0), even)
    floor = scenario.parameters.sector_floor
    shares = np.where(capable, np.maximum(shares, floor), 0.0)
    shares /= shares.sum(axis=1, keepdims=True)
    codes = [c.code for c in cs]
    state = CountryState(
        codes=codes,
        names=[c.name for c in cs],
        population=np.array([c.population for c in cs], dtype=float),
        land=np.array([c.land for c in cs], dtype=float),
        deposits=np.array([c.deposits for c in cs], dtype=float),
        productivity=prod,
        labour_shares=shares,
        expected_pay=np.zeros((n, g)),
        lat=np.array([c.lat for c in cs], dtype=float),
        lon=np.array([c.lon for c in cs], dtype=float),
        is_hegemon=np.array([c.code == scenario.hegemon for c in cs]),
    )
    tech = scenario.technology
    state.rd_public_share = _own_or(cs, "rd_public_share", tech.rd_public_share)
    state.rd_profit_share = np.full(n, tech.rd_profit_share)
    money = scenario.money
    upkeep = np.where(state.is_hegemon, money.hegemon_military_share, money.military_share)
    given = np.array([np.nan if c.military_share is None else c.military_share for c in cs])
    state.military_share = np.where(np.isnan(given), upkeep, given)
    state.tax_base = _own_or(cs, "tax_base", money.tax_base)
    state.base_spending = _own_or(cs, "base_spending", money.base_spending)
    if money.enabled:
        state.finance_labour = np.where(state.is_hegemon, money.start_finance_labour, 0.0)
    state.services_base = _own_or(cs, "services_share", scenario.parameters.services_share)
    state.services_share = state.services_base.copy()
    state.services_labour = state.services_base * (1.0 - state.finance_labour)
    state.population_growth = np.array([c.population_growth for c in cs], dtype=float)
    return state


def _own_or(countries: list[CountrySpec], field: str, default: float) -> np.ndarray:
    """Each country's own value of ``field``, or the world's default where it has none."""
    return np.array(
        [default if getattr(c, field) is None else getattr(c, field) for c in countries],
        dtype=float,
    )


def starting_stock_shares(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Debt and reserves per country as shares of the first year's GDP (given or default)."""
    money = scenario.money
    cs = scenario.countries
    debt = _own_or(cs, "debt_to_gdp", money.start_debt)
    reserves = _own_or(cs, "reserves_to_gdp", money.start_reserves)
    issuer = np.array([c.code == scenario.hegemon for c in cs])
    return debt, np.where(issuer, 0.0, reserves)


def graph_kind(scenario: Scenario, n: int) -> str:
    """``complete`` or ``sparse``; ``auto`` is complete up to 200 countries."""
    kind = scenario.graph.kind
    if kind == "auto":
        return "complete" if n <= 200 else "sparse"
    return kind


def build_trade_graph(scenario: Scenario, state: CountryState) -> nx.Graph:
    """The trade graph for the scenario's countries, with distances on the edges."""
    size = state.population * state.productivity.mean(axis=1)
    return build_graph(
        state.codes,
        state.lat,
        state.lon,
        size,
        graph_kind(scenario, state.n),
        scenario.graph.k,
        scenario.graph.hubs,
    )


# -- the synthetic-world generator ------------------------------------------------------
def type_counts(total: int, shares: list[float]) -> list[int]:
    """Split ``total`` countries by ``shares`` (largest remainders), at least one of each.

    The counts always add up to ``total`` (which must be at least ``len(shares)``).
    """
    raw = np.asarray(shares, dtype=float) * total
    counts = np.floor(raw).astype(int)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    while (counts == 0).any():
        counts[np.argmax(counts)] -= 1
        counts[np.flatnonzero(counts == 0)[0]] += 1
    return counts.tolist()


def synthetic_countries(settings: SyntheticSettings, goods: list[str]) -> list[CountrySpec]:
    """A valid world of ``settings.countries`` countries with the given tier proportions.

    Country types shape endowments and productivity, not outcomes: whether a country
    ends up in the tier of its type is for the model to decide. Country 0 is the
    hegemon. Values are drawn from ``settings.seed`` only.
    """
    rng = np.random.default_rng(settings.seed)
    n = settings.countries
    n_man, n_res, n_agr = type_counts(
        n - settings.hegemons,
        [settings.manufacturers, settings.resource_exporters, settings.agrarian],
    )
    kinds = ["hegemon"] + ["manufacturer"] * n_man + ["resource"] * n_res + ["agrarian"] * n_agr
    k = len(goods) - FIRST_RUNG
    rung = np.arange(k)
    codes = settings.codes
    centres = rng.uniform([-40, -150], [60, 170], size=(max(3, n // 40), 2))
    specs = []
    for i, kind in enumerate(kinds):
        lat, lon = centres[rng.integers(len(centres))] + rng.normal(0, [8, 15])
        pop = float(np.clip(rng.lognormal(np.log(30), 0.9), 0.2, 1500))
        prod = np.zeros(len(goods))
        noise = rng.lognormal(0, 0.15, size=len(goods))
        if kind == "hegemon":
            prod[FIRST_RUNG:] = 4.0 * 1.35**rung
            prod[AGRICULTURE], prod[RESOURCES] = 4.0, 2.0
            land, deposits = 0.5 * pop, 0.15 * pop
        elif kind == "manufacturer":
            depth = rng.integers(1, k + 1)
            prod[FIRST_RUNG:] = np.where(rung < depth, 3.5 * 1.1**rung, 0.4 * 1.2**rung)
            prod[FIRST_RUNG:] *= rung <= depth  # rungs well above its base are out of reach
            prod[AGRICULTURE], prod[RESOURCES] = 2.0, 1.0
            land, deposits = 0.3 * pop, 0.05 * pop
        elif kind == "resource":
            prod[FIRST_RUNG:] = np.where(rung < 2, 1.0, 0.0)
            prod[AGRICULTURE], prod[RESOURCES] = 1.5, 5.0
            land, deposits = 0.4 * pop, 2.0 * pop
        else:
            prod[FIRST_RUNG:] = np.where(rung < 1, 0.9, 0.0)
            prod[AGRICULTURE], prod[RESOURCES] = 3.0, 0.5
            land, deposits = 1.5 * pop, 0.02 * pop
        prod = np.round(prod * noise, 4)
        specs.append(
            CountrySpec(
                code=codes[i],
                name=f"Synthetic {kind} {i}",
                population=round(pop, 3),
                productivity={
                    gname: float(v) for gname, v in zip(goods, prod, strict=True) if v > 0
                },
                land=round(land * float(rng.lognormal(0, 0.2)), 3),
                deposits=round(deposits * float(rng.lognormal(0, 0.2)), 3),
                lat=float(np.clip(lat, -89, 89)),
                lon=float((lon + 180) % 360 - 180),
                region=kind,
                source="synthetic",
            )
        )
    return specs
