"""What the graph-file loaders (GML, GraphML, Pajek) share: from a parsed network to staging.

A graph file is a network, not a record of events: its nodes become accounts, its edges
interactions of the load's kind (``kind=`` / ``--kind``, ``mention`` by default, as for edge
lists), and its node attributes account attributes (``account_attributes``), e.g. polbooks'
``value`` (l / n / c), football's conference, a club in Zachary's karate club.

- A node's account is ``<platform>:<label>`` (``csv:`` unless ``platform=``) when every node has a
  label and no two share one, else ``<platform>:<id>`` with the file's node id; the handle is the
  same value, and the other of the two is kept as the attribute ``id`` or ``label``.
- Every edge is one interaction, in file order: a directed edge (an arc) from its source to its
  target, an undirected edge from whichever of its nodes the file lists first to the other (igraph
  keeps undirected edges in that order). An edge listed twice (a multigraph such as polblogs, or an
  undirected pair given both ways) is two, and the load summary says how many repeat. When every weighted edge has a
  positive whole weight ``w`` (``weight`` or ``value``), it stands for ``w`` interactions as in edge
  lists; otherwise weights are left out and the summary says so.
- No times and no posts: such a graph supports communities and the structural scores, not
  engagement over time.

The format modules parse (:mod:`~workbench.ingest.gml` and :mod:`~workbench.ingest.graphml` with
igraph's readers, :mod:`~workbench.ingest.pajek` in SQL) into three temporary tables, and
:func:`stage_parsed` stages them with ``queries/ingest/graph_files.sql``.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.errors import ExportFormatError
from workbench.ingest.edges_csv import WEIGHT_CAP

__all__ = ["read_with_igraph", "stage_igraph", "stage_parsed", "WEIGHT_NAMES"]

#: Edge attributes read as a weight, in order of preference.
WEIGHT_NAMES = ("weight", "value")

_LINE = re.compile(r"\bline (\d+)", re.IGNORECASE)
_IGRAPH_NOISE = re.compile(r"^Error at \S+: |\s*-- [A-Za-z ]+$|\s*Location: \S+$")


def _message(error: Exception) -> tuple[str, int | None]:
    """igraph's error text without its source location, and the line it names."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    text = _IGRAPH_NOISE.sub("", text).strip()
    line = _LINE.search(text)
    return text, int(line.group(1)) if line else None


def read_with_igraph(ctx: Any, reader: Callable[[str], Any], what: str) -> Any:
    """Parse the staged document (``raw_lines``) with an igraph reader; a clear error names the line.

    igraph's readers take a file name, so the decoded text is written to a temporary file first
    (the source itself may be compressed). Warnings of the reader (an unescaped ``&`` in GML) go to
    the load summary.
    """
    rows = ctx.sql("SELECT line FROM raw_lines ORDER BY line_no LIMIT 1").fetchall()  # drained: register() follows
    text = rows[0][0] if rows else None
    if text is None:
        raise ExportFormatError(f"the {what} file is empty", path=ctx.path)
    handle, name = tempfile.mkstemp(suffix=".graph")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                graph = reader(name)
            except Exception as error:  # noqa: BLE001 - igraph raises InternalError for any parse failure
                message, line = _message(error)
                raise ExportFormatError(f"cannot read it as {what}: {message}", path=ctx.path, line_no=line) from None
    finally:
        os.unlink(name)
    for warning in dict.fromkeys(_message(Exception(str(w.message)))[0] for w in caught):
        ctx.notes.append(f"{what} reader: {warning}")
    return graph


def _text(values: list[Any]) -> pa.Array:
    """Attribute values as text: whole floats without ``.0`` (igraph reads GML numbers as floats),
    NaN and None as null."""
    array = pa.array(values, from_pandas=True)
    if pa.types.is_floating(array.type):
        finite = pc.is_finite(array)
        whole = pc.and_(finite, pc.equal(array, pc.round(array)))
        as_int = pc.cast(pc.if_else(whole, array, 0.0), pa.int64()).cast(pa.string())
        return pc.if_else(whole, as_int, pc.if_else(finite, array.cast(pa.string()), pa.scalar(None, pa.string())))
    if pa.types.is_boolean(array.type):
        return pc.if_else(array, "true", "false")
    if pa.types.is_null(array.type):
        return pa.nulls(len(values), pa.string())
    return array.cast(pa.string())


