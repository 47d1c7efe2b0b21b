"""The tiny export loaded into a throw-away workspace, for the doctests of roles and metrics."""

from __future__ import annotations

import tempfile
from pathlib import Path


def tiny_store():
    """An in-memory workspace holding the tiny export (workbench.datasets.tiny), loaded with ``wb.load``."""
    import workbench as wb
    from workbench.datasets import write_tiny

    store = wb.open(":memory:")
    with tempfile.TemporaryDirectory() as folder:
        wb.load(store, write_tiny(Path(folder) / "tiny.jsonl"))
    return store
