r"""GEXF and GraphML writers: node and edge tables in, one XML file out, with Gephi's timeline where asked.

Both formats carry every column of the node table as a node attribute and every column of the edge
table beyond its ends as an edge attribute (``weight`` as the edge weight), typed: ``long`` for whole
numbers, ``double`` for decimals, ``boolean``, else ``string`` (times as ``YYYY-MM-DDTHH:MM:SS``, UTC).
A missing value writes no attribute value, so a reader sees none rather than ``"None"``.

A **dynamic GEXF** (GEXF 1.2 spells) gives each node and edge the times it exists: the graph is
``mode="dynamic"`` and Gephi's timeline plays it. The times are written as
``timeformat="date"`` with ISO 8601 date-times, which is what networkx writes and reads for text
times and what Gephi's importer parses to the second.

XML 1.0 cannot hold most control characters even escaped. Ids (``account_id``, edge ends) are escaped
one-to-one, so that two accounts never merge into one node: a backslash is doubled and a character
XML cannot hold becomes ``\xHH`` (``\uFFFE``); :func:`unescape_id` gives the original back. In other
text, such a character is shown as ``\xHH`` too. The XML is written from whole columns at once (no
per-edge Python objects), so a graph of a million edges exports in seconds.

Examples
--------
>>> import tempfile, pathlib
>>> import networkx as nx
>>> nodes = pd.DataFrame({"account_id": ["a", "b"], "handle": ["ann", "bo"], "degree": [1, 1]})
>>> edges = pd.DataFrame({"source_id": ["a"], "target_id": ["b"], "weight": [2.0], "reply": [2]})
>>> path = pathlib.Path(tempfile.mkdtemp()) / "g.gexf"
>>> write_gexf(path, nodes, edges, directed=True, weighted=True, description="two accounts")
>>> back = nx.read_gexf(path)
>>> back.nodes["a"]["degree"], back["a"]["b"]["reply"], back["a"]["b"]["weight"]
(1, 2, 2.0)
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Mapping
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pandas as pd

__all__ = ["write_gexf", "write_graphml", "escape_id", "unescape_id", "TIME_FORMAT"]

#: How times are written in attribute values and spells (UTC, to the second).
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
# Characters XML 1.0 does not allow, even escaped (social-media handles and names can hold them).
_XML_INVALID = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
_ID_SPECIAL = re.compile(r"\\|" + _XML_INVALID)
_ID_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4})", re.IGNORECASE)
_ENDS = ("source_id", "target_id")


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
    """Attribute values as XML-ready text (booleans lower-case, times ISO 8601 in UTC, missing stays missing)."""
    if pd.api.types.is_bool_dtype(series):
        return series.map({True: "true", False: "false"}).astype("string")
    if pd.api.types.is_datetime64_any_dtype(series):
        stamps = series.dt.tz_convert("UTC") if series.dt.tz is not None else series
        return stamps.dt.strftime(TIME_FORMAT).astype("string")
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


def _edge_attributes(edges: pd.DataFrame) -> list[str]:
    return [c for c in edges.columns if c not in (*_ENDS, "weight")]


def write_gexf(path: Path, nodes: pd.DataFrame, edges: pd.DataFrame, *, directed: bool, weighted: bool,
               description: str, node_spells: pd.Series | None = None, edge_spells: pd.Series | None = None,
               bounds: Mapping[str, str] | None = None) -> None:
    """GEXF 1.2: ``nodes`` (``account_id``, ``handle``, ...) and ``edges`` (``source_id``, ``target_id``,
    ``weight``, ...) with every other column as a typed attribute.

    With ``node_spells`` and ``edge_spells`` (``<spells>...</spells>`` per row, empty: always present) the
    graph is dynamic, between ``bounds["start"]`` and ``bounds["end"]``.
    """
    dynamic = node_spells is not None or edge_spells is not None
    node_columns, edge_columns = list(nodes.columns), _edge_attributes(edges)
    # attribute ids are numbers, unique across both classes: readers that map a numeric id to its title
    # (graphology-gexf, hence Gephi Lite and sigma.js) would otherwise name edge attributes by their ids
    first_edge = len(node_columns)
    declarations = ['    <attributes class="node">',
                    *(f'      <attribute id="{i}" title={quoteattr(name)} type="{_kind(nodes[name])}"/>'
                      for i, name in enumerate(node_columns)), "    </attributes>"]
    if edge_columns:
        declarations += ['    <attributes class="edge">',
                         *(f'      <attribute id="{first_edge + i}" title={quoteattr(name)} type="{_kind(edges[name])}"/>'
                           for i, name in enumerate(edge_columns)), "    </attributes>"]
    label = nodes["handle"].where(nodes["handle"].notna(), nodes["account_id"])
    node_lines = "        <node id=" + _attr(nodes["account_id"], ids=True) + " label=" + _attr(label) + "><attvalues>"
    for i, name in enumerate(node_columns):
        value = _attr(_formatted(nodes[name]), ids=name == "account_id")
        node_lines = node_lines + _optional(f'<attvalue for="{i}" value=', value, "/>")
    node_lines = node_lines + "</attvalues>"
    if node_spells is not None:
        node_lines = node_lines + node_spells.reset_index(drop=True)
    node_lines = node_lines + "</node>"
    edge_ids = pd.Series(np.arange(len(edges)).astype(str), dtype=object)
    edge_lines = ('        <edge id="' + edge_ids + '" source=' + _attr(edges["source_id"], ids=True)
                  + " target=" + _attr(edges["target_id"], ids=True))
    if weighted:
        edge_lines = edge_lines + ' weight="' + _clean(edges["weight"]) + '"'
    edge_lines = edge_lines + "><attvalues>"
    for i, name in enumerate(edge_columns):
        edge_lines = edge_lines + _optional(f'<attvalue for="{first_edge + i}" value=', _attr(_formatted(edges[name])),
                                            "/>")
    edge_lines = edge_lines + "</attvalues>"
    if edge_spells is not None:
        edge_lines = edge_lines + edge_spells.reset_index(drop=True)
    edge_lines = edge_lines + "</edge>"
    mode = 'mode="static"'
    if dynamic:
        bounds = bounds or {}
        mode = 'mode="dynamic" timeformat="date"' + "".join(
            f" {name}={quoteattr(bounds[name])}" for name in ("start", "end") if bounds.get(name))
    _write_lines(path, [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">',
        f'  <meta lastmodifieddate="{date.today().isoformat()}">',
        "    <creator>Community Workbench</creator>",
        f"    <description>{escape(description)}</description>",
        "  </meta>",
        f'  <graph {mode} defaultedgetype="{"directed" if directed else "undirected"}">',
        *declarations,
        "    <nodes>", node_lines.astype(object), "    </nodes>",
        "    <edges>", edge_lines.astype(object), "    </edges>",
        "  </graph>",
        "</gexf>",
    ])


def write_graphml(path: Path, nodes: pd.DataFrame, edges: pd.DataFrame, *, directed: bool, weighted: bool,
                  description: str) -> None:
    """GraphML: ``nodes`` and ``edges`` as in :func:`write_gexf`; ``description`` is the graph's ``graph_spec``."""
    node_columns, edge_columns = list(nodes.columns), _edge_attributes(edges)
    keys = [f'  <key id="d{i}" for="node" attr.name={quoteattr(name)} attr.type="{_kind(nodes[name])}"/>'
            for i, name in enumerate(node_columns)]
    if weighted:
        keys.append('  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>')
    keys += [f'  <key id="e{i}" for="edge" attr.name={quoteattr(name)} attr.type="{_kind(edges[name])}"/>'
             for i, name in enumerate(edge_columns)]
    keys.append('  <key id="graph_spec" for="graph" attr.name="graph_spec" attr.type="string"/>')
    node_lines = "    <node id=" + _attr(nodes["account_id"], ids=True) + ">"
    for i, name in enumerate(node_columns):
        value = _text(_clean(_formatted(nodes[name]), ids=True) if name == "account_id" else _formatted(nodes[name]))
        node_lines = node_lines + _optional(f'<data key="d{i}">', value, "</data>")
    node_lines = node_lines + "</node>"
    edge_lines = ("    <edge source=" + _attr(edges["source_id"], ids=True)
                  + " target=" + _attr(edges["target_id"], ids=True) + ">")
    if weighted:
        edge_lines = edge_lines + '<data key="weight">' + _clean(edges["weight"]) + "</data>"
    for i, name in enumerate(edge_columns):
        edge_lines = edge_lines + _optional(f'<data key="e{i}">', _text(_formatted(edges[name])), "</data>")
    edge_lines = edge_lines + "</edge>"
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
