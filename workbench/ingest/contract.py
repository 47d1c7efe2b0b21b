"""The loader contract: what a format module provides, and what its ``stage`` step is handed.

A format is one module registered in :data:`workbench.ingest.formats.FORMATS`. The load
pipeline (:mod:`workbench.ingest.pipeline` on DuckDB, :mod:`workbench.spark.ingest` on Spark)
streams the file into ``raw_lines`` and then calls the module's ``stage(ctx)``, whose named
queries turn ``raw_lines`` into the ``stage_*`` tables; the pipeline merges those into the
workspace. A lines format that also has ``prepare``, ``parse`` and ``finish`` is parsed block by
block on DuckDB instead (``raw_lines`` is one block at a time), so memory does not grow with the file. The module never opens files, never writes the canonical tables and never commits.

:class:`LoaderContext` is the ``ctx`` both engines hand over
(:class:`workbench.ingest.context.StageContext` and
:class:`workbench.spark.runner.SparkStageContext` implement it; ``tests/test_docs.py`` checks
that they do). A loader written against it alone runs on either engine. The DuckDB context
offers more (:class:`DuckDBLoaderContext`): loaders that use it load with DuckDB only.

:func:`check_loader` says what a module lacks.

Examples
--------
>>> from workbench.ingest.formats import FORMATS
>>> check_loader(FORMATS["reddit"])
[]
>>> import types
>>> check_loader(types.ModuleType("half_done"))[:2]
['NAME: missing', 'PLATFORM: missing']
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Protocol, runtime_checkable

__all__ = ["LoaderContext", "DuckDBLoaderContext", "LAYOUTS", "REQUIRED", "OPTIONAL", "check_loader"]

#: How ``raw_lines`` holds a file: one row per non-blank line, or the whole document as one row.
LAYOUTS = ("lines", "document")


@runtime_checkable
class LoaderContext(Protocol):
    """What ``stage(ctx)`` and ``resolve(ctx)`` receive, on DuckDB and on Spark.

    Attributes
    ----------
    load_id : int
        The load's id: staged rows need not carry it (the merge stamps it), but a loader's own
        queries may (``$load_id`` is bound automatically).
    path : str
        The file as the user named it (``$path``).
    platform : str
        The platform that qualifies every id of the load (``$platform``): the module's
        ``PLATFORM`` or the user's ``--platform``.
    strict : bool
        Whether one reject aborts the load (the pipeline enforces it; a loader may stop early).
    records_read : int
        Records in the file; the pipeline sets it to the rows of ``raw_lines``, and a loader whose
        record is not a line (a JSON document holding a list) sets it to what it read.
    unresolved : int
        Interactions whose target could not be resolved beyond the staged ones with a NULL
        ``target_id``, which the pipeline counts itself.
    default_kind : str or None
        The interaction kind for rows that name none (``--kind``; edge lists and graph files).
    assumed_kind_rows : int
        How many staged rows took ``default_kind``; set it so the load summary can say so.
    state : dict
        What a streaming format keeps between ``prepare``, its ``parse`` calls and ``finish``.
    interactions_unique : bool
        Set by a format whose ``stage_interactions`` hold one row per (post_id, kind, source_id,
        target_id): the DuckDB merge then skips grouping them.
    accounts_unique : bool
        Set by a format whose ``stage_accounts`` hold one row per ``account_id``: the DuckDB merge
        then takes them as they are instead of grouping them.
    targets_resolved : bool
        Set by a format whose staged interactions all have a ``source_id`` and a ``target_id`` (edge
        lists reject a row without them): the pipeline then does not count unresolved targets, and the merge
        does not check for them.
    """

    load_id: int
    path: str
    platform: str
    strict: bool
    records_read: int
    unresolved: int
    default_kind: str | None
    assumed_kind_rows: int
    state: dict[str, Any]
    interactions_unique: bool
    accounts_unique: bool
    targets_resolved: bool

    def run(self, name: str, **params: Any) -> Any:
        """Run the named query ``name`` (all its statements); the last statement's result, if any."""

    def sql(self, text: str, **params: Any) -> Any:
        """Run a SQL statement (DuckDB's dialect) with ``$params`` bound; its result (``fetchone``, ``fetchall``)."""

    def scalar(self, text: str, **params: Any) -> Any:
        """The first column of the first row of ``text``, or None."""


