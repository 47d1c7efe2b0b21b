"""Reading an input as a stream of blocks of numbered lines, in bounded memory.

The decompressed bytes are read :data:`BLOCK_BYTES` at a time; each block is cut at its last
newline, checked (UTF-8, NUL bytes) and cut into numbered lines with numpy and Arrow (the
newline positions are found in one vectorised pass; the lines keep pointing into the block's
bytes). Python never loops over lines, except over the lines of a block that is not valid UTF-8
or holds a NUL byte, to find and reject exactly those lines.

:func:`read_blocks` yields one :class:`Block` per read: an Arrow table of the block's lines
(``line_no``, ``line``, ``member``) in record batches of a few megabytes (DuckDB hands the batches
to its threads one by one, so a block of a few hundred long lines is still parsed on every core),
and the lines rejected while reading. The pipeline hands each block to the format's SQL and lets
it go: memory holds a few blocks, whatever the size of the file. :func:`prefetch` reads the next
block on a worker thread while DuckDB works on the current one.

A line longer than :data:`MAX_LINE_BYTES` is no export record (the longest real records are a few
hundred kilobytes): it is rejected ("line too long") and its bytes are skipped as they stream past.
A document (the ``document`` layout: one JSON value per file) is read whole, up to
:attr:`~workbench.ingest.sources.ReadLimits.max_document_bytes`.
"""

from __future__ import annotations

import hashlib
import queue
import threading
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator, TypeVar

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.errors import ExportFormatError
from workbench.ingest.sources import LimitExceededError, ReadLimits, Source, format_size

__all__ = ["Block", "StagedInput", "read_blocks", "prefetch", "create_stage_tables", "drop_stage_tables",
           "in_row_groups", "BLOCK_BYTES", "PROGRESS_MIN_BYTES", "MAX_LINE_BYTES", "ROW_GROUP_ROWS", "RAW_LINES_SCHEMA"]

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

#: Rows of one Arrow record batch of a block at most, and its bytes about at most: DuckDB hands
#: the batches out to its threads one by one, so small batches keep both cores busy to the end.
BATCH_ROWS = 2048
BATCH_BYTES = 4 << 20

#: DuckDB's row group, in rows. An insert writes each Arrow record batch of at least this many rows into
#: row groups of its own, on every core, and gathers and merges smaller batches first (:func:`in_row_groups`).
ROW_GROUP_ROWS = 122_880

RAW_LINES_SCHEMA = pa.schema([("line_no", pa.int64()), ("line", pa.string_view()), ("member", pa.string())])

_DROP_STAGE_TABLES = """
DROP TABLE IF EXISTS temp.raw_lines;
DROP VIEW IF EXISTS temp.stage_interactions;
DROP TABLE IF EXISTS temp.stage_accounts;
DROP TABLE IF EXISTS temp.stage_posts;
DROP TABLE IF EXISTS temp.stage_interactions;
DROP TABLE IF EXISTS temp.stage_rejects;
DROP TABLE IF EXISTS temp.stage_attributes;
DROP TABLE IF EXISTS temp.stage_post_entities;
"""


def _unregister_lines(con: duckdb.DuckDBPyConnection) -> None:
    """Drop a ``raw_lines`` view over a block's Arrow lines, if one is registered."""
    try:
        con.unregister("raw_lines")
    except duckdb.Error:
        pass


def create_stage_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or empty) the temp tables of the loader contract."""
    _unregister_lines(con)
    for statement in con.extract_statements(_STAGE_TABLES):
        con.execute(statement)


def drop_stage_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Free the staging tables once a load has committed or rolled back.

    A format may have made a staging table a view of its work tables (edge lists' ``stage_interactions``);
    dropping a table as a view (or a view as a table) is a catalog error, passed over.
    """
    _unregister_lines(con)
    for statement in con.extract_statements(_DROP_STAGE_TABLES):
        try:
            con.execute(statement)
        except duckdb.CatalogException:
            pass


