"""Files DuckDB reads itself: the fast path of a streaming format (the loader contract's ``READS_FILE``).

A lines format may let DuckDB's own reader (``read_json``) decompress and parse a whole file on every
core, instead of the file being decompressed and split into lines in Python and parsed block by block.
On a Reddit month of 10M comments this is the difference between a load at about 2.4x and about 1.9x a
bare ``read_json`` extraction of the same file (``benchmarks/ingest_reddit.py``). The reader is a private
in-memory DuckDB instance that may read that one file and nothing else (``allowed_paths``, then external
access closed and the configuration locked): the workspace's connection never reads files. The format
streams the rows of its query over the file as Arrow batches (DuckDB produces them as they are taken, so
memory stays bounded) and writes them into the load's transaction as it writes a block's rows.

What the line-by-line path does and DuckDB's reader does not, and how the fast path keeps it:

- **Line numbers and rejects.** DuckDB's reader stops at a line it cannot read (malformed JSON, invalid
  UTF-8, a value of the wrong type, a line over 16 MiB) and skips blank lines, so a row's line number is
  not known. The fast path therefore serves files without a reject: at the first reject, or any error of
  the reader, the format raises :class:`ReadByLines`; the pipeline rolls the load back and reads the file
  line by line, which names each reject's line. A file with a bad line costs the time of the fast path
  up to that line, once.
- **The file's sha256 and size** (``loads.sha256``): hashed on a thread while DuckDB reads.
- **The read limits** (:class:`~workbench.ingest.sources.ReadLimits`). A cap on the decompressed size
  (``max_decompressed_bytes``) sends the file to the line-by-line path, which enforces it byte for byte.
  So does a start that expands past the expansion ratio (:func:`starts_within_limits`: a decompression
  bomb stops within the line reader's first blocks). Past the start, a lower bound of the bytes decompressed
  so far, which the format gives, is held to the ratio for the whole file's size (:meth:`FileReader.check_expansion`).
- **Progress**: the bytes of the file read so far, from the read position of DuckDB's file descriptor
  (``/proc/self/fdinfo``, Linux; elsewhere the bar only completes at the end).
- **Compressions**: plain files, ``.zst`` (several frames too) and ``.gz`` (several members too). Others
  (``.bz2``, ``.xz``), zip members and standard input are read line by line; a zstd frame whose window
  DuckDB refuses (the 2005-2006 Pushshift dumps need 2 GiB) fails at once and is read line by line.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa

from workbench import sql as sql_module
from workbench.ingest.sources import LimitExceededError, ReadLimits, Source, format_size

__all__ = ["ReadByLines", "FileReader", "compression_of", "starts_within_limits", "READ_MEMORY_LIMIT"]

#: The private reader's memory limit: it streams (some 0.3 GB at the peak on a 10M-comment month).
READ_MEMORY_LIMIT = "512MB"
#: Rows per Arrow batch taken from the reader: a row group (see ``staging.ROW_GROUP_ROWS``).
_BATCH_ROWS = 122_880
_COMPRESSIONS = {".zst": "zstd", ".zstd": "zstd", ".gz": "gzip"}
_HASH_CHUNK = 1 << 20
#: Decompressed bytes of a compressed file's start that :func:`starts_within_limits` reads (some 5 ms).
PROBE_BYTES = 4 << 20


class ReadByLines(Exception):
    """Raised by a format's ``parse_file``: this file is to be read line by line (it has a reject, or
    DuckDB's reader stopped). The pipeline rolls the load back and loads the file again, by lines."""


def compression_of(source: Source, limits: ReadLimits | None) -> str | None:
    """How DuckDB's reader decompresses ``source`` (``'none'``, ``'zstd'`` or ``'gzip'``), or None when
    it is read line by line: not a file on disk (a zip member, standard input), compressed in a way the
    reader does not undo (``.bz2``, ``.xz``), or with a cap on its decompressed size.

    >>> from workbench.ingest.sources import Source
    >>> compression_of(Source("RC_2019-04.zst", open, path=Path("RC_2019-04.zst")), None)
    'zstd'
    >>> compression_of(Source("RC_2019-04.bz2", open, path=Path("RC_2019-04.bz2")), None) is None
    True
    """
    if source.path is None or source.members or source.compressed_size is not None:
        return None
    if limits is not None and limits.max_decompressed_bytes is not None:
        return None
    suffix = source.path.suffix.lower()
    if suffix in _COMPRESSIONS:
        return _COMPRESSIONS[suffix]
    return None if suffix in (".bz2", ".xz") else "none"


def starts_within_limits(source: Source, limits: ReadLimits | None) -> bool:
    """Whether the start of a compressed ``source`` (:data:`PROBE_BYTES` of it decompressed) expands within
    the expansion limit, measured from its first byte (no grace). A file that does not (a decompression
    bomb) is read line by line, whose reader stops it within its first blocks with the limit's error;
    DuckDB's reader cannot say how many compressed bytes made its rows, so past the start
    :meth:`FileReader.check_expansion` can only hold the whole file's size to the limit."""
    import dataclasses

    probe = dataclasses.replace(limits or ReadLimits(), expansion_grace_bytes=0)
    try:
        with source.open(limits=probe) as stream:
            stream.read(PROBE_BYTES)
    except Exception:  # noqa: BLE001 - the limit, or a damaged start: the line reader says what is wrong
        return False
    return True


