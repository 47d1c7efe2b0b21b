"""A load killed with SIGKILL leaves the workspace opening with its earlier data intact.

A child process loads a large export (the minimal test format) into a workspace that already
holds a first load; we kill it at several moments. Reopening must succeed, the first load's rows
must all be there, and the interrupted load must be visible as failed (or absent, if the kill
came before its ``loads`` row was written). Nothing half-applied: either all of the second file's
posts are there (the kill came after its commit) or none.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import workbench as wb
from workbench.ingest import formats

TESTS = Path(__file__).resolve().parent

CHILD = """
import sys
sys.path.insert(0, {tests!r})
import minimal_format, workbench as wb
from workbench.ingest import formats
formats.FORMATS["mini"] = minimal_format
formats.DETECTION_ORDER.insert(0, "mini")
store = wb.open({db!r})
print("opened", flush=True)
wb.load(store, {path!r}, progress=False)
print("done", flush=True)
"""


def _write(path: Path, n: int, prefix: str) -> Path:
    with open(path, "w") as f:
        for i in range(n):
            f.write(json.dumps({"mini": 1, "id": f"{prefix}{i}", "author": f"u{i % 997}", "to": f"u{(i * 7) % 997}",
                                "at": "2024-03-01T00:00:00Z"}) + "\n")
    return path


@pytest.fixture(scope="module")
def big_export(tmp_path_factory):
    return _write(tmp_path_factory.mktemp("crash") / "big.jsonl", 400_000, "b")


@pytest.mark.parametrize("delay", [0.0, 0.4, 1.2, 2.5])
def test_sigkill_during_load_loses_nothing(tmp_path, big_export, delay, monkeypatch):
    import minimal_format
    monkeypatch.setitem(formats.FORMATS, "mini", minimal_format)
    monkeypatch.setattr(formats, "DETECTION_ORDER", ["mini", *formats.DETECTION_ORDER])
    db = tmp_path / "w.duckdb"
    with wb.open(db) as store:
        wb.load(store, _write(tmp_path / "first.jsonl", 1000, "a"))
        before = store.counts()

    child = subprocess.Popen([sys.executable, "-c", CHILD.format(tests=str(TESTS), db=str(db), path=str(big_export))],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "opened"
    time.sleep(delay)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)

    with wb.open(db) as store:
        counts = store.counts()
        assert store.scalar("SELECT count(*) FROM posts WHERE post_id LIKE 'mini:a%'") == 1000
        second = store.sql("SELECT status, message FROM loads WHERE load_id > 1").fetchall()
        new_posts = counts["posts"] - before["posts"]
        if second and second[0][0] == "ok":
            assert new_posts == 400_000  # the kill came after the commit
        else:
            assert new_posts == 0 and counts["interactions"] == before["interactions"]
            assert second in ([], [("failed", "interrupted before it finished")])
