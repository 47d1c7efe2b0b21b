"""Loading one source: stage, validate, merge, record, in one transaction.

The order of a load:

1. detect the format (unless given) and allocate a ``load_id``;
2. write the ``loads`` row with status ``running`` in its own transaction, so a
   load that is killed stays visible (it is marked ``failed`` the next time the
   workspace is opened for writing);
3. in one transaction: read the file block by block (:func:`staging.read_blocks`,
   the next block read on a worker thread while DuckDB works on this one) and hand
   each block to the format: a format with ``parse`` parses each block into its own
   work tables and builds the staging tables from them in ``finish``; any other
   format gets ``raw_lines`` as a DuckDB table filled block by block (spilled to disk
   by DuckDB beyond its memory limit) and stages it whole in ``stage``. Then check
   (strict mode, empty file), merge into the canonical tables with dedupe on ids,
   run the format's ``resolve`` step, record the rejects and finish the ``loads`` row;
4. on any error, roll back and mark the ``loads`` row ``failed`` with the reason.

:func:`load_source` runs these steps as :func:`stage` (read and stage), :func:`validate` (count
records and rejects; strict mode, empty file), :func:`merge` (into the canonical tables, then the
format's ``resolve``) and :func:`record` (rejects and the ``loads`` row, or a rollback when the file
was loaded before and adds nothing). The ``loads`` statements are the named queries of
``queries/ingest/loads.sql``.

Memory therefore holds a few blocks of the file plus what DuckDB keeps within its
``memory_limit`` (:func:`workbench.open`), whatever the file's size.

A file whose sha256 matches an earlier successful load and that adds nothing is
rolled back entirely: loading the same file twice changes nothing.

The loader contract
-------------------
A format module has ``NAME``, ``PLATFORM``, ``LAYOUT`` (``"lines"`` or ``"document"``), ``sniff``
and ``stage(ctx)`` (read ``raw_lines``, fill ``stage_*``), optionally ``layout(sample)`` and
``resolve(ctx)``. A lines format that streams also has ``prepare(ctx)`` (create its work tables),
``parse(ctx)`` (one block: ``raw_lines`` is that block's lines; append to the work tables and
``stage_rejects``) and ``finish(ctx)`` (the whole file, from the work tables), and may set
``PARSE_BYTES``: ``parse`` then gets several blocks at once, about that many bytes of lines (DuckDB
parses a table on as many threads as it has row groups of 122,880 rows; a block of long lines is
one). Its ``stage`` stages the whole file at once (usually ``prepare``, ``parse`` and ``finish`` in a
row), which is how the Spark engine runs it. A streaming format with ``READS_BLOCK`` reads each block's
Arrow lines in place (``ctx.block``, ``ctx.run_over_lines``) instead of a copy in ``raw_lines``, and
leaves in ``raw_lines`` the lines it may reject. On DuckDB, ``finish`` may replace ``stage_interactions`` by a temp view of its work
tables (edge lists do): the merge then computes the staged rows as it inserts them, instead of storing
them twice. A streaming format may also write to the canonical tables itself, within the load's
transaction, where no merge is needed (a Reddit load whose posts the workspace does not hold: ``reddit_append_posts``);
what the load added is counted from before staging.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from types import ModuleType
from typing import Any, Callable

import pyarrow as pa

from workbench import sql as sql_module
from workbench.containment import visible
from workbench.errors import EmptyExportError, ExportFormatError, StrictModeError, WorkbenchError
from workbench.ingest.context import StageContext
from workbench.ingest.detect import Sample, detect_format, read_sample
from workbench.ingest.direct import ReadByLines
from workbench.ingest.formats import get_format
from workbench.ingest.report import FileReport
from workbench.ingest.sources import ReadLimits, Source
from workbench.ingest.staging import (PROGRESS_MIN_BYTES, StagedInput, create_stage_tables,
                                      drop_stage_tables, in_row_groups, prefetch, read_blocks)
from workbench.store import Store

__all__ = ["StageContext", "load_source", "stage", "validate", "merge", "record"]

FIRST_REJECTS_SHOWN = 5


def _copy_block(con, lines: pa.Table) -> None:
    """Append a block's Arrow lines to the temp table ``raw_lines``.

    Copied through a relation, not scanned as a registered view: within a transaction DuckDB keeps
    every Python object that a query of the transaction scanned by name alive until the transaction
    ends, so registering each block would hold the whole file in memory (measured: +35 MB a 32 MB
    block, 2 GB for a 1.5 GB file under a 256 MB limit). A relation's insert keeps nothing. The lines
    go in batches of whole row groups (:func:`~workbench.ingest.staging.in_row_groups`).
    """
    con.from_arrow(in_row_groups(lines)).insert_into("raw_lines")


def _member_lines_frame(member_lines: list[tuple[str, int, int]]) -> pa.Table:
    members, firsts, lasts = zip(*member_lines)
    return pa.table({"member": pa.array(members, pa.string()), "first_line": pa.array(firsts, pa.int64()),
                     "last_line": pa.array(lasts, pa.int64())})


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _quietly(step: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run a clean-up ``step`` whose own failure must not mask the load's outcome: a ROLLBACK of a
    transaction DuckDB already ended, a setting the workspace's locked configuration refuses, the
    ``failed`` mark of a workspace that broke mid-load. The load's own error is what the user needs."""
    try:
        step(*args, **kwargs)
    except Exception:  # noqa: BLE001 - see the docstring: never hide the original outcome
        pass