def stage_igraph(ctx: Any, graph: Any, *, id_attribute: str | None, label_attributes: tuple[str, ...],
                 skip_attributes: tuple[str, ...] = ()) -> None:
    """Stage an igraph ``graph`` parsed from a file (see the module docstring for the mapping).

    Parameters
    ----------
    ctx : StageContext
    graph : igraph.Graph
    id_attribute : str or None
        The vertex attribute holding the file's node id (``id`` in GML and GraphML); None numbers
        the nodes from 1.
    label_attributes : tuple of str
        Vertex attributes that may hold the label, the first present wins (compared case-insensitively).
    skip_attributes : tuple of str
        Vertex attributes that are drawing, not data (coordinates, colours).
    """
    n = graph.vcount()
    names = graph.vertex_attributes()
    ids = (_text(graph.vs[id_attribute]) if id_attribute in names
           else pa.array(np.arange(1, n + 1)).cast(pa.string()))
    by_lower = {name.lower(): name for name in names}
    label_name = next((by_lower[c] for c in label_attributes if c in by_lower), None)
    labels = _text(graph.vs[label_name]) if label_name else pa.nulls(n, pa.string())
    nodes = pa.table({"node_index": pa.array(np.arange(n, dtype=np.int64)), "id_text": ids, "label": labels})
    kept = [name for name in names if name not in (id_attribute, label_name)
            and name.lower() not in skip_attributes]
    parts = [pa.table({"node_index": pa.array(np.arange(n, dtype=np.int64)),
                       "name": pa.array([name] * n, pa.string()), "value": _text(graph.vs[name])})
             for name in kept]
    attributes = (pa.concat_tables(parts) if parts else
                  pa.table({"node_index": pa.array([], pa.int64()), "name": pa.array([], pa.string()),
                            "value": pa.array([], pa.string())}))
    pairs = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    edge_names = {name.lower(): name for name in graph.edge_attributes()}
    weight_name = next((edge_names[c] for c in WEIGHT_NAMES if c in edge_names), None)
    weights = pa.array(graph.es[weight_name], pa.float64(), from_pandas=True) if weight_name else \
        pa.nulls(len(pairs), pa.float64())
    edges = pa.table({"edge_index": pa.array(np.arange(len(pairs), dtype=np.int64)),
                      "source_index": pa.array(pairs[:, 0]), "target_index": pa.array(pairs[:, 1]),
                      "weight": weights})
    for table_name, table in (("graph_nodes", nodes), ("graph_node_attributes", attributes), ("graph_edges", edges)):
        ctx.con.register("_graph_part", table)
        try:
            ctx.run("ingest.graph_file_copy_" + table_name.removeprefix("graph_"))
        finally:
            ctx.con.unregister("_graph_part")
    stage_parsed(ctx, directed=graph.is_directed())


def stage_parsed(ctx: Any, *, directed: bool, records_read: int | None = None) -> None:
    """Stage the temp tables ``graph_nodes``, ``graph_node_attributes`` and ``graph_edges``.

    Sets ``ctx.records_read`` (nodes plus edges unless given), ``ctx.assumed_kind_rows`` (every
    interaction takes the load's kind) and the notes of the load summary.
    """
    kind = getattr(ctx, "default_kind", None) or "mention"
    ctx.run("ingest.graph_file_stage", default_kind=kind, weight_cap=WEIGHT_CAP)
    facts = ctx.run("ingest.graph_file_facts", weight_cap=WEIGHT_CAP, directed=directed).fetchone()
    nodes, edges, interactions, repeated, odd_weights, odd_example = facts
    ctx.records_read = nodes + edges if records_read is None else records_read
    ctx.assumed_kind_rows = interactions
    ctx.notes.append(f"graph: {nodes:,} nodes, {edges:,} {'directed' if directed else 'undirected'} edges"
                     + ("" if interactions == edges else f" ({interactions:,} interactions by weight)"))
    if repeated:
        ctx.notes.append(f"{repeated:,} edges repeat a pair listed before (a multigraph"
                         + ("" if directed else ", or a pair given both ways") + "): each is an interaction")
    if odd_weights:
        ctx.notes.append(f"{odd_weights:,} edge weights are not positive whole numbers (e.g. {odd_example:g}): "
                         "weights left out, each edge is one interaction")
    ctx.run("ingest.graph_file_cleanup")
