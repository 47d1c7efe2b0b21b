"""Every kind of bad input of tests/bad_inputs/ through the real ``workbench load``.

The corpus is generated into a temporary folder by ``tests/bad_inputs/make_corpus.py``, which also
states each kind's expected outcome (its README.md holds the table). Each kind is loaded into a copy
of a baseline workspace that already holds two loads; the test asserts the exit code, the one-line
message of a user error, the summary counts, every ``rejects`` row, the new rows and ``loads``
statuses, that no traceback is printed, and that the baseline's rows are all still there unchanged
(exactly the same tables when the load failed). A few kinds run in a subprocess to prove the exit
code and the absence of a traceback end to end; the 50 MB line also has its peak memory measured.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import workbench as wb
from workbench import cli, datasets

sys.path.insert(0, str(Path(__file__).resolve().parent / "bad_inputs"))
import corpus_records
import make_corpus

KINDS = {kind.name: kind for kind in make_corpus.KINDS}
CANONICAL = ("accounts", "posts", "interactions", "rejects", "community_runs", "memberships", "account_scores")
#: Kinds also run as ``python -m workbench.cli`` in a subprocess.
SUBPROCESS = ("huge_line", "corrupt_gzip", "zip_path_traversal", "deep_nesting_record", "fifo")
#: Extra peak resident memory allowed for loading the 50 MB line, over the peak of the same command
#: loading a small file (the interpreter, DuckDB and pandas take 200-450 MB depending on the machine).
#: Measured: about 80 MB more; before over-long lines were skipped while streaming, about 670 MB more.
HUGE_LINE_EXTRA_RSS = 200 << 20

BASELINE_EDGES = "source,target,kind\nbase_a,base_b,reply\nbase_b,base_c,mention\nbase_c,base_a,share\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus.write_corpus(tmp_path_factory.mktemp("bad_inputs"))


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> tuple[Path, dict]:
    """A workspace file holding the tiny export and a three-row edge list, and a snapshot of its rows."""
    folder = tmp_path_factory.mktemp("baseline")
    edges = folder / "base_edges.csv"
    edges.write_text(BASELINE_EDGES, encoding="utf-8")
    db = folder / "baseline.duckdb"
    with wb.open(db) as store:
        wb.load(store, [datasets.write_tiny(folder / "tiny.jsonl"), edges], progress=False)
        assert store.counts()["interactions"] == 39 + 3
        snapshot = _snapshot(store)
    return db, snapshot


def _snapshot(store) -> dict[str, set]:
    rows = {table: set(store.sql(f"SELECT * FROM {table}").fetchall()) for table in CANONICAL}
    rows["loads"] = set(store.sql("SELECT load_id, path, sha256, status, records_read FROM loads").fetchall())
    return rows


def _workspace(baseline, tmp_path) -> Path:
    db = tmp_path / "w.duckdb"
    shutil.copyfile(baseline[0], db)
    return db


def _run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _run_subprocess(argv: list[str], tmp_path: Path) -> tuple[int, str, str, int]:
    """Run the CLI in a child process; return its exit code, output and peak resident memory (bytes)."""
    import threading

    out_path, err_path = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        child = subprocess.Popen([sys.executable, "-m", "workbench.cli", *argv], stdout=out, stderr=err)
    watchdog = threading.Timer(120, child.kill)
    watchdog.start()
    try:
        # wait4 reaps the child and gives its own resource usage (Popen.wait would not)
        _, status, usage = os.wait4(child.pid, 0)
    finally:
        watchdog.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)
    return (child.returncode, out_path.read_text(), err_path.read_text(), usage.ru_maxrss * 1024)


def _argv(kind, folder: Path, db: Path) -> list[str]:
    return ["load", *[str(folder / p) for p in kind.paths], "--db", str(db), *kind.args]


def check_outcome(kind, folder: Path, db: Path, baseline, code: int, out: str, err: str) -> None:
    """Assert everything :class:`make_corpus.Kind` states about the load of ``kind``."""
    assert "Traceback" not in out + err, err
    assert code == kind.exit, (code, out, err)
    if kind.exit == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        pattern = kind.message.replace("{dir}", re.escape(str(folder)))
        assert re.fullmatch(pattern, lines[0]), lines[0]
    else:
        assert err == ""
        read, loaded, rejected = kind.counts
        assert f"total: read {read:,}, loaded {loaded:,}, rejected {rejected:,}" in out

    db_before, before = baseline
    with wb.open(db, read_only=True) as store:
        first_new = max(load_id for load_id, *_ in before["loads"]) + 1
        loads = store.sql("SELECT status, records_read, records_loaded, records_rejected FROM loads "
                          "WHERE load_id >= $first ORDER BY load_id", {"first": first_new}).fetchall()
        assert tuple(row[0] for row in loads) == kind.loads
        if kind.counts is not None:
            totals = tuple(sum(row[i] for row in loads) for i in (1, 2, 3))
            assert totals == kind.counts
        rejects = store.sql("SELECT path, line_no, reason FROM rejects WHERE load_id >= $first",
                            {"first": first_new}).fetchall()
        shown = sorted((str(Path(path).relative_to(folder)), line, reason) for path, line, reason in rejects)
        if kind.extra.get("any_reason"):  # which lines are rejected is fixed, the wording is not
            assert [row[:2] for row in shown] == sorted(row[:2] for row in kind.rejects) and all(r[2] for r in shown)
        else:
            assert shown == sorted(kind.rejects)
        for query, rows in kind.facts:
            assert store.sql(query, {"dir": str(folder)}).fetchall() == rows, query
        after = _snapshot(store)
    for table in CANONICAL:
        assert before[table] <= after[table], f"{table}: a row of the baseline changed or vanished"
    assert before["loads"] <= after["loads"]
    new = tuple(len(after[t]) - len(before[t]) for t in ("accounts", "posts", "interactions"))
    assert new == kind.new
    if "ok" not in kind.loads:
        for table in CANONICAL:
            assert after[table] == before[table], f"{table} changed although nothing was loaded"


def _params():
    for name, kind in KINDS.items():
        if kind.extra.get("special"):
            continue
        marks = [pytest.mark.xfail(strict=True, reason=kind.extra["xfail"])] if kind.extra.get("xfail") else []
        yield pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", list(_params()))
def test_bad_input_in_process(name, corpus, baseline, tmp_path, capsys):
    kind = KINDS[name]
    db = _workspace(baseline, tmp_path)
    folder = corpus / name
    code, out, err = _run_cli(_argv(kind, folder, db), capsys)
    check_outcome(kind, folder, db, baseline, code, out, err)


@pytest.mark.parametrize("name", SUBPROCESS)
def test_bad_input_in_a_subprocess(name, corpus, baseline, tmp_path):
    kind = KINDS[name]
    db = _workspace(baseline, tmp_path)
    folder = corpus / name
    code, out, err, peak = _run_subprocess(_argv(kind, folder, db), tmp_path)
    check_outcome(kind, folder, db, baseline, code, out, err)
    if name == "huge_line":
        small = KINDS["truncated_line"]
        (tmp_path / "small").mkdir()
        reference = _run_subprocess(_argv(small, corpus / small.name, _workspace(baseline, tmp_path / "small")),
                                    tmp_path / "small")
        assert reference[0] == 0
        assert peak - reference[3] < HUGE_LINE_EXTRA_RSS, (
            f"peak memory {peak >> 20} MiB for a 50 MB line, {reference[3] >> 20} MiB for a small file")


def test_strict_mode_fails_on_every_rejecting_kind(corpus, baseline, tmp_path, capsys):
    """--strict turns any reject into exit 2 naming the file and the first bad line; nothing is loaded."""
    for name in ("truncated_line", "invalid_utf8_line", "nul_bytes", "huge_line", "json_scalars"):
        kind = KINDS[name]
        (tmp_path / name).mkdir()
        db = _workspace(baseline, tmp_path / name)
        folder = corpus / name
        code, out, err = _run_cli(_argv(kind, folder, db) + ["--strict"], capsys)
        path, line_no, reason = min(kind.rejects, key=lambda r: r[1])
        assert code == 2 and "Traceback" not in err
        [message] = err.strip().splitlines()
        assert message.startswith(f"workbench load: error: {folder / path} line {line_no}: {reason} (strict mode: ")
        with wb.open(db, read_only=True) as store:
            assert _snapshot(store)["posts"] == baseline[1]["posts"]


@pytest.mark.parametrize("change", ["grows", "shrinks"])
def test_a_file_that_changes_while_read(change, corpus, baseline, tmp_path, capsys, monkeypatch):
    """The file changes after the loader's first 4 KB block: it grows, or it is cut short.

    Grows: the export's writer appends one record and half of another. Shrinks: the file is cut
    to 10,000 bytes, in the middle of a record. Either way the load must be consistent with what
    was read: loads.sha256 and loads.bytes are those of the bytes that went through the reader,
    every whole record among them is loaded, and the half record at the end is rejected, never
    loaded half.
    """
    from workbench.ingest import sources, staging

    path = tmp_path / "growing.jsonl"
    shutil.copyfile(corpus / "changes_while_read" / "growing.jsonl", path)
    original = path.read_bytes()
    monkeypatch.setattr(staging, "BLOCK_BYTES", 4096)
    appended = (corpus_records.lines([corpus_records.tweet_v2(500)])
                + json.dumps(corpus_records.tweet_v2(501))[:50]).encode()
    readers: list[bytearray] = []  # bytes seen by each reader of the file: the format sniffer's, then staging's
    read = sources.HashingReader.read

    def changing_read(self, size=-1):
        data = read(self, size)
        n = len(data)
        if getattr(self._raw, "name", None) == str(path):
            if not hasattr(self, "seen_by_test"):
                self.seen_by_test = bytearray()
                readers.append(self.seen_by_test)
            seen = self.seen_by_test
            if len(readers) == 2 and not seen and n:  # staging's first block has just been read
                if change == "grows":
                    with open(path, "ab") as writer:  # the export's writer, still at work
                        writer.write(appended)
                else:
                    os.truncate(path, 10_000)
            seen.extend(data)
        return data

    monkeypatch.setattr(sources.HashingReader, "read", changing_read)
    db = _workspace(baseline, tmp_path)
    code, out, err = _run_cli(["load", str(path), "--db", str(db)], capsys)
    assert code == 0 and err == "", err
    assert len(readers) == 2
    staged = bytes(readers[1])
    if change == "grows":
        assert staged == original + appended
    else:
        assert staged == original[:10_000]
    whole = staged.count(b"\n")
    with wb.open(db, read_only=True) as store:
        sha, size, read, loaded, rejected = store.sql(
            "SELECT sha256, bytes, records_read, records_loaded, records_rejected FROM loads "
            "WHERE path = $p", {"p": str(path)}).fetchone()
        assert sha == hashlib.sha256(staged).hexdigest() and size == len(staged)
        assert (read, loaded, rejected) == (whole + 1, whole, 1)
        assert store.sql("SELECT line_no, reason FROM rejects WHERE path = $p", {"p": str(path)}).fetchall() == [
            (whole + 1, "invalid JSON (a truncated or malformed line)")]
        assert store.counts()["posts"] - len(baseline[1]["posts"]) == whole  # every whole record, all distinct


def test_readme_table_matches_the_generator():
    readme = (Path(make_corpus.__file__).parent / "README.md").read_text(encoding="utf-8")
    assert make_corpus.readme_table() in readme, "regenerate with: python tests/bad_inputs/make_corpus.py --table"
    assert len(make_corpus.KINDS) >= 20


def test_the_generator_script_is_deterministic(corpus, tmp_path):
    """Run as a script, the generator writes the same bytes as the fixture's corpus."""
    out = tmp_path / "again"
    result = subprocess.run([sys.executable, make_corpus.__file__, str(out)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr

    def tree(root: Path) -> dict[str, str]:
        found = {}
        for path in sorted(root.rglob("*")):
            relative = str(path.relative_to(root))
            if path.is_symlink():
                found[relative] = "-> " + os.readlink(path)
            elif path.is_fifo():
                found[relative] = "fifo"
            elif path.is_file():
                found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
        return found

    assert tree(out) == tree(corpus)