@dataclass
class Block:
    """The lines of one read: an Arrow table (``line_no``, ``line``, ``member``; blank lines left out)
    and the lines rejected while reading, as ``(line_no, reason, member, raw)`` rows.

    ``first_line`` .. ``last_line`` are the line numbers the block covers (blank and rejected lines
    included); ``raw_bytes`` the input's bytes read so far (for progress).
    """

    lines: pa.Table
    rejects: list[tuple] = field(default_factory=list)
    first_line: int = 1
    last_line: int = 0
    raw_bytes: int = 0


@dataclass
class StagedInput:
    """What reading saw: lines read, lines rejected for bad bytes, the input's hash and size.

    ``member_lines`` maps each member of a multi-file load (the files of a zip loaded as one load)
    to the first and last of its lines in the load's numbering (see :func:`read_blocks`).
    """

    lines: int = 0
    encoding_rejects: int = 0
    sha256: str = ""
    bytes: int = 0
    members: list[str] = field(default_factory=list)
    member_lines: list[tuple[str, int, int]] = field(default_factory=list)


def in_row_groups(table: pa.Table) -> pa.Table:
    """``table`` in record batches of :data:`ROW_GROUP_ROWS` rows (the last one fewer), for an insert into a
    DuckDB table; as it was if a string column cannot be one array (more than 2 GiB of text).

    An insert writes a batch of a whole row group as it is, and gathers and merges smaller ones first,
    which copies them twice: the lines of a 10M-line edge list, in batches of :data:`BATCH_ROWS`, took
    1.2-1.4 s to copy into ``raw_lines`` against 0.6-0.7 s in row groups, and 750,000 parsed Reddit
    rows in batches of 16,384 took 1.6x as long to write as in row groups. The batches are copied
    into one array per column first (a ``string_view`` column's views only, not its text).
    """
    try:
        combined = table.combine_chunks()
    except pa.ArrowInvalid:
        return table
    return pa.Table.from_batches(combined.to_batches(max_chunksize=ROW_GROUP_ROWS), combined.schema)


class _Lines:
    """Cuts whole lines (bytes, valid UTF-8 without NUL bytes) into numbered Arrow rows.

    :meth:`add` keeps a piece's non-blank lines, without their line end (LF, or CRLF: one CR is
    dropped), numbered from ``offset + 1``. A line longer than :data:`MAX_LINE_BYTES` is rejected
    instead. All of it is vectorised (numpy finds the newlines and builds Arrow views of the
    lines); only rejected lines, which are rare, are looked at one by one.
    """

    def __init__(self, member: str | None):
        self.member = member
        self.batches: list[pa.RecordBatch] = []
        self.rejects: list[tuple] = []
        self.added = 0  # lines in the last piece added (kept or not)

    def take(self) -> tuple[pa.Table, list[tuple]]:
        """The lines and rejects gathered since the last call."""
        table = pa.Table.from_batches(self.batches, schema=RAW_LINES_SCHEMA)
        rejects, self.batches, self.rejects = self.rejects, [], []
        return table, rejects

    def reject(self, line_no: int, reason: str, raw: str) -> None:
        self.rejects.append((line_no, reason, self.member, raw))

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
            self.reject(int(line_no[index]), _long_line_reason(int(sizes[index])),
                        head.decode("utf-8", errors="ignore")[:_RAW_KEPT])
        keep[long] = False
        if not keep.all():
            starts, sizes, line_no = starts[keep], sizes[keep], line_no[keep]
        n = len(line_no)
        if n == 0:
            return len(long)
        member = (pa.nulls(n, pa.string()) if self.member is None
                  else pa.repeat(pa.scalar(self.member, pa.string()), n))
        # the line numbers' buffer as it is (pa.array of a numpy array would import pandas, 0.2 s at a CLI's start)
        numbers = pa.Array.from_buffers(pa.int64(), n, [None, pa.py_buffer(np.ascontiguousarray(line_no, np.int64))])
        batch = pa.RecordBatch.from_arrays([numbers, self._views(data, block, start, starts, sizes), member],
                                           schema=RAW_LINES_SCHEMA)
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
        raw = views.view(np.uint8).reshape(n, 16)
        short = sizes <= 12
        # a byte column at a time (one gather of n bytes each), not an n x 12 matrix of positions
        if short.any():
            rows, at, size = np.flatnonzero(short), starts[short], sizes[short]
            last = len(data) - 1
            for k in range(12):
                raw[rows, 4 + k] = np.where(k < size, data[np.minimum(at + k, last)], 0)
        if not short.all():
            rows = slice(None) if not short.any() else np.flatnonzero(~short)
            at = starts[rows]
            for k in range(4):  # a line longer than 12 bytes has these 4
                raw[rows, 4 + k] = data[at + k]
            views[rows, 3] = at + base
        return pa.Array.from_buffers(pa.string_view(), n, [None, pa.py_buffer(views), pa.py_buffer(block)])


