"""The vectorised market step agrees with a plain-Python reference (tests/reference_market.py).

Random worlds: N from 3 to 15 countries, the default 7 goods, some countries with zero
productivity in some goods (so kernels have zero rows), now and then a rung nobody
produces (an inactive good) or a country that produces nothing, positive land and
deposits, and a complete or sparse trade graph (path distances through other countries).

Tolerances. The oracle balances flows to 1e-13 of each good's total; the pipeline is
run at the same tolerance, so that every quantity, every single flow included, can be
compared elementwise to a relative error of 1e-9 (seen: at most 6e-11). At the
model's default tolerance (1e-12) only flows relative to the good's total are
guaranteed: a flow of 1e-13 of its good's total can then be off by ~1e-9 of itself, so
that run is compared relative to each good's total.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pytest
from reference_market import ReferenceMarket, gravity_kernel, market_step, ras

from tradetiers.config import DEFAULT_LADDER, PRIMARY_GOODS
from tradetiers.economy import demand, gravity, network, production, trade

GOODS = PRIMARY_GOODS + DEFAULT_LADDER
N_GOODS = len(GOODS)
RTOL = 1e-9
SOLVER_TOL = 1e-13
INPUT_SHARE = 0.15
MARGIN_FLOOR, MARGIN_CEILING = 0.05, 0.53
LAND_ELASTICITY, DEPOSIT_ELASTICITY = 0.4, 0.5
#: Worlds where an earlier solver wrongly declared a feasible good stalled (3 of this
#: generator's first 400 worlds at f38c4e8); kept as regression tests at the end.
FALSE_STALL_SEEDS = [18, 156, 293]
SEEDS = [s for s in range(25) if s not in FALSE_STALL_SEEDS]  # 24 worlds
FIRST_MANUFACTURING = 2


@dataclass
class World:
    """One year's inputs to the market step."""

    seed: int
    productivity: np.ndarray  # (N, G)
    workers: np.ndarray  # (N, G)
    land: np.ndarray  # (N,)
    deposits: np.ndarray  # (N,)
    distance: np.ndarray  # (N, N) path km
    relative_income: np.ndarray  # (N,)
    base_output: np.ndarray  # (G,)
    last_prices: np.ndarray  # (G,)
    decay: float

    @property
    def n(self) -> int:
        return self.distance.shape[0]


@dataclass
class Pipeline:
    """The vectorised step's results."""

    output: np.ndarray
    kernel: gravity.DenseKernel
    budget: np.ndarray
    va_share: np.ndarray
    prices: np.ndarray
    active: np.ndarray
    market: trade.Market
    margins: np.ndarray
    allocation: gravity.Allocation


def make_world(seed: int) -> World:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 16))
    lat, lon = rng.uniform(-60, 70, n), rng.uniform(-180, 180, n)
    kind = "complete" if seed % 2 else "sparse"
    codes = [f"C{i}" for i in range(n)]
    graph = network.build_graph(codes, lat, lon, rng.uniform(1, 10, n), kind, k=2, hubs=1)
    distance = network.path_distances(graph, n, dense=True).matrix
    assert distance is not None and np.isfinite(distance).all()
    productivity = rng.lognormal(0.0, 0.5, (n, N_GOODS)) * (rng.random((n, N_GOODS)) > 0.35)
    idle = int(rng.integers(n)) if seed % 7 == 3 else -1
    if idle >= 0:
        productivity[idle] = 0.0  # a country that produces nothing
    for g in range(FIRST_MANUFACTURING):
        # primary goods always have a producer here (a world without a resource
        # supplier is tested on its own: test_markets_clear_without_a_resource_supplier)
        if not productivity[:, g].any():
            productivity[(idle + 1 + int(rng.integers(n - 1))) % n, g] = 1.0
    if seed % 5 == 0:
        productivity[:, -1] = 0.0  # nobody makes the top rung: it keeps its last price
    population = rng.uniform(1.0, 300.0, n)
    shares = rng.dirichlet(np.ones(N_GOODS), n)
    return World(
        seed=seed,
        productivity=productivity,
        workers=production.labour_input(population, shares),
        land=rng.uniform(0.1, 100.0, n),
        deposits=rng.uniform(0.1, 100.0, n),
        distance=distance,
        relative_income=rng.lognormal(0.0, 1.0, n),
        base_output=rng.uniform(10.0, 1000.0, N_GOODS),
        last_prices=rng.uniform(0.5, 2.0, N_GOODS),
        decay=float(rng.uniform(0.25, 1.0)),
    )


