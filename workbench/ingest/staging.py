"""Streaming an input into the ``raw_lines`` staging table.

The decompressed bytes are read in large blocks; each block is cut at its last
newline, checked (UTF-8, NUL bytes) and cut into numbered lines with numpy and
Arrow (the newline positions are found in one vectorised pass; the lines keep
pointing into the block's bytes). Python never loops over lines, except over
the lines of a block that is not valid UTF-8 or holds a NUL byte, to find and
reject exactly those lines.

For the ``lines`` layout, ``raw_lines`` is then a temporary view over the Arrow
table of the file's lines, in record batches of a few megabytes: DuckDB scans
an Arrow table batch by batch on all its threads, whereas a table of a few
thousand long lines (a twarc2 page is ~130 kB) fits in one row group and is
scanned, and parsed, by one thread. The view is read-only: staging does all the
tidying (CRLF ends, blank lines, over-long lines) while it builds the batches.

A line longer than :data:`MAX_LINE_BYTES` is no export record (the longest
real records are a few hundred kilobytes): it is rejected ("line too long")
and its bytes are skipped as they stream past, so memory stays bounded by the
block size whatever the input.
"""

from __future__ import annotations

import sys
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from tqdm.auto import tqdm

from workbench.containment import visible
from workbench.errors import ExportFormatError
from workbench.ingest.sources import HashingReader, Source

__all__ = ["StagedInput", "stage_source", "create_stage_tables", "BLOCK_BYTES", "PROGRESS_MIN_BYTES",
           "MAX_LINE_BYTES"]

BLOCK_BYTES = 32 << 20
PROGRESS_MIN_BYTES = 8 << 20
#: The longest line (one record) that is staged; DuckDB's read_json has the same default object limit.
MAX_LINE_BYTES = 16 << 20
_RAW_KEPT = 2000
_BOM = b"\xef\xbb\xbf"

_STAGE_TABLES = """
CREATE OR REPLACE TEMP TABLE raw_lines (line_no BIGINT, line VARCHAR, member VARCHAR);
CREATE OR REPLACE TEMP TABLE stage_accounts (
    account_id VARCHAR, platform VARCHAR, handle VARCHAR, display_name VARCHAR, followers BIGINT,
    following BIGINT, posts_count BIGINT, created_at TIMESTAMPTZ, is_focal BOOLEAN, seen_at TIMESTAMPTZ);
CREATE OR REPLACE TEMP TABLE stage_posts (
    post_id VARCHAR, platform VARCHAR, author_id VARCHAR, created_at TIMESTAMPTZ, text VARCHAR, lang VARCHAR,
    parent_post_id VARCHAR, conversation_id VARCHAR, channel VARCHAR, kind VARCHAR, like_count BIGINT,
    share_count BIGINT, reply_count BIGINT, quote_count BIGINT, collected BOOLEAN, line_no BIGINT);
CREATE OR REPLACE TEMP TABLE stage_interactions (
    source_id VARCHAR, target_id VARCHAR, kind VARCHAR, post_id VARCHAR, created_at TIMESTAMPTZ, platform VARCHAR);
CREATE OR REPLACE TEMP TABLE stage_rejects (line_no BIGINT, reason VARCHAR, member VARCHAR, raw VARCHAR);
CREATE OR REPLACE TEMP TABLE stage_attributes (account_id VARCHAR, name VARCHAR, value VARCHAR, line_no BIGINT);
CREATE OR REPLACE TEMP TABLE stage_post_entities (post_id VARCHAR, entity VARCHAR, value VARCHAR);
"""

#: Rows of one Arrow record batch of ``raw_lines`` at most, and its bytes about at most: DuckDB hands
#: the batches out to its threads one by one, so small batches keep both cores busy to the end.
BATCH_ROWS = 2048
BATCH_BYTES = 4 << 20

_RAW_LINES_SCHEMA = pa.schema([("line_no", pa.int64()), ("line", pa.string_view()), ("member", pa.string())])

