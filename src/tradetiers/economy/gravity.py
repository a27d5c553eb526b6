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

from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import block_diag, csr_array

from tradetiers.economy.network import PathDistances, nearest_source


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

    def __init__(self, blocks: list[csr_array]) -> None:
        self.blocks = blocks
        self.n = blocks[0].shape[0]
        self.shape = len(blocks), self.n
        self.k = csr_array(block_diag(blocks, format="csr"))
        self.kt = csr_array(self.k.T.tocsr())

    def row(self, v: np.ndarray) -> np.ndarray:
        """Sum over buyers of K_ij v_j, (G, N)."""
        return (self.k @ v.ravel()).reshape(self.shape)

    def col(self, u: np.ndarray) -> np.ndarray:
        """Sum over suppliers of u_i K_ij, (G, N)."""
        return (self.kt @ u.ravel()).reshape(self.shape)

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


@dataclass
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
    total, is at most ``tol``. The updates are over-relaxed (Thibault et al. 2017,
    "Overrelaxed Sinkhorn-Knopp"), which cuts iterations several-fold. Each good that
    has not converged falls back to plain RAS on its own if its error grows tenfold
    or stops halving over 100 iterations (over-relaxation can oscillate); if, with
    plain RAS, it still stops halving, the good has *stalled* (it is infeasible) and
    is reported as not converged without iterating further.
    Warm-starting from last year's scalings makes a quiet year cheap. The loop is
    kept lean: at small N its cost is the number of numpy calls, not arithmetic.

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
        col_err = np.abs(v * kernel.col(u) - purchases).max(axis=1) * inv_scale
        row_err = np.abs(u * kernel.row(v) - sales).max(axis=1) * inv_scale
    converged = (row_err <= tol) & (col_err <= tol) & np.isfinite(u).all(1) & np.isfinite(v).all(1)
    return u, v, it, converged


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
