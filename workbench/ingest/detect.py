"""Format detection: which export format a source holds.

Each format module has a ``sniff(sample)`` that looks at the first few
kilobytes of the decoded text and the first JSON value in it; the first module
(in :data:`workbench.ingest.formats.DETECTION_ORDER`) that claims the sample
wins. Sniffing reads at most :data:`SAMPLE_BYTES` and never the whole file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import zstandard

from workbench.errors import ExportFormatError, UnknownFormatError
from workbench.ingest.sources import Source, display_stem

__all__ = ["Sample", "read_sample", "detect_format", "SAMPLE_BYTES"]

SAMPLE_BYTES = 64 << 10


@dataclass(frozen=True)
class Sample:
    """What a sniffer sees of a file.

    Attributes
    ----------
    name : str
        The file name without compression suffix (``RC_2006-01`` for ``RC_2006-01.zst``).
    text : str
        The first :data:`SAMPLE_BYTES` of the decoded text (invalid bytes replaced).
    first : Any
        The first JSON value of the file (the first line's, or the whole sample's
        when it parses), else None.
    member_names : tuple of str
        For a multi-file export, its members' relative names.
    """

    name: str
    text: str
    first: Any = None
    member_names: tuple[str, ...] = ()

    @property
    def first_line(self) -> str:
        for line in self.text.splitlines():
            if line.strip():
                return line.strip()
        return ""


def _first_json(text: str) -> Any:
    stripped = text.lstrip()
    if not stripped:
        return None
    line = stripped.split("\n", 1)[0].strip()
    # RecursionError: a value nested deeper than Python's recursion limit ([[[[...) is no export record
    for candidate in (line, stripped):
        try:
            return json.loads(candidate)
        except (ValueError, RecursionError):
            pass
    try:
        value, _ = json.JSONDecoder().raw_decode(stripped)
        return value
    except (ValueError, RecursionError):
        return None


def read_sample(source: Source) -> Sample:
    """Read the start of ``source`` for sniffing (decompressing as needed)."""
    if source.members and source.archive:  # files read as one input: the first one speaks for them
        first = source.members[0]
        sample = read_sample(Source(f"{source.name}/{first.name}", first._open_raw, size=first.size,
                                    compressed_size=first.compressed_size))
        return Sample(sample.name, sample.text, sample.first, tuple(m.name for m in source.members))
    if source.members:
        return Sample(source.name, "", None, tuple(m.name for m in source.members))
    try:
        raw = source.open_raw()
    except OSError as error:  # permissions, a file that vanished after the folder was listed
        raise ExportFormatError(f"cannot open the file ({error.strerror or error})", path=source.name) from None
    try:
        with source.open(raw) as stream:
            head = stream.read(SAMPLE_BYTES)
    except (OSError, EOFError, ValueError, zstandard.ZstdError) as error:  # zlib, lzma, bz2 derive from the first
        raise ExportFormatError(f"the compressed data is corrupt or truncated ({type(error).__name__}: {error})",
                                path=source.name, line_no=1) from None
    except Exception as error:  # noqa: BLE001 - any other decoder failure is a bad file, said plainly
        raise ExportFormatError(f"cannot read the file ({type(error).__name__}: {error})", path=source.name) from None
    finally:
        raw.close()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    text = head.decode("utf-8", errors="replace")
    return Sample(display_stem(source.name.rsplit("/", 1)[-1]), text, _first_json(text))


def detect_format(source: Source, sample: Sample | None = None) -> str:
    """The format id of ``source``; :class:`UnknownFormatError` names the formats it is not.

    An empty file raises :class:`~workbench.errors.EmptyExportError`.
    """
    from workbench.errors import EmptyExportError
    from workbench.ingest.formats import DETECTION_ORDER, FORMATS

    if source.format_hint:
        return source.format_hint
    sample = sample or read_sample(source)
    if not source.members and not sample.text.strip():
        raise EmptyExportError("the file is empty: no record to load", path=source.name)
    for format_id in DETECTION_ORDER:
        module = FORMATS[format_id]
        try:
            if module.sniff(sample):
                return format_id
        except Exception:  # noqa: BLE001 - a sniffer that fails does not claim the file
            continue
    head = sample.text[:4096]
    if "\x00" in head or head.count("\ufffd") > len(head) // 20:
        # a database, an image, a spreadsheet: quoting its bytes would only print noise
        what = "a DuckDB database, not an export" if "DUCK" in head[:24] \
            else "a binary file, not a text export"
        raise UnknownFormatError(f"cannot tell the export format: this is {what}; "
                                 f"pass --format with one of {', '.join(sorted(FORMATS))} for a text export",
                                 path=source.name)
    shown = sample.first_line[:60]
    raise UnknownFormatError(
        f"cannot tell the export format (first line starts {shown!r}); "
        f"pass --format with one of {', '.join(sorted(FORMATS))}",
        path=source.name,
    )
