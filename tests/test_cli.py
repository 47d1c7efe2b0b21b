"""The command line: summaries, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import workbench as wb
from workbench import cli
from workbench.ingest import formats

import minimal_format


@pytest.fixture
def mini(monkeypatch):
    monkeypatch.setitem(formats.FORMATS, "mini", minimal_format)
    monkeypatch.setattr(formats, "DETECTION_ORDER", ["mini", *formats.DETECTION_ORDER])


def _lines(n, start=0):
    return "".join(json.dumps({"mini": 1, "id": f"p{i}", "author": f"u{i % 3}", "to": f"u{(i + 1) % 3}",
                               "at": "2024-02-01T10:00:00Z"}) + "\n" for i in range(start, start + n))


def test_load_then_info(tmp_path, mini, capsys):
    export = tmp_path / "a.jsonl"
    export.write_text(_lines(5) + "{broken\n")
    db = tmp_path / "w.duckdb"
    assert cli.main(["load", str(export), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "read 6, loaded 5, rejected 1" in out
    assert "reject at line 6: invalid JSON" in out
    assert cli.main(["info", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "accounts 3" in out and "posts 5" in out and "interactions 5" in out
    assert "mini" in out  # the per-platform table


def test_a_load_imports_neither_pandas_nor_igraph(tmp_path):
    """`workbench load` starts without the analysis stack (pandas, igraph: some 0.3 s of a command's start):
    the package imports its analysis modules when first used, and a load of an edge list and of a Reddit
    dump makes no data frame. A fresh interpreter, as a user's command is."""
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target,kind,timestamp\na,b,reply,1600000000\nb,c,share,1600000100\n", encoding="utf-8")
    reddit = tmp_path / "RC_tiny.ndjson"
    reddit.write_text(json.dumps({"id": "c1", "author": "x", "subreddit": "s", "parent_id": "t3_a", "link_id": "t3_a",
                                  "created_utc": 1600000000, "body": "hi"}) + "\n", encoding="utf-8")
    script = ("import sys\nfrom workbench import cli\n"
              f"for path in {[str(edges), str(reddit)]!r}:\n"
              f"    assert cli.main(['load', path, '--db', {str(tmp_path / 'w.duckdb')!r}]) in (0, None)\n"
              "print(sorted(name for name in ('pandas', 'igraph') if name in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    import workbench as wb_again  # the lazy attributes still resolve
    assert wb_again.graph is wb_again.graphs.graph and wb_again.roles.__name__ == "workbench.roles"


def test_strict_failure_is_exit_2_with_one_line(tmp_path, mini, capsys):
    export = tmp_path / "a.jsonl"
    export.write_text(_lines(2) + "{broken\n")
    db = tmp_path / "w.duckdb"
    assert cli.main(["load", str(export), "--db", str(db), "--strict"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("workbench load: error: ") and "a.jsonl line 3: invalid JSON" in err[0]
    with wb.open(db, read_only=True) as store:
        assert store.counts()["posts"] == 0


def test_missing_file_exit_code_and_no_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "workbench.cli", "load", str(tmp_path / "nope.jsonl"),
                             "--db", str(tmp_path / "w.duckdb")], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == f"workbench load: error: {tmp_path / 'nope.jsonl'}: no such file or directory"


def test_debug_shows_the_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "workbench.cli", "--debug", "load", str(tmp_path / "nope.jsonl"),
                             "--db", str(tmp_path / "w.duckdb")], capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" in result.stderr


def test_info_on_missing_workspace_is_a_user_error(tmp_path, capsys):
    assert cli.main(["info", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_workspace_or_binary_file_given_as_an_export_is_named_as_such(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    wb.open(db).close()
    assert cli.main(["load", str(db), "--db", str(tmp_path / "other.duckdb")]) == 2
    assert "this is a DuckDB database, not an export" in capsys.readouterr().err
    blob = tmp_path / "photo.jpg"
    blob.write_bytes(bytes(range(256)) * 8)
    assert cli.main(["load", str(blob), "--db", str(tmp_path / "other.duckdb")]) == 2
    assert "this is a binary file, not a text export" in capsys.readouterr().err


def test_communities_iterations_and_load_memory_limit(tmp_path, capsys):
    from workbench import datasets

    db = tmp_path / "w.duckdb"
    assert cli.main(["load", str(datasets.write_tiny(tmp_path / "tiny.jsonl")), "--db", str(db),
                     "--memory-limit", "300MB", "--quiet"]) == 0
    assert cli.main(["communities", "--db", str(db), "--iterations", "2"]) == 0
    assert "leiden (resolution 1.0, seed 0, 2 iterations)" in capsys.readouterr().out
    assert cli.main(["communities", "--db", str(db)]) == 0
    assert "until converged" in capsys.readouterr().out
    with wb.open(db, read_only=True) as store:
        assert [json.loads(p)["iterations"] for (p,) in store.sql(
            "SELECT params FROM community_runs ORDER BY run_id").fetchall()] == [2, None]
    assert cli.main(["communities", "--db", str(db), "--iterations", "0"]) == 2
    assert "iterations must be a whole number of at least 1" in capsys.readouterr().err


def test_communities_walktrap_limit_is_named_and_raised_with_max_edges(tmp_path, mini, capsys):
    """Issue 14.10: walktrap is guarded like girvan_newman; --max-edges raises the limit."""
    export = tmp_path / "a.jsonl"
    export.write_text(_lines(5))  # u0 -> u1 -> u2 -> u0: three pairs, three edges once symmetrised
    db = tmp_path / "w.duckdb"
    assert cli.main(["load", str(export), "--db", str(db)]) == 0
    capsys.readouterr()
    assert cli.main(["communities", "--db", str(db), "--method", "walktrap", "--max-edges", "2"]) == 2
    captured = capsys.readouterr()
    [line] = captured.err.strip().splitlines()
    assert "walktrap" in line and "this graph has 3 edges, the limit is 2" in line and "--max-edges 3" in line
    with wb.open(db, read_only=True) as store:
        assert store.query("graph.community_runs").empty  # nothing saved
    assert cli.main(["communities", "--db", str(db), "--method", "walktrap", "--max-edges", "3"]) == 0
    assert "community run 1: walktrap" in capsys.readouterr().out
    assert cli.main(["communities", "--db", str(db), "--method", "girvan_newman"]) == 0  # 3 <= 1,000
    assert "community run 2: girvan_newman" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["communities", "--db", str(db), "--method", "walktrap", "--max-edges", "-5"])
    assert "expected 0 or more, got -5" in capsys.readouterr().err
