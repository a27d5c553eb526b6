"""The gravity allocation's solver: Anderson-accelerated Sinkhorn and partial kernel rebuilds.

Anderson acceleration (``gravity._anderson``) must reach the same balanced flows as the
over-relaxed loop it replaces, to the solver tolerance, in every kind of good: zero rows
and columns, weights spanning ten orders of magnitude, sparse kernels; and it must hand
infeasible goods to the over-relaxed loop, which reports them stalled. A kernel rebuilt
for the goods whose producers changed must equal a full rebuild bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_array

from tradetiers import Scenario, TradeModel
from tradetiers.economy import gravity

TOL = 1e-11


def random_problem(
    seed: int, n: int = 12, g: int = 5, reach: float = 14.0
) -> tuple[np.ndarray, ...]:
    """A feasible dense problem: weights exp(-U(0, reach)), idle sellers and buyers.

    ``reach`` 14 spans the weights of the model's worlds (exp(-0.5 * km / 1000) up to
    28,000 km); 25 is far harsher.
    """
    rng = np.random.default_rng(seed)
    k = np.exp(-rng.uniform(0.0, reach, (g, n, n)))
    k[:, np.arange(n), np.arange(n)] = 1.0  # everyone can trade with itself
    sales = rng.lognormal(0.0, 1.5, (g, n)) * (rng.random((g, n)) > 0.3)
    purchases = rng.lognormal(0.0, 1.5, (g, n)) * (rng.random((g, n)) > 0.2)
    purchases[:, 0] += 1e-3  # every good has a buyer
    sales[:, 0] += 1e-3  # and a seller
    purchases *= (sales.sum(axis=1) / purchases.sum(axis=1))[:, None]
    return k, sales, purchases


def errors(kernel: gravity.Kernel, u, v, sales, purchases) -> tuple[np.ndarray, np.ndarray]:
    total = sales.sum(axis=1)
    rows = np.abs(u * kernel.row(v) - sales).max(axis=1) / total
    cols = np.abs(v * kernel.col(u) - purchases).max(axis=1) / total
    return rows, cols


def over_relaxed(kernel, sales, purchases, monkeypatch):
    """The same solve with Anderson switched off: the over-relaxed loop alone."""
    with monkeypatch.context() as mp:
        mp.setattr(gravity, "ANDERSON_SWEEPS", 0)
        return gravity.sinkhorn(kernel, sales, purchases, 1e-14, 20000)


def check_against_over_relaxed(seed: int, reach: float, monkeypatch) -> int:
    k, sales, purchases = random_problem(seed, reach=reach)
    kernel = gravity.DenseKernel(k)
    u, v, sweeps, ok = gravity.sinkhorn(kernel, sales, purchases, TOL, 2000)
    assert ok.all()
    rows, cols = errors(kernel, u, v, sales, purchases)
    assert rows.max() <= TOL and cols.max() <= TOL
    ur, vr, _, ok_ref = over_relaxed(kernel, sales, purchases, monkeypatch)
    assert ok_ref.all()
    # the balanced flows are unique: the same flows to the tolerance, relative to each total
    diff = np.abs(kernel.flows(u, v) - kernel.flows(ur, vr)).reshape(len(k), -1).max(axis=1)
    assert (diff / sales.sum(axis=1)).max() <= 10 * TOL
    assert (kernel.flows(u, v)[k == 0] == 0).all()  # zeros stay zeros
    assert (u[sales == 0] == 0).all() and (v[purchases == 0] == 0).all()
    return sweeps


@pytest.mark.parametrize("seed", range(12))
def test_anderson_balances_like_the_over_relaxed_loop(seed, monkeypatch):
    """From a cold start, at the model's range of weights, Anderson alone balances."""
    sweeps = check_against_over_relaxed(seed, 14.0, monkeypatch)
    assert sweeps <= 40  # Anderson did it: the over-relaxed loop was not needed


@pytest.mark.parametrize("seed", range(6))
def test_harsh_goods_are_finished_by_the_over_relaxed_loop(seed, monkeypatch):
    """Weights over eleven orders of magnitude from a cold start: Anderson may wander and
    hand goods over; the answer is still the balanced one."""
    check_against_over_relaxed(seed, 25.0, monkeypatch)


def test_warm_start_is_cheaper_and_deterministic():
    k, sales, purchases = random_problem(3)
    kernel = gravity.DenseKernel(k)
    u, v, cold, _ = gravity.sinkhorn(kernel, sales, purchases, TOL, 2000)
    moved_s, moved_p = sales * 1.01, purchases * 1.01
    u1, v1, warm, ok = gravity.sinkhorn(kernel, moved_s, moved_p, TOL, 2000, u, v)
    u2, v2, warm2, _ = gravity.sinkhorn(kernel, moved_s, moved_p, TOL, 2000, u, v)
    assert ok.all() and warm <= cold
    assert warm2 == warm and np.array_equal(u1, u2) and np.array_equal(v1, v2)