def run_pipeline(w: World, tol: float = SOLVER_TOL) -> Pipeline:
    output = production.produce(
        w.productivity, w.workers, w.land, w.deposits, LAND_ELASTICITY, DEPOSIT_ELASTICITY
    )
    kernel = gravity.build_kernel(
        network.PathDistances(n=w.n, matrix=w.distance), output > 0, w.decay, w.n
    )
    assert isinstance(kernel, gravity.DenseKernel)
    budget = demand.budget_shares(
        w.relative_income,
        demand.default_base_shares(GOODS),
        demand.default_elasticities(GOODS),
        kernel.buyer_reach(),
    )
    va_share = production.value_added_share(N_GOODS, INPUT_SHARE)
    prices, active = trade.clear_prices(output, budget, INPUT_SHARE, w.base_output, w.last_prices)
    market = trade.market_flows(prices, output, budget, INPUT_SHARE, active)
    margins = trade.margins(output, MARGIN_FLOOR, MARGIN_CEILING)
    allocation = gravity.allocate(kernel, market.revenue.T, market.purchases.T, tol=tol)
    return Pipeline(output, kernel, budget, va_share, prices, active, market, margins, allocation)


@functools.cache
def world_and_results(seed: int) -> tuple[World, Pipeline, ReferenceMarket]:
    w = make_world(seed)
    pipe = run_pipeline(w)
    ref = market_step(
        output=pipe.output.tolist(),
        budget=pipe.budget.tolist(),
        va_share=pipe.va_share.tolist(),
        input_share=INPUT_SHARE,
        base_output=w.base_output.tolist(),
        last_prices=w.last_prices.tolist(),
        distance=w.distance.tolist(),
        decay=w.decay,
        margin_floor=MARGIN_FLOOR,
        margin_ceiling=MARGIN_CEILING,
        tol=SOLVER_TOL,
    )
    return w, pipe, ref


def assert_rel(actual: np.ndarray, expected: object, what: str, rtol: float = RTOL) -> None:
    """Elementwise ``|actual - expected| <= rtol * |expected|`` (so zeros must match exactly)."""
    expected = np.asarray(expected, dtype=float)
    actual = np.asarray(actual, dtype=float)
    assert actual.shape == expected.shape, what
    diff = np.abs(actual - expected)
    bad = diff > rtol * np.abs(expected)
    if bad.any():
        idx = tuple(int(k) for k in np.argwhere(bad)[0])
        worst = float((diff / np.maximum(np.abs(expected), 1e-300)).max())
        raise AssertionError(
            f"{what}: {bad.sum()} entries differ, first at {idx}: {actual[idx]!r} vs "
            f"{expected[idx]!r}; worst relative error {worst:.2e}"
        )


def per_good_error(diff: np.ndarray, totals: np.ndarray) -> float:
    """Largest |diff| of each good over that good's total (goods on axis 0)."""
    flat = np.abs(diff).reshape(diff.shape[0], -1).max(axis=1)
    return float((flat / np.maximum(totals, 1e-300)).max())


# -- the worlds themselves ------------------------------------------------------------------
def test_worlds_cover_the_cases():
    worlds = [make_world(s) for s in SEEDS]
    assert len(worlds) >= 20
    assert {w.n for w in worlds} <= set(range(3, 16))
    assert min(w.n for w in worlds) <= 5 and max(w.n for w in worlds) >= 13
    assert all((w.productivity == 0).any() for w in worlds)
    assert any(not w.productivity[:, -1].any() for w in worlds)  # an inactive good
    assert any((w.productivity == 0).all(axis=1).any() for w in worlds)  # an idle country
    assert len({w.seed % 2 for w in worlds}) == 2  # complete and sparse graphs
    assert all((w.land > 0).all() and (w.deposits > 0).all() for w in worlds)
    inactive = [s for s in SEEDS if not world_and_results(s)[1].active.all()]
    assert inactive  # a good kept its last price somewhere


# -- agreement with the oracle --------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_market_step_matches_reference(seed):
    w, pipe, ref = world_and_results(seed)
    assert pipe.allocation.stalled == []  # every world here is feasible
    assert pipe.active.tolist() == ref.active
    assert_rel(pipe.prices, ref.prices, "prices")
    assert_rel(pipe.prices[~pipe.active], w.last_prices[~pipe.active], "shadow prices")
    assert_rel(pipe.market.revenue, ref.revenue, "revenue")
    assert_rel(pipe.market.value_added, ref.value_added, "value added")
    assert_rel(pipe.market.spending, ref.spending, "spending")
    assert_rel(pipe.market.purchases, ref.purchases, "purchases")
    assert_rel(pipe.margins, ref.margins, "margins")
    assert_rel(pipe.kernel.k, ref.kernel, "kernel")
    alloc = pipe.allocation
    assert_rel(pipe.kernel.flows(alloc.u, alloc.v), ref.flows, "flows")