def _add_undecodable(lines: _Lines, block: bytes, offset: int) -> int:
    """A piece that is not valid UTF-8: keep its good lines, reject the bad ones by number."""
    good: list[str] = []
    bad = 0
    for index, raw in enumerate(block.split(b"\n")):  # rare path: only pieces with invalid bytes get here
        size = len(raw) - raw.endswith(b"\r")
        if size > MAX_LINE_BYTES:  # too long wins over bad bytes, as when the line is skipped unread
            good.append("")
            bad += 1
            _reject_long_line(lines, offset + index + 1, size, raw)
            continue
        try:
            good.append(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            good.append("")
            bad += 1
            lines.reject(offset + index + 1, f"invalid UTF-8 at byte {error.start} of the line",
                         raw.decode("utf-8", errors="replace").replace("\x00", "\ufffd")[:_RAW_KEPT])
    text = "\n".join(good)
    if "\x00" in text:
        return bad + _add_without_nul_lines(lines, text, offset)
    return bad + lines.add(text.encode("utf-8"), offset)


def _add_without_nul_lines(lines: _Lines, text: str, offset: int) -> int:
    """A piece with NUL bytes: reject the lines holding one (no JSON or CSV text has a raw NUL), keep the rest."""
    good: list[str] = []
    bad = 0
    for index, line in enumerate(text.split("\n")):  # rare path: only pieces with NUL bytes get here
        if "\x00" in line and len(line.encode("utf-8")) - line.endswith("\r") > MAX_LINE_BYTES:
            good.append("")
            bad += 1
            _reject_long_line(lines, offset + index + 1, len(line.encode("utf-8")) - line.endswith("\r"),
                              line.encode("utf-8"))
        elif "\x00" in line:
            bad += 1
            good.append("")
            lines.reject(offset + index + 1, f"a NUL byte at byte {line.encode('utf-8').index(0)} of the line (not text)",
                         line.replace("\x00", "\ufffd")[:_RAW_KEPT])
        else:
            good.append(line)
    return bad + lines.add("\n".join(good).encode("utf-8"), offset)


def _long_line_reason(size: int) -> str:
    return f"line too long: {size:,} bytes, more than the {MAX_LINE_BYTES:,} bytes one record may have; not loaded"


def _reject_long_line(lines: _Lines, line_no: int, size: int, head: bytes) -> None:
    lines.reject(line_no, _long_line_reason(size),
                 head[:_RAW_KEPT].decode("utf-8", errors="replace").replace("\x00", "\ufffd"))


def _read_errors():
    import gzip
    import lzma
    import zstandard
    return (OSError, EOFError, zlib.error, zstandard.ZstdError, lzma.LZMAError, gzip.BadGzipFile)


def _stage_piece(lines: _Lines, buf: bytes, start: int, end: int, offset: int) -> tuple[int, int]:
    """Cut the whole lines of ``buf[start:end]`` (numbered from ``offset + 1``); return the number of
    lines and of lines rejected (bad bytes, NUL bytes, too long)."""
    try:
        if not buf.isascii():  # ASCII is valid UTF-8; else decoding is the check
            str(memoryview(buf)[start:end], "utf-8")
    except UnicodeDecodeError:
        block = buf[start:end]
        n_lines = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
        return n_lines, _add_undecodable(lines, block.rstrip(b"\n") if block.endswith(b"\n") else block, offset)
    if buf.find(b"\x00", start, end) >= 0:
        block = buf[start:end]
        n_lines = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
        return n_lines, _add_without_nul_lines(lines, block.decode("utf-8"), offset)
    rejects = lines.add(buf, offset, start, end)
    return lines.added, rejects


def _read(stream: BinaryIO, size: int, name: str, line_no: int) -> bytes:
    try:
        return stream.read(size)
    except LimitExceededError:
        raise
    except _read_errors() as error:
        raise ExportFormatError(f"the compressed data is corrupt or truncated ({error})",
                                path=name, line_no=line_no) from None


def _stream_lines(stream: BinaryIO, name: str, member: str | None, staged: StagedInput, raw,
                  offset: int = 0) -> Iterator[Block]:
    """The blocks of one file's lines, numbered from ``offset + 1``; counts into ``staged``."""
    carry = b""
    first = True
    long_line: list | None = None  # [line_no, bytes so far, head, last byte] of an over-long line being skipped
    lines = _Lines(member)
    while True:
        block_first = offset + 1
        chunk = _read(stream, BLOCK_BYTES, name, offset + carry.count(b"\n") + 1)
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
            _reject_long_line(lines, long_line[0], long_line[1], long_line[2])
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
                n_lines, rejects = _stage_piece(lines, buf, start, end, offset)
                staged.encoding_rejects += rejects
                offset += n_lines
        if len(carry) > MAX_LINE_BYTES + 1:
            long_line, carry = [offset + 1, len(carry), carry[:_RAW_KEPT], carry[-1:]], b""
        table, rejects = lines.take()
        if table.num_rows or rejects or not chunk:
            yield Block(table, rejects, block_first, offset, raw.bytes if raw is not None else 0)
        if not chunk:
            break
    staged.lines = offset


def _read_document(stream: BinaryIO, name: str, member: str | None, staged: StagedInput,
                   limits: ReadLimits, line_no: int = 1) -> Block:
    """One JSON document (a whole file) as one row, at most ``limits.max_document_bytes`` long."""
    where = name if member is None else f"{name}/{member}"
    data = _read(stream, limits.max_document_bytes + 1, where, 1)
    if len(data) > limits.max_document_bytes:
        raise LimitExceededError(
            f"a JSON document larger than {format_size(limits.max_document_bytes)}, the limit on one document "
            "(max_document_bytes, --max-document-size): a document is parsed whole, in memory; nothing of it "
            "is loaded (export it as JSON lines, or raise the limit)", path=where)
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    empty = pa.Table.from_batches([], schema=RAW_LINES_SCHEMA)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        staged.encoding_rejects += 1
        staged.lines += 1
        return Block(empty, [(line, f"invalid UTF-8 at byte {error.start}", member, None)], line_no, line_no)
    staged.lines += 1
    if not text.strip():
        return Block(empty, [], line_no, line_no)
    table = pa.table({"line_no": pa.array([line_no], pa.int64()), "line": pa.array([text], pa.string_view()),
                      "member": pa.array([member], pa.string())}, schema=RAW_LINES_SCHEMA)
    return Block(table, [], line_no, line_no)


def read_blocks(source: Source, *, layout: str, staged: StagedInput,
                limits: ReadLimits | None = None) -> Iterator[Block]:
    """The lines of ``source`` as :class:`Block` objects, in order; fills ``staged`` as it goes.

    ``layout`` is ``"lines"`` (one row per non-blank line, numbered from 1 in the decompressed
    file) or ``"document"`` (the whole decoded text as one row with ``line_no`` 1). A source with
    members is either one export spread over files (a Slack export: each member a document, with
    its relative name in ``member``) or, for ``source.archive``, files read one after the other
    as one load: their lines are numbered on (the second file's first line follows the first
    file's last) with ``member`` NULL, so the format's SQL sees one input, and
    ``staged.member_lines`` says which lines are whose. ``staged.sha256`` and ``staged.bytes``
    are set when the generator is exhausted: the hash of the input's bytes (of each member's
    ``name:sha256`` line for several members) and their number.
    """
    limits = limits or ReadLimits()
    if source.members:
        blocks = _member_blocks(source, layout=layout, staged=staged, limits=limits)
        yield from _joined_blocks(blocks) if source.archive and layout == "lines" else blocks
        return
    raw = source.open_raw()
    try:
        with source.open(raw, limits) as stream:
            if layout == "document":
                yield _read_document(stream, source.name, None, staged, limits)
            else:
                yield from _stream_lines(stream, source.name, None, staged, raw)
            raw.drain()
        staged.sha256 = raw.sha256.hexdigest()
        staged.bytes = raw.bytes
    finally:
        raw.close()


def _member_blocks(source: Source, *, layout: str, staged: StagedInput, limits: ReadLimits) -> Iterator[Block]:
    """The blocks of a source with members, member after member (see :func:`read_blocks`)."""
    digest_parts = []
    offset = 0
    for member in source.members:
        raw = member.open_raw()
        try:
            with member.open(raw, limits) as stream:
                if source.archive and layout == "lines":
                    yield from _stream_lines(stream, f"{source.name}/{member.name}", None, staged, raw,
                                             offset=offset)
                    staged.member_lines.append((member.name, offset + 1, staged.lines))
                    offset = staged.lines
                else:
                    yield _read_document(stream, source.name, member.name, staged, limits)
                raw.drain()
            digest_parts.append(f"{member.name}:{raw.sha256.hexdigest()}")
            staged.bytes += raw.bytes
            staged.members.append(member.name)
        finally:
            raw.close()
    if source.archive and layout == "lines":
        staged.lines = offset
    staged.sha256 = hashlib.sha256("\n".join(digest_parts).encode()).hexdigest()


def _joined_blocks(blocks: Iterator[Block]) -> Iterator[Block]:
    """Consecutive blocks joined into one of up to about :data:`BLOCK_BYTES` of lines.

    The files of a zip read as one load each end in a block of their own; a format that parses block
    by block runs its SQL once per block, so a zip of 300 one-tweet files would run it 300 times
    (0.4 s each). Joined, they are parsed at once; a file of many blocks passes through unchanged.
    """
    pending: list[Block] = []
    size = 0
    for block in blocks:
        pending.append(block)
        size += block.lines.nbytes
        if size >= BLOCK_BYTES:
            yield _join(pending)
            pending, size = [], 0
    if pending:
        yield _join(pending)


def _join(blocks: list[Block]) -> Block:
    if len(blocks) == 1:
        return blocks[0]
    lines = pa.concat_tables([block.lines for block in blocks if block.lines.num_rows] or [blocks[0].lines])
    return Block(lines, [reject for block in blocks for reject in block.rejects], blocks[0].first_line,
                 blocks[-1].last_line, blocks[-1].raw_bytes)


T = TypeVar("T")

_DONE = object()


def prefetch(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """``items``, produced on a worker thread up to ``depth`` items ahead of the consumer.

    Reading and decompressing the next block (zstd, gzip and hashing release the GIL) then
    overlaps with DuckDB's work on the current one. An exception in the producer is raised in
    the consumer; when the consumer stops early (an error, Ctrl-C), the producer stops too.
    """
    slots: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        slots.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put(_DONE)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer, which raises it
            slots.put(error)
        finally:
            close = getattr(items, "close", None)
            if stop.is_set() and callable(close):
                close()

    worker = threading.Thread(target=produce, name="workbench-read", daemon=True)
    worker.start()
    try:
        while True:
            item = slots.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # let the producer see the stop and close its files
            try:
                slots.get(timeout=0.1)
            except queue.Empty:
                pass
        worker.join()
