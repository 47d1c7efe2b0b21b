"""Community detection: one entry point, seven methods, reproducible under a seed.

Every method runs in igraph's C core. Directed graphs go to the methods that model direction
(Leiden's directed modularity, Infomap's random walk) as they are; the others need undirected
input and get the graph *symmetrised*: the two directions of a pair become one edge whose
weight is their sum (:func:`symmetrise`). :attr:`Partition.modularity` is always measured on
the graph as given: directed modularity (Leicht & Newman 2008) for a directed graph.

Examples
--------
>>> from workbench.datasets import karate
>>> p = detect(karate(), method="leiden", seed=0)
>>> p.n_communities, round(p.modularity, 4)
(4, 0.4449)
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from typing import Any

import igraph as ig
import numpy as np

from workbench import graphs
from workbench.communities.partition import Partition, renumber_by_size
from workbench.errors import ParameterError

__all__ = ["METHODS", "FAST_METHODS", "RESOLUTION_METHODS", "DIRECTED_METHODS", "DENDROGRAM_METHODS",
           "GIRVAN_NEWMAN_MAX_EDGES", "WALKTRAP_MAX_EDGES", "MAX_EDGES", "detect", "check_method", "symmetrise", "modularity", "seeded", "resolve_weights"]

#: Every method :func:`detect` knows.
METHODS = ("leiden", "louvain", "infomap", "label_propagation", "walktrap", "greedy_modularity", "girvan_newman")
#: Methods that scale to a million interactions (walktrap and the last two are for smaller graphs).
FAST_METHODS = ("leiden", "louvain", "infomap", "label_propagation")
#: Methods with a resolution parameter.
RESOLUTION_METHODS = ("leiden", "louvain")
#: Methods that use the edge directions of a directed graph; the others symmetrise it.
DIRECTED_METHODS = ("leiden", "infomap")
#: Methods that build a dendrogram (cut at maximum modularity, or into ``n_communities``).
DENDROGRAM_METHODS = ("walktrap", "greedy_modularity", "girvan_newman")
#: Girvan-Newman recomputes every edge betweenness after each removal: O(m^2 n) time. At this limit
#: it takes 10-20 s (measured: 1,000 edges on 250-500 vertices); football's 613 edges take about 1 s.
GIRVAN_NEWMAN_MAX_EDGES = 1_000
#: Walktrap keeps a random-walk distribution for every community it merges: time grows about as the
#: square of the edges, memory faster on graphs with hubs. Measured (benchmarks/walktrap.py, generated
#: graphs, igraph 1.0): 20,000 edges take 3.8-4.2 s CPU and a process peak of 0.2-0.55 GB; 40,000 edges
#: 16-21 s and 0.25-1.5 GB (power-law degrees the higher figures); Leiden on the same graphs 0.06-1.7 s.
#: A real 87,000-edge interaction graph took 4:52 and 4.8 GB.
WALKTRAP_MAX_EDGES = 20_000
#: The size limit of each method that has one (``max_edges=`` of :func:`detect` raises it).
MAX_EDGES = {"girvan_newman": GIRVAN_NEWMAN_MAX_EDGES, "walktrap": WALKTRAP_MAX_EDGES}
OBJECTIVES = ("modularity", "cpm")


def check_method(method: str) -> str:
    """Return ``method`` if :func:`detect` knows it, else raise :class:`ParameterError` naming the methods.

    >>> check_method("louvain")
    'louvain'
    """
    if method not in METHODS:
        raise ParameterError(f"unknown community method {method!r}; methods are {', '.join(METHODS)}")
    return method


@contextlib.contextmanager
def seeded(seed: int | None) -> Iterator[None]:
    """Run igraph's randomised algorithms from ``random.Random(seed)``; igraph's default RNG afterwards.

    igraph draws random numbers through one process-wide generator (Python's ``random``
    module unless replaced); inside this block it is a private generator seeded with ``seed``.
    ``None`` leaves the generator alone (not reproducible).
    """
    if seed is None:
        yield
        return
    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


def symmetrise(graph: ig.Graph, *, weights: str | None = "weight") -> ig.Graph:
    """An undirected copy of ``graph``: each pair's edges merged into one, weights summed.

    An unweighted directed graph gets ``weight`` = number of directed edges merged (1 or 2),
    so that a reciprocated tie counts twice, as it would in a count-weighted graph.
    Vertex attributes are kept; an undirected graph is returned as is.

    >>> g = ig.Graph([(0, 1), (1, 0), (1, 2)], directed=True)
    >>> symmetrise(g).es["weight"]
    [2.0, 1.0]
    """
    if not graph.is_directed():
        return graph
    undirected = graph.copy()
    if weights is None or weights not in undirected.es.attributes():
        undirected.es["weight"] = [1.0] * undirected.ecount()
        weights = "weight"
    undirected.to_undirected(mode="collapse", combine_edges={weights: "sum", None: "ignore"})
    if weights != "weight":
        undirected.es["weight"] = undirected.es[weights]
    undirected.es["weight"] = np.asarray(undirected.es["weight"], dtype=np.float64).tolist()
    return undirected


def resolve_weights(graph: ig.Graph, weights: str | None) -> str | None:
    """The edge attribute to weigh by: ``weights`` if the graph has it, None for an unweighted graph.

    ``"weight"`` on a graph without weights means unweighted; any other missing name is an error.
    """
    if weights is None:
        return None
    if weights in graph.es.attributes():
        return weights
    if weights == "weight":  # an unweighted graph (wb.graph(..., weight=None)): every edge counts once
        return None
    raise ParameterError(f"the graph has no edge attribute {weights!r}; edge attributes are "
                         f"{', '.join(graph.es.attributes()) or 'none'}")


def modularity(graph: ig.Graph, membership: np.ndarray | list[int], *, weights: str | None = "weight",
               resolution: float = 1.0) -> float:
    """Modularity (Newman & Girvan 2004; directed: Leicht & Newman 2008) of ``membership`` on ``graph``.

    .. math:: Q = \\frac{1}{2m} \\sum_{ij} \\left(A_{ij} - \\gamma \\frac{k_i k_j}{2m}\\right) \\delta(c_i, c_j)

    with out- and in-degrees and :math:`m` in place of :math:`2m` for a directed graph.
    NaN for a graph without edges.

    >>> from workbench.datasets import karate
    >>> round(modularity(karate(), [0] * 34), 6)
    0.0
    """
    weights = resolve_weights(graph, weights)
    if graph.ecount() == 0:
        return float("nan")
    return float(graph.modularity(list(map(int, membership)), weights=weights, resolution=resolution,
                                  directed=graph.is_directed()))


def detect(graph: Any, *, method: str = "leiden", resolution: float = 1.0, seed: int | None = 0,
           objective: str = "modularity", weights: str | None = "weight", iterations: int | None = None,
           beta: float = 0.01, trials: int = 10, steps: int = 4, n_communities: int | None = None,
           max_edges: int | None = None) -> Partition:
    """Find communities in an interaction graph.

    Parameters
    ----------
    graph : igraph.Graph or networkx graph
        From :func:`workbench.graphs` (or any graph; vertices are named by their ``account_id``
        attribute, else ``name``, else their index).
    method : str
        One of :data:`METHODS`:

        - ``"leiden"``: Leiden (Traag, Waltman & van Eck 2019), igraph's built-in; ``objective``
          ``"modularity"`` (directed modularity on a directed graph) or ``"cpm"`` (Constant Potts
          Model, where ``resolution`` is the density threshold); run until an iteration changes
          nothing, or ``iterations`` times.
        - ``"louvain"``: multilevel modularity optimisation (Blondel et al. 2008); symmetrises.
        - ``"infomap"``: the map equation (Rosvall & Bergstrom 2008), ``trials`` attempts; follows
          edge directions. The slowest fast method: 1-3 minutes for a million interactions with
          10 trials (benchmarks/communities.py), against seconds for leiden.
        - ``"label_propagation"``: Raghavan, Albert & Kumara (2007); symmetrises.
        - ``"walktrap"``: random walks of ``steps`` steps (Pons & Latapy 2006), the dendrogram cut at
          maximum modularity; symmetrises.
        - ``"greedy_modularity"``: Clauset, Newman & Moore (2004), NodeXL's default; cut at maximum
          modularity; symmetrises.
        - ``"girvan_newman"``: removes the edge of highest betweenness (unweighted, as in Girvan &
          Newman 2002) until none is left and keeps the division of maximum (weighted) modularity
          (Newman & Girvan 2004); symmetrises.

        Walktrap and Girvan-Newman refuse a graph of more edges (after symmetrising) than their
        limit in :data:`MAX_EDGES` (20,000 and 1,000), naming the limit; ``max_edges`` raises it.
    resolution : float
        Resolution of leiden and louvain (Reichardt & Bornholdt 2006); larger gives smaller
        communities. Other methods have none and refuse a value other than 1.
    seed : int or None
        Seed of the random choices (leiden, louvain, infomap, label_propagation); the same seed
        gives the same partition. None: igraph's global generator, not reproducible.
    objective : {"modularity", "cpm"}
        Leiden's quality function.
    weights : str or None
        Edge attribute holding weights (``"weight"``: used when present); None ignores weights.
    iterations : int or None
        Leiden's iterations: None (the default) runs until an iteration changes nothing; ``2`` is
        igraph's own default and the fast choice (CLI ``--iterations 2``). On 10 million generated
        interactions (benchmarks/pipeline.py), 2 iterations take 40% of the CPU time of converging
        and reach a modularity lower by 2e-6 (0.799274 against 0.799276).
    beta : float
        Leiden's refinement randomness.
    trials : int
        Infomap's attempts.
    steps : int
        Walktrap's random-walk length.
    n_communities : int, optional
        For the dendrogram methods (walktrap, greedy_modularity, girvan_newman): cut the
        dendrogram into this many communities instead of at maximum modularity.
    max_edges : int, optional
        The size limit of walktrap and girvan_newman, in edges; default :data:`MAX_EDGES` of the
        method (``workbench communities --max-edges N`` on the command line).

    Returns
    -------
    Partition
        Every vertex in exactly one community, numbered by size; ``.params`` records the options.

    Raises
    ------
    ParameterError
        An unknown method or objective, a resolution the method lacks, or a graph too big for
        walktrap or Girvan-Newman (more edges than ``max_edges``).

    Examples
    --------
    >>> from workbench.datasets import karate
    >>> detect(karate(), method="greedy_modularity").sizes.tolist()  # weighted by contexts shared
    [18, 11, 5]
    >>> detect(karate(), method="greedy_modularity", weights=None).sizes.tolist()
    [17, 9, 8]
    """
    check_method(method)
    graph = graphs.to_igraph(graph)
    if objective not in OBJECTIVES:
        raise ParameterError(f"objective must be one of {', '.join(OBJECTIVES)}; got {objective!r}")
    if objective != "modularity" and method != "leiden":
        raise ParameterError(f"objective {objective!r} is Leiden's; {method} optimises its own quality")
    if resolution != 1.0 and method not in RESOLUTION_METHODS:
        raise ParameterError(f"{method} has no resolution parameter (got resolution={resolution}); "
                             f"methods with one: {', '.join(RESOLUTION_METHODS)}")
    if n_communities is not None and method not in DENDROGRAM_METHODS:
        raise ParameterError(f"n_communities cuts a dendrogram; only {', '.join(DENDROGRAM_METHODS)} build one "
                             f"(got method {method!r})")
    if not resolution > 0:
        raise ParameterError(f"resolution must be positive; got {resolution}")
    if iterations is not None and (isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer))
                                   or iterations < 1):
        raise ParameterError(f"iterations must be a whole number of at least 1, or None to run until "
                             f"Leiden converges; got {iterations!r}")
    if iterations is not None and method != "leiden":
        raise ParameterError(f"iterations are Leiden's; {method} runs its own course (got iterations={iterations})")
    n_iterations = -1 if iterations is None else int(iterations)
    if max_edges is not None and not (isinstance(max_edges, (int, np.integer)) and max_edges >= 0):
        raise ParameterError(f"max_edges must be a count of edges >= 0; got {max_edges!r}")
    weights = resolve_weights(graph, weights)
    params: dict[str, Any] = {"resolution": float(resolution), "seed": seed, "weights": weights}
    if method == "leiden":
        params.update(objective=objective, iterations=iterations, beta=beta)
    elif method == "infomap":
        params.update(trials=trials)
    elif method == "walktrap":
        params.update(steps=steps)
    if n_communities is not None:
        params.update(n_communities=int(n_communities))
    if graph.is_directed() and method not in DIRECTED_METHODS:
        params["symmetrised"] = True

    if graph.vcount() == 0:
        labels = np.zeros(0, dtype=np.int64)
    else:
        labels = np.asarray(_run(graph, method, weights, resolution=resolution, seed=seed, objective=objective,
                                 n_iterations=n_iterations, beta=beta, trials=trials, steps=steps,
                                 n_communities=n_communities, max_edges=max_edges), dtype=np.int64)
    labels = renumber_by_size(labels)
    return Partition(graphs.account_ids(graph), labels, method=method, params=params,
                     graph_spec=graphs.graph_spec(graph),
                     modularity=modularity(graph, labels, weights=weights))


def _run(graph: ig.Graph, method: str, weights: str | None, *, resolution: float, seed: int | None,
         objective: str, n_iterations: int, beta: float, trials: int, steps: int, n_communities: int | None,
         max_edges: int | None) -> list[int]:
    if method not in DIRECTED_METHODS and graph.is_directed():
        graph = symmetrise(graph, weights=weights)
        weights = "weight"
    with seeded(seed):
        if method == "leiden":
            node_weights: dict[str, Any] = {}
            if graph.is_directed() and objective == "modularity":
                # Leicht-Newman modularity needs out- and in-strengths. python-igraph 1.0.0's defaults on a
                # directed graph optimise something else: on the tiny sample its results had directed
                # modularity 0.386-0.405 where 0.413 is reachable, and 0.413 is what it finds with these.
                node_weights = {"node_weights": graph.strength(mode="out", weights=weights),
                                "node_in_weights": graph.strength(mode="in", weights=weights)}
            return graph.community_leiden(objective_function="CPM" if objective == "cpm" else "modularity",
                                          weights=weights, resolution=resolution, beta=beta,
                                          n_iterations=n_iterations, **node_weights).membership
        if method == "louvain":
            return graph.community_multilevel(weights=weights, resolution=resolution).membership
        if method == "infomap":
            return graph.community_infomap(edge_weights=weights, trials=trials).membership
        if method == "label_propagation":
            # "retention" keeps a vertex's label while it is among the dominant ones. Measured on the 8
            # ground-truth graphs of tests/test_communities_truth.py, its NMI stays within 0.03 of
            # networkx's asyn_lpa on every one; igraph's default "dominance" lets one label sweep sparse
            # or mixed graphs (LFR N=10,000 mu=0.3 and N=1,000 mu=0.7: NMI 0.00).
            return ig.GraphBase.community_label_propagation(graph, weights, None, None, "retention")
    if graph.ecount() == 0:  # the dendrogram methods need edges; no edges, no communities
        return list(range(graph.vcount()))
    _check_size(graph, method, max_edges)
    if method == "girvan_newman":
        # unweighted betweenness, as in Girvan & Newman (2002): a weight here is a tie's strength, not a length
        dendrogram = graph.community_edge_betweenness(directed=False, weights=None)
        if n_communities is None:
            return _best_cut(graph, dendrogram, weights)
    elif method == "walktrap":
        dendrogram = graph.community_walktrap(weights=weights, steps=steps)
    else:
        dendrogram = graph.community_fastgreedy(weights=weights)
    if n_communities is not None:
        return _cut(dendrogram, n_communities, graph.vcount())
    # igraph cuts these two at the merge of highest modularity, computed in C with the same weights
    return dendrogram.as_clustering().membership


_WHY_SLOW = {
    "girvan_newman": "recomputes every edge betweenness after each removal (O(m^2 n) time) and is meant for small "
                     "teaching graphs",
    "walktrap": "keeps a random-walk distribution for every community it merges (time about the square of the "
                "edges; a real graph of 87,000 edges took 5 minutes and 4.8 GB)",
}


def _check_size(graph: ig.Graph, method: str, max_edges: int | None) -> None:
    """Refuse a graph over the method's size limit (:data:`MAX_EDGES`, or ``max_edges``), naming the limit."""
    if method not in MAX_EDGES:
        return
    limit = MAX_EDGES[method] if max_edges is None else int(max_edges)
    if graph.ecount() > limit:
        raise ParameterError(
            f"{method} {_WHY_SLOW[method]}: this graph has {graph.ecount():,} edges, the limit is {limit:,}. "
            f"Use leiden, louvain or greedy_modularity, or raise the limit if you are prepared to wait: "
            f"--max-edges {graph.ecount()} (command line), max_edges={graph.ecount()} (Python).")


def _cut(dendrogram: ig.VertexDendrogram, n_communities: int, n: int) -> list[int]:
    fewest = n - len(dendrogram.merges)  # components never merged
    if not fewest <= n_communities <= n:
        raise ParameterError(f"n_communities must be between {fewest} and {n} for this graph; got {n_communities}")
    return ig.community_to_membership(dendrogram.merges, n, n - n_communities)


def _best_cut(graph: ig.Graph, dendrogram: ig.VertexDendrogram, weights: str | None) -> list[int]:
    """The level of a dendrogram with the highest (weighted) modularity (ties: fewer communities)."""
    merges = dendrogram.merges
    n = graph.vcount()
    best, best_q = list(range(n)), -np.inf
    for steps in range(len(merges) + 1):
        membership = ig.community_to_membership(merges, n, steps)
        q = graph.modularity(membership, weights=weights)
        if q >= best_q - 1e-12:
            best, best_q = membership, max(q, best_q)
    return best

