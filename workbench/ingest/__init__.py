"""Loading exports into a workspace.

``load(store, paths)`` expands the paths (files, folders, zips, compressed
files), detects each file's format and loads each as one transaction recorded
in ``loads``. The JSON lines files of a zip that share a format are one load
(a zip of 300 one-tweet files is one load, not 300). See :mod:`workbench.ingest.pipeline` for the steps,
:mod:`workbench.ingest.contract` for the loader contract, and docs/formats.md for the formats.

Examples
--------
>>> import tempfile, pathlib
>>> import workbench as wb
>>> from workbench import datasets
>>> store = wb.open(":memory:")
>>> path = datasets.write_tiny(pathlib.Path(tempfile.mkdtemp()) / "tiny.jsonl")
>>> report = wb.load(store, path)
>>> report.files[0].format, report.records_rejected, store.counts()["interactions"]
('twitter-v2', 0, 39)
"""

from __future__ import annotations

import os
from typing import Iterable

from workbench.errors import ExportFormatError, ParameterError, WorkbenchError, WorkspaceError
from workbench.ingest.report import FileReport, LoadReport
from workbench.ingest.sources import ReadLimits, Source, expand
from workbench.store import Store

__all__ = ["load", "LoadReport", "FileReport", "ReadLimits", "formats"]


def check_row_kind(kind: str | None) -> str | None:
    """``kind`` (for rows that name none) if it is None or one interaction kind, else :class:`ParameterError`.

    >>> check_row_kind("reply"), check_row_kind(None)
    ('reply', None)
    """
    from workbench.checks import check_kinds

    if kind is None:
        return None
    if not isinstance(kind, str) or len(check_kinds(kind)) != 1:
        raise ParameterError(f"kind must be one interaction kind such as 'reply', got {kind!r}")
    return check_kinds(kind)[0]


def load(store: Store, paths: str | os.PathLike | Iterable[str | os.PathLike], *, format: str = "auto",
         strict: bool = False, platform: str | None = None, progress: bool | None = None,
         kind: str | None = None, options: dict | None = None, limits: ReadLimits | None = None) -> LoadReport:
    """Load one or more exports into ``store``.

    Parameters
    ----------
    store : Store
        An open, writable workspace.
    paths : path or list of paths
        Files (plain, .gz, .bz2, .xz, .zst), folders (every file inside) or zips.
    format : str
        A format id (``twitter-v2``, ``twitter-v1``, ``reddit``, ``mastodon``,
        ``bluesky``, ``discord``, ``slack``, ``edges-csv``) or ``"auto"`` to
        detect each file's format.
    strict : bool
        If True, any bad record aborts that file's load and leaves the
        workspace as it was; by default bad records go to ``rejects``.
    platform : str, optional
        Prefix for account and post ids instead of the format's platform
        (``--platform NAME``), e.g. for an edge list from a forum.
    progress : bool, optional
        Show a progress bar (default: when stderr is a terminal).
    kind : str, optional
        The interaction kind of edge-list rows that name none (``--kind KIND``), e.g. ``"reply"``
        for KONECT's Digg replies; ``"mention"`` when not given, and the report says how many rows
        took it (``FileReport.assumed_kind``). A file of another format is an error with it.
    options : dict, optional
        Options of the format's loader (the ``attributes`` format: ``id_column``, ``name``; see
        :func:`workbench.attributes.import_file`).
    limits : ReadLimits, optional
        Caps on decompressed size, expansion ratio and JSON document size (defaults:
        :class:`ReadLimits`); an input beyond them fails with an error naming the limit.

    Returns
    -------
    LoadReport
        One :class:`FileReport` per file.

    Raises
    ------
    ExportFormatError
        A file could not be loaded (its load rolled back and recorded as
        failed). The other files are still loaded; the error carries the
        whole report as ``error.report``.
    WorkspaceError
        The workspace is open read-only.
    """
    from workbench.ingest.pipeline import load_source
    from workbench.sql import check_identifier

    if store.read_only:
        raise WorkspaceError(f"workspace {store.path} is open read-only; open it with read_only=False to load")
    if platform is not None:
        import re
        if not re.fullmatch(r"[a-z][a-z0-9_-]{0,31}", platform):
            raise ExportFormatError(f"--platform must be a short lower-case name like 'forum'; got {platform!r}")
    kind = check_row_kind(kind)
    if format != "auto":
        from workbench.ingest.formats import FORMATS
        check_identifier(format, sorted(FORMATS) + ["auto"], what="format")
    report = LoadReport()
    errors: list[WorkbenchError] = []
    for source in expand(paths):
        for part in _parts(source, format):
            try:
                if isinstance(part, WorkbenchError):
                    raise part
                if part.refusal:
                    raise ExportFormatError(part.refusal, path=part.name)
                chosen = format if format != "auto" else (part.format_hint or "auto")
                report.files.append(load_source(store, part, format=chosen, strict=strict, platform=platform,
                                                progress=progress, kind=kind, options=options,
                                                limits=limits))
            except WorkbenchError as error:
                failed = FileReport(path=getattr(error, "path", None) or getattr(part, "name", source.name),
                                    format=format, status="failed", error=str(error))
                report.files.append(failed)
                errors.append(error)
    if errors:
        first = errors[0]
        if len(errors) > 1:
            first.args = (f"{first} (and {len(errors) - 1} more file(s) failed)",)
        first.report = report  # type: ignore[attr-defined]
        raise first
    return report


def _parts(source: Source, format: str) -> list[Source | WorkbenchError]:
    """The loads one source makes: itself, or for a zip of separate files, its JSON lines files grouped
    by format (one load each) and every other file on its own (an error for a file that cannot be
    told apart, in its place)."""
    if not source.archive:
        return [source]
    from workbench.ingest.detect import detect_format, read_sample
    from workbench.ingest.formats import get_format
    from workbench.ingest.pipeline import _layout

    parts: list[Source | WorkbenchError] = []
    groups: dict[str, list[Source]] = {}
    for member in source.members:
        alone = Source(f"{source.name}/{member.name}", member._open_raw, size=member.size,
                       compressed_size=member.compressed_size)
        try:
            sample = read_sample(alone)
            found = format if format != "auto" else detect_format(alone, sample)
            layout = _layout(get_format(found), sample)
        except WorkbenchError as error:
            parts.append(error)
            continue
        # JSON lines files of one format read as one input; CSV files each have their header
        if layout == "lines" and sample.text.lstrip().startswith("{"):
            groups.setdefault(found, []).append(member)
        else:
            alone.format_hint = found
            parts.append(alone)
    for found, members in groups.items():
        if len(members) == 1:
            member = members[0]
            parts.append(Source(f"{source.name}/{member.name}", member._open_raw, size=member.size,
                                compressed_size=member.compressed_size, format_hint=found))
        else:
            parts.append(Source(source.name, source._open_raw, size=sum(m.size or 0 for m in members),
                                members=members, archive=True, format_hint=found))
    return parts