def _read_position(path: str, fd_hint: list[int]) -> int | None:
    """The read position of this process's descriptor of ``path`` (DuckDB's), or None where it is not
    known (no ``/proc``, or the file is not open). ``fd_hint`` remembers the descriptor found."""
    candidates = fd_hint or [int(name) for name in os.listdir("/proc/self/fd")] if os.path.isdir("/proc/self/fd") else []
    for fd in candidates:
        try:
            if os.readlink(f"/proc/self/fd/{fd}") != path:
                continue
            with open(f"/proc/self/fdinfo/{fd}", encoding="ascii") as info:
                position = int(info.readline().split()[1])  # "pos:\t<bytes>"
        except (OSError, ValueError, IndexError):
            continue
        fd_hint[:] = [fd]
        return position
    fd_hint.clear()
    return None


class FileReader:
    """A private DuckDB instance that may read one file (``source.path``), for a format's ``parse_file``.

    Use as a context manager. :meth:`run` runs a named query on it (the format's views over the file:
    ``getvariable('file_path')`` and ``getvariable('file_compression')`` name the file and its
    compression); :meth:`rows` streams a query's rows as Arrow tables and moves the progress ``bar``;
    :meth:`check_expansion` enforces the expansion limit; :meth:`digest` is the file's sha256 and size.
    """

    def __init__(self, source: Source, compression: str, *, limits: ReadLimits | None = None, threads: int = 2,
                 bar: Any = None):
        import duckdb

        assert source.path is not None
        self.name = source.name
        self.path = str(Path(source.path).resolve())
        self.size = os.path.getsize(self.path)
        self.limits = limits or ReadLimits()
        self.compressed = compression != "none"
        self.bar = bar
        self._fd: list[int] = []
        self.con = duckdb.connect(config={"threads": threads, "memory_limit": READ_MEMORY_LIMIT,
                                          "autoinstall_known_extensions": False,
                                          "autoload_known_extensions": False})
        try:
            self.con.execute("SET allowed_paths = $paths", {"paths": [self.path]})
            for statement in ("SET enable_external_access = false", "SET TimeZone = 'UTC'",
                              "SET enable_progress_bar = false"):
                self.con.execute(statement)
            self.con.execute("SET VARIABLE file_path = $path", {"path": self.path})
            self.con.execute("SET VARIABLE file_compression = $compression", {"compression": compression})
            self.con.execute("SET lock_configuration = true")
        except BaseException:
            self.con.close()
            raise
        self._digest = hashlib.sha256()
        self._hashed = 0
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._hasher = threading.Thread(target=self._hash, name="workbench-sha256", daemon=True)
        self._hasher.start()

    def _hash(self) -> None:
        try:
            with open(self.path, "rb") as stream:
                while not self._stop.is_set():
                    chunk = stream.read(_HASH_CHUNK)
                    if not chunk:
                        return
                    self._digest.update(chunk)  # releases the GIL
                    self._hashed += len(chunk)
        except BaseException as error:  # noqa: BLE001 - reported by digest()
            self._error = error

    def run(self, name: str, **params: Any) -> None:
        """Run the named query ``name`` on the reader (its settings and views); an error of DuckDB's
        (the file cannot be read) is :class:`ReadByLines`."""
        import duckdb

        query = sql_module.get(name)
        try:
            self.con.execute(query.text, query.bind(params))
        except duckdb.Error as error:
            raise ReadByLines(f"{self.name}: {error}") from error

    def rows(self, name: str) -> Iterator[pa.Table]:
        """The rows of the named query ``name`` (no parameters), as Arrow tables of about a row group each;
        the progress bar follows the bytes of the file read. An error of DuckDB's reader (a line it
        cannot read, a zstd window it refuses) is :class:`ReadByLines`."""
        import duckdb

        try:
            batches = iter(self.con.sql(sql_module.get(name).text).to_arrow_reader(_BATCH_ROWS))
        except duckdb.Error as error:
            raise ReadByLines(f"{self.name}: {error}") from error
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                return
            except (duckdb.Error, pa.ArrowException, OSError) as error:  # past the first batch, DuckDB's
                raise ReadByLines(f"{self.name}: {error}") from error    # errors come through Arrow's stream
            self._progress()
            yield pa.Table.from_batches([batch])

    def _progress(self) -> None:
        if self.bar is None:
            return
        position = _read_position(self.path, self._fd)
        if position is not None and position > self.bar.n:
            self.bar.update(min(position, self.size) - self.bar.n)

    def check_expansion(self, decompressed_at_least: int) -> None:
        """Stop the load (:class:`LimitExceededError`) when ``decompressed_at_least`` bytes (a lower bound
        of what the reader decompressed so far) pass the expansion limit for the file's size."""
        limits, packed = self.limits, max(self.size, 1)
        if self.compressed and decompressed_at_least > max(limits.max_expansion * packed, limits.expansion_grace_bytes):
            raise LimitExceededError(
                f"{format_size(packed)} of compressed data expanded to more than {format_size(decompressed_at_least)} "
                f"({decompressed_at_least / packed:,.0f} times; the limit is {limits.max_expansion:,.0f}): a decompression "
                "bomb or a damaged file; nothing of it is loaded (raise max_expansion, --max-expansion, "
                "if the file is genuine)", path=self.name)

    def digest(self) -> tuple[str, int]:
        """The file's sha256 (hex) and size in bytes, once hashed (waits for the hashing thread)."""
        self._hasher.join()
        if self._error is not None:
            raise self._error
        if self.bar is not None:
            self.bar.update(self.size - self.bar.n)
        return self._digest.hexdigest(), self._hashed

    def __enter__(self) -> "FileReader":
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        try:
            self.con.close()
        finally:
            self._hasher.join()