def _value(store: Store, name: str, **params: Any) -> Any:
    """The single value of the named query ``name``."""
    query = sql_module.get(name)
    rows = store.sql(query.text, query.bind(params)).fetchall()
    return rows[0][0] if rows else None


def _counts(store: Store) -> dict[str, int]:
    query = sql_module.get("ingest.canonical_counts")
    cursor = store.sql(query.text)
    names = [column[0] for column in cursor.description]
    return dict(zip(names, map(int, cursor.fetchone())))


def _layout(module: ModuleType, sample: Sample) -> str:
    chooser = getattr(module, "layout", None)
    if callable(chooser):
        try:
            return chooser(sample)
        except Exception:  # noqa: BLE001 - e.g. RecursionError on a first line nested [[[[... 20,000 deep
            return "lines"  # then each line is judged (and rejected) on its own
    return getattr(module, "LAYOUT", "lines")


def _streams(module: ModuleType, layout: str, sample: Sample | None = None) -> bool:
    """Whether the format parses this file block by block (see the loader contract)."""
    if layout != "lines" or not all(callable(getattr(module, name, None)) for name in ("prepare", "parse", "finish")):
        return False
    decide = getattr(module, "streams", None)
    return bool(decide(sample)) if callable(decide) and sample is not None else True


def _stage_blocks(store: Store, ctx: StageContext, module: ModuleType, source: Source, layout: str,
                  staged: StagedInput, *, limits: ReadLimits | None, progress: bool | None) -> int:
    """Read ``source`` block by block into the format's staging; return the number of staged lines."""
    from tqdm.auto import tqdm

    con = store.con
    streaming = _streams(module, layout, ctx.sample)
    if streaming:
        # raw_lines is each block in turn; the lines the format rejects are kept for rejects.raw
        store.execute("ingest.kept_lines")
        module.prepare(ctx)
    show = progress if progress is not None else sys.stderr.isatty()
    size = source.size or 0
    bar = tqdm(total=size, unit="B", unit_scale=True, desc=visible(source.name)[-40:], leave=False,
               disable=not show or size < PROGRESS_MIN_BYTES)
    reading_reject = sql_module.get("ingest.reading_reject").text
    parse_bytes = getattr(module, "PARSE_BYTES", 0)
    reads_block = bool(getattr(module, "READS_BLOCK", False))
    rows = 0
    parsed = False
    pending: list[int] = []  # the first and last line of the blocks in raw_lines not parsed yet, and their bytes
    done_before, last_raw = 0, 0  # the bytes of earlier members of a multi-file source, for the bar

    def parse_pending() -> None:
        module.parse(ctx)
        store.execute("ingest.keep_rejected_lines", first=pending[0], last=pending[1])
        pending.clear()

    try:
        for block in prefetch(read_blocks(source, layout=layout, staged=staged, limits=limits)):
            if block.rejects:
                con.executemany(reading_reject, block.rejects)
            n = block.lines.num_rows
            rows += n
            if n and streaming and reads_block:  # the format scans the Arrow lines in place
                store.execute("ingest.no_block_lines")
                ctx.block = block.lines
                try:
                    module.parse(ctx)
                finally:
                    ctx.block = None
                store.execute("ingest.keep_rejected_lines", first=block.first_line, last=block.last_line)
            elif n and streaming:
                if not pending:
                    store.execute("ingest.block_lines")
                    pending[:] = [block.first_line, block.last_line, 0]
                _copy_block(con, block.lines)
                pending[1] = block.last_line
                pending[2] += block.lines.nbytes
                if pending[2] >= parse_bytes:
                    parse_pending()
            elif n:
                _copy_block(con, block.lines)
            parsed = parsed or bool(n and streaming)
            if block.raw_bytes < last_raw:
                done_before += last_raw
            last_raw = block.raw_bytes
            bar.update(min(done_before + last_raw, size) - bar.n)
        if pending:
            parse_pending()
    finally:
        bar.close()
    if streaming and not parsed:  # every line was blank or rejected while reading: one empty block
        store.execute("ingest.block_lines")
        module.parse(ctx)
    if streaming:
        store.execute("ingest.kept_as_raw_lines")
    ctx.reading_rejects = staged.encoding_rejects
    return rows


