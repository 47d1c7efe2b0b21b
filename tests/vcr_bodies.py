"""Response bodies of VCR cassettes (YAML HTTP recordings), written to files for loading.

The real Mastodon and Bluesky test data are recordings made by the R packages
``vcr``/``webmockr``: ``http_interactions: [{request: {method, uri}, response: {status, body:
{string}}}]``. The body string is the verbatim API response, so a test writes each body to a file
of its own and loads that file like any export.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

__all__ = ["Recording", "extract", "extract_folder"]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Recording:
    """One recorded HTTP exchange whose response body was written to ``path``."""

    cassette: str
    index: int
    method: str
    uri: str
    status: int
    path: Path


def extract(cassette: Path, out_dir: Path) -> list[Recording]:
    """Write each response body of ``cassette`` to ``out_dir/<stem>_<index>.json``.

    Bodies are written as UTF-8 text exactly as recorded. Returns one :class:`Recording` per HTTP
    exchange, in cassette order.
    """
    cassette = Path(cassette)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = yaml.load(cassette.read_text(encoding="utf-8"), Loader=_LOADER)
    recordings = []
    for index, exchange in enumerate(data["http_interactions"]):
        body = exchange["response"]["body"]
        text = body.get("string", "") if isinstance(body, dict) else str(body)
        path = out_dir / f"{cassette.stem}_{index}.json"
        path.write_text(text, encoding="utf-8")
        status = exchange["response"].get("status", {})
        code = status.get("status_code", status.get("code")) if isinstance(status, dict) else status
        recordings.append(Recording(cassette.name, index, exchange["request"]["method"],
                                    exchange["request"]["uri"], int(code or 0), path))
    return recordings


def extract_folder(folder: Path, out_dir: Path, pattern: str = "*.yml") -> list[Recording]:
    """:func:`extract` for every cassette of ``folder`` matching ``pattern`` (sorted by name)."""
    recordings: list[Recording] = []
    for cassette in sorted(Path(folder).glob(pattern)):
        recordings.extend(extract(cassette, out_dir))
    return recordings
