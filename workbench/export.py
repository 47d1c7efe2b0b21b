r"""Export an interaction graph for Gephi and other tools: GraphML, GEXF, Parquet or CSV.

- **GEXF** (1.2) and **GraphML**: one file; nodes are identified by ``account_id``, labelled
  by handle, and carry ``account_id``, ``handle``, ``community`` (when a partition is given)
  and any other vertex attribute; edges carry ``weight``. Gephi reads weights and node
  attributes from both (colour by *Partition > community*).
- **Parquet** and **CSV**: two tables beside each other, ``<stem>_nodes`` and ``<stem>_edges``.
  Parquet keeps the store's names (``account_id``, ``handle``, ``community``; ``source_id``,
  ``target_id``, ``weight``); CSV uses the column names of Gephi's spreadsheet import (``Id``,
  ``Label``, ...; ``Source``, ``Target``, ``Weight``, ``Type``).

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

The XML is written from whole columns at once (no per-edge Python objects), so a graph of a
million edges exports in seconds.

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
import re
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pandas as pd

from workbench import graphs
from workbench.communities import runs
from workbench.errors import ParameterError

__all__ = ["FORMATS", "check_format", "export_graph", "export", "graph_tables", "escape_id", "unescape_id",
           "spreadsheet_text"]

#: Formats by file suffix.
FORMATS = ("graphml", "gexf", "parquet", "csv")

# Characters XML 1.0 does not allow, even escaped (social-media handles and names can hold them).
_XML_INVALID = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
_ID_SPECIAL = re.compile(r"\\|" + _XML_INVALID)
_ID_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4})", re.IGNORECASE)
# What starts a formula in a spreadsheet (OWASP, CSV injection), with the full-width forms some read alike.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _escape_char(match: re.Match) -> str:
    char = match.group()
    if char == "\\":
        return "\\\\"
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def escape_id(value: str) -> str:
    r"""``value`` as an XML-safe id, one-to-one: a backslash doubled, a character XML cannot hold as ``\xHH``.

    >>> escape_id("csv:bob\x01"), escape_id("csv:a\\b"), escape_id("csv:plain")
    ('csv:bob\\x01', 'csv:a\\\\b', 'csv:plain')
    """
    return _ID_SPECIAL.sub(_escape_char, value)


def unescape_id(value: str) -> str:
    r"""The account id that :func:`escape_id` wrote as ``value``.

    >>> unescape_id(escape_id("csv:bob\x01")) == "csv:bob\x01"
    True
    """
    def original(match: re.Match) -> str:
        code = match.group(1)
        return "\\" if code == "\\" else chr(int(code[1:], 16))

    return _ID_ESCAPE.sub(original, value)


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


def graph_tables(graph: Any, partition: Any = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The node and edge tables of ``graph`` as exported (store names).

    Nodes: ``account_id``, ``handle``, ``community`` (nullable; only with a partition), then any
    other vertex attribute. Edges: ``source_id``, ``target_id``, ``weight`` (1.0 when unweighted).

    >>> from workbench.datasets import karate
    >>> nodes, edges = graph_tables(karate())
    >>> nodes.columns.tolist(), edges.columns.tolist()
    (['account_id', 'handle', 'club'], ['source_id', 'target_id', 'weight'])
    """
    graph = graphs.to_igraph(graph)
    nodes = graphs.node_table(graph).drop(columns=["vertex"])
    if partition is not None:
        labels = partition.as_series() if hasattr(partition, "as_series") else pd.Series(partition)
        community = labels.reindex(nodes["account_id"]).to_numpy()
        nodes.insert(2, "community", pd.array(community, dtype="Int64"))
    edges = graphs.edge_table(graph)[["source_id", "target_id", "weight"]]
    return nodes, edges


def _clean(values: pd.Series, *, ids: bool = False) -> pd.Series:
    r"""Text XML 1.0 can hold, as an object Series of str (missing: None): ids escaped one-to-one
    (:func:`escape_id`), other text with each character XML cannot hold shown as ``\xHH``."""
    text = values.reset_index(drop=True).astype("string")
    text = text.str.replace(_ID_SPECIAL if ids else _XML_INVALID, _escape_char, regex=True)
    return text.astype(object).where(text.notna(), None)


