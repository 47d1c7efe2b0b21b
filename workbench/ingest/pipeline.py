"""Loading one source: stage, validate, merge, record provenance, in one transaction.

The order of a load:

1. detect the format (unless given) and allocate a ``load_id``;
2. write the ``loads`` row with status ``running`` in its own transaction, so a
   load that is killed stays visible (it is marked ``failed`` the next time the
   workspace is opened for writing);
3. in one transaction: stream the file into ``raw_lines``, let the format's
   SQL fill the staging tables, check (strict mode, empty file), merge into the
   canonical tables with dedupe on ids, run the format's ``resolve`` step,
   record the rejects and finish the ``loads`` row;
4. on any error, roll back and mark the ``loads`` row ``failed`` with the reason.

A file whose sha256 matches an earlier successful load and that adds nothing is
rolled back entirely: loading the same file twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import ModuleType
from typing import Any

from workbench import sql as sql_module
from workbench.errors import EmptyExportError, ExportFormatError, StrictModeError, WorkbenchError
from workbench.ingest.detect import Sample, detect_format, read_sample
from workbench.ingest.formats import get_format
from workbench.ingest.report import FileReport
from workbench.ingest.sources import Source
from workbench.ingest.staging import create_stage_tables, drop_stage_tables, stage_source
from workbench.store import Store

__all__ = ["StageContext", "load_source"]

FIRST_REJECTS_SHOWN = 5


@dataclass
class StageContext:
    """What a format module's ``stage`` and ``resolve`` receive (see the loader contract)."""

    store: Store
    load_id: int
    path: str
    platform: str
    strict: bool
    records_read: int = 0
    unresolved: int = 0
    #: the kind of rows that name none (edge lists, graph files): the load's ``kind=``, None for the default
    default_kind: str | None = None
    #: how many loaded rows took that kind (set by loaders whose ``TAKES_KIND`` is true)
    assumed_kind_rows: int = 0
    #: the format's own options (``load(..., options=...)``; the attributes format: ``id_column``, ``name``)
    options: dict[str, Any] = field(default_factory=dict)
    #: lines for the load summary that a loader wants the user to see (e.g. a graph file's multi-edges)
    notes: list[str] = field(default_factory=list)

    @property
    def con(self):
        return self.store.con

    def _auto(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"load_id": self.load_id, "platform": self.platform, "path": self.path, **params}

    def sql(self, text: str, **params: Any):
        """Run SQL statements with ``$params`` bound (``$load_id``, ``$platform``, ``$path`` are automatic)."""
        return self.store.sql(text, self._auto(params))

    def run(self, name: str, **params: Any):
        """Run the named query ``name`` (all its statements) with ``$params`` bound."""
        query = sql_module.get(name)
        merged = self._auto(params)
        return self.store.sql(query.text, {k: v for k, v in merged.items() if k in query.params})

    def scalar(self, text: str, **params: Any) -> Any:
        row = self.sql(text, **params).fetchone()
        return None if row is None else row[0]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _layout(module: ModuleType, sample: Sample) -> str:
    chooser = getattr(module, "layout", None)
    if callable(chooser):
        try:
            return chooser(sample)
        except Exception:  # noqa: BLE001 - e.g. RecursionError on a first line nested [[[[... 20,000 deep
            return "lines"  # then each line is judged (and rejected) on its own
    return getattr(module, "LAYOUT", "lines")


def _canonical_counts(store: Store) -> dict[str, int]:
    row = store.sql("SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM posts), "
                    "(SELECT count(*) FROM interactions)").fetchone()
    return dict(zip(("accounts", "posts", "interactions"), map(int, row)))


