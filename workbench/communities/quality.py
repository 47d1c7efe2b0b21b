"""How good a partition is: modularity, coverage and performance, and a table per community.

Definitions follow Fortunato (2010), "Community detection in graphs", Physics Reports 486,
section 3.3.2 and 15: *coverage* is the fraction of edge weight inside communities;
*performance* the fraction of vertex pairs classified correctly (joined pairs inside a
community plus unjoined pairs across communities; unweighted); a community's *internal
density* is its internal edges over its possible pairs; its *conductance* (Kannan, Vempala &
Vetta 2004) is the weight of the edges leaving it over the smaller of its volume and the rest
of the graph's volume. Coverage, performance and the per-community figures look at the graph
without directions (each pair's weights summed); modularity uses the graph as given.

Examples
--------
>>> from workbench.datasets import karate
>>> from workbench.communities import detect
>>> g = karate()
>>> q = quality(g, detect(g, method="greedy_modularity"))
>>> q.communities[["community", "size"]].to_dict("list")
{'community': [0, 1, 2], 'size': [18, 11, 5]}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from workbench import graphs
from workbench.communities.detect import modularity, resolve_weights, symmetrise
from workbench.communities.partition import Partition
from workbench.errors import ParameterError

__all__ = ["Quality", "quality", "align"]


@dataclass(frozen=True)
class Quality:
    """The quality of one partition on one graph.

    Attributes
    ----------
    modularity, coverage, performance : float
        Of the whole partition.
    communities : pandas.DataFrame
        One row per community: ``community``, ``size``, ``internal_edges``, ``internal_weight``,
        ``internal_density``, ``cut_weight``, ``volume``, ``conductance`` and ``top_accounts``
        (the accounts with the highest internal weighted degree, highest first).
    """

    modularity: float
    coverage: float
    performance: float
    communities: pd.DataFrame

    def summary(self) -> dict[str, float]:
        """The three whole-partition figures as a dict."""
        return {"modularity": self.modularity, "coverage": self.coverage, "performance": self.performance}


def align(graph: ig.Graph, partition: Partition) -> np.ndarray:
    """The community of each vertex of ``graph`` (by ``account_id``), as an int array.

    Raises :class:`ParameterError` when some vertex is not in the partition.
    """
    ids = graphs.account_ids(graph)
    if len(ids) == len(partition) and np.array_equal(ids, partition.account_ids):
        return partition.membership
    position = pd.Index(partition.account_ids).get_indexer(ids)
    missing = int((position < 0).sum())
    if missing:
        example = ids[np.flatnonzero(position < 0)[0]]
        raise ParameterError(f"{missing:,} of the graph's {len(ids):,} accounts are not in the partition "
                             f"(e.g. {example!r}); detect communities on this graph, or pass the graph they came from")
    return partition.membership[position]


def quality(graph: Any, partition: Partition, *, weights: str | None = "weight", top: int = 5) -> Quality:
    """Modularity, coverage, performance and per-community figures of ``partition`` on ``graph``.

    Parameters
    ----------
    graph : igraph.Graph or networkx graph
        The graph; every vertex must be in ``partition`` (matched by ``account_id``).
    partition : Partition
    weights : str or None
        Edge weights (used when the attribute exists); None: every edge counts 1.
    top : int
        How many top accounts to list per community.

    Returns
    -------
    Quality

    Examples
    --------
    >>> from workbench.datasets import karate
    >>> from workbench.communities import Partition
    >>> g = karate()
    >>> clubs = Partition.from_membership(g.vs["account_id"], g.vs["club"])
    >>> round(quality(g, clubs, weights=None).coverage, 4)  # 67 of the 78 ties lie inside a club
    0.859
    """
    graph = graphs.to_igraph(graph)
    membership = align(graph, partition)
    weights = resolve_weights(graph, weights)
    undirected = symmetrise(graph, weights=weights) if graph.is_directed() else graph
    undirected_weights = "weight" if graph.is_directed() else weights
    n = undirected.vcount()
    pairs = np.asarray(undirected.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    src, dst = pairs[:, 0], pairs[:, 1]
    w = (np.asarray(undirected.es[undirected_weights], dtype=np.float64) if undirected_weights
         else np.ones(len(src)))
    k = int(membership.max()) + 1 if n else 0
    c_src, c_dst = membership[src], membership[dst]
    internal = c_src == c_dst
    loops = src == dst

    sizes = np.bincount(membership, minlength=k).astype(np.int64)
    internal_edges = np.bincount(c_src[internal & ~loops], minlength=k).astype(np.int64)
    internal_weight = np.bincount(c_src[internal], weights=w[internal], minlength=k)
    # a vertex's strength counts a self-loop twice, as igraph's degree does
    strength = np.bincount(src, weights=w, minlength=n) + np.bincount(dst, weights=w, minlength=n)
    volume = np.bincount(membership, weights=strength, minlength=k)
    cut = (np.bincount(c_src[~internal], weights=w[~internal], minlength=k)
           + np.bincount(c_dst[~internal], weights=w[~internal], minlength=k))
    total_volume = strength.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        possible = sizes * (sizes - 1) / 2.0
        density = np.where(possible > 0, internal_edges / np.where(possible > 0, possible, 1), np.nan)
        smaller = np.minimum(volume, total_volume - volume)
        conductance = np.where(smaller > 0, cut / np.where(smaller > 0, smaller, 1), np.nan)

    total_weight = w.sum()
    coverage = float(internal_weight.sum() / total_weight) if total_weight > 0 else float("nan")
    # performance counts vertex pairs, so a pair joined by several edges (or a loop) counts once
    simple_pairs = _unique_pairs(src[~loops], dst[~loops], n)
    joined_inside = int((membership[simple_pairs // n] == membership[simple_pairs % n]).sum())
    joined_across = len(simple_pairs) - joined_inside
    all_pairs = n * (n - 1) / 2.0
    inside_pairs = float(possible.sum())
    performance = ((joined_inside + (all_pairs - inside_pairs - joined_across)) / all_pairs
                   if all_pairs > 0 else float("nan"))

    internal_degree = (np.bincount(src[internal], weights=w[internal], minlength=n)
                       + np.bincount(dst[internal], weights=w[internal], minlength=n))
    table = pd.DataFrame({
        "community": np.arange(k, dtype=np.int64), "size": sizes, "internal_edges": internal_edges,
        "internal_weight": internal_weight, "internal_density": density, "cut_weight": cut, "volume": volume,
        "conductance": conductance,
        "top_accounts": _top_accounts(graphs.account_ids(graph), membership, internal_degree, k, top),
    })
    return Quality(modularity=modularity(graph, membership, weights=weights), coverage=coverage,
                   performance=float(performance), communities=table)


def _unique_pairs(src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray:
    low, high = np.minimum(src, dst), np.maximum(src, dst)
    return np.unique(low * n + high)


def _top_accounts(ids: np.ndarray, membership: np.ndarray, internal_degree: np.ndarray, k: int,
                  top: int) -> list[list[Any]]:
    order = np.lexsort((np.arange(len(membership)), -internal_degree, membership))
    grouped = membership[order]
    starts = np.searchsorted(grouped, np.arange(k))
    rank = np.arange(len(order)) - starts[grouped]
    keep = order[rank < top]
    result: list[list[Any]] = [[] for _ in range(k)]
    for community, account in zip(membership[keep].tolist(), ids[keep].tolist()):
        result[community].append(account)
    return result
