"""The command line prints names from the data safely, and small things end without tracebacks.

Issue 15.8: a handle, a file name or a value quoted in a reject reason may hold escape sequences
(``\\x1b[2J`` clears the terminal, ``\\x1b]0;...\\x07`` retitles it, U+202E reverses what follows);
``load``, ``info``, ``communities`` and ``roles`` show them as escapes. Issue 14.10: ``info | head``
and ``info --loads -1`` end with no traceback.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import workbench as wb
from workbench import cli

CLEAR = "\x1b[2J"
TITLE = "\x1b]0;pwned\x07"
RTL = "\u202e"
CSI = "\x9b"  # the one-character CSI of C1


def _raw_controls(text: str) -> list[str]:
    return sorted({c for c in text if (ord(c) < 32 and c not in "\n") or 0x7f <= ord(c) <= 0x9f or c == RTL})


@pytest.fixture
def hostile_export(tmp_path):
    path = tmp_path / f"edges{CLEAR}.csv"
    path.write_text("source,target,kind\n"
                    f"alice{CLEAR},bob{TITLE},reply\n"
                    f"bob{TITLE},carol{RTL}txt.exe,mention\n"
                    f"carol{RTL}txt.exe,alice{CLEAR},reply\n"
                    f"dave{CSI}2J,alice{CLEAR},mention\n"
                    f"alice{CLEAR},dave{CSI}2J,{CLEAR}shout\n", encoding="utf-8")
    return path


def test_names_from_the_data_reach_the_terminal_as_escapes(tmp_path, hostile_export, capsys):
    db = tmp_path / "w.duckdb"
    assert cli.main(["load", str(hostile_export), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert _raw_controls(out) == []  # was: ESC, BEL and U+202E written as they are
    assert "edges\\x1b[2J.csv" in out  # the file name
    assert "reject at line 6: unknown kind '\\x1b[2Jshout'" in out  # a value quoted in a reject reason
    assert cli.main(["info", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert _raw_controls(out) == [] and "edges\\x1b[2J.csv" in out
    assert cli.main(["communities", "--db", str(db)]) == 0
    assert cli.main(["roles", "--db", str(db), "--top", "5"]) == 0
    out = capsys.readouterr().out
    assert _raw_controls(out) == []
    # the tables every command prints (top accounts, last loads, attributes) go through one printer
    cli._print_frame(wb.open(db, read_only=True).sql("SELECT handle, account_id FROM accounts ORDER BY 1").df())
    out = capsys.readouterr().out
    assert _raw_controls(out) == [] and "bob\\x1b]0;pwned\\x07" in out and "carol\\u202etxt.exe" in out


def test_errors_naming_the_data_are_shown_as_escapes(tmp_path, hostile_export, capsys):
    assert cli.main(["load", str(hostile_export), "--db", str(tmp_path / "w.duckdb"), "--strict"]) == 2
    err = capsys.readouterr().err
    assert _raw_controls(err) == [] and "\\x1b[2Jshout" in err


def test_info_into_a_closed_pipe_ends_quietly(tmp_path):
    db = tmp_path / "w.duckdb"
    with wb.open(db) as store:
        wb.load(store, wb.datasets.write_tiny(tmp_path / "tiny.jsonl"), progress=False)
    # the reader is gone before anything is written: every write fails, as with `info | head -0`
    reader = subprocess.Popen([sys.executable, "-m", "workbench.cli", "info", "--db", str(db)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reader.stdout.close()
    err = reader.stderr.read().decode()
    assert reader.wait(timeout=120) == 141  # as a command killed by SIGPIPE
    assert err == ""  # was: a BrokenPipeError traceback


def test_info_loads_must_be_a_count(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    wb.open(db).close()
    for value, message in (("-1", "expected 0 or more, got -1"), ("ten", "expected a whole number, got 'ten'")):
        with pytest.raises(SystemExit) as exited:
            cli.main(["info", "--db", str(db), "--loads", value])
        assert exited.value.code == 2
        err = capsys.readouterr().err
        assert f"argument --loads: {message}" in err and "Traceback" not in err
    assert cli.main(["info", "--db", str(db), "--loads", "0"]) == 0
