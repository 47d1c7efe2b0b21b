"""The registry of export formats: format id -> loader module.

Each loader module follows the contract described in
:mod:`workbench.ingest` (``NAME``, ``PLATFORM``, ``LAYOUT``, ``sniff``,
``stage`` and optionally ``layout`` and ``resolve``). A format whose module is
not importable yet is simply absent.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["FORMATS", "DETECTION_ORDER", "get_format"]

# Detection order: the most specific sniffers first.
_MODULES = {
    "slack": "workbench.ingest.slack",
    "discord": "workbench.ingest.discord",
    "twitter-v2": "workbench.ingest.twitter_v2",
    "twitter-v1": "workbench.ingest.twitter_v1",
    "bluesky": "workbench.ingest.bluesky",
    "mastodon": "workbench.ingest.mastodon",
    "reddit": "workbench.ingest.reddit",
    "gml": "workbench.ingest.gml",
    "graphml": "workbench.ingest.graphml",
    "pajek": "workbench.ingest.pajek",
    "edges-csv": "workbench.ingest.edges_csv",
    # never detected: account attributes are loaded when asked for (``workbench attributes import``)
    "attributes": "workbench.ingest.attributes",
}


def _load() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for format_id, module_name in _MODULES.items():
        try:
            found[format_id] = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
    return found


FORMATS: dict[str, ModuleType] = _load()
DETECTION_ORDER: list[str] = [f for f in _MODULES if f in FORMATS]


def get_format(format_id: str) -> ModuleType:
    """The loader module of ``format_id``, or :class:`ParameterError` naming the known formats."""
    from workbench.sql import check_identifier

    check_identifier(format_id, sorted(FORMATS), what="format")
    return FORMATS[format_id]
