"""Edge lists: CSV with a header naming the columns, and header-less SNAP / KONECT lists.

Layouts
-------
- **CSV with a header** (detected): ``source,target[,kind][,timestamp][,weight][,post_id]`` in any
  order, found by name (:data:`COLUMN_NAMES`, case-insensitive; Netlytic's ``author,to,pubdate`` and
  Gephi's ``Source,Target,...,Weight`` are covered). The delimiter is the first of ``,`` tab ``;``
  the header contains, else runs of whitespace. Fields may be quoted (``"a, b"``, ``""`` escapes a
  quote); a quoted field cannot span lines. Other columns are ignored.
- **Header-less lists** (only with ``format="edges-csv"``): SNAP / KONECT whitespace-separated
  ``src dst [timestamp] [kind]``, KONECT's ``src dst weight timestamp`` when a fourth field is a
  number, or ``src dst kind`` when a third and last field is a kind. Lines starting with ``%`` or
  ``#`` are comments. A weighted list without timestamps (``src dst weight``) needs a header, since
  a bare third number is read as a timestamp.

Values
------
- Accounts are ``csv:<value>`` (``<platform>:<value>`` with ``platform=``), handle = the value.
- ``kind``: the canonical kinds and the aliases of :data:`KIND_ALIASES` are accepted (higgs' ``RT`` ->
  share, ``MT`` -> mention, ``RE`` -> reply; source acts on target). A row without a kind (no kind
  column, as in SNAP and KONECT lists, or an empty cell) takes the load's kind: ``kind=`` /
  ``--kind KIND`` (e.g. ``reply`` for KONECT's Digg replies), ``mention`` when not given. The load
  summary says how many rows took it (:attr:`FileReport.assumed_kind`).
- Timestamps are Unix epoch numbers or ISO 8601 (no offset means UTC); also Netlytic's ``yy-mm-dd``
  and RFC 2822 dates (``Sun, 1 Apr 2007 14:10:17 -0400``). Empty means unknown. An epoch's unit
  is read from its magnitude, value by value: ``|x| < 1e11`` seconds (up to the year 5138),
  below ``1e14`` milliseconds, below ``1e17`` microseconds, below ``1e20`` nanoseconds
  (``queries/ingest/edges_csv.sql``); so ``1700000000``, ``1700000000000`` and ``1700000000000000`` are one
  instant. A millisecond epoch before March 1973 (below ``1e11``) would be read as seconds.
- ``weight``: a row of positive whole weight ``w`` stands for ``w`` interactions, because the
  ``interactions`` table holds one row per event and graphs count rows (``weight="count"``); a
  weighted list and its ``w``-fold repeated lines thus load alike. Weights above
  :data:`WEIGHT_CAP` are rejected rather than expanded (a typo should not write millions of rows),
  and so are fractional, zero or negative weights, and ``weight > 1`` on a row naming its post_id.
- ``post_id``: when given, ``<platform>:<post_id>``. Otherwise each interaction gets a synthetic,
  content-derived id: ``<platform>:edge:<md5 of source, target, instant>:<occurrence>``, where the
  occurrence numbers identical interactions (same source, target, instant, kind) in file order.
  Reloading a file, or loading another file with the same multiset of edges, gives the same ids, so
  the merge's dedupe adds nothing; a line number would not survive a re-sorted copy.
- No ``posts`` rows: an edge list holds interactions, not posts.

Bad rows go to ``rejects`` with the reason: a ragged row (field count differs from the header, or
not 2 to 4 fields without one), a misplaced quote, an empty source or target, an unknown kind, an
unparsable timestamp, a bad weight.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["NAME", "PLATFORM", "LAYOUT", "TAKES_KIND", "COLUMN_NAMES", "KIND_ALIASES", "WEIGHT_CAP",
           "sniff", "check_sample", "prepare", "parse", "finish", "stage"]

NAME = "edges-csv"
PLATFORM = "csv"
LAYOUT = "lines"
#: Rows may lack a kind: the load's ``kind=`` fills it (``mention`` by default).
TAKES_KIND = True

#: Header names of each column (lower case), in order of preference when a header has several.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "source": ("source", "src", "source_id", "from", "author"),
    "target": ("target", "dst", "target_id", "to"),
    "kind": ("kind",),
    "timestamp": ("timestamp", "time", "ts", "created_at", "datetime", "date", "pubdate"),
    "weight": ("weight",),
    "post_id": ("post_id",),
}

#: Accepted ``kind`` values (lower case) and the interaction kind each stands for.
KIND_ALIASES: dict[str, str] = {
    **{kind: kind for kind in ("reply", "mention", "share", "quote", "like", "follow", "comment", "reaction")},
    "rt": "share", "retweet": "share", "reblog": "share", "repost": "share",
    "mt": "mention", "re": "reply", "qt": "quote",
}

#: The largest weight a row may have; it becomes that many interaction rows.
WEIGHT_CAP = 100_000

_COMMENT = re.compile(r"^\s*[%#]")


def _header_names(line: str) -> list[str]:
    """The lower-cased names of a candidate header line, split as the stage SQL splits it."""
    for delimiter in (",", "\t", ";"):
        if delimiter in line:
            parts = line.split(delimiter)
            break
    else:
        parts = line.split()
    return [part.strip(' "\t').lower() for part in parts]


def sniff(sample: Any) -> bool:
    """Whether the first line that is not a comment is a header naming a source and a target column.

    Header-less lists are never claimed: load them with ``format="edges-csv"``.

    Parameters
    ----------
    sample : workbench.ingest.detect.Sample
        The start of the file (``sample.text``); a sample that parsed as JSON is not claimed.

    Returns
    -------
    bool

    Examples
    --------
    >>> from types import SimpleNamespace as S
    >>> sniff(S(text="source,target,timestamp\\na,b,0\\n", first=None))
    True
    >>> sniff(S(text="author,to,pubdate\\n", first=None))
    True
    >>> sniff(S(text="1 2 1082040961\\n", first=None))
    False
    """
    if getattr(sample, "first", None) is not None:
        return False  # JSON
    for line in sample.text.splitlines():
        if not line.strip() or _COMMENT.match(line):
            continue
        names = set(_header_names(line))
        return bool(names & set(COLUMN_NAMES["source"])) and bool(names & set(COLUMN_NAMES["target"]))
    return False


#: Graph-file formats whose files are refused as edge lists (their syntax would load as "edges").
GRAPH_FORMATS = {"gml": "GML", "graphml": "GraphML", "pajek": "Pajek"}


def check_sample(sample: Any, path: str) -> None:
    """Refuse a graph file (GML, GraphML, Pajek) given as an edge list, naming the format to use.

    Read as ``src dst`` lines, a GML file's ``node [`` and ``id 1`` lines would load as tens of
    thousands of "edges" between its keywords.

    Raises
    ------
    ExportFormatError
    """
    from workbench.errors import ExportFormatError
    from workbench.ingest.formats import FORMATS

    for format_id, name in GRAPH_FORMATS.items():
        module = FORMATS.get(format_id)
        if module is not None and module.sniff(sample):
            raise ExportFormatError(f"this is a {name} graph file, not an edge list; load it with --format "
                                    f"{format_id} or without --format (it is detected)", path=path)


def _parameters(ctx: Any) -> dict[str, Any]:
    kinds = sorted(set(KIND_ALIASES.values()))
    aliases = [alias for alias in KIND_ALIASES if alias not in kinds]
    return dict(
        source_names=list(COLUMN_NAMES["source"]), target_names=list(COLUMN_NAMES["target"]),
        kind_names=list(COLUMN_NAMES["kind"]), time_names=list(COLUMN_NAMES["timestamp"]),
        weight_names=list(COLUMN_NAMES["weight"]), post_names=list(COLUMN_NAMES["post_id"]),
        kind_aliases=list(KIND_ALIASES), kind_values=list(KIND_ALIASES.values()),
        kinds_expected=", ".join(kinds) + " or " + ", ".join(a.upper() for a in aliases),
        weight_cap=WEIGHT_CAP, default_kind=getattr(ctx, "default_kind", None) or "mention",
    )


def prepare(ctx: Any) -> None:
    """Start a file: its layout is not known until its first line that is not a comment."""
    ctx.state.update(layout=False)


def parse(ctx: Any) -> None:
    """One block of ``raw_lines``: its data rows, typed and with the reason a row cannot be used, into
    the work table ``edges_good`` and its bad rows into ``stage_rejects`` (``queries/ingest/edges_csv.sql``).

    The file's layout (header or not, delimiter, columns) comes from its first line that is not a
    comment, found in the first block that has one; the view ``edges_parsed`` then parses a block,
    which is written once, rejected rows included (:func:`finish` reads the good ones). On Spark,
    which parses the whole file at once and cannot append to a work table, ``edges_good`` is made
    from the view in one statement.

    Parameters
    ----------
    ctx : workbench.ingest.pipeline.StageContext
        The load's context; the column names, kind aliases, weight cap and the load's kind for rows
        without one (``ctx.default_kind``, ``mention`` when None) are bound as parameters.
    """
    from workbench.ingest.contract import DuckDBLoaderContext

    duckdb = isinstance(ctx, DuckDBLoaderContext)
    if not ctx.state["layout"]:
        first = ctx.run("ingest.edges_csv_first_line").fetchone()
        if first is None:
            return  # only comment lines so far: nothing to read yet
        ctx.run("ingest.edges_csv_layout", first_line_no=int(first[0]), first_line=first[1], **_parameters(ctx))
        ctx.run("ingest.edges_csv_parsed_view")
        if duckdb:
            ctx.run("ingest.edges_csv_good_table")
        ctx.state["layout"] = True
    if duckdb:
        first_line, last_line = ctx.run("ingest.edges_csv_block").fetchone()
        if first_line is not None:
            ctx.run("ingest.edges_csv_parse", first=int(first_line), last=int(last_line))
    else:
        ctx.run("ingest.edges_csv_parse_whole")


def finish(ctx: Any) -> None:
    """After the last block: ``stage_interactions`` and ``stage_accounts`` from the good rows of the file.

    On DuckDB ``stage_interactions`` becomes a view that the merge reads as it inserts (ten million
    staged rows of ids would otherwise be stored twice, and spilled to disk under the memory limit);
    on Spark the rows are staged. Sets ``ctx.records_read`` to the number of data rows (header and
    comment lines are not records) and ``ctx.assumed_kind_rows`` to the number of loaded rows that
    took the load's kind.
    """
    from workbench.ingest.contract import DuckDBLoaderContext

    ctx.records_read = 0
    if ctx.state["layout"]:
        records, assumed_kind = ctx.run("ingest.edges_csv_records").fetchone()
        ctx.records_read = int(records)
        ctx.run("ingest.edges_csv_finish")
        ctx.interactions_unique = True  # one staged row per interaction (see edges_csv_finish)
        ctx.accounts_unique = True  # and per account (a UNION of the sources and targets)
        ctx.targets_resolved = True  # a row without a source or a target is rejected
        ctx.assumed_kind_rows = int(assumed_kind)
        if isinstance(ctx, DuckDBLoaderContext):
            ctx.run("ingest.edges_csv_stage_view")
            return  # the view reads the work tables: they go with the load's connection
        ctx.run("ingest.edges_csv_stage")
    ctx.run("ingest.edges_csv_cleanup")


def stage(ctx: Any) -> None:
    """The whole file at once (``raw_lines`` holds every line): :func:`prepare`, :func:`parse`, :func:`finish`."""
    prepare(ctx)
    parse(ctx)
    finish(ctx)
