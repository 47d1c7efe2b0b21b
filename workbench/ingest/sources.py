"""Input sources: files, folders, zips and compressed files, as decompressed byte streams.

A path given to ``workbench load`` expands into one or more :class:`Source`
objects, each of which becomes one load. Plain, ``.gz``, ``.bz2``, ``.xz`` and
``.zst`` files are decompressed on the fly (zstd with a 2 GiB window, which
the 2005-2006 Pushshift dumps need). A folder expands into its files (sorted,
hidden files skipped) and a zip into one source whose :attr:`Source.members` are
its files (the loader groups them by format: one load per format in the archive,
not one per member). A folder or zip that is itself one export (a Slack
workspace export) is one source too.

Containment: a folder's files are those inside it; a symbolic link that leads
out of the folder (to ``/etc/passwd``, say) is refused, never followed. Reading
is capped (:class:`ReadLimits`): a decompressed stream that grows beyond
:attr:`ReadLimits.max_expansion` times its compressed size (a decompression
bomb) or beyond :attr:`ReadLimits.max_decompressed_bytes`, and a JSON document
beyond :attr:`ReadLimits.max_document_bytes`, stop the load with an error naming
the file and the limit, before that many bytes are in memory: no single
decompression step can output more than :data:`ZSTD_STEP_OUTPUT_MAX` bytes.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
import os
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Callable, Iterator

import zstandard

from workbench.errors import ExportFormatError

__all__ = ["Source", "expand", "HashingReader", "ReadLimits", "is_slack_layout", "format_size", "parse_size"]

ZSTD_MAX_WINDOW = 2**31
#: The most a zstd block can expand (a 3-byte block header for a 128 KiB run): with 1.5 KiB of input
#: per step, one decompression step writes at most ~64 MiB, whatever the file.
_ZSTD_FEED_BYTES = 1536
ZSTD_STEP_OUTPUT_MAX = _ZSTD_FEED_BYTES // 3 * (128 << 10)
_COMPRESSED = (".gz", ".zst", ".zstd", ".bz2", ".xz")
_SKIP_NAMES = {"__MACOSX", ".DS_Store", "Thumbs.db"}
# documentation that travels with exports (README.md, SOURCE.md, a PDF codebook): not data, skipped in folders
_DOC_SUFFIXES = {".md", ".rst", ".pdf", ".html", ".htm", ".png", ".jpg", ".jpeg", ".gif", ".yml", ".yaml", ".toml"}


_UNITS = {"": 1, "B": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4,
          "KIB": 1 << 10, "MIB": 1 << 20, "GIB": 1 << 30, "TIB": 1 << 40}


def parse_size(text: str | int) -> int:
    """Bytes in a size such as ``"256MiB"``, ``"2GB"`` or ``1048576``.

    >>> parse_size("256MiB"), parse_size("2 GB"), parse_size(10)
    (268435456, 2000000000, 10)
    """
    if isinstance(text, int):
        return text
    import re

    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*", str(text))
    unit = match.group(2).upper() if match else None
    if not match or unit not in _UNITS:
        from workbench.errors import ParameterError
        raise ParameterError(f"a size is a number with an optional unit (KB, MB, GB, KiB, MiB, GiB); got {text!r}")
    return int(float(match.group(1)) * _UNITS[unit])


def format_size(n: int) -> str:
    """``268435456`` -> ``'256 MiB'``.

    >>> format_size(268435456), format_size(1536)
    ('256 MiB', '1.5 KiB')
    """
    for unit, size in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{n} bytes"


@dataclass(frozen=True)
class ReadLimits:
    """Caps on what reading one input may produce (issue: decompression bombs, huge documents).

    Attributes
    ----------
    max_document_bytes : int
        The largest JSON document (a Discord or Mastodon export, a Slack day file, a
        pretty-printed search response) that is read: a document is parsed whole, in memory.
        Default 256 MiB; JSON lines files are not documents (each line is a record, capped at
        16 MiB, and a file streams in blocks whatever its size).
    max_expansion : float
        The largest ratio of decompressed to compressed bytes, checked once more than
        :attr:`expansion_grace_bytes` came out. Real exports compress 5-20 times (Pushshift
        dumps about 10x); gzip cannot exceed about 1030x; a zstd or xz bomb expands 10,000x and
        more. Default 1000.
    max_decompressed_bytes : int or None
        A cap on the decompressed size of one input, or None (default): loads stream in bounded
        memory, so a large file costs time and disk, not memory, and a real Pushshift month is
        50-100 GB decompressed.
    expansion_grace_bytes : int
        Decompressed bytes before the ratio is checked (a small file may compress very well).
    """

    max_document_bytes: int = 256 << 20
    max_expansion: float = 1000.0
    max_decompressed_bytes: int | None = None
    expansion_grace_bytes: int = 64 << 20


class LimitExceededError(ExportFormatError):
    """Reading an input would pass one of the :class:`ReadLimits`."""


class CappedReader(io.RawIOBase):
    """The decompressed stream of one input, stopped with :class:`LimitExceededError` at the limits.

    ``raw`` counts the compressed bytes read (``raw.bytes``); ``compressed`` tells whether the
    stream is decompressed at all (a plain file has no ratio to check).
    """

    def __init__(self, stream: BinaryIO, *, name: str, raw: "HashingReader", limits: ReadLimits,
                 compressed: bool, declared_size: int | None = None):
        self._stream = stream
        self._name = name
        self._raw = raw
        self._limits = limits
        self._compressed = compressed
        self._declared = declared_size  # compressed size known up front (a zip member's)
        self.bytes = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = 1 << 62
        data = self._stream.read(size)
        self.bytes += len(data)
        self._check()
        return data

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _check(self) -> None:
        limits = self._limits
        if limits.max_decompressed_bytes is not None and self.bytes > limits.max_decompressed_bytes:
            raise LimitExceededError(
                f"decompresses to more than {format_size(limits.max_decompressed_bytes)}, the limit on one input "
                "(max_decompressed_bytes, --max-decompressed); nothing of it is loaded", path=self._name)
        if self._compressed and self.bytes > limits.expansion_grace_bytes:
            # the compressed bytes the decompressor has consumed (zstd reads ahead of what it feeds)
            fed = getattr(self._stream, "fed", None)
            packed = max(fed if fed is not None else self._raw.bytes, self._declared or 0, 1)
            if self.bytes > limits.max_expansion * packed:
                raise LimitExceededError(
                    f"{format_size(packed)} of compressed data expanded to more than {format_size(self.bytes)} "
                    f"({self.bytes / packed:,.0f} times; the limit is {limits.max_expansion:,.0f}): a decompression "
                    "bomb or a damaged file; nothing of it is loaded (raise max_expansion, --max-expansion, "
                    "if the file is genuine)", path=self._name)

    def close(self) -> None:
        self._stream.close()
        super().close()


class HashingReader(io.RawIOBase):
    """Wraps a raw binary file, hashing (sha256) and counting every byte read through it.

    The hash is computed on a worker thread (hashlib releases the GIL on large buffers), so it
    overlaps with decompressing, decoding and DuckDB's work instead of adding to them: about a
    second per 600 MB on this machine. :attr:`sha256` waits for the pending updates.
    """

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._hash = hashlib.sha256()
        self._pending: list[Future] = []
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256")
        self.bytes = 0

    def readable(self) -> bool:
        return True

    def _update(self, data: bytes) -> None:
        if data:
            self._pending = [f for f in self._pending if not f.done()]
            self._pending.append(self._worker.submit(self._hash.update, data))
            self.bytes += len(data)

    def read(self, size: int = -1) -> bytes:
        """Read and hash up to ``size`` bytes; straight from the wrapped file, without the copies
        of ``RawIOBase.read`` (a fresh zeroed buffer, then ``bytes`` of it): a third of staging's
        time on a large plain file."""
        if size is None or size < 0:
            return self.readall()
        data = self._raw.read(size)
        self._update(data)
        return data

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._update(data)
        return n

    def drain(self) -> None:
        """Read what is left, so the hash covers the whole file."""
        while True:
            data = self._raw.read(1 << 20)
            if not data:
                break
            self._update(data)

    @property
    def sha256(self):
        """The hash object, once every byte read so far is in it."""
        for future in self._pending:
            future.result()
        self._pending = []
        return self._hash

    def close(self) -> None:
        self._raw.close()
        self._worker.shutdown(wait=True)
        super().close()


class ZstdReader(io.RawIOBase):
    """Decompresses zstd frames one after another; a stream that ends inside a frame is an error.

    python-zstandard's ``stream_reader`` returns the output of a truncated frame and then a
    silent end of file, so a cut ``.zst`` would load as a shorter file. Here each frame goes
    through a ``decompressobj``, whose ``eof`` says whether the frame was complete.
    """

    _INPUT_BYTES = 256 << 10  # compressed bytes read from the file at a time

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._dctx = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
        self._frame = self._dctx.decompressobj()
        self._in_frame = False  # some bytes of an unfinished frame were fed
        self._out = memoryview(b"")
        self._pending = memoryview(b"")  # compressed bytes read but not fed yet
        self.fed = 0  # compressed bytes fed to the decompressor so far

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._out:
            if not self._pending:
                self._pending = memoryview(self._raw.read(self._INPUT_BYTES))
                if not self._pending:
                    if self._in_frame:
                        raise zstandard.ZstdError("the file ends inside a zstd frame (truncated)")
                    return 0
            # a small step: its output is bounded (ZSTD_STEP_OUTPUT_MAX), so a bomb meets the
            # limits before it fills the memory (python-zstandard's decompress has no max_length)
            step, self._pending = self._pending[:_ZSTD_FEED_BYTES], self._pending[_ZSTD_FEED_BYTES:]
            self.fed += len(step)
            self._out = memoryview(self._feed(bytes(step)))
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def _feed(self, data: bytes) -> bytes:
        parts = []
        while data:
            parts.append(self._frame.decompress(data))
            self._in_frame = True
            if not self._frame.eof:
                break
            data = self._frame.unused_data  # the next frame starts here
            self._frame = self._dctx.decompressobj()
            self._in_frame = False
        return b"".join(parts)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _FedBufferedReader(io.BufferedReader):
    """A buffered :class:`ZstdReader` that says how many compressed bytes it has consumed."""

    @property
    def fed(self) -> int:
        return self.raw.fed  # type: ignore[attr-defined]


def is_compressed(name: str) -> bool:
    """Whether ``name`` ends with a compression suffix that :meth:`Source.open` undoes."""
    return name.lower().endswith(_COMPRESSED)


def _decompressor(name: str, raw: BinaryIO) -> BinaryIO:
    lower = name.lower()
    if lower.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if lower.endswith((".zst", ".zstd")):
        return _FedBufferedReader(ZstdReader(raw), buffer_size=1 << 20)  # type: ignore[arg-type]
    if lower.endswith(".bz2"):
        return bz2.BZ2File(raw, mode="rb")
    if lower.endswith(".xz"):
        return lzma.LZMAFile(raw, mode="rb")
    return raw


def display_stem(name: str) -> str:
    """The file name without its compression suffix (``RC_2006-01.zst`` -> ``RC_2006-01``)."""
    lower = name.lower()
    for suffix in _COMPRESSED:
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


@dataclass
class Source:
    """One input that becomes one load.

    Attributes
    ----------
    name : str
        The path shown to the user and stored in ``loads.path`` / ``rejects.path``
        (``archive.zip/folder/file.json`` for a zip member).
    size : int or None
        Bytes on disk (compressed), for progress bars and ``loads.bytes``.
    members : list of Source, optional
        For an export that spans several files (a Slack folder or zip, or the files of a zip
        loaded as one load): its files, with names relative to the export.
    format_hint : str, optional
        The format, when the layout tells it (``slack``).
    archive : bool
        A zip whose members are separate exports (not one Slack export): the loader groups its
        members by format and loads each group as one load, its lines numbered per member.
    refusal : str, optional
        Why this path is not read (a symbolic link leading out of the folder being loaded): the
        loader reports it as a failed file without opening it.
    compressed_size : int, optional
        The compressed size known up front (a zip member's), for the expansion limit.
    path : Path, optional
        The file on disk, for a source that is one (not a zip member or standard input): DuckDB's own
        reader may read it (:mod:`workbench.ingest.direct`).
    """

    name: str
    _open_raw: Callable[[], BinaryIO]
    size: int | None = None
    members: list["Source"] = field(default_factory=list)
    format_hint: str | None = None
    archive: bool = False
    refusal: str | None = None
    compressed_size: int | None = None
    path: Path | None = None

    def open_raw(self) -> HashingReader:
        """The raw (still compressed) bytes, hashed as they are read."""
        return HashingReader(self._open_raw())

    def open(self, raw: HashingReader | None = None, limits: ReadLimits | None = None) -> BinaryIO:
        """The decompressed bytes, capped by ``limits`` (default :class:`ReadLimits`); pass ``raw``
        (from :meth:`open_raw`) to hash what is read."""
        raw = raw if raw is not None else self.open_raw()
        compressed = is_compressed(self.name) or self.compressed_size is not None
        return CappedReader(_decompressor(self.name, raw), name=self.name, raw=raw,  # type: ignore[arg-type]
                            limits=limits or ReadLimits(), compressed=compressed,
                            declared_size=self.compressed_size)

    def read_bytes(self) -> bytes:
        with self.open() as stream:
            return stream.read()


def is_slack_layout(names: list[str]) -> bool:
    """A Slack workspace export: ``users.json`` and ``channels.json`` at its top level."""
    top = {PurePosixPath(n).parts[-1] for n in names if len(PurePosixPath(n).parts) == 1}
    return {"users.json", "channels.json"} <= top


def _file_source(path: Path, name: str | None = None) -> Source:
    return Source(name or str(path), lambda: open(path, "rb"), size=path.stat().st_size, path=path)


def _safe_member(archive: Path, member: str) -> None:
    pure = PurePosixPath(member.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or member.startswith(("/", "\\")) or ":" in pure.parts[0]:
        raise ExportFormatError(f"unsafe member name {member!r} (absolute or leaving the archive); "
                                "the zip is not loaded", path=str(archive))


def _zip_sources(path: Path) -> list[Source]:
    try:
        archive = zipfile.ZipFile(path)
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError) as error:
        raise ExportFormatError(f"not a readable zip archive ({error})", path=str(path)) from None
    for info in infos:
        _safe_member(path, info.filename)
    infos = [i for i in infos
             if not any(part in _SKIP_NAMES or part.startswith(".") for part in PurePosixPath(i.filename).parts)
             and PurePosixPath(i.filename).suffix.lower() not in _DOC_SUFFIXES]
    names = [i.filename for i in infos]
    # a zip whose single top folder holds the export (slack.zip/workspace/users.json)
    prefix = ""
    tops = {PurePosixPath(n).parts[0] for n in names}
    if len(tops) == 1 and all(len(PurePosixPath(n).parts) > 1 for n in names):
        prefix = tops.pop() + "/"

    shared: dict[str, zipfile.ZipFile] = {}

    def open_member(info: zipfile.ZipInfo) -> BinaryIO:
        # one ZipFile for all members: reopening it per member reads the central directory each time
        if "archive" not in shared:
            shared["archive"] = zipfile.ZipFile(path)
        return shared["archive"].open(info)  # type: ignore[return-value]

    def member_source(info: zipfile.ZipInfo, display: str) -> Source:
        # the member is inflated by zipfile: its expansion is checked against its compressed size
        stored = info.compress_type == zipfile.ZIP_STORED
        return Source(display, lambda: open_member(info), size=info.compress_size,
                      compressed_size=None if stored else max(info.compress_size, 1))

    relative = [n[len(prefix):] for n in names]
    if is_slack_layout(relative):
        members = [member_source(i, rel) for i, rel in sorted(zip(infos, relative), key=lambda p: p[1])]
        return [Source(str(path), lambda: open(path, "rb"), size=path.stat().st_size, members=members,
                       format_hint="slack")]
    if not infos:
        return []
    members = [member_source(i, i.filename) for i in sorted(infos, key=lambda i: i.filename)]
    return [Source(str(path), lambda: open(path, "rb"), size=path.stat().st_size, members=members, archive=True)]


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, with every symbolic link resolved, is inside ``folder`` (resolved too)."""
    try:
        path.resolve(strict=True).relative_to(folder.resolve(strict=True))
    except (ValueError, OSError, RuntimeError):  # outside, broken, or a link loop
        return False
    return True


def _folder_sources(path: Path) -> list[Source]:
    entries = sorted(p for p in path.rglob("*")
                     if p.suffix.lower() not in _DOC_SUFFIXES
                     and not any(part.startswith(".") or part in _SKIP_NAMES for part in p.relative_to(path).parts))
    files: list[Path] = []
    refused: list[Source] = []
    for entry in entries:
        # the folder is what the user named: a link inside it may point within it, never out of it
        if entry.is_symlink() or any(parent.is_symlink() for parent in entry.relative_to(path).parents
                                     if str(parent) != "."):
            if not _inside(entry, path):
                refused.append(Source(str(entry), _refused_open, size=0, refusal=(
                    "a symbolic link that leads out of the folder being loaded; not followed")))
                continue
        if entry.is_file():
            files.append(entry)
    relative = [p.relative_to(path).as_posix() for p in files]
    if is_slack_layout(relative):
        members = [_file_source(p, rel) for p, rel in zip(files, relative)]
        size = sum(p.stat().st_size for p in files)
        return [Source(str(path), lambda: io.BytesIO(b""), size=size, members=members, format_hint="slack"),
                *refused]
    sources: list[Source] = []
    for file in files:
        sources.extend(_path_sources(file))
    return sources + refused


def _refused_open() -> BinaryIO:
    raise ExportFormatError("refused: a symbolic link that leads out of the folder being loaded")


def _path_sources(path: Path) -> list[Source]:
    if path.suffix.lower() == ".zip":
        return _zip_sources(path)
    return [_file_source(path)]


def expand(paths: str | os.PathLike | list) -> Iterator[Source]:
    """Expand user paths into sources, in order; a missing path raises :class:`ExportFormatError`.

    >>> list(expand([]))
    []
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for given in paths:
        path = Path(given)
        try:
            exists, is_dir, is_file = path.exists(), path.is_dir(), path.is_file()
        except (OSError, ValueError) as error:  # a name too long for the file system, a NUL byte in it
            raise ExportFormatError(f"cannot use this path ({getattr(error, 'strerror', None) or error})",
                                    path=str(path)) from None
        if not exists:
            hint = " (a broken symbolic link)" if path.is_symlink() else ""
            raise ExportFormatError(f"no such file or directory{hint}", path=str(path))
        if is_dir:
            found = _folder_sources(path)
            if not found:
                raise ExportFormatError("the folder holds no files to load", path=str(path))
            yield from found
        elif is_file:
            yield from _path_sources(path)
        else:
            raise ExportFormatError("not a regular file or folder", path=str(path))
