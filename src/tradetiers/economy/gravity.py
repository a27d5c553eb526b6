"""Bilateral flows: a doubly constrained gravity model solved by Sinkhorn/RAS balancing.

For each good, flows ``X_ij = u_i K_ij v_j`` from supplier i to buyer j, with row sums
equal to each supplier's sales and column sums equal to each buyer's purchases. The
kernel ``K_ij = exp(-decay * path_km / 1000) * barrier_ij`` is zero where trade is not
allowed (no producer, no route, or a barrier of 0), and those zeros are honoured.

Infeasible goods (a group of buyers wants more than their allowed suppliers have)
make RAS stall. A stalled good is re-solved alone with one dummy supplier and one
dummy buyer joined by tiny weights: dummy flows are *unmet demand* (the buyer's forced
saving) and *unsold output* (the seller's lost revenue).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_array

from tradetiers.economy.network import PathDistances, nearest_source

try:  # the batched LAPACK solve behind np.linalg.solve, without its per-call checks: for
    # the tiny least-squares systems of Anderson acceleration those checks cost 3x the solve
    from numpy.linalg._umath_linalg import solve as _solve_stacked
except ImportError:  # pragma: no cover - numpy moved it; the public function does the same
    _solve_stacked = np.linalg.solve


# -- kernels -------------------------------------------------------------------------------
class DenseKernel:
    """Kernel as a (G, N, N) array [good, supplier, buyer]; fast up to N of a few hundred."""

    def __init__(self, k: np.ndarray) -> None:
        self.k = np.ascontiguousarray(k)
        self.kt = np.ascontiguousarray(k.transpose(0, 2, 1))
        self.shape = k.shape[0], k.shape[1]

    def row(self, v: np.ndarray) -> np.ndarray:
        """Sum over buyers of K_ij v_j, (G, N)."""
        return (self.k @ v[:, :, None])[:, :, 0]

    def col(self, u: np.ndarray) -> np.ndarray:
        """Sum over suppliers of u_i K_ij, (G, N)."""
        return (self.kt @ u[:, :, None])[:, :, 0]

    def matvecs(self) -> tuple[Callable[[np.ndarray], np.ndarray], ...]:
        """``row`` and ``col`` on (G, N, 1) columns, without reshaping."""
        return self.k.__matmul__, self.kt.__matmul__

    def replaced(self, goods: list[int], new: DenseKernel) -> DenseKernel:
        """This kernel with the weights of ``goods`` taken from ``new`` (one good each)."""
        out = DenseKernel.__new__(DenseKernel)
        out.k, out.kt, out.shape = self.k.copy(), self.kt.copy(), self.shape
        out.k[goods], out.kt[goods] = new.k, new.kt
        return out

    def diagonal(self) -> np.ndarray:
        """K_ii per good, (G, N)."""
        return np.diagonal(self.k, axis1=1, axis2=2).copy()

    def buyer_reach(self) -> np.ndarray:
        """(N, G) bool: the buyer has at least one allowed supplier."""
        return (self.k > 0).any(axis=1).T

    def min_weight(self, g: int) -> float:
        """Smallest positive weight of good g (1 if it has none)."""
        w = self.k[g][self.k[g] > 0]
        return float(w.min()) if w.size else 1.0

    def good(self, g: int) -> DenseKernel:
        """The kernel of one good."""
        return DenseKernel(self.k[g : g + 1])

    def with_dummies(
        self, g: int, eps: float, suppliers: np.ndarray, buyers: np.ndarray
    ) -> DenseKernel:
        """One good's kernel with a dummy supplier (last row) and a dummy buyer (last column)."""
        n = self.shape[1]
        k = np.zeros((1, n + 1, n + 1))
        k[0, :n, :n] = self.k[g]
        k[0, n, :n] = eps * buyers
        k[0, :n, n] = eps * suppliers
        k[0, n, n] = 1.0
        return DenseKernel(k)

    def flows(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """All flows (G, N, N)."""
        return u[:, :, None] * self.k * v[:, None, :]

    def cross_border(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, ...]:
        """(exporter, importer, value) of flows between countries, summed over goods."""
        x = np.einsum("gi,gij,gj->ij", u, self.k, v)
        np.fill_diagonal(x, 0.0)
        i, j = np.nonzero(x)
        return i, j, x[i, j]

    def nonzero_flows(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, ...]:
        """(good, supplier, buyer, value) of positive flows."""
        x = self.flows(u, v)
        g, i, j = np.nonzero(x)
        return g, i, j, x[g, i, j]


class SparseKernel:
    """Kernel as one block-diagonal CSR matrix over (good, country); for large sparse worlds."""

    def __init__(self, blocks: list[csr_array], kt: csr_array | None = None) -> None:
        self.blocks = blocks
        self.n = blocks[0].shape[0]
        self.shape = len(blocks), self.n
        self.k = _block_diagonal([(b.data, b.indices, b.indptr) for b in blocks], self.n)
        self.kt = csr_array(self.k.T.tocsr()) if kt is None else kt

    def replaced(self, goods: list[int], new: SparseKernel) -> SparseKernel:
        """This kernel with the blocks of ``goods`` taken from ``new`` (one block each).

        What a full rebuild would give, bit for bit, at the cost of the new blocks only:
        the transposed kernel reuses the other goods' rows.
        """
        blocks, at = list(self.blocks), {g: i for i, g in enumerate(goods)}
        parts = []
        for g in range(self.shape[0]):
            if g in at:
                blocks[g] = new.blocks[at[g]]
                parts.append(_block_rows(new.kt, self.n, at[g]))
            else:
                parts.append(_block_rows(self.kt, self.n, g))
        return SparseKernel(blocks, _block_diagonal(parts, self.n))

    def row(self, v: np.ndarray) -> np.ndarray:
        """Sum over buyers of K_ij v_j, (G, N)."""
        return (self.k @ v.ravel()).reshape(self.shape)

    def col(self, u: np.ndarray) -> np.ndarray:
        """Sum over suppliers of u_i K_ij, (G, N)."""
        return (self.kt @ u.ravel()).reshape(self.shape)

    def matvecs(self) -> tuple[Callable[[np.ndarray], np.ndarray], ...]:
        """``row`` and ``col`` on (G, N, 1) columns."""
        k, kt = self.k, self.kt
        return (lambda z: (k @ z.ravel()).reshape(z.shape)), (
            lambda z: (kt @ z.ravel()).reshape(z.shape)
        )

    def diagonal(self) -> np.ndarray:
        """K_ii per good, (G, N)."""
        return self.k.diagonal().reshape(self.shape)

    def buyer_reach(self) -> np.ndarray:
        """(N, G) bool: the buyer has at least one allowed supplier."""
        nnz_per_col = np.diff(self.kt.indptr)
        return (nnz_per_col.reshape(self.shape) > 0).T

    def min_weight(self, g: int) -> float:
        """Smallest positive weight of good g (1 if it has none)."""
        w = self.blocks[g].data
        w = w[w > 0]
        return float(w.min()) if w.size else 1.0

    def good(self, g: int) -> SparseKernel:
        """The kernel of one good."""
        return SparseKernel([self.blocks[g]])

    def with_dummies(
        self, g: int, eps: float, suppliers: np.ndarray, buyers: np.ndarray
    ) -> SparseKernel:
        """One good's kernel with a dummy supplier (last row) and a dummy buyer (last column)."""
        n = self.n
        b = self.blocks[g].tocoo()
        si, bj = np.flatnonzero(suppliers), np.flatnonzero(buyers)
        rows = np.concatenate([b.row, np.full(bj.size, n), si, [n]])
        cols = np.concatenate([b.col, bj, np.full(si.size, n), [n]])
        data = np.concatenate([b.data, np.full(bj.size, eps), np.full(si.size, eps), [1.0]])
        return SparseKernel([csr_array((data, (rows, cols)), shape=(n + 1, n + 1))])

    def cross_border(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, ...]:
        """(exporter, importer, value) of flows between countries, summed over goods.

        Good by good, so that the transient arrays are one good's links, not all of them.
        """
        total = csr_array((self.n, self.n))
        for g, block in enumerate(self.blocks):
            coo = block.tocoo()
            x = u[g, coo.row] * coo.data * v[g, coo.col]
            x[coo.row == coo.col] = 0.0
            total = total + csr_array((x, (coo.row, coo.col)), shape=(self.n, self.n))
        pairs = total.tocoo()
        keep = pairs.data > 0
        return pairs.row[keep], pairs.col[keep], pairs.data[keep]

    def nonzero_flows(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, ...]:
        """(good, supplier, buyer, value) of positive flows."""
        coo = self.k.tocoo()
        x = u.ravel()[coo.row] * coo.data * v.ravel()[coo.col]
        keep = x > 0
        r, c = coo.row[keep], coo.col[keep]
        return r // self.n, r % self.n, c % self.n, x[keep]


Kernel = DenseKernel | SparseKernel


def _block_rows(m: csr_array, n: int, g: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Block g of a block-diagonal CSR matrix with n x n blocks, as local CSR arrays."""
    lo, hi = m.indptr[g * n], m.indptr[(g + 1) * n]
    return m.data[lo:hi], m.indices[lo:hi] - g * n, m.indptr[g * n : (g + 1) * n + 1] - lo


def _block_diagonal(parts: list[tuple[np.ndarray, ...]], n: int) -> csr_array:
    """Block-diagonal CSR matrix from n x n blocks given as (data, indices, indptr).

    Each block's entries keep their order, as in scipy, so products
    sum in the same order; concatenating is much cheaper than going through COO.
    """
    sizes = np.cumsum([0] + [p[0].size for p in parts])
    data = np.concatenate([p[0] for p in parts])
    indices = np.concatenate([p[1].astype(np.int64) + g * n for g, p in enumerate(parts)])
    indptr = np.concatenate(
        [np.zeros(1, np.int64)]
        + [p[2][1:].astype(np.int64) + sizes[g] for g, p in enumerate(parts)]
    )
    size = len(parts) * n
    return csr_array((data, indices, indptr), shape=(size, size))


def build_kernel(
    distances: PathDistances,
    producers: np.ndarray,
    decay: float,
    suppliers_per_buyer: int,
    barriers: list[Barrier] | None = None,
) -> Kernel:
    """Gravity kernel over each good's support.

    Dense worlds support every (producer, buyer) pair with a finite path. Sparse worlds
    support each buyer's ``suppliers_per_buyer`` nearest producers by path distance (its
    nearest producer anywhere if none is near), since on a k-nearest-neighbour graph
    many buyers have no producing neighbour; and, as the hubs of the graph are linked
    to everyone, every hub that produces sells to every buyer and every hub buys from
    every producer. Without those links, a cluster of buyers around one small producer
    often makes a good infeasible.

    Args:
        distances: path distances over the trade graph.
        producers: (N, G) bool, who has output of g to sell.
        decay: weight exp(-decay * km / 1000).
        suppliers_per_buyer: support size per buyer in sparse worlds.
        barriers: multiplicative factors on (good, supplier, buyer) weights; 0 blocks.
    """
    n, n_goods = producers.shape
    if distances.dense:
        base = np.exp(-decay * distances.matrix / 1000.0)  # inf -> 0: no route, no trade
        k = base[None, :, :] * producers.T[:, :, None]
        for bar in barriers or []:
            for g in bar.goods:
                k[g][np.ix_(bar.suppliers, bar.buyers)] *= bar.factor
        return DenseKernel(k)
    blocks = []
    for g in range(n_goods):
        rows, cols, km = _sparse_support(distances, producers[:, g], suppliers_per_buyer)
        w = np.exp(-decay * km / 1000.0)
        for bar in barriers or []:
            if g in bar.goods:
                hit = np.isin(rows, bar.suppliers) & np.isin(cols, bar.buyers)
                w[hit] *= bar.factor
        keep = w > 0
        blocks.append(csr_array((w[keep], (rows[keep], cols[keep])), shape=(n, n)))
    return SparseKernel(blocks)


def _sparse_support(
    distances: PathDistances, producing: np.ndarray, m: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(supplier, buyer, km) pairs: each buyer's m nearest producers by path distance."""
    near, km = distances.near_index, distances.near_km
    assert near is not None and km is not None
    is_prod = producing[near] & np.isfinite(km)
    rank = np.cumsum(is_prod, axis=1)
    keep = is_prod & (rank <= m)
    buyers = np.repeat(np.arange(distances.n), near.shape[1])[keep.ravel()]
    suppliers = near[keep]
    dist = km[keep]
    # symmetric reach: each producer also sells to its own m nearest countries
    prod_rows = np.flatnonzero(producing)
    mm = min(m, near.shape[1])
    reach = near[prod_rows, :mm]
    ok = np.isfinite(km[prod_rows, :mm])
    suppliers = np.concatenate([suppliers, np.repeat(prod_rows, mm)[ok.ravel()]])
    buyers = np.concatenate([buyers, reach[ok]])
    dist = np.concatenate([dist, km[prod_rows, :mm][ok]])
    lonely = np.flatnonzero(~keep.any(axis=1))
    if lonely.size and producing.any():
        src, d = nearest_source(distances.adjacency, np.flatnonzero(producing))
        ok = lonely[np.isfinite(d[lonely])]
        buyers = np.concatenate([buyers, ok])
        suppliers = np.concatenate([suppliers, src[ok]])
        dist = np.concatenate([dist, d[ok]])
    n = distances.n
    hubs, hub_km = distances.hubs, distances.hub_km
    if hubs is not None and hub_km is not None and hubs.size:
        everyone = np.tile(np.arange(n), hubs.size)
        at_hub = np.repeat(hubs, n)
        sells = producing[at_hub]  # producing hub -> every buyer
        buys = producing[everyone]  # every producer -> hub buyer
        suppliers = np.concatenate([suppliers, at_hub[sells], everyone[buys]])
        buyers = np.concatenate([buyers, everyone[sells], at_hub[buys]])
        dist = np.concatenate([dist, hub_km.ravel()[sells], hub_km.ravel()[buys]])
    pair, first = np.unique(suppliers * n + buyers, return_index=True)
    return pair // n, pair % n, dist[first]


@dataclass(eq=False)  # compared by identity (lifting one removes that one): arrays inside
class Barrier:
    """A multiplicative factor on trade weights: 0 blocks (export controls), <1 taxes (tariffs)."""

    goods: list[int]
    suppliers: np.ndarray
    buyers: np.ndarray
    factor: float


# -- balancing ------------------------------------------------------------------------------
@dataclass
class Allocation:
    """The year's bilateral allocation (per good g and country i)."""

    u: np.ndarray  # (G, N) supplier scalings
    v: np.ndarray  # (G, N) buyer scalings
    sold: np.ndarray  # (G, N) realised row sums
    bought: np.ndarray  # (G, N) realised column sums
    domestic: np.ndarray  # (G, N) flows from a country to itself
    unsold: np.ndarray  # (G, N) output with no buyer (stalled goods only)
    unmet: np.ndarray  # (G, N) demand with no supplier (stalled goods only)
    iterations: int
    stalled: list[int] = field(default_factory=list)
    unconverged: list[int] = field(default_factory=list)  # should stay empty; logged if not
    #: per stalled good: the dummy solve's scalings and its dummy weight (next year's start)
    dummy_scalings: dict[int, tuple[np.ndarray, np.ndarray, float]] = field(default_factory=dict)

    @property
    def exports(self) -> np.ndarray:
        """(G, N) sales to other countries."""
        return self.sold - self.domestic

    @property
    def imports(self) -> np.ndarray:
        """(G, N) purchases from other countries."""
        return self.bought - self.domestic


#: Sinkhorn sweeps between convergence checks.
CHECK_EVERY = 5


def _relaxed(old: np.ndarray, new: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """Over-relaxed scaling update ``old (new/old)^ω`` per good, ``w`` = ω as (G, 1).

    ``w`` None means plain Sinkhorn. Where ``old`` is zero the plain update is kept
    (the inf/nan computed there is masked).
    """
    if w is None:
        return new
    return np.where(old > 0, old * (new / old) ** w, new)


def _safe(x: np.ndarray) -> np.ndarray:
    """Zeros become infinity, so that ``target / safe(x)`` is 0 where nothing can flow."""
    return np.where(x > 0, x, np.inf)


#: Anderson acceleration: how many past sweeps each good's next iterate mixes.
ANDERSON_MEMORY = 10
#: Anderson sweeps a good may take before the over-relaxed loop takes it over.
ANDERSON_SWEEPS = 100
#: A good whose error has not fallen tenfold in this many Anderson sweeps is handed over.
ANDERSON_PATIENCE = 15


def _anderson(
    kernel: Kernel,
    sales: np.ndarray,
    purchases: np.ndarray,
    v0: np.ndarray,
    tol: float,
    budget: int,
) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """Sinkhorn with Anderson acceleration, per good, on the log buyer scalings.

    One sweep is the map ``x -> log(purchases / K^T u)`` with ``u = sales / K e^x``,
    whose fixed point balances the good. Anderson acceleration (type II, Walker and Ni
    2011) replaces each iterate by the combination of the last ``ANDERSON_MEMORY``
    sweeps that minimises the residual, a small least-squares problem per good. A
    year of the model's dense worlds takes 8 to 13 sweeps where over-relaxed Sinkhorn
    took 35 to 60 from the same warm start (about 50 instead of 85 in the sparse
    5,000-country world). It is little slower from a cold start, which matters when
    technology moves capabilities: last year's scalings are then a poor start.

    Row sums are exact after every sweep (``u`` is solved from ``v``), so the error is
    the column error of the pair ``(u, v)`` the sweep evaluated. A good that converges
    is frozen (its residual is zeroed, so its Anderson step is zero). A good whose
    error is not finite, or has not fallen tenfold over ``ANDERSON_PATIENCE`` sweeps
    (an infeasible good), is frozen as not converged, for the caller's over-relaxed
    loop, which detects stalls. Arrays are (G, N, 1) columns, so that the kernel
    products and the least-squares algebra need no reshaping: at small N the cost is
    the number of numpy calls.

    Returns:
        u, v (G, N), sweeps, and a (G,) bool of goods that converged.
    """
    g, n = kernel.shape
    m = ANDERSON_MEMORY
    row, col = kernel.matvecs()
    s, p = sales[:, :, None], purchases[:, :, None]
    act = p > 0
    tol_abs = tol * sales.sum(axis=1)
    # added to denominators where nothing is sold or bought, so that 0/0 becomes 0/1
    no_sales = (s <= 0) * 1.0
    no_demand = (~act) * 1.0
    p_safe = p + no_demand
    x = np.log(np.where(act[:, :, 0] & np.isfinite(v0) & (v0 > 0), v0, 1.0))[:, :, None]
    d_res = np.zeros((g, n, m))  # differences of successive residuals, one per column
    d_map = np.zeros((g, n, m))  # differences of successive map values (x + residual)
    r_prev = f_prev = x
    done = np.zeros(g, dtype=bool)
    frozen = np.zeros(g, dtype=bool)
    best = np.full(g, np.inf)
    checkpoint = np.full(g, np.inf)
    u = v = x
    it = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for it in range(1, budget + 1):
            v = np.exp(x) * act
            u = s / (row(v) + no_sales)
            vk = v * col(u)
            err = np.abs(vk - p).max(axis=(1, 2))
            done |= err <= tol_abs
            np.fmin(best, err, out=best)
            if it % ANDERSON_PATIENCE == 0:
                bad = ~(best <= 0.1 * checkpoint) & ~frozen & ~done  # NaN: no progress
                checkpoint = best.copy()
                if bad.any():
                    frozen |= bad
                    x[bad], d_res[bad], d_map[bad] = 0.0, 0.0, 0.0
            frozen |= done
            if frozen.all():
                break
            r = np.log(p_safe / (vk + no_demand))  # log(target / column sum); 0 if inactive
            r[frozen] = 0.0
            f = x + r
            if it > 1:
                j = (it - 2) % m
                np.subtract(r, r_prev, out=d_res[:, :, j : j + 1])
                np.subtract(f, f_prev, out=d_map[:, :, j : j + 1])
            r_prev, f_prev = r, f
            k = min(it - 1, m)
            if k == 0:
                x = f
                continue
            dr = d_res[:, :, :k]
            drt = dr.transpose(0, 2, 1)
            a = drt @ dr
            diag = a.reshape(g, k * k)[:, :: k + 1]  # a view: a ridge keeps a regular
            diag *= 1.0 + 1e-10
            diag += 1e-280
            x = f - d_map[:, :, :k] @ _solve_stacked(a, drt @ r)
    return u[:, :, 0], v[:, :, 0], it, done & ~np.isnan(u[:, :, 0]).any(axis=1)


def sinkhorn(
    kernel: Kernel,
    sales: np.ndarray,
    purchases: np.ndarray,
    tol: float,
    max_iter: int,
    u0: np.ndarray | None = None,
    v0: np.ndarray | None = None,
    omega: float = 1.7,
    detect_stalls: bool = True,
) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """Balance the kernel to the row targets ``sales`` and column targets ``purchases``.

    Convergence: every good's largest row- and column-sum error, relative to its world
    total, is at most ``tol``. Each good is first balanced by Anderson-accelerated
    Sinkhorn (:func:`_anderson`), which usually converges in 10 to 20 sweeps. A good it
    leaves unconverged restarts from the warm start in over-relaxed Sinkhorn
    (Thibault et al. 2017, "Overrelaxed Sinkhorn-Knopp"). There, each good that has
    not converged falls back to plain RAS on its own if its error grows tenfold or
    stops halving over 100 iterations (over-relaxation can oscillate); if, with plain
    RAS, it still stops halving, the good has *stalled* (it is infeasible) and is
    reported as not converged without iterating further.
    Warm-starting from last year's scalings makes a quiet year cheap. The loops are
    kept lean: at small N their cost is the number of numpy calls, not arithmetic.

    Returns:
        u, v, iterations, and a (G,) bool of goods that converged.
    """
    g, n = kernel.shape
    u = np.ones((g, n)) if u0 is None or u0.shape != (g, n) else u0.copy()
    v = np.ones((g, n)) if v0 is None or v0.shape != (g, n) else v0.copy()
    inv_scale = 1.0 / np.maximum(sales.sum(axis=1), 1e-300)
    has_demand = purchases > 0
    u = np.where((sales > 0) & np.isfinite(u), u, 0.0)
    v = np.where(has_demand & np.isfinite(v) & (v > 0), v, has_demand * 1.0)
    ua, va, it0, fast = _anderson(kernel, sales, purchases, v, tol, min(ANDERSON_SWEEPS, max_iter))
    if fast.all():  # row sums are exact to rounding, column sums within tol
        return ua, va, it0, fast
    # goods Anderson did not balance restart from the warm start in the over-relaxed loop
    u = np.where(fast[:, None], ua, u)
    v = np.where(fast[:, None], va, v)
    col_err = np.full(g, np.inf)
    best = np.full(g, np.inf)
    om = np.full(g, float(omega))
    w = om[:, None] if omega != 1.0 else None
    checkpoint = np.full(g, np.inf)
    checked = 0
    stalled = np.zeros(g, dtype=bool)
    it = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for it in range(1, max_iter + 1):
            kv = kernel.row(v)
            if it % CHECK_EVERY == 1:  # errors are measured every few sweeps: at small N
                # the sweeps' numpy calls, not arithmetic, are the cost
                err = np.maximum(np.abs(u * kv - sales).max(axis=1) * inv_scale, col_err)
                unconverged = ~(err <= tol)  # NaN counts as not converged
                diverging = unconverged & ~(err <= 10 * best)
                if diverging.any():
                    om[diverging] = 1.0  # plain RAS converges where over-relaxation misbehaves
                    w = om[:, None] if (om != 1.0).any() else None
                np.fmin(best, err, out=best)
                if it > checked + 100:
                    # too slow: first drop the over-relaxation (it can oscillate without
                    # diverging), then, with plain RAS, call the good stalled
                    slow = unconverged & ~(best <= 0.5 * checkpoint)
                    if detect_stalls:
                        stalled |= slow & (om == 1.0)
                    om[slow] = 1.0
                    w = om[:, None] if (om != 1.0).any() else None
                    checkpoint, checked = best.copy(), it
                if (~unconverged | stalled).all():
                    break
            u = _relaxed(u, sales / _safe(kv), w)
            ktu = kernel.col(u)
            v = _relaxed(v, purchases / _safe(ktu), w)
            if it % CHECK_EVERY == 0:
                col_err = np.abs(v * ktu - purchases).max(axis=1) * inv_scale
    return u, v, it0 + it, _converged(kernel, u, v, sales, purchases, tol, inv_scale)


def _converged(
    kernel: Kernel,
    u: np.ndarray,
    v: np.ndarray,
    sales: np.ndarray,
    purchases: np.ndarray,
    tol: float,
    inv_scale: np.ndarray,
) -> np.ndarray:
    """(G,) bool: row and column sums within ``tol`` of the world total, scalings finite."""
    with np.errstate(over="ignore", invalid="ignore"):
        col_err = np.abs(v * kernel.col(u) - purchases).max(axis=1) * inv_scale
        row_err = np.abs(u * kernel.row(v) - sales).max(axis=1) * inv_scale
    return (row_err <= tol) & (col_err <= tol) & np.isfinite(u).all(1) & np.isfinite(v).all(1)


#: Sweeps a dummy solve may take before its dummy weight is raised a hundredfold.
DUMMY_BUDGET = 300


def _solve_with_dummies(
    kernel: Kernel,
    g: int,
    sales: np.ndarray,
    purchases: np.ndarray,
    tol: float,
    max_iter: int,
    unmet_weight: float,
    warm: tuple[np.ndarray, np.ndarray, float] | None,
) -> tuple[float, Kernel, np.ndarray, np.ndarray, int, bool]:
    """Solve one stalled good with a dummy supplier and buyer.

    The dummy weight starts at ``unmet_weight`` times the good's smallest real weight,
    so that a dummy link is dearer than any real route and unmet demand appears only
    where it must. The smaller that weight, the slower Sinkhorn converges near an
    infeasible boundary; if ``DUMMY_BUDGET`` sweeps are not enough, the weight is
    raised a hundredfold and the solve repeated (which overstates unmet demand a
    little but bounds the work). The augmented problem is always feasible, so the
    last attempt, at weight 1e-2 or more, runs to convergence.

    Returns:
        weight used, augmented kernel, scalings u and v, sweeps, converged.
    """
    eps = unmet_weight * kernel.min_weight(g) if warm is None else warm[2]
    total = purchases.sum()
    rs = np.append(sales, total)[None, :]
    cs = np.append(purchases, total)[None, :]
    u0, v0 = (None, None) if warm is None else (warm[0], warm[1])
    sweeps = 0
    while True:
        last = eps >= 1e-2
        ext = kernel.with_dummies(g, eps, sales > 0, purchases > 0)
        budget = max_iter * 20 if last else DUMMY_BUDGET
        uu, vv, it, ok = sinkhorn(ext, rs, cs, tol, budget, u0, v0, detect_stalls=False)
        sweeps += it
        if ok[0] or last:
            return eps, ext, uu, vv, sweeps, bool(ok[0])
        eps, u0, v0 = min(eps * 100, 1e-2), None, None


def allocate(
    kernel: Kernel,
    sales: np.ndarray,
    purchases: np.ndarray,
    tol: float = 1e-12,
    max_iter: int = 2000,
    unmet_weight: float = 1e-2,
    warm: Allocation | None = None,
    known_stalled: set[int] | None = None,
) -> Allocation:
    """Allocate each good's sales to buyers; re-solve stalled goods with dummies.

    Args:
        kernel: gravity weights.
        sales: (G, N) each supplier's sales value.
        purchases: (G, N) each buyer's purchase value (same totals per good).
        tol: relative convergence tolerance on row and column sums.
        max_iter: iteration cap; a good not converged by then has stalled.
        unmet_weight: weight of the dummy links, relative to the good's smallest kernel
            weight (so that a dummy link is always dearer than any real route).
        warm: last year's allocation, to warm-start the scalings.
        known_stalled: goods known to stall on this kernel; go straight to dummies.
    """
    u0 = warm.u if warm is not None else None
    v0 = warm.v if warm is not None else None
    stalled_known = sorted(known_stalled or set())
    s_main, p_main = sales.copy(), purchases.copy()
    s_main[stalled_known] = 0.0  # solved separately below
    p_main[stalled_known] = 0.0
    u, v, iters, ok = sinkhorn(kernel, s_main, p_main, tol, max_iter, u0, v0)
    stalled = sorted(set(stalled_known) | set(np.flatnonzero(~ok).tolist()))
    g, n = kernel.shape
    u[stalled], v[stalled] = 0.0, 0.0  # may have diverged; replaced by the dummy solves
    sold = u * kernel.row(v)
    bought = v * kernel.col(u)
    domestic = u * kernel.diagonal() * v
    unsold = np.zeros((g, n))
    unmet = np.zeros((g, n))
    dummies: dict[int, tuple[np.ndarray, np.ndarray, float]] = {}
    unconverged: list[int] = []
    for gg in stalled:
        w0 = warm.dummy_scalings.get(gg) if warm is not None else None
        eps, ext, uu, vv, it2, ok2 = _solve_with_dummies(
            kernel, gg, sales[gg], purchases[gg], tol, max_iter, unmet_weight, w0
        )
        iters += it2
        if not ok2:
            unconverged.append(gg)
        dummies[gg] = (uu, vv, eps)
        rows = uu * ext.row(vv)
        cols = vv * ext.col(uu)
        diag = uu * ext.diagonal() * vv
        # the dummy column/row carry unsold and unmet; strip them from the real flows
        unsold[gg] = uu[0, :n] * eps * (sales[gg] > 0) * vv[0, n]
        unmet[gg] = uu[0, n] * eps * (purchases[gg] > 0) * vv[0, :n]
        sold[gg] = rows[0, :n] - unsold[gg]
        bought[gg] = cols[0, :n] - unmet[gg]
        domestic[gg] = diag[0, :n]
        u[gg], v[gg] = uu[0, :n], vv[0, :n]
    return Allocation(
        u, v, sold, bought, domestic, unsold, unmet, iters, stalled, unconverged, dummies
    )
