"""Trade-network geometry: great-circle distances, graphs and shortest-path distances.

Trade costs come from path distance over the trade graph, so removing a link makes
the pair trade through a longer route (or not at all). Small worlds get the full
path-distance matrix; large sparse worlds keep, for each country, only its M
nearest countries by path distance, so memory grows with edges, not N².
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

EARTH_RADIUS_KM = 6371.0
#: Extra distance of a country to itself (0: domestic trade has no distance cost).
HOME_DISTANCE_KM = 0.0


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on the unit sphere (N, 3)."""
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def great_circle_km(xyz_a: np.ndarray, xyz_b: np.ndarray) -> np.ndarray:
    """Great-circle distance between paired unit vectors."""
    dot = np.clip((xyz_a * xyz_b).sum(axis=-1), -1.0, 1.0)
    return EARTH_RADIUS_KM * np.arccos(dot)


def build_graph(
    codes: list[str],
    lat: np.ndarray,
    lon: np.ndarray,
    size: np.ndarray,
    kind: str,
    k: int,
    hubs: int,
) -> nx.Graph:
    """The trade graph: nodes are country indices; edges carry ``distance`` (km).

    Args:
        codes: country codes (node attribute ``code``).
        lat: latitudes (N,).
        lon: longitudes (N,).
        size: economic size, to pick the hubs every country links to (N,).
        kind: ``complete`` or ``sparse``.
        k: nearest partners per country in a sparse graph.
        hubs: number of big economies linked to everyone in a sparse graph.
    """
    n = len(codes)
    xyz = unit_vectors(lat, lon)
    g = nx.Graph()
    g.add_nodes_from(
        (i, {"code": codes[i], "lat": float(lat[i]), "lon": float(lon[i])}) for i in range(n)
    )
    if kind == "complete":
        a, b = np.triu_indices(n, k=1)
    else:
        kk = min(k, n - 1)
        _, nbr = cKDTree(xyz).query(xyz, k=kk + 1)
        a = np.repeat(np.arange(n), kk)
        b = nbr[:, 1:].ravel()
        top = np.argsort(-size, kind="stable")[: min(hubs, n)]
        ha = np.repeat(top, n)
        hb = np.tile(np.arange(n), top.size)
        a, b = np.concatenate([a, ha]), np.concatenate([b, hb])
        keep = a != b
        a, b = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
        pairs = np.unique(np.column_stack([a, b]), axis=0)
        a, b = pairs[:, 0], pairs[:, 1]
    # a small floor keeps co-located synthetic countries from having zero-length edges
    d = np.maximum(great_circle_km(xyz[a], xyz[b]), 1.0)
    g.add_weighted_edges_from(zip(a.tolist(), b.tolist(), d.tolist(), strict=True), "distance")
    return g


def adjacency(graph: nx.Graph, n: int) -> csr_array:
    """Symmetric sparse adjacency with edge distances as weights."""
    if graph.number_of_edges() == 0:
        return csr_array((n, n))
    edges = np.array([(u, v, w) for u, v, w in graph.edges(data="distance", default=1.0)])
    a, b, w = edges[:, 0].astype(int), edges[:, 1].astype(int), edges[:, 2]
    rows, cols = np.concatenate([a, b]), np.concatenate([b, a])
    return csr_array((np.concatenate([w, w]), (rows, cols)), shape=(n, n))


@dataclass
class PathDistances:
    """Shortest-path distances, dense (``matrix``) or as nearest lists (``near_*``).

    In nearest-list form, ``near_index[j]`` are the M nodes closest to j by path
    distance (j itself first) and ``near_km[j]`` their distances; ``inf`` pads.
    ``hubs`` are the countries linked to at least half of all others (the big
    economies), with their distances to everyone in ``hub_km`` (H, N).
    """

    n: int
    matrix: np.ndarray | None = None
    near_index: np.ndarray | None = None
    near_km: np.ndarray | None = None
    hubs: np.ndarray | None = None
    hub_km: np.ndarray | None = None
    adjacency: csr_array | None = None

    @property
    def dense(self) -> bool:
        """Whether the full matrix is held."""
        return self.matrix is not None


def path_distances(graph: nx.Graph, n: int, dense: bool, nearest: int = 64) -> PathDistances:
    """Shortest-path distances over the graph (inf where unreachable)."""
    adj = adjacency(graph, n)
    if dense:
        return PathDistances(n=n, matrix=dijkstra(adj, directed=False), adjacency=adj)
    m = min(nearest, n)
    near_index = np.empty((n, m), dtype=np.int64)
    near_km = np.empty((n, m))
    # Searches stop at a radius (hubs, linked to everyone, make unbounded searches
    # slow); rows that find fewer than m countries within it are searched again wider.
    radius = 4.0 * float(np.percentile(adj.data, 10)) if adj.nnz else np.inf
    todo = np.arange(n)
    chunk = max(1, 4_000_000 // n)  # bounded memory: chunk rows of the distance matrix at once
    while todo.size:
        short = []
        for start in range(0, todo.size, chunk):
            rows = todo[start : start + chunk]
            dist = dijkstra(adj, directed=False, indices=rows, limit=radius)
            found = np.isfinite(dist).sum(axis=1)
            lacking = (found < m) & np.isfinite(radius)
            short.append(rows[lacking])
            part = np.argpartition(dist, m - 1, axis=1)[:, :m]
            pd = np.take_along_axis(dist, part, axis=1)
            order = np.argsort(pd, axis=1, kind="stable")
            near_index[rows] = np.take_along_axis(part, order, axis=1)
            near_km[rows] = np.take_along_axis(pd, order, axis=1)
        todo = np.concatenate(short)
        radius = radius * 2 if radius < 1e5 else np.inf
    hubs = np.flatnonzero(np.diff(adj.indptr) >= n // 2)
    hub_km = dijkstra(adj, directed=False, indices=hubs) if hubs.size else np.zeros((0, n))
    return PathDistances(
        n=n, near_index=near_index, near_km=near_km, hubs=hubs, hub_km=hub_km, adjacency=adj
    )


def nearest_source(adj: csr_array, sources: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every node, the nearest of ``sources`` by path distance and that distance."""
    if sources.size == 0:
        n = adj.shape[0]
        return np.full(n, -1), np.full(n, np.inf)
    dist, _, src = dijkstra(
        adj, directed=False, indices=sources, min_only=True, return_predecessors=True
    )
    return src, dist
