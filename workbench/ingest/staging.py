"""Streaming an input into the ``raw_lines`` staging table.

The decompressed bytes are read in large blocks; each block is cut at its last
newline, decoded and handed to DuckDB as one bound string, which DuckDB splits
into numbered lines (``string_split`` + ``generate_subscripts``). Python never
loops over lines, except over the lines of a block that is not valid UTF-8,
to find and reject exactly those lines.
"""

from __future__ import annotations

import sys
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO

import duckdb
from tqdm.auto import tqdm

from workbench.errors import ExportFormatError
from workbench.ingest.sources import HashingReader, Source

__all__ = ["StagedInput", "stage_source", "create_stage_tables", "BLOCK_BYTES", "PROGRESS_MIN_BYTES"]

BLOCK_BYTES = 32 << 20
PROGRESS_MIN_BYTES = 8 << 20
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
"""

_INSERT_BLOCK = """
INSERT INTO raw_lines
SELECT $offset + n AS line_no,
       CASE WHEN suffix(line, chr(13)) THEN line[:-2] ELSE line END AS line,
       $member AS member
FROM (SELECT unnest(parts) AS line, generate_subscripts(parts, 1) AS n
      FROM (SELECT string_split($block, chr(10)) AS parts))
WHERE trim(line, chr(13) || ' ' || chr(9)) <> ''
"""


def create_stage_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or empty) the temp tables of the loader contract."""
    for statement in con.extract_statements(_STAGE_TABLES):
        con.execute(statement)


@dataclass
class StagedInput:
    """What staging saw: lines read, lines rejected for bad bytes, the file's hash and size."""

    lines: int = 0
    encoding_rejects: int = 0
    sha256: str = ""
    bytes: int = 0
    members: list[str] = field(default_factory=list)


def _insert_block(con, text: str, offset: int, member: str | None) -> None:
    con.execute(_INSERT_BLOCK, {"offset": offset, "block": text, "member": member})


def _insert_undecodable(con, block: bytes, offset: int, member: str | None) -> int:
    """A block that is not valid UTF-8: keep its good lines, reject the bad ones by number."""
    good: list[str] = []
    bad = 0
    lines = block.split(b"\n")
    for index, raw in enumerate(lines):  # rare path: only blocks with invalid bytes get here
        try:
            good.append(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            good.append("")
            bad += 1
            con.execute(
                "INSERT INTO stage_rejects VALUES ($line_no, $reason, $member, $raw)",
                {"line_no": offset + index + 1, "member": member,
                 "reason": f"invalid UTF-8 at byte {error.start} of the line",
                 "raw": raw.decode("utf-8", errors="replace")[:2000]},
            )
    _insert_block(con, "\n".join(good), offset, member)
    return bad


def _read_errors():
    import gzip
    import lzma
    import zstandard
    return (OSError, EOFError, zlib.error, zstandard.ZstdError, lzma.LZMAError, gzip.BadGzipFile)


def _stream_lines(con, stream: BinaryIO, name: str, member: str | None, bar, staged: StagedInput,
                  raw: HashingReader | None) -> None:
    offset = 0  # lines before the current block
    carry = b""
    first = True
    errors = _read_errors()
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
        if not chunk:
            block, carry = carry, b""
        else:
            data = carry + chunk
            cut = data.rfind(b"\n")
            if cut < 0:
                carry = data
                continue
            block, carry = data[: cut + 1], data[cut + 1:]
        if block:
            n_lines = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
            try:
                text = block.decode("utf-8")
            except UnicodeDecodeError:
                staged.encoding_rejects += _insert_undecodable(con, block.rstrip(b"\n") if block.endswith(b"\n") else block,
                                                               offset, member)
            else:
                if "\x00" in text:
                    text = text.replace("\x00", "\ufffd")  # NUL cannot travel in a bound string; the line will not parse
                _insert_block(con, text, offset, member)
            offset += n_lines
        if not chunk:
            break
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
    bar = tqdm(total=size, unit="B", unit_scale=True, desc=source.name[-40:], leave=False,
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
        return staged
    finally:
        bar.close()
