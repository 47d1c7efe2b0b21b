"""Graphs as tables and between libraries: igraph from integer arrays, node and edge tables, networkx.

:mod:`workbench.graphs` builds graphs from the workspace; this module converts them. Every graph
the workbench builds is an igraph graph whose vertices carry ``account_id`` (and ``name``, the
same) and ``handle``; :func:`to_networkx` and :func:`to_igraph` keep those ids both ways, and
:func:`node_table` and :func:`edge_table` give the same graph as DataFrames.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from workbench.errors import ParameterError

__all__ = ["from_arrays", "graph_spec", "account_ids", "node_table", "edge_table", "to_networkx", "to_igraph"]


#: Edges handed to igraph per block by :func:`from_arrays`.
_EDGE_BLOCK = 1 << 18


def _edge_pairs(source: np.ndarray, target: np.ndarray) -> Iterator[tuple[int, int]]:
    """(source, target) pairs of Python ints, converted one block of :data:`_EDGE_BLOCK` edges at a time."""
    return itertools.chain.from_iterable(
        zip(source[start:start + _EDGE_BLOCK].tolist(), target[start:start + _EDGE_BLOCK].tolist())
        for start in range(0, len(source), _EDGE_BLOCK))


def from_arrays(n: int, source: np.ndarray, target: np.ndarray, *, directed: bool = True) -> ig.Graph:
    """An igraph graph on vertices ``0..n-1`` with edges ``source[i] -> target[i]`` (integer arrays).

    igraph reads an edge list pair by pair. Pairs of Python ints are the fastest input it takes
    (numpy rows cost it about 1.7 times as much), and converting them one block at a time keeps
    the conversion's memory small: a list of all pairs at once costs about 120 bytes an edge
    (1.2 GB for 10 million edges), on top of the graph's own 32.

    >>> from_arrays(3, np.array([0, 1]), np.array([1, 2])).get_edgelist()
    [(0, 1), (1, 2)]
    """
    return ig.Graph(n=int(n), edges=_edge_pairs(np.asarray(source), np.asarray(target)), directed=directed)


def graph_spec(graph: Any) -> dict[str, Any]:
    """The options a graph was built with (empty for graphs not built by :func:`graph`).

    >>> from workbench.datasets import karate
    >>> graph_spec(karate())
    {}
    """
    if isinstance(graph, ig.Graph):
        return dict(graph["graph_spec"]) if "graph_spec" in graph.attributes() else {}
    return dict(getattr(graph, "graph", {}).get("graph_spec", {}))


def account_ids(graph: ig.Graph) -> np.ndarray:
    """The account id of each vertex (object array): ``account_id``, else ``name``, else the index as text.

    >>> from workbench.datasets import karate
    >>> account_ids(karate())[:2].tolist()
    ['karate:0', 'karate:1']
    """
    attributes = graph.vs.attributes()
    for attribute in ("account_id", "name"):
        if attribute in attributes:
            return np.asarray(graph.vs[attribute], dtype=object)
    return np.asarray([str(i) for i in range(graph.vcount())], dtype=object)


def node_table(graph: ig.Graph) -> pd.DataFrame:
    """One row per vertex: ``vertex``, ``account_id``, ``handle`` (and any other vertex attribute).

    >>> from workbench.datasets import karate
    >>> node_table(karate()).iloc[0].to_dict()
    {'vertex': 0, 'account_id': 'karate:0', 'handle': '0', 'club': 'Mr. Hi'}
    """
    graph = to_igraph(graph)
    frame = pd.DataFrame({"vertex": np.arange(graph.vcount(), dtype=np.int64), "account_id": account_ids(graph)})
    for attribute in graph.vs.attributes():
        if attribute not in ("account_id", "name"):
            frame[attribute] = graph.vs[attribute]
    if "handle" not in frame.columns:
        frame.insert(2, "handle", None)
    return frame


def edge_table(graph: ig.Graph) -> pd.DataFrame:
    """One row per edge: ``source``, ``target`` (vertex ids), ``source_id``, ``target_id``, ``weight``.

    ``weight`` is 1.0 for an unweighted graph.

    >>> from workbench.datasets import karate
    >>> edge_table(karate()).iloc[0].to_dict()
    {'source': 0, 'target': 1, 'source_id': 'karate:0', 'target_id': 'karate:1', 'weight': 4.0}
    """
    graph = to_igraph(graph)
    pairs = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    ids = account_ids(graph)
    weights = (np.asarray(graph.es["weight"], dtype=np.float64) if "weight" in graph.es.attributes()
               else np.ones(graph.ecount()))
    return pd.DataFrame({"source": pairs[:, 0], "target": pairs[:, 1], "source_id": ids[pairs[:, 0]],
                         "target_id": ids[pairs[:, 1]], "weight": weights})


def to_networkx(graph: ig.Graph) -> Any:
    """The same graph in networkx: nodes keyed by ``account_id``, with ``vertex`` (the igraph id) and ``handle``.

    >>> from workbench.datasets import karate
    >>> nx_graph = to_networkx(karate())
    >>> nx_graph.nodes["karate:0"]["vertex"], nx_graph["karate:0"]["karate:1"]["weight"]
    (0, 4.0)
    """
    import networkx as nx

    result = nx.DiGraph() if graph.is_directed() else nx.Graph()
    result.graph.update({key: graph[key] for key in graph.attributes()})
    nodes = node_table(graph)
    attributes = [c for c in nodes.columns if c != "account_id"]
    result.add_nodes_from(
        (account_id, {"account_id": account_id, **dict(zip(attributes, values))})
        for account_id, *values in nodes[["account_id", *attributes]].itertuples(index=False, name=None))
    edges = edge_table(graph)
    if "weight" in graph.es.attributes():
        result.add_weighted_edges_from(zip(edges["source_id"], edges["target_id"], edges["weight"]))
    else:
        result.add_edges_from(zip(edges["source_id"], edges["target_id"]))
    return result


def to_igraph(graph: Any) -> ig.Graph:
    """``graph`` as igraph: returned as is if it already is one; a networkx graph made by :func:`to_networkx`
    (or any networkx graph) comes back with vertices in ``vertex`` order when that attribute is present.

    >>> from workbench.datasets import karate
    >>> to_igraph(to_networkx(karate())).vs[5]["account_id"]
    'karate:5'
    """
    if isinstance(graph, ig.Graph):
        return graph
    try:
        import networkx as nx
    except ImportError:  # pragma: no cover - networkx is a dependency
        nx = None
    if nx is None or not isinstance(graph, nx.Graph):
        raise ParameterError(f"expected an igraph.Graph or a networkx graph; got {type(graph).__name__}")
    keys = list(graph.nodes)
    vertex = [graph.nodes[k].get("vertex") for k in keys]
    if all(v is not None for v in vertex) and sorted(vertex) == list(range(len(keys))):
        keys = [k for _, k in sorted(zip(vertex, keys))]
    index = {k: i for i, k in enumerate(keys)}
    edges = list(graph.edges(data=True))
    result = ig.Graph(n=len(keys), directed=graph.is_directed())
    result.add_edges([(index[a], index[b]) for a, b, _ in edges])
    if edges and all("weight" in data for _, _, data in edges):
        result.es["weight"] = [float(data["weight"]) for _, _, data in edges]
    result.vs["account_id"] = [str(graph.nodes[k].get("account_id", k)) for k in keys]
    result.vs["name"] = result.vs["account_id"]
    result.vs["handle"] = [graph.nodes[k].get("handle") for k in keys]
    for key, value in graph.graph.items():
        result[key] = value
    return result
