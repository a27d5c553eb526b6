"""The synthetic-world generator makes valid, reproducible worlds from 4 to 5,000 countries."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tradetiers import TradeModel
from tradetiers.config import CODE_PATTERN, Scenario

SIZES = [4, 5, 8, 37, 200, 5000]
TYPES = ("manufacturer", "resource", "agrarian")
DEFAULT_SHARES = {"manufacturers": 0.4, "resource_exporters": 0.25, "agrarian": 0.35}
SHARE_OF_TYPE = {
    "manufacturer": "manufacturers",
    "resource": "resource_exporters",
    "agrarian": "agrarian",
}


def synthetic_scenario(countries: int, seed: int = 0, **shares: float) -> Scenario:
    """A resolved scenario whose world is made by the generator."""
    settings = {"countries": countries, "seed": seed, **shares}
    return Scenario.from_dict({"name": "s", "synthetic": settings}).resolved()


_CACHE: dict[tuple, Scenario] = {}


def cached(countries: int, seed: int = 0, **shares: float) -> Scenario:
    """``synthetic_scenario``, built once per argument set (5,000 countries take ~1 s)."""
    shares = {**DEFAULT_SHARES, **shares}
    key = (countries, seed, tuple(sorted(shares.items())))
    if key not in _CACHE:
        _CACHE[key] = synthetic_scenario(countries, seed, **shares)
    return _CACHE[key]


def type_counts(sc: Scenario) -> dict[str, int]:
    regions = [c.region for c in sc.countries]
    return {kind: regions.count(kind) for kind in ("hegemon", *TYPES)}


@pytest.mark.parametrize("n", SIZES, ids=lambda n: f"n{n}")
def test_world_is_valid(n: int):
    sc = cached(n)
    assert sc.synthetic is None  # resolved: an explicit country list
    assert len(sc.countries) == n
    codes = [c.code for c in sc.countries]
    assert len(set(codes)) == n
    assert all(re.match(CODE_PATTERN, c) for c in codes)
    goods = set(sc.goods.names)
    for c in sc.countries:
        assert c.population > 0
        assert any(v > 0 for v in c.productivity.values()), c.code
        assert set(c.productivity) <= goods
        assert all(np.isfinite(v) and v >= 0 for v in c.productivity.values())
        assert -90 <= c.lat <= 90 and -180 <= c.lon <= 180
        assert c.land >= 0 and c.deposits >= 0


@pytest.mark.parametrize("n", SIZES, ids=lambda n: f"n{n}")
def test_exactly_one_hegemon_and_it_is_the_scenario_hegemon(n: int):
    sc = cached(n)
    counts = type_counts(sc)
    assert counts["hegemon"] == 1
    hegemon = next(c for c in sc.countries if c.region == "hegemon")
    assert sc.hegemon == hegemon.code
    assert sum(c.code == sc.hegemon for c in sc.countries) == 1


@pytest.mark.parametrize(
    "shares",
    [
        pytest.param(DEFAULT_SHARES, id="default"),
        pytest.param(
            {"manufacturers": 0.2, "resource_exporters": 0.3, "agrarian": 0.5}, id="agrarian_heavy"
        ),
        pytest.param(
            {"manufacturers": 0.6, "resource_exporters": 0.2, "agrarian": 0.2}, id="industrial"
        ),
    ],
)
@pytest.mark.parametrize("n", SIZES, ids=lambda n: f"n{n}")
def test_type_counts_follow_the_requested_shares(n: int, shares: dict[str, float]):
    sc = cached(n, **shares)
    counts = type_counts(sc)
    others = n - 1
    assert sum(counts[t] for t in TYPES) == others
    for kind in TYPES:
        assert counts[kind] >= 1, (kind, counts)
        wanted = others * shares[SHARE_OF_TYPE[kind]]
        # each count is a rounded share; the last one takes the remainder, and every
        # type gets at least one country, so small worlds may be off by one
        assert abs(counts[kind] - wanted) <= 1.0 + 1e-9, (kind, counts, wanted)


@pytest.mark.parametrize("n", [4, 37, 200], ids=lambda n: f"n{n}")
def test_same_seed_same_world_other_seed_other_world(n: int):
    a = [c.model_dump() for c in synthetic_scenario(n, seed=11).countries]
    b = [c.model_dump() for c in synthetic_scenario(n, seed=11).countries]
    c = [c.model_dump() for c in synthetic_scenario(n, seed=12).countries]
    assert a == b
    assert a != c


def test_scenario_seed_does_not_change_the_world():
    """The world comes from the generator's seed only, not the run seed."""
    base = {"name": "s", "synthetic": {"countries": 20, "seed": 5}}
    one = Scenario.from_dict({**base, "seed": 1}).resolved()
    two = Scenario.from_dict({**base, "seed": 2}).resolved()
    assert [c.model_dump() for c in one.countries] == [c.model_dump() for c in two.countries]


@pytest.mark.parametrize("n", [4, 200], ids=lambda n: f"n{n}")
def test_model_runs_on_a_synthetic_world(n: int):
    sc = cached(n)
    model = TradeModel(scenario=sc, rng=3)
    assert model.dense
    assert model.graph_kind == "complete"
    model.run(4)
    cf = model.country_frame()
    assert len(cf) == 4 * n
    # mastery years are NaN until a country masters the rung; everything else is finite
    mastered = cf.filter(like="mastered_")
    assert (mastered.isna() | mastered.isin(range(2000, 2005))).all().all()
    numeric = cf.select_dtypes("number").drop(columns=mastered.columns)
    assert np.isfinite(numeric.to_numpy()).all(), numeric.columns[
        ~np.isfinite(numeric.to_numpy()).all(axis=0)
    ].tolist()
    wf = model.world_frame().select_dtypes("number")
    assert np.isfinite(wf.to_numpy()).all()
    last = cf[cf["year"] == cf["year"].max()]
    assert (last["gdp"] > 0).all()
    tiers = last["tier"].value_counts().to_dict()
    assert set(tiers) <= {1, 2, 3, 4}
    assert tiers.get(1) == 1
    assert last.loc[last["tier"] == 1, "country"].item() == sc.hegemon
    if n >= 200:
        assert all(tiers.get(t, 0) > 0 for t in (2, 3, 4)), tiers
        # no tier swallows (almost) the whole world
        assert max(tiers.get(t, 0) for t in (2, 3, 4)) < 0.8 * n, tiers


# -- defects found and fixed: kept as regression tests ---------------------------------------
@pytest.mark.parametrize(
    ("n", "shares"),
    [
        pytest.param(
            4,
            {"manufacturers": 0.05, "resource_exporters": 0.9, "agrarian": 0.05},
            id="n4_resource_heavy_makes_5_countries",
        ),
        pytest.param(
            4,
            {"manufacturers": 0.1, "resource_exporters": 0.5, "agrarian": 0.4},
            id="n4_no_manufacturer",
        ),
        pytest.param(
            6,
            {"manufacturers": 0.1, "resource_exporters": 0.7, "agrarian": 0.2},
            id="n6_no_manufacturer",
        ),
    ],
)
def test_extreme_shares_in_small_worlds(n: int, shares: dict[str, float]):
    sc = synthetic_scenario(n, **shares)
    counts = type_counts(sc)
    assert len(sc.countries) == n, counts
    assert all(counts[t] >= 1 for t in TYPES), counts
