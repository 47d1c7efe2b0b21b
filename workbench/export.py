r"""Export a workspace's graphs for Gephi and other tools, with the analysis: GraphML, GEXF, Parquet or CSV.

- **GEXF** (1.2) and **GraphML**: one file; nodes are identified by ``account_id``, labelled by handle,
  and carry what the analysis found (:mod:`workbench.export_tables`): ``community`` (with a partition),
  ``role``, ``confidence`` and the four scores (with a scoring run), ``degree``, ``in_degree``,
  ``out_degree`` and ``interactions``, and any other vertex attribute; edges carry ``weight`` and, for an
  interaction graph of a workspace, their interactions by kind (``reply``, ``mention``, ... and
  ``kinds``) with ``first_at`` and ``last_at``. Gephi colours by *Partition > community* or *role*,
  sizes by *Ranking > influence*, filters edges by kind. A **dynamic GEXF** (``dynamic=True``,
  ``workbench export --dynamic``) adds spells so that Gephi's timeline plays the graph: each account
  from its first interaction to the end of the data, each edge at the times its interactions happened
  (:mod:`workbench.export_xml`).
- **Parquet** and **CSV**: two tables beside each other, ``<stem>_nodes`` and ``<stem>_edges``.
  Parquet keeps the store's names (``account_id``, ``handle``, ``community``; ``source_id``,
  ``target_id``, ``weight``); CSV uses the column names of Gephi's spreadsheet import (``Id``,
  ``Label``, ...; ``Source``, ``Target``, ``Weight``, ``Type``).
- The **scores table** of a saved scoring run (:func:`export_scores`, ``workbench export --scores``):
  one row per account, as CSV or Parquet.
- The **hashtag graphs** (:mod:`workbench.hashtag_graphs`) export the same way
  (``graph="hashtags"`` or ``"accounts-hashtags"``, ``workbench export --graph``).

Names come from other people's data, so the files are written to be read as data:

- **CSV** follows RFC 4180 (CRLF line ends; a value holding a comma, quote, CR or LF is quoted), so
  a handle with a carriage return stays one value. A text value that a spreadsheet would take for a
  formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, or their full-width
  forms) is written with a leading apostrophe, ``'=HYPERLINK(...)``, as the OWASP guidance on CSV
  injection recommends: spreadsheets show it as text and never evaluate it.
- **GEXF** and **GraphML** are XML 1.0, which cannot hold most control characters even escaped.
  Ids (``account_id``, edge ends) are escaped one-to-one, so that two accounts never merge into one
  node: a backslash is doubled and a character XML cannot hold becomes ``\xHH`` (``\uFFFE``);
  :func:`unescape_id` gives the original back. In other text, such a character is shown as
  ``\xHH`` too.

Examples
--------
>>> import tempfile, pathlib
>>> from workbench.datasets import karate
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> [p.name for p in export_graph(karate(), folder / "karate.parquet")]
['karate_nodes.parquet', 'karate_edges.parquet']
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pandas as pd

from workbench import export_tables, graphs
from workbench.communities import runs
from workbench.errors import ParameterError
from workbench.export_xml import escape_id, unescape_id, write_gexf, write_graphml

__all__ = ["FORMATS", "GRAPHS", "check_format", "export_graph", "export", "export_scores", "graph_tables",
           "escape_id", "unescape_id", "spreadsheet_text"]

#: Formats by file suffix.
FORMATS = ("graphml", "gexf", "parquet", "csv")
#: The graphs of a workspace that :func:`export` writes (``workbench export --graph``).
GRAPHS = graphs.GRAPHS
# What starts a formula in a spreadsheet (OWASP, CSV injection), with the full-width forms some read alike.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_text(values: pd.Series) -> pd.Series:
    r"""Text values as a spreadsheet should read them: an apostrophe before any that would start a formula.

    >>> spreadsheet_text(pd.Series(["=HYPERLINK(\"http://x\")", "@SUM(A1)", "alice", None])).tolist()
    ['\'=HYPERLINK("http://x")', "'@SUM(A1)", 'alice', None]
    """
    text = values.astype("string")
    formula = text.str.startswith(_FORMULA_START).fillna(False).astype(bool)
    return ("'" + text).where(formula, text).astype(object).where(text.notna(), None)


def check_format(path: str | Path, format: str | None = None) -> str:
    """The export format: ``format`` if given, else the file suffix; raises :class:`ParameterError` otherwise.

    >>> check_format("out/graph.gexf")
    'gexf'
    """
    chosen = format or Path(path).suffix.lstrip(".").lower()
    if chosen not in FORMATS:
        raise ParameterError(f"cannot export to {str(path)!r}: the format must be one of "
                             f"{', '.join(FORMATS)} (given by the file suffix, e.g. graph.gexf)")
    return chosen


def graph_tables(graph: Any, partition: Any = None, *, scores: pd.DataFrame | None = None,
                 store: Any = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The node and edge tables of ``graph`` as exported (store names).

    Nodes: :func:`workbench.export_tables.node_table` (``account_id``, ``handle``, ``community`` with a
    partition, the scores with ``scores``, the degrees, other vertex attributes). Edges: ``source_id``,
    ``target_id``, ``weight`` (1.0 when unweighted), and with the ``store`` an interaction graph was built
    from, :func:`workbench.export_tables.edge_table`'s interactions by kind and times.

    >>> from workbench.datasets import karate
    >>> nodes, edges = graph_tables(karate())
    >>> nodes.columns.tolist(), edges.columns.tolist()
    (['account_id', 'handle', 'degree', 'interactions', 'club'], ['source_id', 'target_id', 'weight'])
    """
    graph = graphs.to_igraph(graph)
    nodes = export_tables.node_table(graph, partition, scores)
    if store is not None and _is_interaction_graph(graph):
        edges = export_tables.edge_table(store, graph)
    else:
        edges = graphs.edge_table(graph)[["source_id", "target_id", "weight"]]
    return nodes, edges