_DROP_STAGE_TABLES = """
DROP TABLE IF EXISTS temp.raw_lines;
DROP TABLE IF EXISTS temp.stage_accounts;
DROP TABLE IF EXISTS temp.stage_posts;
DROP TABLE IF EXISTS temp.stage_interactions;
DROP TABLE IF EXISTS temp.stage_rejects;
DROP TABLE IF EXISTS temp.stage_attributes;
DROP TABLE IF EXISTS temp.stage_post_entities;
"""


def create_stage_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or empty) the temp tables of the loader contract."""
    _unregister_lines(con)
    for statement in con.extract_statements(_STAGE_TABLES):
        con.execute(statement)


def _unregister_lines(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the ``raw_lines`` view over a file's Arrow lines, if staging registered one."""
    try:
        con.unregister("raw_lines")
    except duckdb.Error:
        pass


def drop_stage_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Free the staging tables once a load has committed or rolled back."""
    _unregister_lines(con)
    for statement in con.extract_statements(_DROP_STAGE_TABLES):
        con.execute(statement)


@dataclass
class StagedInput:
    """What staging saw: lines read, lines rejected for bad bytes, the file's hash and size."""

    lines: int = 0
    encoding_rejects: int = 0
    sha256: str = ""
    bytes: int = 0
    members: list[str] = field(default_factory=list)


