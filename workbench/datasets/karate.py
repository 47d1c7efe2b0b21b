"""Zachary's karate club (Zachary 1977), for the workshop: a first network to detect communities in.

Built from the copy that networkx bundles (``networkx.karate_club_graph``): 34 members,
78 friendships weighted by the number of contexts in which the two members met, and the
faction each member joined after the club split (``club``: ``Mr. Hi`` or ``Officer``).

Zachary, W. W. (1977). An information flow model for conflict and fission in small groups.
Journal of Anthropological Research 33(4), 452-473.
"""

from __future__ import annotations

from typing import Any

__all__ = ["karate"]


def karate(*, backend: str = "igraph") -> Any:
    """The karate club as an undirected, weighted graph.

    Vertices carry ``account_id`` (``karate:<n>``, n = 0..33), ``handle`` (``"<n>"``) and ``club``,
    like the graphs :func:`workbench.graphs` builds; edges carry ``weight``.

    Parameters
    ----------
    backend : {"igraph", "networkx"}
        Which graph library to return.

    Returns
    -------
    igraph.Graph or networkx.Graph

    Examples
    --------
    >>> from workbench.datasets import karate
    >>> g = karate()
    >>> g.vcount(), g.ecount(), sorted(set(g.vs["club"]))
    (34, 78, ['Mr. Hi', 'Officer'])
    """
    import networkx as nx

    from workbench.errors import ParameterError

    if backend not in ("igraph", "networkx"):
        raise ParameterError(f"backend must be 'igraph' or 'networkx', got {backend!r}")
    source = nx.karate_club_graph()
    if backend == "networkx":
        graph = nx.Graph()
        for node, data in source.nodes(data=True):
            graph.add_node(f"karate:{node}", account_id=f"karate:{node}", handle=str(node), club=data["club"])
        for a, b, data in source.edges(data=True):
            graph.add_edge(f"karate:{a}", f"karate:{b}", weight=float(data.get("weight", 1)))
        return graph
    import igraph as ig

    nodes = sorted(source.nodes())
    edges = [(a, b) for a, b in source.edges()]
    graph = ig.Graph(n=len(nodes), edges=edges, directed=False)
    graph.vs["name"] = [f"karate:{n}" for n in nodes]
    graph.vs["account_id"] = [f"karate:{n}" for n in nodes]
    graph.vs["handle"] = [str(n) for n in nodes]
    graph.vs["club"] = [source.nodes[n]["club"] for n in nodes]
    graph.es["weight"] = [float(source.edges[a, b].get("weight", 1)) for a, b in edges]
    return graph
