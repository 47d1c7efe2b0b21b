"""Graph measures behind the scores, computed in igraph's C core.

- PageRank on the weighted amplification graph (Brin & Page 1998), amplifier -> amplified.
- Two-step reach: accounts within two steps along an account's own actions.
- k-shell index (Kitsak et al. 2010, Nature Physics 6:888) on the undirected simple graph.
- Betweenness (Freeman 1977; Brandes 2001), exact on small graphs and estimated from
  sampled source pivots on larger ones (Brandes & Pich 2007, IJBC 17:2303): the
  dependencies of ``k`` uniformly drawn sources, scaled by ``n / k``, are an unbiased
  estimate of the exact value. igraph's subset betweenness (``sources=``) does the
  accumulation; on 10k accounts here exact betweenness takes minutes, 200 pivots
  under a second.

The public functions take an igraph graph (e.g. from ``wb.graph``) and return a Series
indexed by the vertices' ``account_id`` when the graph has that attribute.

Examples
--------
>>> import igraph as ig
>>> g = ig.Graph([(0, 1), (1, 2), (2, 0), (2, 3)], directed=True)
>>> kshell(g).tolist()
[2, 2, 2, 1]
>>> betweenness(g).tolist()
[1.0, 2.0, 3.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import igraph as ig
import numpy as np
import pandas as pd

__all__ = ["kshell", "betweenness", "pagerank", "two_step_reach", "EXACT_BETWEENNESS_MAX"]

#: Graphs with at most this many vertices get exact betweenness; larger ones are sampled.
EXACT_BETWEENNESS_MAX = 3000
#: Work budget of sampled betweenness, in edge visits (pivots x edges): at most this many, and at least
#: :data:`MIN_PIVOTS` pivots, so that betweenness costs about as much as the rest of a scoring run
#: (one pivot is one breadth-first search and dependency accumulation, ~0.13 s at 1M edges here).
BETWEENNESS_BUDGET = 20_000_000
MIN_PIVOTS = 10


def _series(graph: ig.Graph, values, name: str) -> pd.Series:
    index = graph.vs["account_id"] if "account_id" in graph.vs.attributes() else None
    return pd.Series(values, index=index, name=name)


def pagerank_values(graph: ig.Graph, *, damping: float = 0.85, weights: Sequence[float] | None = None) -> np.ndarray:
    """PageRank of every vertex, weighted by ``weights`` (one per edge) if given, else by the ``weight``
    edge attribute when present. An edge of weight 0 counts as absent (igraph's PRPACK skips it)."""
    if graph.vcount() == 0:
        return np.zeros(0)
    if weights is None:
        weights = "weight" if "weight" in graph.es.attributes() and graph.ecount() else None
    return np.asarray(graph.pagerank(directed=graph.is_directed(), damping=damping, weights=weights))


def pagerank(graph: ig.Graph, *, damping: float = 0.85) -> pd.Series:
    """PageRank (weighted by ``weight`` when present) as a Series."""
    return _series(graph, pagerank_values(graph, damping=damping), "pagerank")


def two_step_reach_values(graph: ig.Graph) -> np.ndarray:
    """Distinct accounts reached in one or two steps along out-edges (own actions), the account excluded."""
    if graph.vcount() == 0:
        return np.zeros(0, dtype=np.int64)
    mode = "out" if graph.is_directed() else "all"
    return np.asarray(graph.neighborhood_size(order=2, mode=mode), dtype=np.int64) - 1


def two_step_reach(graph: ig.Graph) -> pd.Series:
    """Two-step reach along out-edges as a Series."""
    return _series(graph, two_step_reach_values(graph), "two_step_reach")


def kshell_values(graph: ig.Graph, *, simple: bool = False) -> np.ndarray:
    """k-shell index on the undirected simple version of ``graph`` (``simple=True``: it already is one)."""
    if graph.vcount() == 0:
        return np.zeros(0, dtype=np.int64)
    if not simple:
        graph = graph.as_undirected(mode="collapse") if graph.is_directed() else graph.simplify(
            multiple=True, loops=True, combine_edges="first")
    return np.asarray(graph.coreness(mode="all"), dtype=np.int64)


def kshell(graph: ig.Graph) -> pd.Series:
    """k-shell index of each account (Kitsak et al. 2010): the core it belongs to when peeling by degree.

    Parameters
    ----------
    graph : igraph.Graph
        Directed or undirected; edge directions and multiplicities are ignored.

    Returns
    -------
    pandas.Series
        Integer k-shell per vertex, indexed by ``account_id`` when the graph has it.

    Examples
    --------
    >>> import igraph as ig
    >>> kshell(ig.Graph.Full(4)).tolist()
    [3, 3, 3, 3]
    """
    return _series(graph, kshell_values(graph), "kshell")


def pivot_count(n: int, m: int, samples: int, budget: int | None = BETWEENNESS_BUDGET) -> int:
    """Pivots drawn for ``n`` vertices and ``m`` edges: ``samples``, capped by the work budget (at least 10)."""
    if budget is None or m == 0:
        return min(samples, n)
    return min(samples, n, max(MIN_PIVOTS, budget // m))


def betweenness_values(graph: ig.Graph, *, samples: int = 200, exact_max: int = EXACT_BETWEENNESS_MAX,
                       seed: int = 0, budget: int | None = BETWEENNESS_BUDGET) -> tuple[np.ndarray, int]:
    """Betweenness and the number of source pivots used (``n`` when exact); unweighted shortest paths."""
    n = graph.vcount()
    if n == 0:
        return np.zeros(0), 0
    directed = graph.is_directed()
    samples = pivot_count(n, graph.ecount(), samples, budget)
    if n <= exact_max or samples >= n:
        return np.asarray(graph.betweenness(directed=directed), dtype=np.float64), n
    rng = np.random.default_rng(seed)
    pivots = rng.choice(n, size=samples, replace=False)
    partial = np.asarray(graph.betweenness(directed=directed, sources=pivots.tolist()), dtype=np.float64)
    # igraph's subset betweenness follows the same pair convention as its exact one (undirected
    # pairs counted once), so with every vertex as a source it equals the exact value.
    return partial * (n / samples), samples


def betweenness(graph: ig.Graph, *, samples: int = 200, exact_max: int = EXACT_BETWEENNESS_MAX,
                seed: int = 0, budget: int | None = BETWEENNESS_BUDGET) -> pd.Series:
    """Betweenness of each account, exact up to ``exact_max`` vertices, else estimated from sampled pivots.

    The estimate is Brandes & Pich's (2007) pivot sampling: single-source dependencies of
    ``k`` sources drawn uniformly (without replacement, from ``seed``), scaled by ``n / k``;
    it is unbiased and its error shrinks as ``1/sqrt(k)``. ``k = samples``, capped so that
    ``k * edges <= budget`` (but at least 10): 200 pivots on 100k edges, 20 on 1M edges.
    Shortest paths are unweighted and follow edge directions on a directed graph.

    Parameters
    ----------
    graph : igraph.Graph
    samples : int
        Source pivots drawn on graphs larger than ``exact_max``.
    exact_max : int
        Largest vertex count computed exactly.
    seed : int
        Seed of the pivot draw.
    budget : int or None
        Edge visits allowed (pivots x edges); None draws ``samples`` pivots whatever the size.

    Returns
    -------
    pandas.Series
        Named ``betweenness``; ``.attrs["pivots"]`` holds the number of sources used
        (the vertex count when exact).

    Examples
    --------
    >>> import igraph as ig
    >>> betweenness(ig.Graph.Star(5)).tolist()
    [6.0, 0.0, 0.0, 0.0, 0.0]
    """
    values, pivots = betweenness_values(graph, samples=samples, exact_max=exact_max, seed=seed, budget=budget)
    series = _series(graph, values, "betweenness")
    series.attrs["pivots"] = pivots
    return series
