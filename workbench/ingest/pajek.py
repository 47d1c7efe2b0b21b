"""Pajek ``.net`` graph files (Zachary's karate club as ``zachary.net``, Pajek and UCINET exports).

Detected by a first line (after ``%`` comments) starting ``*Vertices``, ``*Network``, ``*Arcs`` or
``*Edges``. Parsed line by line in SQL (``queries/ingest/pajek.sql``): ``*Vertices N`` then
``id ["label"] [x y z ...]`` lines, ``*Arcs`` / ``*Edges`` with ``source target [weight]``,
``*Arcslist`` / ``*Edgeslist`` with ``source target target ...``. All N vertices are nodes; a
vertex's label is its only attribute (coordinates and drawing options are skipped). Staged as
:mod:`workbench.ingest.graph_files` describes; in ``zachary.net`` the labels are the factions
("1"/"2"), not names, so accounts are ``csv:1`` .. ``csv:34`` and the faction is the attribute
``label``. Bad lines (a vertex number outside 1..N, a vertex listed twice, a ``*Matrix`` section)
go to ``rejects`` with their line; a file without ``*Vertices N`` is an error.
"""

from __future__ import annotations

import re
from typing import Any

from workbench.errors import ExportFormatError
from workbench.ingest import graph_files

__all__ = ["NAME", "PLATFORM", "LAYOUT", "TAKES_KIND", "sniff", "stage"]

NAME = "pajek"
PLATFORM = "csv"
LAYOUT = "lines"
TAKES_KIND = True

_START = re.compile(r"^\*(vertices|network|arcs|edges|arcslist|edgeslist)\b", re.IGNORECASE)


def sniff(sample: Any) -> bool:
    """Whether the first line that is not a ``%`` comment opens a Pajek section.

    >>> from types import SimpleNamespace as S
    >>> sniff(S(text="% karate\\n*Vertices 34\\n1 \\"1\\"\\n", first=None))
    True
    >>> sniff(S(text="*** notes ***\\n", first=None))
    False
    """
    if getattr(sample, "first", None) is not None:
        return False
    for line in sample.text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("%"):
            return bool(_START.match(stripped))
    return False


def stage(ctx: Any) -> None:
    """Parse the lines in SQL and stage nodes, edges and vertex labels."""
    ctx.run("ingest.pajek_parse")
    n_vertices, directed, data_lines = ctx.run("ingest.pajek_facts").fetchone()
    if not n_vertices:
        ctx.run("ingest.pajek_cleanup")
        raise ExportFormatError("a Pajek file starts with *Vertices N (the number of vertices); none found",
                                path=ctx.path)
    ctx.run("ingest.pajek_cleanup")
    graph_files.stage_parsed(ctx, directed=bool(directed), records_read=int(data_lines))
