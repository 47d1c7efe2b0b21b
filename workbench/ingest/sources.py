"""Input sources: files, folders, zips and compressed files, as decompressed byte streams.

A path given to ``workbench load`` expands into one or more :class:`Source`
objects, each of which becomes one load. Plain, ``.gz``, ``.bz2``, ``.xz`` and
``.zst`` files are decompressed on the fly (zstd with a 2 GiB window, which
the 2005-2006 Pushshift dumps need). A folder expands into its files (sorted,
hidden files skipped) and a zip into its members, unless the folder or zip is
itself one export (a Slack workspace export), in which case it is one source
whose :attr:`Source.members` are its files.
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

__all__ = ["Source", "expand", "HashingReader", "is_slack_layout"]

ZSTD_MAX_WINDOW = 2**31
_COMPRESSED = (".gz", ".zst", ".zstd", ".bz2", ".xz")
_SKIP_NAMES = {"__MACOSX", ".DS_Store", "Thumbs.db"}
# documentation that travels with exports (README.md, SOURCE.md, a PDF codebook): not data, skipped in folders
_DOC_SUFFIXES = {".md", ".rst", ".pdf", ".html", ".htm", ".png", ".jpg", ".jpeg", ".gif", ".yml", ".yaml", ".toml"}


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

    _INPUT_BYTES = 256 << 10  # compressed bytes per step (bounds the output of one step)

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._dctx = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
        self._frame = self._dctx.decompressobj()
        self._in_frame = False  # some bytes of an unfinished frame were fed
        self._out = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._out:
            data = self._raw.read(self._INPUT_BYTES)
            if not data:
                if self._in_frame:
                    raise zstandard.ZstdError("the file ends inside a zstd frame (truncated)")
                return 0
            self._out = memoryview(self._feed(data))
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


def _decompressor(name: str, raw: BinaryIO) -> BinaryIO:
    lower = name.lower()
    if lower.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if lower.endswith((".zst", ".zstd")):
        return io.BufferedReader(ZstdReader(raw), buffer_size=1 << 20)  # type: ignore[arg-type]
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
        For an export that spans several files (a Slack folder or zip): its files,
        with names relative to the export.
    """

    name: str
    _open_raw: Callable[[], BinaryIO]
    size: int | None = None
    members: list["Source"] = field(default_factory=list)
    format_hint: str | None = None

    def open_raw(self) -> HashingReader:
        """The raw (still compressed) bytes, hashed as they are read."""
        return HashingReader(self._open_raw())

    def open(self, raw: HashingReader | None = None) -> BinaryIO:
        """The decompressed bytes; pass ``raw`` (from :meth:`open_raw`) to hash what is read."""
        raw = raw if raw is not None else self.open_raw()
        return _decompressor(self.name, raw)  # type: ignore[arg-type]

    def read_bytes(self) -> bytes:
        with self.open() as stream:
            return stream.read()


def is_slack_layout(names: list[str]) -> bool:
    """A Slack workspace export: ``users.json`` and ``channels.json`` at its top level."""
    top = {PurePosixPath(n).parts[-1] for n in names if len(PurePosixPath(n).parts) == 1}
    return {"users.json", "channels.json"} <= top


def _file_source(path: Path, name: str | None = None) -> Source:
    return Source(name or str(path), lambda: open(path, "rb"), size=path.stat().st_size)


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
             if not any(part in _SKIP_NAMES or part.startswith(".") for part in PurePosixPath(i.filename).parts)]
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
        return Source(display, lambda: open_member(info), size=info.compress_size)

    relative = [n[len(prefix):] for n in names]
    if is_slack_layout(relative):
        members = [member_source(i, rel) for i, rel in sorted(zip(infos, relative), key=lambda p: p[1])]
        return [Source(str(path), lambda: open(path, "rb"), size=path.stat().st_size, members=members,
                       format_hint="slack")]
    return [member_source(i, f"{path}/{i.filename}") for i in sorted(infos, key=lambda i: i.filename)]


def _folder_sources(path: Path) -> list[Source]:
    files = sorted(p for p in path.rglob("*")
                   if p.is_file() and p.suffix.lower() not in _DOC_SUFFIXES
                   and not any(part.startswith(".") or part in _SKIP_NAMES for part in p.relative_to(path).parts))
    relative = [p.relative_to(path).as_posix() for p in files]
    if is_slack_layout(relative):
        members = [_file_source(p, rel) for p, rel in zip(files, relative)]
        size = sum(p.stat().st_size for p in files)
        return [Source(str(path), lambda: io.BytesIO(b""), size=size, members=members, format_hint="slack")]
    sources: list[Source] = []
    for file in files:
        sources.extend(_path_sources(file))
    return sources


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
