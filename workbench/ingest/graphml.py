"""GraphML graph files (Gephi, yEd, networkx, igraph and our own ``workbench export`` write them).

Detected by a ``<graphml`` element near the start. Read with igraph's GraphML reader (the first
graph of the file; typed keys become numbers, booleans or text). The node ``id`` is the file's
id; a ``label`` key (else ``name``) is the label; other node keys become account attributes,
except drawing keys (``x``, ``y``, ``size``, colours). Staged as :mod:`workbench.ingest.graph_files`
describes. A file that is not well-formed XML is an error naming the line.
"""

from __future__ import annotations

import re
from typing import Any

from workbench.ingest import graph_files

__all__ = ["NAME", "PLATFORM", "LAYOUT", "TAKES_KIND", "sniff", "stage"]

NAME = "graphml"
PLATFORM = "csv"
LAYOUT = "document"
TAKES_KIND = True

_START = re.compile(r"<graphml[\s>]")
#: Node keys that draw the graph rather than describe the account.
DRAWING_KEYS = ("x", "y", "z", "size", "r", "g", "b", "color", "colour", "shape")


def sniff(sample: Any) -> bool:
    """Whether a ``<graphml`` element opens within the first few kilobytes.

    >>> from types import SimpleNamespace as S
    >>> sniff(S(text='<?xml version="1.0"?>\\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">', first=None))
    True
    """
    return getattr(sample, "first", None) is None and bool(_START.search(sample.text[:8192]))


def stage(ctx: Any) -> None:
    """Parse the document with igraph and stage nodes, edges and node attributes."""
    import igraph

    graph = graph_files.read_with_igraph(ctx, igraph.Graph.Read_GraphML, "GraphML")
    graph_files.stage_igraph(ctx, graph, id_attribute="id", label_attributes=("label", "name"),
                             skip_attributes=DRAWING_KEYS)