@pytest.mark.parametrize("seed", SEEDS)
def test_default_tolerance_flows_match_relative_to_good_total(seed):
    w, _, ref = world_and_results(seed)
    default = run_pipeline(w, tol=1e-12)
    flows = default.kernel.flows(default.allocation.u, default.allocation.v)
    expected = np.array(ref.flows)
    assert per_good_error(flows - expected, expected.sum(axis=(1, 2))) <= RTOL


def test_kernel_honours_missing_routes():
    w = make_world(3)
    output = production.produce(
        w.productivity, w.workers, w.land, w.deposits, LAND_ELASTICITY, DEPOSIT_ELASTICITY
    )
    distance = w.distance.copy()
    distance[0, 1:] = distance[1:, 0] = np.inf  # country 0 is cut off
    kernel = gravity.build_kernel(
        network.PathDistances(n=w.n, matrix=distance), output > 0, w.decay, w.n
    )
    expected = gravity_kernel(output.tolist(), distance.tolist(), w.decay)
    assert_rel(kernel.k, expected, "kernel with missing routes")
    assert kernel.k[:, 0, 1:].max() == 0.0 and kernel.k[:, 1:, 0].max() == 0.0


# -- a sparse kernel on the same support ----------------------------------------------------
def nearest_lists(distance: np.ndarray) -> network.PathDistances:
    """Path distances in nearest-list form, each list covering every country."""
    n = distance.shape[0]
    order = np.argsort(distance, axis=1, kind="stable")
    near_km = np.take_along_axis(distance, order, axis=1)
    assert (order[:, 0] == np.arange(n)).all()  # each country first in its own list
    return network.PathDistances(n=n, near_index=order, near_km=near_km)


@pytest.mark.parametrize("seed", SEEDS)
def test_sparse_kernel_gives_the_dense_flows(seed):
    w, pipe, _ = world_and_results(seed)
    sparse = gravity.build_kernel(nearest_lists(w.distance), pipe.output > 0, w.decay, w.n)
    assert isinstance(sparse, gravity.SparseKernel)
    blocks = np.array([b.toarray() for b in sparse.blocks])
    assert_rel(blocks, pipe.kernel.k, "sparse kernel")
    market = pipe.market
    alloc = gravity.allocate(sparse, market.revenue.T, market.purchases.T, tol=SOLVER_TOL)
    assert alloc.stalled == []
    g, i, j, x = sparse.nonzero_flows(alloc.u, alloc.v)
    flows = np.zeros((N_GOODS, w.n, w.n))
    flows[g, i, j] = x
    dense = pipe.kernel.flows(pipe.allocation.u, pipe.allocation.v)
    assert_rel(flows, dense, "sparse vs dense flows")


# -- accounting identities of the allocation ------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_allocation_identities(seed):
    _, pipe, _ = world_and_results(seed)
    alloc, market = pipe.allocation, pipe.market
    sales, purchases = market.revenue.T, market.purchases.T
    totals = sales.sum(axis=1)
    assert per_good_error(sales.sum(axis=1) - purchases.sum(axis=1), totals) <= RTOL
    exports, imports = alloc.exports.sum(axis=1), alloc.imports.sum(axis=1)
    assert per_good_error(exports - imports, totals) <= RTOL
    assert per_good_error(alloc.sold + alloc.unsold - sales, totals) <= RTOL
    assert per_good_error(alloc.bought + alloc.unmet - purchases, totals) <= RTOL
    # and the flows add up to what the allocation reports
    flows = pipe.kernel.flows(alloc.u, alloc.v)
    assert per_good_error(flows.sum(axis=2) - alloc.sold, totals) <= RTOL
    assert per_good_error(flows.sum(axis=1) - alloc.bought, totals) <= RTOL


# -- the solver on small feasible goods ----------------------------------------------------
def _oracle_flows(k: np.ndarray, sales: np.ndarray, purchases: np.ndarray) -> np.ndarray:
    x, _ = ras(k.tolist(), sales.tolist(), purchases.tolist(), SOLVER_TOL)
    return np.array(x)


