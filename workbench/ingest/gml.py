"""GML graph files (Newman's network data: polbooks, football, polblogs, karate; networkx and Gephi exports).

Detected by a ``graph [`` block at the start (after ``Creator``/``Version`` lines and ``#``
comments). Read with igraph's GML reader, which keeps repeated edges (polblogs lists some edges
twice; networkx refuses those unless told the graph is a multigraph) and reads ``directed 1``.
Nodes, edges and node attributes (``value``, ``source``, a conference, a club) are staged as
:mod:`workbench.ingest.graph_files` describes: accounts ``csv:<label>`` (else ``csv:<id>``),
interactions of the load's kind, attributes in ``account_attributes``. A file igraph cannot
parse (a syntax error, an edge naming an unknown node, a repeated node id) is an error naming
the line; nested attributes (``graphics [...]``) are skipped.
"""

from __future__ import annotations

import re
from typing import Any

from workbench.ingest import graph_files

__all__ = ["NAME", "PLATFORM", "LAYOUT", "TAKES_KIND", "sniff", "stage"]

NAME = "gml"
PLATFORM = "csv"
LAYOUT = "document"
TAKES_KIND = True

_START = re.compile(r'\A(?:\s|#[^\n]*\n|(?:Creator|Version)\s+(?:"[^"]*"|\S+))*graph\s*\[', re.IGNORECASE)


def sniff(sample: Any) -> bool:
    """Whether the text opens with a GML ``graph [`` block.

    >>> from types import SimpleNamespace as S
    >>> sniff(S(text='Creator "Mark Newman"\\ngraph\\n[\\n  directed 0\\n', first=None))
    True
    >>> sniff(S(text="source,target\\na,b\\n", first=None))
    False
    """
    return getattr(sample, "first", None) is None and bool(_START.match(sample.text))


def stage(ctx: Any) -> None:
    """Parse the document with igraph and stage nodes, edges and node attributes."""
    import igraph

    graph = graph_files.read_with_igraph(ctx, igraph.Graph.Read_GML, "GML")
    graph_files.stage_igraph(ctx, graph, id_attribute="id", label_attributes=("label",))