def load_source(store: Store, source: Source, *, format: str = "auto", strict: bool = False,
                platform: str | None = None, progress: bool | None = None, kind: str | None = None,
                options: dict[str, Any] | None = None) -> FileReport:
    """Load one source as one transaction; see the module docstring for the steps."""
    report = FileReport(path=source.name, format=format)
    sample = None
    if format == "auto":
        sample = read_sample(source)
        format = detect_format(source, sample)
        report.format = format
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
    layout = _layout(module, sample)
    platform_name = platform or module.PLATFORM
    report.platform = platform_name

    con = store.con
    load_id = int(store.scalar("SELECT nextval('load_ids')"))
    report.load_id = load_id
    store.sql(
        "INSERT INTO loads (load_id, path, format, bytes, started_at, status, platform) "
        "VALUES ($load_id, $path, $format, $bytes, $started, 'running', $platform)",
        dict(load_id=load_id, path=source.name, format=format, bytes=source.size,
             started=_now(), platform=platform_name),
    )
    ctx = StageContext(store, load_id, source.name, platform_name, strict, default_kind=kind,
                       options=dict(options or {}))
    con.execute("BEGIN TRANSACTION")
    try:
        create_stage_tables(con)
        staged = stage_source(con, source, layout=layout, progress=progress)
        report.sha256, report.bytes = staged.sha256, staged.bytes
        ctx.records_read = staged_rows = int(store.scalar("SELECT count(*) FROM raw_lines"))
        module.stage(ctx)
        report.notes = list(ctx.notes)
        if ctx.assumed_kind_rows:
            report.assumed_kind = kind or "mention"
            report.assumed_kind_rows = ctx.assumed_kind_rows
            report.assumed_kind_default = kind is None
        records_read = ctx.records_read + staged.encoding_rejects
        # a line of a lines-layout file is one record however many reasons it got; in a document every
        # rejected element is its own record, though all sit on line 1
        rejected = int(store.scalar(
            "SELECT count(*) FROM (SELECT DISTINCT member, line_no FROM stage_rejects)" if layout == "lines"
            else "SELECT count(*) FROM stage_rejects"))
        if records_read and ctx.records_read == 0 and staged.encoding_rejects == 0:
            records_read = rejected
        report.records_read = records_read
        report.records_rejected = rejected
        report.records_loaded = max(records_read - rejected, 0)
        first = store.sql(
            "SELECT line_no, reason, member FROM stage_rejects ORDER BY member NULLS FIRST, line_no LIMIT $n",
            {"n": FIRST_REJECTS_SHOWN}).fetchall()
        report.first_rejects = [(line, reason if member is None else f"{member}: {reason}")
                                for line, reason, member in first]
        if strict and rejected:
            line_no, reason, member = first[0]
            where = source.name if member is None else f"{source.name}/{member}"
            raise StrictModeError(f"{reason} (strict mode: nothing was loaded; {rejected} bad record(s) in all)",
                                  path=where, line_no=line_no)
        if report.records_loaded == 0:
            why = ("the file is empty: no record to load" if staged_rows == 0 else
                   "the file holds no records to load (an empty list or export)") if records_read == 0 else (
                f"no record could be read ({rejected} rejected; first at line {first[0][0]}: {first[0][1]})")
            raise EmptyExportError(why, path=source.name)

        before = _canonical_counts(store)
        ctx.unresolved += int(store.scalar(
            "SELECT count(*) FROM (SELECT DISTINCT post_id, kind, source_id FROM stage_interactions "
            "WHERE target_id IS NULL AND source_id IS NOT NULL)"))
        store.execute("ingest.merge_accounts")
        store.execute("ingest.merge_posts", load_id=load_id)
        store.execute("ingest.merge_interactions", load_id=load_id)
        entities_before = int(store.scalar("SELECT count(*) FROM post_entities"))
        store.execute("ingest.merge_post_entities", load_id=load_id)
        report.new_entities = int(store.scalar("SELECT count(*) FROM post_entities")) - entities_before
        report.new_attributes = int(store.query("ingest.attributes_changed")["changed"].iloc[0])
        store.execute("ingest.merge_attributes", load_id=load_id)
        resolve = getattr(module, "resolve", None)
        if callable(resolve):
            resolve(ctx)
        report.unresolved = ctx.unresolved
        after = _canonical_counts(store)
        report.new_accounts = after["accounts"] - before["accounts"]
        report.new_posts = after["posts"] - before["posts"]
        report.new_interactions = after["interactions"] - before["interactions"]

        previous = store.scalar(
            "SELECT min(load_id) FROM loads WHERE sha256 = $sha AND status = 'ok' AND load_id <> $load_id",
            {"sha": staged.sha256, "load_id": load_id})
        if previous is not None and not (report.new_accounts or report.new_posts or report.new_interactions
                                         or report.new_attributes or report.new_entities):
            con.execute("ROLLBACK")
            store.sql("DELETE FROM loads WHERE load_id = $load_id", {"load_id": load_id})
            report.already_loaded_as = int(previous)
            report.load_id = None
            return report

        if rejected:
            store.execute("ingest.save_rejects", load_id=load_id, path=source.name)
        store.sql(
            "UPDATE loads SET sha256 = $sha, bytes = $bytes, finished_at = $finished, records_read = $read, "
            "records_loaded = $loaded, records_rejected = $rejected, status = 'ok', "
            "interactions_loaded = $interactions, unresolved = $unresolved WHERE load_id = $load_id",
            dict(sha=staged.sha256, bytes=staged.bytes, finished=_now(), read=report.records_read,
                 loaded=report.records_loaded, rejected=report.records_rejected,
                 interactions=report.new_interactions, unresolved=report.unresolved, load_id=load_id),
        )
        con.execute("COMMIT")
    except BaseException as error:
        try:
            con.execute("ROLLBACK")
        except Exception:  # noqa: BLE001 - the transaction may already be gone
            pass
        message = str(error) if isinstance(error, WorkbenchError) else f"{type(error).__name__}: {error}"
        if isinstance(error, KeyboardInterrupt):
            message = "interrupted"
        try:
            store.sql("UPDATE loads SET status = 'failed', finished_at = $finished, message = $message, "
                      "sha256 = $sha WHERE load_id = $load_id",
                      dict(finished=_now(), message=message[:2000], sha=report.sha256, load_id=load_id))
        except Exception:  # noqa: BLE001 - never hide the original error
            pass
        report.status = "failed"
        report.error = message
        if isinstance(error, WorkbenchError) or not isinstance(error, Exception):
            raise
        raise ExportFormatError(f"could not load the file: {message}", path=source.name) from error
    finally:
        try:
            drop_stage_tables(con)
        except Exception:  # noqa: BLE001 - cleaning up must not mask the outcome
            pass
    return report