def _is_interaction_graph(graph: Any) -> bool:
    return "kinds" in graphs.graph_spec(graph)


def _write_csv(path: Path, table: pd.DataFrame) -> None:
    """RFC 4180 CSV (CRLF ends, so a CR or LF inside a value gets it quoted) with no formula cell."""
    table = table.copy()
    for column in table.columns:
        if not (pd.api.types.is_numeric_dtype(table[column]) or pd.api.types.is_bool_dtype(table[column])):
            table[column] = spreadsheet_text(table[column])
    table.to_csv(path, index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL, encoding="utf-8")


def export_graph(graph: Any, path: str | Path, *, partition: Any = None, scores: pd.DataFrame | None = None,
                 store: Any = None, dynamic: bool = False, format: str | None = None) -> list[Path]:
    """Write ``graph`` with what the analysis found about it to ``path``.

    Parameters
    ----------
    graph : igraph.Graph or networkx graph
        From :func:`workbench.graphs` (vertices with ``account_id``, ``handle``), or a hashtag graph.
    path : str or Path
        ``*.graphml``, ``*.gexf``, ``*.parquet`` or ``*.csv``; for the last two, the tables go to
        ``<stem>_nodes.<suffix>`` and ``<stem>_edges.<suffix>`` in the same folder.
    partition : Partition, pandas.Series or None
        Communities to attach as the node attribute ``community`` (matched by ``account_id``;
        accounts it lacks get none).
    scores : DataFrame, optional
        Role scores (:func:`workbench.roles.score` or a saved run): ``role``, ``confidence``,
        ``influence``, ``reach``, ``visibility``, ``activity`` become node attributes.
    store : Store, optional
        The workspace an interaction graph was built from: its edges then carry their interactions by
        kind, ``first_at`` and ``last_at``.
    dynamic : bool
        GEXF only, with ``store``: spells for Gephi's timeline (nodes from their first interaction,
        edges at the times of theirs).
    format : str, optional
        Overrides the suffix.

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import networkx as nx
    >>> from workbench.datasets import karate
    >>> from workbench.communities import detect
    >>> g = karate()
    >>> [written] = export_graph(g, pathlib.Path(tempfile.mkdtemp()) / "karate.gexf", partition=detect(g))
    >>> back = nx.read_gexf(written)
    >>> back.nodes["karate:0"]["community"], back.nodes["karate:0"]["degree"], back["karate:0"]["karate:1"]["weight"]
    (1, 16, 4.0)
    """
    chosen = check_format(path, format)
    graph = graphs.to_igraph(graph)
    if dynamic and (chosen != "gexf" or store is None or not _is_interaction_graph(graph)):
        raise ParameterError("a dynamic export (spells for Gephi's timeline) is a GEXF file of an interaction graph "
                             f"built from a workspace; got {Path(path).name!r}"
                             + ("" if _is_interaction_graph(graph) else " of a graph without interaction times"))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nodes, edges = graph_tables(graph, partition, scores=scores, store=store)
    weighted = "weight" in graph.es.attributes()
    spec = graphs.graph_spec(graph)
    if chosen == "gexf":
        description = "interaction graph" if _is_interaction_graph(graph) else str(spec.get("graph", "graph"))
        description += f"; graph_spec {json.dumps(spec, default=str)}" if spec else ""
        timeline = {}
        if dynamic:
            node_spells, edge_spells, bounds = export_tables.spells(store, graph)
            timeline = {"node_spells": node_spells, "edge_spells": edge_spells, "bounds": bounds}
        write_gexf(path, nodes, edges, directed=graph.is_directed(), weighted=weighted, description=description,
                   **timeline)
        return [path]
    if chosen == "graphml":
        write_graphml(path, nodes, edges, directed=graph.is_directed(), weighted=weighted,
                      description=json.dumps(spec, default=str))
        return [path]
    node_path = path.with_name(f"{path.stem}_nodes.{chosen}")
    edge_path = path.with_name(f"{path.stem}_edges.{chosen}")
    if chosen == "parquet":
        nodes.to_parquet(node_path, index=False)
        edges.to_parquet(edge_path, index=False)
    else:
        gephi_nodes = nodes.rename(columns={"account_id": "Id"})
        gephi_nodes.insert(1, "Label", nodes["handle"].where(nodes["handle"].notna(), nodes["account_id"]))
        gephi_edges = edges.rename(columns={"source_id": "Source", "target_id": "Target", "weight": "Weight"})
        gephi_edges.insert(3, "Type", "Directed" if graph.is_directed() else "Undirected")
        _write_csv(node_path, gephi_nodes)
        _write_csv(edge_path, gephi_edges)
    return [node_path, edge_path]