def _file_compression(module: ModuleType, layout: str, ctx: StageContext, source: Source,
                      limits: ReadLimits | None) -> str | None:
    """How DuckDB's reader decompresses ``source`` when the format reads whole files itself (``READS_FILE``,
    see :mod:`workbench.ingest.direct`), or None: the file is read block by block."""
    from workbench.ingest.direct import compression_of, starts_within_limits

    if not (getattr(module, "READS_FILE", False) and callable(getattr(module, "parse_file", None))
            and _streams(module, layout, ctx.sample)):
        return None
    compression = compression_of(source, limits)
    if compression not in (None, "none") and not starts_within_limits(source, limits):
        return None
    return compression


def _stage_file(store: Store, ctx: StageContext, module: ModuleType, source: Source, compression: str,
                staged: StagedInput, *, limits: ReadLimits | None, progress: bool | None) -> int:
    """The whole file read by DuckDB's own reader into the format's staging (``parse_file``, see
    :mod:`workbench.ingest.direct`); return the number of records. The format raises
    :class:`~workbench.ingest.direct.ReadByLines` when the file is to be read line by line instead."""
    from tqdm.auto import tqdm

    from workbench.ingest.direct import FileReader

    store.execute("ingest.kept_lines")  # no line is kept: a file with a reject is read by lines
    module.prepare(ctx)
    show = progress if progress is not None else sys.stderr.isatty()
    size = source.size or 0
    threads = int(store.con.execute("SELECT current_setting('threads')").fetchall()[0][0])
    with tqdm(total=size, unit="B", unit_scale=True, desc=visible(source.name)[-40:], leave=False,
              disable=not show or size < PROGRESS_MIN_BYTES) as bar:
        with FileReader(source, compression, limits=limits, threads=threads, bar=bar) as file:
            rows = module.parse_file(ctx, file)
            staged.sha256, staged.bytes = file.digest()
    store.execute("ingest.kept_as_raw_lines")
    return rows


def stage(store: Store, ctx: StageContext, module: ModuleType, source: Source, layout: str, *,
          limits: ReadLimits | None = None, progress: bool | None = None,
          by_lines: bool = False) -> tuple[StagedInput, int]:
    """Read ``source`` into the staging tables: by DuckDB's own reader (a format with ``READS_FILE``,
    unless ``by_lines``) or block by block, then the format's ``finish`` (a streaming format) or
    ``stage`` (the whole file); rejects of a zip's files named by file.

    Returns what was read (sha256, bytes, rejected encodings, members) and the number of lines staged.
    """
    create_stage_tables(store.con)
    staged = StagedInput()
    compression = None if by_lines else _file_compression(module, layout, ctx, source, limits)
    if compression is not None:
        staged_rows = _stage_file(store, ctx, module, source, compression, staged, limits=limits, progress=progress)
    else:
        staged_rows = _stage_blocks(store, ctx, module, source, layout, staged, limits=limits, progress=progress)
    ctx.records_read = staged_rows
    if _streams(module, layout, ctx.sample):
        module.finish(ctx)
    else:
        module.stage(ctx)
    if staged.member_lines:  # a zip's files loaded as one: rejects name the file and its own line
        store.con.register("member_lines", _member_lines_frame(staged.member_lines))
        try:
            store.execute("ingest.rejects_by_member")
        finally:
            store.con.unregister("member_lines")
    return staged, staged_rows


