"""What an exported graph carries besides its edges: the analysis per node, the kinds and times per edge.

A Gephi user colours by community or role, sizes by influence, filters edges by kind and plays the
timeline. :func:`node_table` gives each node its community, its role with the label's confidence,
its four scores (percentile ranks, :mod:`workbench.roles`) and its degrees; :func:`edge_table` gives
each edge its weight, its interactions by kind and the first and last time; :func:`spells` gives the
dynamic GEXF's time intervals: a node from the first interaction it takes part in to the end of the
data (the community grows as the timeline plays), an edge at every second at which the pair
interacted. Counts and times are aggregated in DuckDB (``queries/graph/details.sql``).

Examples
--------
>>> import workbench as wb
>>> from workbench import graphs
>>> from workbench.datasets import tiny_interactions
>>> store = wb.open(":memory:")
>>> graphs.insert_interactions(store, tiny_interactions())
>>> g = wb.graph(store)
>>> edge_table(store, g).columns.tolist()[:5]
['source_id', 'target_id', 'weight', 'reply', 'mention']
>>> node_table(g)[["degree", "in_degree", "out_degree"]].sum().tolist()
[60, 30, 30]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench import graphs
from workbench.checks import INTERACTION_KINDS
from workbench.errors import ParameterError

__all__ = ["node_table", "edge_table", "spells", "SCORE_COLUMNS"]

#: Columns of a scoring run that an exported node carries (when the scores are given).
SCORE_COLUMNS = ("role", "confidence", "influence", "reach", "visibility", "activity")


def node_table(graph: Any, partition: Any = None, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per vertex: ``account_id``, ``handle``, ``community``, the scores, the degrees, other vertex attributes.

    ``community`` (nullable) with a partition; ``role``, ``confidence``, ``influence``, ``reach``,
    ``visibility``, ``activity`` with ``scores`` (accounts it lacks get none); ``degree`` (edges at the
    node), ``in_degree`` and ``out_degree`` (directed graphs) and ``interactions`` (the weight of
    those edges).
    """
    graph = graphs.to_igraph(graph)
    nodes = graphs.node_table(graph).drop(columns=["vertex"])
    position = 2
    if partition is not None:
        labels = partition.as_series() if hasattr(partition, "as_series") else pd.Series(partition)
        nodes.insert(position, "community", pd.array(labels.reindex(nodes["account_id"]).to_numpy(), dtype="Int64"))
        position += 1
    if scores is not None and len(scores):
        present = [c for c in SCORE_COLUMNS if c in scores.columns]
        by_id = scores.drop_duplicates("account_id").set_index("account_id")[present].reindex(nodes["account_id"])
        for column in present:
            values = by_id[column].to_numpy()
            nodes.insert(position, column, values if column == "role" else pd.array(values, dtype="Float64"))
            position += 1
    weights = graph.es["weight"] if "weight" in graph.es.attributes() else None
    structure = {"degree": graph.degree()}
    if graph.is_directed():
        structure.update(in_degree=graph.indegree(), out_degree=graph.outdegree())
    structure["interactions"] = graph.strength(weights=weights)
    for column, values in structure.items():
        if column not in nodes.columns:
            nodes.insert(position, column, np.asarray(values, dtype=np.float64 if column == "interactions" else np.int64))
            position += 1
    return nodes


def _options(graph: Any) -> dict[str, Any]:
    spec = graphs.graph_spec(graph)
    if "kinds" not in spec:
        raise ParameterError("edge kinds, times and spells come from the interactions: this graph was not built by "
                             "wb.graph() from a workspace (a hashtag graph, or a graph from elsewhere)")
    return {"kinds": list(spec["kinds"]), "since": spec.get("since"), "until": spec.get("until"),
            "directed": bool(spec.get("directed", True)), "self_loops": bool(spec.get("self_loops", False))}


def edge_table(store: Any, graph: Any) -> pd.DataFrame:
    """One row per edge of ``graph`` (built by :func:`workbench.graphs.graph` from ``store``).

    ``source_id``, ``target_id``, ``weight``, then one column per interaction kind present (how many
    of the edge's interactions were of that kind, in :data:`~workbench.checks.INTERACTION_KINDS`
    order), ``kinds`` (those kinds, comma-separated), ``first_at`` and ``last_at`` (UTC).
    """
    graph = graphs.to_igraph(graph)
    edges = graphs.edge_table(graph)[["source_id", "target_id", "weight"]]
    counted = store.query("graph.edge_kinds", **_options(graph))
    if not len(counted):
        return edges.assign(kinds="", first_at=pd.NaT, last_at=pd.NaT)
    wide = counted.pivot_table(index=["source_id", "target_id"], columns="kind", values="interactions",
                               aggfunc="sum", fill_value=0)
    order = [k for k in INTERACTION_KINDS if k in wide.columns] + sorted(set(wide.columns) - set(INTERACTION_KINDS))
    wide = wide[order].astype("int64")
    names = np.asarray(order, dtype=object)
    present = wide.to_numpy() > 0
    wide["kinds"] = [",".join(names[row]) for row in present]  # a few kinds per edge; per edge, not per interaction
    times = counted.groupby(["source_id", "target_id"]).agg(first_at=("first_at", "min"), last_at=("last_at", "max"))
    table = edges.join(wide.join(times), on=["source_id", "target_id"])
    for kind in order:
        table[kind] = table[kind].fillna(0).astype("int64")
    return table


def spells(store: Any, graph: Any) -> tuple[pd.Series, pd.Series, dict[str, str]]:
    """The dynamic GEXF's ``<spells>`` of each node and each edge of ``graph``, as XML fragments.

    Returns ``(node spells, edge spells, bounds)``: Series aligned with the graph's vertices and edges
    (empty string: no time known, present throughout), and the data's ``start`` and ``end``.
    """
    graph = graphs.to_igraph(graph)
    options = _options(graph)
    first = store.query("graph.node_first_seen", **options)
    ids = pd.Series(graphs.account_ids(graph))
    seen = first.set_index("account_id")["first_seen"]
    start = ids.map(seen)
    end = first["data_end"].iloc[0] if len(first) else None
    node_xml = ('<spells><spell start="' + start + f'" end="{end}"/></spells>').fillna("")
    edges = graphs.edge_table(graph)[["source_id", "target_id"]]
    timed = store.query("graph.edge_spells", **options).set_index(["source_id", "target_id"])["xml"]
    edge_xml = edges.join(timed, on=["source_id", "target_id"])["xml"]
    edge_xml = ("<spells>" + edge_xml + "</spells>").fillna("").reset_index(drop=True)
    bounds = {"start": str(first["first_seen"].min()) if len(first) else "", "end": str(end or "")}
    return node_xml.reset_index(drop=True), edge_xml, bounds