def _saved_scores(store: Any, scores_run: int | None) -> pd.DataFrame | None:
    from workbench import roles

    if scores_run is None and roles.runs(store).empty:
        return None
    return roles.load_scores(store, scores_run)


def _partition(store: Any, run_id: int | None, graph: str) -> Any:
    """The community run whose communities the nodes of ``graph`` carry: ``run_id``, else the newest that has
    such nodes (accounts for the interaction graph, hashtags for the co-hashtag graph, either for the
    two-mode graph); None when there is none."""
    if run_id is not None:
        if graph == "interactions":
            store.check_account_run(run_id)  # a co-hashtag run has no account to colour: say so
        return runs.load(store, run_id)
    latest = {nodes: store.latest_community_run(nodes=nodes) for nodes in runs.NODES}
    chosen = {"interactions": latest["accounts"], "hashtags": latest["hashtags"]}.get(
        graph, max((run for run in latest.values() if run is not None), default=None))
    return None if chosen is None else runs.load(store, chosen)


def export(store, path: str | Path, *, run_id: int | None = None, communities: bool = True,
           scores: bool = True, scores_run: int | None = None, dynamic: bool = False, graph: str = "interactions",
           format: str | None = None, **graph_options: Any) -> list[Path]:
    """Build a graph of a workspace and write it with its analysis to ``path`` (what ``workbench export`` does).

    Parameters
    ----------
    store : workbench.store.Store
    path : str or Path
        As in :func:`export_graph`.
    run_id : int, optional
        The community run whose communities become the node attribute ``community``; by default the
        newest run that has the graph's nodes, if any: with accounts for the interaction graph (never a
        co-hashtag run), with hashtags for ``hashtags``, either for ``accounts-hashtags``
        (``communities=False``: none).
    scores, scores_run : bool, int
        Attach the role scores of scoring run ``scores_run`` (default the newest, if any) to the nodes.
    dynamic : bool
        A dynamic GEXF (spells for Gephi's timeline).
    graph : str
        One of :data:`GRAPHS`: the interaction graph, hashtag co-occurrence, or accounts x hashtags
        (the last two from ``since`` and ``until`` only; accounts there carry their community and scores).
    **graph_options
        Options of :func:`workbench.graphs` (``kinds``, ``since``, ``until``, ``directed``, ...).
        An option left out, or given as None, comes from the run's graph spec, then from the
        defaults of :func:`workbench.graphs`, so the exported graph is the one the run was found on.

    Returns
    -------
    list of Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import workbench as wb
    >>> from workbench.datasets import tiny_interactions
    >>> store = wb.open(":memory:")
    >>> graphs.insert_interactions(store, tiny_interactions())
    >>> [p.name for p in export(store, pathlib.Path(tempfile.mkdtemp()) / "tiny.csv")]
    ['tiny_nodes.csv', 'tiny_edges.csv']
    """
    check_format(path, format)
    if graph not in GRAPHS:
        raise ParameterError(f"unknown graph {graph!r}; the graphs are {', '.join(GRAPHS)}")
    partition = None
    if communities:
        partition = _partition(store, run_id, graph)
    table = _saved_scores(store, scores_run) if scores else None
    options = {key: value for key, value in graph_options.items() if value is not None}
    if graph != "interactions":
        window = {k: options.get(k) for k in ("since", "until")}
        if partition is not None and partition.graph_spec.get("graph") == graph:  # the graph the run was found on
            window = {k: options.get(k, partition.graph_spec.get(k)) for k in ("since", "until")}
        built = graphs.build(store, graph, **window)
        if graph == "hashtags":  # hashtags have no scores
            table = None
        return export_graph(built, path, partition=partition, scores=table, format=format)
    if partition is not None and partition.graph_spec.get("graph", "interactions") == "interactions":
        allowed = ("kinds", "since", "until", "directed", "weight", "min_weight", "self_loops")
        options = {**{k: v for k, v in partition.graph_spec.items() if k in allowed}, **options}
    built = graphs.graph(store, **options)
    return export_graph(built, path, partition=partition, scores=table, store=store, dynamic=dynamic, format=format)