def test_sparse_kernel_gives_the_dense_answer():
    k, sales, purchases = random_problem(5)
    k[k < 1e-6] = 0.0  # a sparse support
    dense = gravity.DenseKernel(k)
    sparse = gravity.SparseKernel([csr_array(b) for b in k])
    ud, vd, _, okd = gravity.sinkhorn(dense, sales, purchases, TOL, 2000)
    us, vs, _, oks = gravity.sinkhorn(sparse, sales, purchases, TOL, 2000)
    if not okd.all():  # the sparser support can make a good infeasible: both must agree
        assert np.array_equal(okd, oks)
        return
    assert oks.all()
    flows_d = dense.flows(ud, vd)
    flows_s = np.stack([us[g][:, None] * k[g] * vs[g][None, :] for g in range(len(k))])
    diff = np.abs(flows_d - flows_s).reshape(len(k), -1).max(axis=1) / sales.sum(axis=1)
    assert diff.max() <= 10 * TOL


def test_infeasible_good_is_handed_over_and_reported_stalled():
    """Good 1's only buyer with demand can reach no seller but a tiny one: infeasible."""
    k, sales, purchases = random_problem(7, n=8, g=3)
    k[1] = np.eye(8)  # good 1: everyone trades with itself only
    sales[1] = np.arange(1.0, 9.0)
    purchases[1] = sales[1][::-1].copy()  # the totals match, the pairs cannot
    kernel = gravity.DenseKernel(k)
    *_, ok = gravity.sinkhorn(kernel, sales, purchases, TOL, 2000)
    assert ok.tolist() == [True, False, True]
    alloc = gravity.allocate(kernel, sales, purchases, TOL)
    assert alloc.stalled == [1] and alloc.unconverged == []
    # the dummy solve closes the good: sold + unsold = sales, bought + unmet = purchases
    total = sales[1].sum()
    assert np.abs(alloc.sold[1] + alloc.unsold[1] - sales[1]).max() <= 1e-9 * total
    assert np.abs(alloc.bought[1] + alloc.unmet[1] - purchases[1]).max() <= 1e-9 * total


def test_stacked_solve_is_numpys_solve():
    rng = np.random.default_rng(0)
    a = rng.random((7, 6, 6))
    a = a @ a.transpose(0, 2, 1) + np.eye(6)
    b = rng.random((7, 6, 1))
    np.testing.assert_allclose(gravity._solve_stacked(a, b), np.linalg.solve(a, b), rtol=1e-12)


# -- partial kernel rebuilds -----------------------------------------------------------------
def same_kernel(a: gravity.Kernel, b: gravity.Kernel) -> bool:
    if isinstance(a, gravity.DenseKernel):
        assert isinstance(b, gravity.DenseKernel)
        return np.array_equal(a.k, b.k) and np.array_equal(a.kt, b.kt)
    assert isinstance(b, gravity.SparseKernel)
    return all(
        np.array_equal(x.data, y.data)
        and np.array_equal(x.indices, y.indices)
        and np.array_equal(x.indptr, y.indptr)
        for x, y in ((a.k, b.k), (a.kt, b.kt))
    )


def world(kind: str) -> Scenario:
    countries = 40 if kind == "complete" else 300
    sc = Scenario.from_dict(
        {
            "name": f"rebuild-{kind}",
            "synthetic": {"countries": countries, "seed": 2},
            "graph": {"kind": kind, "k": 6} if kind == "sparse" else {"kind": kind},
        }
    )
    return sc


@pytest.mark.parametrize("kind", ["complete", "sparse"])
def test_partial_rebuild_equals_full_rebuild(kind, monkeypatch):
    """Every year of a world whose rungs gain producers (and export controls), the cached
    kernel is the one a full rebuild gives."""
    model = TradeModel(world(kind), rng=4)
    calls: list[int] = []
    build = gravity.build_kernel

    def counting(distances, producers, *args, **kwargs):
        calls.append(producers.shape[1])
        return build(distances, producers, *args, **kwargs)

    monkeypatch.setattr(gravity, "build_kernel", counting)
    for _ in range(25):
        model.step()
        producers = model.state.output > 0
        p, gs = model.scenario.parameters, model.scenario.graph
        assert model._distances is not None
        full = build(
            model._distances, producers, p.distance_decay, gs.suppliers_per_buyer, model.barriers
        )
        assert model._kernel is not None and same_kernel(model._kernel, full)
    n_goods = len(model.goods)
    assert any(c < n_goods for c in calls), "no partial rebuild happened in this world"