def _attr(values: pd.Series, *, ids: bool = False) -> pd.Series:
    """Values quoted and escaped for an XML attribute (``"..."``; CR, LF and tab as character references,
    so that parsers keep them); missing: None."""
    return _clean(values, ids=ids).map(quoteattr, na_action="ignore")


def _text(values: pd.Series) -> pd.Series:
    """Values escaped for XML element content; a CR as ``&#13;``, which parsers would otherwise turn into LF."""
    return _clean(values).map(lambda v: escape(v, {"\r": "&#13;"}), na_action="ignore")


def _optional(prefix: str, values: pd.Series, suffix: str) -> pd.Series:
    """``prefix + value + suffix`` where a value is present, else the empty string."""
    present = values.notna()
    return (prefix + values.where(present, "") + suffix).where(present, "")


def _kind(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "long"
    if pd.api.types.is_float_dtype(series):
        return "double"
    return "string"


def _formatted(series: pd.Series) -> pd.Series:
    """Attribute values as XML-ready text (booleans lower-case, missing stays missing)."""
    if pd.api.types.is_bool_dtype(series):
        return series.map({True: "true", False: "false"}).astype("string")
    return series.astype("string")


def _write_lines(path: Path, parts: list[Any]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for part in parts:
            if isinstance(part, pd.Series):
                if len(part):
                    handle.write("\n".join(part.tolist()))
                    handle.write("\n")
            else:
                handle.write(part)
                handle.write("\n")


def _write_csv(path: Path, table: pd.DataFrame) -> None:
    """RFC 4180 CSV (CRLF ends, so a CR or LF inside a value gets it quoted) with no formula cell."""
    table = table.copy()
    for column in table.columns:
        if not (pd.api.types.is_numeric_dtype(table[column]) or pd.api.types.is_bool_dtype(table[column])):
            table[column] = spreadsheet_text(table[column])
    table.to_csv(path, index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL, encoding="utf-8")


def _write_gexf(path: Path, nodes: pd.DataFrame, edges: pd.DataFrame, *, directed: bool, weighted: bool,
                description: str) -> None:
    attributes = [c for c in nodes.columns]
    declarations = [f'      <attribute id="{i}" title={quoteattr(name)} type="{_kind(nodes[name])}"/>'
                    for i, name in enumerate(attributes)]
    label = nodes["handle"].where(nodes["handle"].notna(), nodes["account_id"])
    node_lines = "        <node id=" + _attr(nodes["account_id"], ids=True) + " label=" + _attr(label) + "><attvalues>"
    for i, name in enumerate(attributes):
        value = _attr(_formatted(nodes[name]), ids=name == "account_id")
        node_lines = node_lines + _optional(f'<attvalue for="{i}" value=', value, "/>")
    node_lines = node_lines + "</attvalues></node>"
    edge_ids = pd.Series(np.arange(len(edges)).astype(str), dtype=object)
    edge_lines = ('        <edge id="' + edge_ids + '" source=' + _attr(edges["source_id"], ids=True)
                  + " target=" + _attr(edges["target_id"], ids=True))
    if weighted:
        edge_lines = edge_lines + ' weight="' + _clean(edges["weight"]) + '"'
    edge_lines = edge_lines + "/>"
    _write_lines(path, [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">',
        f'  <meta lastmodifieddate="{date.today().isoformat()}">',
        "    <creator>Community Workbench</creator>",
        f"    <description>{escape(description)}</description>",
        "  </meta>",
        f'  <graph mode="static" defaultedgetype="{"directed" if directed else "undirected"}">',
        '    <attributes class="node">', *declarations, "    </attributes>",
        "    <nodes>", node_lines.astype(object), "    </nodes>",
        "    <edges>", edge_lines.astype(object), "    </edges>",
        "  </graph>",
        "</gexf>",
    ])


def _write_graphml(path: Path, nodes: pd.DataFrame, edges: pd.DataFrame, *, directed: bool, weighted: bool,
                   description: str) -> None:
    attributes = [c for c in nodes.columns]
    keys = [f'  <key id="d{i}" for="node" attr.name={quoteattr(name)} attr.type="{_kind(nodes[name])}"/>'
            for i, name in enumerate(attributes)]
    if weighted:
        keys.append('  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>')
    keys.append('  <key id="graph_spec" for="graph" attr.name="graph_spec" attr.type="string"/>')
    node_lines = "    <node id=" + _attr(nodes["account_id"], ids=True) + ">"
    for i, name in enumerate(attributes):
        value = _text(_clean(_formatted(nodes[name]), ids=True) if name == "account_id" else _formatted(nodes[name]))
        node_lines = node_lines + _optional(f'<data key="d{i}">', value, "</data>")
    node_lines = node_lines + "</node>"
    edge_lines = ("    <edge source=" + _attr(edges["source_id"], ids=True)
                  + " target=" + _attr(edges["target_id"], ids=True))
    if weighted:
        edge_lines = edge_lines + '><data key="weight">' + _clean(edges["weight"]) + "</data></edge>"
    else:
        edge_lines = edge_lines + "/>"
    _write_lines(path, [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
        *keys,
        f'  <graph id="G" edgedefault="{"directed" if directed else "undirected"}">',
        f'    <data key="graph_spec">{escape(description)}</data>',
        node_lines.astype(object), edge_lines.astype(object),
        "  </graph>",
        "</graphml>",
    ])


def export_graph(graph: Any, path: str | Path, *, partition: Any = None,
                 format: str | None = None) -> list[Path]:
    """Write ``graph`` (and the communities of ``partition``) to ``path``.

    Parameters
    ----------
    graph : igraph.Graph or networkx graph
        From :func:`workbench.graphs` (vertices with ``account_id``, ``handle``).
    path : str or Path
        ``*.graphml``, ``*.gexf``, ``*.parquet`` or ``*.csv``; for the last two, the tables go to
        ``<stem>_nodes.<suffix>`` and ``<stem>_edges.<suffix>`` in the same folder.
    partition : Partition, pandas.Series or None
        Communities to attach as the node attribute ``community`` (matched by ``account_id``;
        accounts it lacks get none).
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
    >>> back.nodes["karate:0"]["community"], back["karate:0"]["karate:1"]["weight"]
    (1, 4.0)
    """
    chosen = check_format(path, format)
    graph = graphs.to_igraph(graph)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nodes, edges = graph_tables(graph, partition)
    weighted = "weight" in graph.es.attributes()
    spec = graphs.graph_spec(graph)
    description = "interaction graph" + (f"; graph_spec {json.dumps(spec, default=str)}" if spec else "")
    if chosen == "gexf":
        _write_gexf(path, nodes, edges, directed=graph.is_directed(), weighted=weighted, description=description)
        return [path]
    if chosen == "graphml":
        _write_graphml(path, nodes, edges, directed=graph.is_directed(), weighted=weighted,
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
        gephi_edges["Type"] = "Directed" if graph.is_directed() else "Undirected"
        _write_csv(node_path, gephi_nodes)
        _write_csv(edge_path, gephi_edges)
    return [node_path, edge_path]


def export(store, path: str | Path, *, run_id: int | None = None, communities: bool = True,
           format: str | None = None, **graph_options: Any) -> list[Path]:
    """Build the interaction graph of a workspace and write it to ``path`` (what ``workbench export`` does).

    Parameters
    ----------
    store : workbench.store.Store
    path : str or Path
        As in :func:`export_graph`.
    run_id : int, optional
        The community run whose communities become the node attribute ``community``; by
        default the newest run, if any (``communities=False``: none).
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
    partition = None
    if communities and (run_id is not None or store.latest_community_run() is not None):
        partition = runs.load(store, run_id)
    options = {key: value for key, value in graph_options.items() if value is not None}
    if partition is not None:
        allowed = ("kinds", "since", "until", "directed", "weight", "min_weight", "self_loops")
        options = {**{k: v for k, v in partition.graph_spec.items() if k in allowed}, **options}
    graph = graphs.graph(store, **options)
    return export_graph(graph, path, partition=partition, format=format)