@runtime_checkable
class DuckDBLoaderContext(LoaderContext, Protocol):
    """The DuckDB context's extras; a loader that uses them cannot load on Spark."""

    #: The format's own options (``load(..., options=...)``), e.g. the attributes format's ``id_column``.
    options: dict[str, Any]
    #: Lines for the load summary (a graph file's multi-edges, odd weights).
    notes: list[str]
    #: The current block's lines (an Arrow table: ``line_no``, ``line``, ``member``) while the ``parse`` of a
    #: format with ``READS_BLOCK`` runs; None otherwise (then ``raw_lines`` holds the lines).
    block: Any

    def run_over_lines(self, name: str, lines: Any) -> Any:
        """Run the named query ``name`` (one statement, no parameters) with ``raw_lines`` being the Arrow
        table ``lines``: DuckDB scans it in place, on every thread, and keeps nothing of it afterwards."""

    def run_over(self, name: str, table: Any, table_name: str) -> Any:
        """:meth:`run_over_lines` with any Arrow ``table`` as ``table_name`` (e.g. a block's parsed rows,
        fetched as Arrow, read by several statements)."""

    @property
    def con(self) -> Any:
        """The DuckDB connection (to register an Arrow table a loader built, as graph files do). Its
        configuration is locked and its external access off: a loader reads no file in SQL and changes
        no setting."""


#: Module attributes every format has: name -> what it is.
REQUIRED = {
    "NAME": "the format id (``--format NAME``), as in the registry",
    "PLATFORM": "the default platform that qualifies ids (``twitter``, ``reddit``, ``csv``, ...); None where the "
                "rows take the platform of the accounts they name (account attributes)",
    "LAYOUT": "``lines`` or ``document``: how raw_lines holds the file",
    "sniff": "sniff(sample) -> bool: whether a Sample (the file's start) is this format",
    "stage": "stage(ctx) -> None: fill the stage_* tables from raw_lines",
}
#: Module attributes a format may have.
OPTIONAL = {
    "layout": "layout(sample) -> str: the layout of this file, where LAYOUT is only the default",
    "check_sample": "check_sample(sample, name) -> None: refuse a file early with a clear error",
    "resolve": "resolve(ctx) -> None: after the merge, add what this load completes of earlier loads",
    "TAKES_KIND": "True when rows name no kind, so --kind applies (edge lists, graph files)",
    "prepare": "prepare(ctx) -> None: a lines format that streams: create its work tables before the first block",
    "parse": "parse(ctx) -> None: one block of the file (raw_lines holds that block's lines) into the work "
             "tables and stage_rejects",
    "finish": "finish(ctx) -> None: after the last block, the stage_* tables of the whole file from the work "
              "tables; the format's stage(ctx) then stages the whole file at once, usually prepare, parse and finish in a "
              "row (as Spark runs it)",
    "PARSE_BYTES": "a lines format that streams: parse about this many bytes of lines at once (several "
                   "blocks; default: each block as it is read)",
    "READS_BLOCK": "True for a streaming format whose parse reads each block's Arrow lines itself (ctx.block, "
                   "ctx.run_over_lines) instead of raw_lines, which is absent while it parses and must then hold the "
                   "block's lines it may reject (DuckDB only)",
    "READS_FILE": "True for a streaming format with parse_file: a file on disk (plain, .zst or .gz) is read by "
                  "DuckDB's own reader in a private instance instead of block by block (DuckDB only)",
    "parse_file": "parse_file(ctx, file) -> int: the whole file through file (a workbench.ingest.direct.FileReader: "
                  "run, rows, check_expansion) into the work tables; the number of records; raises ReadByLines "
                  "at a reject, and the pipeline then loads the file again block by block",
    "streams": "streams(sample) -> bool: whether this file is parsed block by block (default: yes when "
               "prepare, parse and finish exist)",
}


def check_loader(module: ModuleType) -> list[str]:
    """What ``module`` lacks or gets wrong of the loader contract; empty when it follows it."""
    problems = [f"{name}: missing" for name in REQUIRED if not hasattr(module, name)]
    name = getattr(module, "NAME", "")
    if hasattr(module, "NAME") and (not isinstance(name, str) or not name):
        problems.append(f"NAME: expected a non-empty string, got {name!r}")
    platform = getattr(module, "PLATFORM", None)
    if platform is not None and (not isinstance(platform, str) or not platform):
        problems.append(f"PLATFORM: expected a non-empty string or None, got {platform!r}")
    layout = getattr(module, "LAYOUT", None)
    if layout is not None and layout not in LAYOUTS:
        problems.append(f"LAYOUT: expected one of {', '.join(LAYOUTS)}, got {layout!r}")
    for name in ("sniff", "stage", "layout", "check_sample", "resolve", "prepare", "parse", "finish", "streams"):
        if hasattr(module, name) and not callable(getattr(module, name)):
            problems.append(f"{name}: expected a function")
    if not isinstance(getattr(module, "READS_BLOCK", False), bool):
        problems.append(f"READS_BLOCK: expected True or False, got {getattr(module, 'READS_BLOCK')!r}")
    parse_bytes = getattr(module, "PARSE_BYTES", 0)
    if not isinstance(parse_bytes, int) or isinstance(parse_bytes, bool) or parse_bytes < 0:
        problems.append(f"PARSE_BYTES: expected a number of bytes (an int, 0 or more), got {parse_bytes!r}")
    takes_kind = getattr(module, "TAKES_KIND", False)
    if not isinstance(takes_kind, bool):
        problems.append(f"TAKES_KIND: expected True or False, got {takes_kind!r}")
    return problems