class _Lines:
    """The numbered lines of one staged file, as Arrow record batches built block by block.

    :meth:`add` takes a block of whole lines (bytes, valid UTF-8 without NUL bytes) and keeps its
    non-blank lines, without their line end (LF, or CRLF: one CR is dropped), numbered from
    ``offset + 1``. A line longer than :data:`MAX_LINE_BYTES` is rejected instead. All of it is
    vectorised (numpy finds the newlines and builds Arrow views of the lines); only rejected lines,
    which are rare, are looked at one by one.
    """

    def __init__(self, con, member: str | None):
        self.con = con
        self.member = member
        self.batches: list[pa.RecordBatch] = []
        self.added = 0  # lines in the last block added (kept or not)

    def add(self, block: bytes, offset: int, start: int = 0, end: int | None = None) -> int:
        """Keep the lines of ``block[start:end]``; return how many were rejected as too long.

        The lines are an Arrow ``string_view`` array over ``block`` itself: each row is a 16-byte
        view (length, and the line's first bytes and offset in the block, or the whole line when it
        is at most 12 bytes), so the text is never copied, however many megabytes it is.
        """
        end = len(block) if end is None else end
        if end <= start:
            self.added = 0
            return 0
        if block[end - 1] != 10:  # the last line of a file without a final newline (one copy, once per file)
            block, start, end = bytes(memoryview(block)[start:end]) + b"\n", 0, end - start + 1
        data = np.frombuffer(block, dtype=np.uint8, count=end - start, offset=start)
        # the newlines, a megabyte at a time (a boolean array of the whole block would be as big as the block)
        step = 1 << 20
        ends = np.concatenate([np.flatnonzero(data[i: i + step] == 10) + i for i in range(0, len(data), step)])
        self.added = len(ends)
        starts = np.empty_like(ends)
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
        sizes = ends - starts
        crlf = sizes > 0
        crlf[crlf] = data[ends[crlf] - 1] == 13
        sizes -= crlf  # one CR before the LF is the line end, not text
        line_no = np.arange(offset + 1, offset + 1 + len(ends), dtype=np.int64)
        keep = sizes > 0
        # blank lines: empty, or only spaces and tabs (checked for lines that start with one of them)
        padded = np.flatnonzero(keep & np.isin(data[starts], (9, 32)))
        if len(padded):
            view = self._views(data, block, start, starts[padded], sizes[padded]).cast(pa.string())
            keep[padded[np.asarray(pc.equal(pc.binary_length(pc.utf8_trim(view, " \t")), 0))]] = False
        long = np.flatnonzero(keep & (sizes > MAX_LINE_BYTES))
        for index in long:  # rare path: one row per over-long line
            head = bytes(data[starts[index]: starts[index] + min(int(sizes[index]), 4 * _RAW_KEPT)])
            self.con.execute("INSERT INTO stage_rejects VALUES ($line_no, $reason, $member, $raw)",
                             {"line_no": int(line_no[index]), "reason": _long_line_reason(int(sizes[index])),
                              "member": self.member,
                              "raw": head.decode("utf-8", errors="ignore")[:_RAW_KEPT]})
        keep[long] = False
        if not keep.all():
            starts, sizes, line_no = starts[keep], sizes[keep], line_no[keep]
        n = len(line_no)
        member = (pa.nulls(n, pa.string()) if self.member is None
                  else pa.repeat(pa.scalar(self.member, pa.string()), n))
        batch = pa.RecordBatch.from_arrays([pa.array(line_no), self._views(data, block, start, starts, sizes), member],
                                           schema=_RAW_LINES_SCHEMA)
        rows = max(1, min(BATCH_ROWS, n * BATCH_BYTES // len(data)))
        self.batches.extend(batch.slice(i, rows) for i in range(0, n, rows))
        return len(long)

    @staticmethod
    def _views(data: np.ndarray, block: bytes, base: int, starts: np.ndarray, sizes: np.ndarray) -> pa.Array:
        """A ``string_view`` array of the ``sizes`` bytes at ``starts`` in ``data``, which is ``block``
        from byte ``base`` on (the Arrow layout: int32 length, then 12 inline bytes, or a 4-byte
        prefix, buffer 0 and the int32 offset in ``block``)."""
        n = len(starts)
        views = np.zeros((n, 4), dtype="<i4")
        views[:, 0] = sizes
        head = starts[:, None] + np.arange(12)
        inline = np.where(np.arange(12) < sizes[:, None], data[np.minimum(head, len(data) - 1)], 0).astype(np.uint8)
        raw = views.view(np.uint8).reshape(n, 16)
        short = sizes <= 12
        raw[short, 4:16] = inline[short]
        raw[~short, 4:8] = inline[~short, :4]
        views[~short, 3] = starts[~short] + base
        return pa.Array.from_buffers(pa.string_view(), n, [None, pa.py_buffer(views), pa.py_buffer(block)])

    def publish(self) -> None:
        """Make ``raw_lines`` the view over the lines (replacing the empty staging table)."""
        table = pa.Table.from_batches(self.batches, schema=_RAW_LINES_SCHEMA)
        self.batches = []
        self.con.execute("DROP TABLE IF EXISTS temp.raw_lines")
        self.con.register("raw_lines", table)


def _insert_undecodable(con, lines: _Lines, block: bytes, offset: int, member: str | None) -> int:
    """A block that is not valid UTF-8: keep its good lines, reject the bad ones by number."""
    good: list[str] = []
    bad = 0
    for index, raw in enumerate(block.split(b"\n")):  # rare path: only blocks with invalid bytes get here
        size = len(raw) - raw.endswith(b"\r")
        if size > MAX_LINE_BYTES:  # too long wins over bad bytes, as when the line is skipped unread
            good.append("")
            bad += 1
            _reject_long_line(con, offset + index + 1, size, raw, member)
            continue
        try:
            good.append(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            good.append("")
            bad += 1
            con.execute(
                "INSERT INTO stage_rejects VALUES ($line_no, $reason, $member, $raw)",
                {"line_no": offset + index + 1, "member": member,
                 "reason": f"invalid UTF-8 at byte {error.start} of the line",
                 "raw": raw.decode("utf-8", errors="replace").replace("\x00", "\ufffd")[:_RAW_KEPT]},
            )
    text = "\n".join(good)
    if "\x00" in text:
        return bad + _reject_nul_lines(con, lines, text, offset, member)
    return bad + lines.add(text.encode("utf-8"), offset)


def _reject_nul_lines(con, lines: _Lines, text: str, offset: int, member: str | None) -> int:
    """A block with NUL bytes: reject the lines holding one (no JSON or CSV text has a raw NUL), keep the rest."""
    good: list[str] = []
    bad = 0
    for index, line in enumerate(text.split("\n")):  # rare path: only blocks with NUL bytes get here
        if "\x00" in line and len(line.encode("utf-8")) - line.endswith("\r") > MAX_LINE_BYTES:
            good.append("")
            bad += 1
            _reject_long_line(con, offset + index + 1, len(line.encode("utf-8")) - line.endswith("\r"),
                              line.encode("utf-8"), member)
        elif "\x00" in line:
            bad += 1
            good.append("")
            con.execute("INSERT INTO stage_rejects VALUES ($line_no, $reason, $member, $raw)",
                        {"line_no": offset + index + 1, "member": member,
                         "reason": f"a NUL byte at byte {line.encode('utf-8').index(0)} of the line (not text)",
                         "raw": line.replace("\x00", "\ufffd")[:_RAW_KEPT]})
        else:
            good.append(line)
    return bad + lines.add("\n".join(good).encode("utf-8"), offset)


def _long_line_reason(size: int) -> str:
    return f"line too long: {size:,} bytes, more than the {MAX_LINE_BYTES:,} bytes one record may have; not loaded"


def _reject_long_line(con, line_no: int, size: int, head: bytes, member: str | None) -> None:
    con.execute("INSERT INTO stage_rejects VALUES ($line_no, $reason, $member, $raw)",
                {"line_no": line_no, "reason": _long_line_reason(size), "member": member,
                 "raw": head[:_RAW_KEPT].decode("utf-8", errors="replace").replace("\x00", "\ufffd")})


def _read_errors():
    import gzip
    import lzma
    import zstandard
    return (OSError, EOFError, zlib.error, zstandard.ZstdError, lzma.LZMAError, gzip.BadGzipFile)


def _stage_piece(con, lines: _Lines, buf: bytes, start: int, end: int, offset: int,
                 member: str | None) -> tuple[int, int]:
    """Stage the whole lines of ``buf[start:end]`` (numbered from ``offset + 1``); return the number of
    lines and of lines rejected (bad bytes, NUL bytes, too long)."""
    try:
        if not buf.isascii():  # ASCII is valid UTF-8; else decoding is the check
            str(memoryview(buf)[start:end], "utf-8")
    except UnicodeDecodeError:
        block = buf[start:end]
        n_lines = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
        return n_lines, _insert_undecodable(con, lines, block.rstrip(b"\n") if block.endswith(b"\n") else block,
                                            offset, member)
    if buf.find(b"\x00", start, end) >= 0:
        block = buf[start:end]
        n_lines = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
        return n_lines, _reject_nul_lines(con, lines, block.decode("utf-8"), offset, member)
    rejects = lines.add(buf, offset, start, end)
    return lines.added, rejects


def _stream_lines(con, stream: BinaryIO, name: str, member: str | None, bar, staged: StagedInput,
                  raw: HashingReader | None) -> None:
    offset = 0  # lines before the current block
    carry = b""
    first = True
    errors = _read_errors()
    long_line: list | None = None  # [line_no, bytes so far, head, last byte] of an over-long line being skipped
    lines = _Lines(con, member)
    while True:
        try:
            chunk = stream.read(BLOCK_BYTES)
        except errors as error:
            raise ExportFormatError(f"the compressed data is corrupt or truncated ({error})",
                                    path=name, line_no=offset + carry.count(b"\n") + 1) from None
        if bar is not None and raw is not None:
            bar.update(raw.bytes - bar.n)
        if first:
            first = False
            if chunk.startswith(_BOM):
                chunk = chunk[len(_BOM):]
        if long_line is not None:
            # skip the rest of an over-long line without keeping it in memory
            end = chunk.find(b"\n")
            if end < 0 and chunk:
                long_line[1] += len(chunk)
                long_line[3] = chunk[-1:]
                continue
            tail = chunk if end < 0 else chunk[:end]
            long_line[1] += len(tail)
            if (tail[-1:] or long_line[3]) == b"\r":
                long_line[1] -= 1  # a CRLF line end is not part of the line, as in the blocks
            _reject_long_line(con, long_line[0], long_line[1], long_line[2], member)
            staged.encoding_rejects += 1
            offset += 1
            long_line = None
            if chunk:
                chunk = chunk[end + 1:]
                if not chunk:
                    continue
        if not chunk:
            pieces, carry = [(carry, 0, len(carry))], b""
        else:
            cut = chunk.rfind(b"\n")
            if cut < 0:
                carry = carry + chunk
                if len(carry) > MAX_LINE_BYTES + 1:  # + 1: room for the CR of a CRLF line end
                    long_line, carry = [offset + 1, len(carry), carry[:_RAW_KEPT], carry[-1:]], b""
                continue
            # the chunk's whole lines stay where they were read (no copy); only the line begun in
            # the previous chunk is joined to its end
            first_end = chunk.find(b"\n") + 1 if carry else 0
            pieces = [(carry + chunk[:first_end], 0, len(carry) + first_end)] if carry else []
            pieces.append((chunk, first_end, cut + 1))
            carry = chunk[cut + 1:]
        for buf, start, end in pieces:
            if end > start:
                n_lines, rejects = _stage_piece(con, lines, buf, start, end, offset, member)
                staged.encoding_rejects += rejects
                offset += n_lines
        if not chunk:
            break
        if len(carry) > MAX_LINE_BYTES + 1:
            long_line, carry = [offset + 1, len(carry), carry[:_RAW_KEPT], carry[-1:]], b""
    lines.publish()
    staged.lines += offset


def _stream_document(con, stream: BinaryIO, name: str, member: str | None, staged: StagedInput) -> None:
    try:
        data = stream.read()
    except _read_errors() as error:
        raise ExportFormatError(f"the compressed data is corrupt or truncated ({error})", path=name) from None
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        con.execute("INSERT INTO stage_rejects VALUES ($line_no, $reason, $member, NULL)",
                    {"line_no": line, "member": member, "reason": f"invalid UTF-8 at byte {error.start}"})
        staged.encoding_rejects += 1
        staged.lines += 1
        return
    if text.strip():
        con.execute("INSERT INTO raw_lines VALUES (1, $text, $member)", {"text": text, "member": member})
        staged.lines += 1


def stage_source(con: duckdb.DuckDBPyConnection, source: Source, *, layout: str,
                 progress: bool | None = None) -> StagedInput:
    """Read ``source`` into ``raw_lines`` (and bad bytes into ``stage_rejects``).

    ``layout`` is ``"lines"`` (one row per non-blank line, numbered from 1) or
    ``"document"`` (the whole decoded text as one row with ``line_no`` 1). A
    source with members (a Slack export) stages each member as a document,
    with its relative name in ``raw_lines.member``.
    """
    staged = StagedInput()
    show = progress if progress is not None else sys.stderr.isatty()
    size = source.size or 0
    bar = tqdm(total=size, unit="B", unit_scale=True, desc=visible(source.name)[-40:], leave=False,
               disable=not show or size < PROGRESS_MIN_BYTES)
    try:
        if source.members:
            digest_parts = []
            for member in source.members:
                raw = member.open_raw()
                with member.open(raw) as stream:
                    _stream_document(con, stream, source.name, member.name, staged)
                    raw.drain()
                digest_parts.append(f"{member.name}:{raw.sha256.hexdigest()}")
                raw.close()
                staged.bytes += raw.bytes
                staged.members.append(member.name)
                bar.update(raw.bytes)
            import hashlib
            staged.sha256 = hashlib.sha256("\n".join(digest_parts).encode()).hexdigest()
            return staged
        raw = source.open_raw()
        with source.open(raw) as stream:
            if layout == "document":
                _stream_document(con, stream, source.name, None, staged)
            else:
                _stream_lines(con, stream, source.name, None, bar, staged, raw)
            raw.drain()
        staged.sha256 = raw.sha256.hexdigest()
        staged.bytes = raw.bytes
        raw.close()
        return staged
    finally:
        bar.close()