#: (kernel, sales, purchases) of feasible goods on which a fixed ω = 1.7 over-relaxation
#: falls into a limit cycle (fixed in f38c4e8: it now drops to plain RAS when it stalls).
LIMIT_CYCLES = [
    ([[1.0, 1e-3, 1e-4], [1e-3, 1.0, 1e-3], [1e-4, 1e-3, 1.0]], [10, 2, 50], [50, 2, 10]),
    ([[1.0, 1e-5, 1e-4], [1e-5, 1.0, 1e-3], [1e-4, 1e-3, 1.0]], [10, 50, 2], [50, 10, 2]),
]


@pytest.mark.parametrize(("k", "sales", "purchases"), LIMIT_CYCLES)
def test_small_feasible_good_matches_reference(k, sales, purchases):
    k, s, p = np.array(k), np.array([sales], float), np.array([purchases], float)
    expected = _oracle_flows(k, s[0], p[0])
    assert per_good_error((expected.sum(axis=1) - s[0])[None], s.sum(axis=1)) <= SOLVER_TOL
    kernel = gravity.DenseKernel(k[None])
    alloc = gravity.allocate(kernel, s, p)
    assert alloc.stalled == []
    assert alloc.unmet.sum() == 0.0 and alloc.unsold.sum() == 0.0
    assert per_good_error(alloc.sold + alloc.unsold - s, s.sum(axis=1)) <= RTOL
    assert per_good_error(alloc.bought + alloc.unmet - p, s.sum(axis=1)) <= RTOL
    flows = kernel.flows(alloc.u, alloc.v)
    assert per_good_error(flows - expected[None], s.sum(axis=1)) <= RTOL


# -- regressions: defects found by these tests and fixed -------------------------------------
# A global over-relaxation fallback, tripped by a converged good's round-off, once made
# the slowest good run plain RAS and be declared stalled: spurious unmet demand.


def test_converged_good_does_not_stall_another():
    # each good alone is solved without dummies; together, good 0 is declared stalled and
    # 0.75% of its value becomes unmet demand
    k = np.array(
        [
            [[1.0, 1e-5, 1e-4], [1e-5, 1.0, 1e-5], [1e-4, 1e-5, 1.0]],
            [[1.0, 0.1, 0.01], [0.1, 1.0, 0.01], [0.01, 0.01, 1.0]],
        ]
    )
    sales = np.array([[10.0, 2.0, 2.0], [10.0, 50.0, 50.0]])
    purchases = np.array([[2.0, 2.0, 10.0], [50.0, 10.0, 50.0]])
    kernel = gravity.DenseKernel(k)
    for g in range(2):
        assert (
            gravity.allocate(kernel.good(g), sales[g : g + 1], purchases[g : g + 1]).stalled == []
        )
    alloc = gravity.allocate(kernel, sales, purchases)
    assert alloc.stalled == []
    assert alloc.unmet.sum() == 0.0


@pytest.mark.parametrize("seed", FALSE_STALL_SEEDS)
def test_random_world_with_a_false_stall_matches_reference(seed):
    # 18: good 4's round-off turns over-relaxation off, good 0 stalls (unmet 0.08% of it);
    # 156: a transient blow-up of good 3 does, good 0 stalls (unmet 15.8%);
    # 293: good 1's round-off does, good 4 hits max_iter (unmet 0.46%).
    w = make_world(seed)
    pipe = run_pipeline(w, tol=1e-12)
    ref = market_step(
        pipe.output.tolist(),
        pipe.budget.tolist(),
        pipe.va_share.tolist(),
        INPUT_SHARE,
        w.base_output.tolist(),
        w.last_prices.tolist(),
        w.distance.tolist(),
        w.decay,
        MARGIN_FLOOR,
        MARGIN_CEILING,
    )
    flows = pipe.kernel.flows(pipe.allocation.u, pipe.allocation.v)
    expected = np.array(ref.flows)
    assert per_good_error(flows - expected, expected.sum(axis=(1, 2))) <= RTOL
    assert pipe.allocation.stalled == []


def test_markets_clear_without_a_resource_supplier():
    output = np.array([[10.0, 0.0, 5.0], [4.0, 0.0, 20.0]])  # nobody mines
    budget = np.array([[0.5, 0.0, 0.5], [0.3, 0.0, 0.7]])  # so nobody may buy resources
    base = np.array([14.0, 1.0, 25.0])
    prices, active = trade.clear_prices(output, budget, INPUT_SHARE, base, np.ones(3))
    market = trade.market_flows(prices, output, budget, INPUT_SHARE, active)
    sales, purchases = market.revenue.sum(axis=0), market.purchases.sum(axis=0)
    assert_rel(sales[active], purchases[active], "active markets clear")  # 25.68 vs 21.83
    assert purchases[~active].sum() == 0.0  # 3.85 of resources nobody can sell