def export_scores(store: Any, path: str | Path, *, run_id: int | None = None, format: str | None = None) -> Path:
    """Write the scores table of a saved scoring run (default the newest) to ``path`` (``.csv`` or ``.parquet``).

    One row per account: ``account_id``, ``handle``, the four scores, ``role``, ``confidence`` and the raw
    inputs (:mod:`workbench.roles`). Raises :class:`ParameterError` without a saved scoring run.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from workbench.roles import score
    >>> from workbench.roles._examples import tiny_store
    >>> store = tiny_store()
    >>> _ = score(store)
    >>> written = export_scores(store, pathlib.Path(tempfile.mkdtemp()) / "scores.parquet")
    >>> pd.read_parquet(written)[["handle", "role"]].iloc[0].tolist()
    ['pip_pots', 'regular']
    """
    chosen = check_format(path, format)
    if chosen not in ("csv", "parquet"):
        raise ParameterError(f"the scores table is written as CSV or Parquet; got {Path(path).name!r}")
    from workbench import roles

    table = roles.load_scores(store, run_id)
    first = ["run_id", "community_run_id", "account_id", "handle"]
    table = table[[*first, *[c for c in table.columns if c not in first]]]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if chosen == "parquet":
        table.to_parquet(path, index=False)
    else:
        _write_csv(path, table)
    return path