def validate(store: Store, ctx: StageContext, report: FileReport, staged: StagedInput, staged_rows: int,
             layout: str) -> None:
    """Count the records read, loaded and rejected into ``report``; refuse a strict load with rejects
    (:class:`StrictModeError`) and a file without a record to load (:class:`EmptyExportError`)."""
    report.notes = list(ctx.notes)
    if ctx.assumed_kind_rows:
        report.assumed_kind = ctx.default_kind or "mention"
        report.assumed_kind_rows = ctx.assumed_kind_rows
        report.assumed_kind_default = ctx.default_kind is None
    records_read = ctx.records_read + staged.encoding_rejects
    rejected = int(_value(store, "ingest.rejected_lines" if layout == "lines" else "ingest.rejected_elements"))
    if records_read and ctx.records_read == 0 and staged.encoding_rejects == 0:
        records_read = rejected
    report.records_read = records_read
    report.records_rejected = rejected
    report.records_loaded = max(records_read - rejected, 0)
    query = sql_module.get("ingest.first_rejects")
    first = store.sql(query.text, query.bind({"n": FIRST_REJECTS_SHOWN})).fetchall()
    report.first_rejects = [(line, reason if member is None else f"{member}: {reason}")
                            for line, reason, member in first]
    if ctx.strict and rejected:
        line_no, reason, member = first[0]
        where = ctx.path if member is None else f"{ctx.path}/{member}"
        raise StrictModeError(f"{reason} (strict mode: nothing was loaded; {rejected} bad record(s) in all)",
                              path=where, line_no=line_no)
    if report.records_loaded == 0:
        why = ("the file is empty: no record to load" if staged_rows == 0 else
               "the file holds no records to load (an empty list or export)") if records_read == 0 else (
            f"no record could be read ({rejected} rejected; first at line {first[0][0]}: {first[0][1]})")
        raise EmptyExportError(why, path=ctx.path)


def merge(store: Store, ctx: StageContext, module: ModuleType, report: FileReport,
          before: dict[str, int] | None = None) -> None:
    """Merge the staging tables into the canonical ones (dedupe on ids), run the format's ``resolve``
    and count in ``report`` what the load added since ``before`` (the canonical counts before the
    load staged anything: a format may append to them while staging; default: now)."""
    before = before if before is not None else _counts(store)
    if not ctx.targets_resolved:
        ctx.unresolved += int(_value(store, "ingest.staged_unresolved"))
    store.execute("ingest.stage_accounts_as_unique" if ctx.accounts_unique else "ingest.stage_accounts_grouped")
    store.execute("ingest.merge_accounts")
    store.execute("ingest.merge_posts", load_id=ctx.load_id)
    store.execute("ingest.merge_interactions_prepare")
    store.execute("ingest.merge_interactions_unique" if ctx.interactions_unique else "ingest.merge_interactions",
                  load_id=ctx.load_id, targets_resolved=bool(ctx.targets_resolved))
    store.execute("ingest.merge_post_entities", load_id=ctx.load_id)
    report.new_attributes = int(_value(store, "ingest.attributes_changed"))
    store.execute("ingest.merge_attributes", load_id=ctx.load_id)
    resolve = getattr(module, "resolve", None)
    if callable(resolve):
        resolve(ctx)
    report.unresolved = ctx.unresolved
    after = _counts(store)
    report.new_accounts = after["accounts"] - before["accounts"]
    report.new_posts = after["posts"] - before["posts"]
    report.new_interactions = after["interactions"] - before["interactions"]
    report.new_entities = after["entities"] - before["entities"]


def record(store: Store, ctx: StageContext, report: FileReport, staged: StagedInput) -> bool:
    """Save the rejects and finish the ``loads`` row (within the load's transaction); False, touching
    nothing, when the same bytes were loaded before and this load adds nothing (the caller rolls back)."""
    previous = _value(store, "ingest.earlier_load", sha=staged.sha256, load_id=ctx.load_id)
    if previous is not None and not (report.new_accounts or report.new_posts or report.new_interactions
                                     or report.new_attributes or report.new_entities):
        report.already_loaded_as = int(previous)
        return False
    if report.records_rejected:
        store.execute("ingest.save_rejects", load_id=ctx.load_id, path=ctx.path)
    store.execute("ingest.load_finished", sha=staged.sha256, bytes=staged.bytes, finished=_now(),
                  read=report.records_read, loaded=report.records_loaded, rejected=report.records_rejected,
                  interactions=report.new_interactions, unresolved=report.unresolved, load_id=ctx.load_id)
    return True


def _choose_format(source: Source, format: str, kind: str | None) -> tuple[ModuleType, str, Sample]:
    """The format module (detected when ``format`` is ``"auto"``), its name and the file's sample."""
    sample = None
    if format == "auto":
        sample = read_sample(source)
        format = detect_format(source, sample)
    module = get_format(format)
    if kind is not None and not getattr(module, "TAKES_KIND", False):
        raise ExportFormatError(f"kind={kind!r} (--kind) is for edge lists and graph files, whose rows name no "
                                f"kind; this file is {format}, whose interactions carry their own kinds",
                                path=source.name)
    if sample is None:
        sample = read_sample(source)
    check_sample = getattr(module, "check_sample", None)
    if callable(check_sample):
        check_sample(sample, source.name)  # e.g. a GML file given as an edge list
    return module, format, sample


def _failed(store: Store, report: FileReport, error: BaseException) -> WorkbenchError | BaseException:
    """Mark the load ``failed`` with the reason (its own transaction) and say what to raise."""
    message = str(error) if isinstance(error, WorkbenchError) else f"{type(error).__name__}: {error}"
    if isinstance(error, KeyboardInterrupt):
        message = "interrupted"
    _quietly(store.execute, "ingest.load_failed", finished=_now(), message=message[:2000], sha=report.sha256,
             load_id=report.load_id)
    report.status = "failed"
    report.error = message
    if isinstance(error, WorkbenchError) or not isinstance(error, Exception):
        return error
    return ExportFormatError(f"could not load the file: {message}", path=report.path)


def load_source(store: Store, source: Source, *, format: str = "auto", strict: bool = False,
                platform: str | None = None, progress: bool | None = None, kind: str | None = None,
                options: dict[str, Any] | None = None, limits: ReadLimits | None = None) -> FileReport:
    """Load one source as one transaction: :func:`stage`, :func:`validate`, :func:`merge`, :func:`record`."""
    module, format, sample = _choose_format(source, format, kind)
    layout = _layout(module, sample)
    report = FileReport(path=source.name, format=format, platform=platform or module.PLATFORM)
    report.load_id = int(_value(store, "ingest.next_load_id"))
    store.execute("ingest.load_started", load_id=report.load_id, path=source.name, format=format,
                  bytes=source.size, started=_now(), platform=report.platform)
    # The load runs on a connection of its own (a cursor): its staging tables are its own temp tables,
    # gone when it closes (its settings are the workspace's, UTC included); the main connection only
    # writes the loads row.
    con = store.con.cursor()
    work = Store(con, store.path, read_only=False)

    def context() -> StageContext:
        return StageContext(work, report.load_id, source.name, report.platform, strict, sample=sample,
                            default_kind=kind, options=dict(options or {}))

    ctx = context()
    con.execute("BEGIN TRANSACTION")
    try:
        before = _counts(work)
        try:
            staged, staged_rows = stage(work, ctx, module, source, layout, limits=limits, progress=progress)
        except ReadByLines:  # a reject, or DuckDB's reader stopped: the file again, line by line
            con.execute("ROLLBACK")
            con.execute("BEGIN TRANSACTION")
            ctx = context()
            staged, staged_rows = stage(work, ctx, module, source, layout, limits=limits, progress=progress,
                                        by_lines=True)
        report.sha256, report.bytes = staged.sha256, staged.bytes
        validate(work, ctx, report, staged, staged_rows, layout)
        merge(work, ctx, module, report, before)
        if record(work, ctx, report, staged):
            con.execute("COMMIT")
        else:  # the same file again, adding nothing: as if it had not been loaded
            con.execute("ROLLBACK")
            store.execute("ingest.load_forgotten", load_id=report.load_id)
            report.load_id = None
    except BaseException as error:
        _quietly(con.execute, "ROLLBACK")  # DuckDB may have ended the transaction already
        raised = _failed(store, report, error)
        if raised is error:
            raise
        raise raised from error
    finally:
        _quietly(drop_stage_tables, con)
        con.close()
    return report
