"""Workspaces from someone else: no local file reaches any output, and --db never loses data silently.

A tampered workspace is a real workspace changed with DuckDB itself, as an attacker would: a table
replaced by a view over ``read_text``/``read_blob`` of a local file (here a stand-in for the
pseudonym key), a macro that takes the place of a built-in function, an extra view, a table with
other columns. Every command refuses it with a one-line message, and the file's content appears in
no output; with the checks switched off, DuckDB's own containment (external access off) still keeps
the content out.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

import workbench as wb
from workbench import cli, containment, session
from workbench.errors import ParameterError, WorkspaceError

SECRET = "SECRET-7f3a9c-pseudonym-key"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def secret(tmp_path) -> Path:
    path = tmp_path / "key" / "pseudonym.key"
    path.parent.mkdir()
    path.write_text(SECRET + "\n")
    return path


@pytest.fixture
def clean_db(tmp_path) -> Path:
    db = tmp_path / "clean.duckdb"
    with wb.open(db) as store:
        wb.load(store, wb.datasets.write_tiny(tmp_path / "tiny.jsonl"), progress=False)
    return db


def _tamper(clean: Path, target: Path, secret: Path, how: str) -> Path:
    """A copy of ``clean`` changed with plain DuckDB (external access on, as on the attacker's machine)."""
    target.write_bytes(clean.read_bytes())
    con = duckdb.connect(str(target))
    literal = "'" + str(secret).replace("'", "''") + "'"  # test code: the attacker writes the path into the view
    statements = {
        "loads_view_over_read_text": [
            "ALTER TABLE loads RENAME TO loads_kept",
            "CREATE VIEW loads AS SELECT * REPLACE ((SELECT content FROM read_text(" + literal + ")) AS path) "
            "FROM loads_kept"],
        "accounts_view_over_read_blob": [
            "ALTER TABLE accounts RENAME TO accounts_kept",
            "CREATE VIEW accounts AS SELECT * REPLACE ((SELECT content::VARCHAR FROM read_blob(" + literal
            + ")) AS handle) FROM accounts_kept"],
        "macro_for_a_builtin": [
            "CREATE MACRO lower(x) AS (SELECT content FROM read_text(" + literal + "))"],
        "table_macro": [
            "CREATE MACRO key_file() AS TABLE SELECT content FROM read_text(" + literal + ")"],
        "extra_view": [
            "CREATE VIEW notes AS SELECT content FROM read_text(" + literal + ")"],
        "other_columns": [
            "DROP TABLE accounts",
            "CREATE TABLE accounts (account_id VARCHAR PRIMARY KEY, platform VARCHAR, handle VARCHAR)",
            "INSERT INTO accounts VALUES ('csv:x', 'csv', 'x')"],
    }[how]
    for statement in statements:
        con.execute(statement)
    con.close()
    return target


TAMPERINGS = ["loads_view_over_read_text", "accounts_view_over_read_blob", "macro_for_a_builtin", "table_macro",
              "extra_view", "other_columns"]


def _assert_nothing_leaked(capsys, out_dir: Path | None = None) -> str:
    captured = capsys.readouterr()
    assert SECRET not in captured.out and SECRET not in captured.err
    if out_dir is not None and out_dir.exists():
        for written in out_dir.rglob("*"):
            if written.is_file():
                assert SECRET not in written.read_text(errors="replace")
    return captured.err


@pytest.mark.parametrize("how", TAMPERINGS)
def test_every_command_refuses_a_tampered_workspace_and_shows_nothing_of_the_file(tmp_path, clean_db, secret,
                                                                                    capsys, how):
    db = _tamper(clean_db, tmp_path / "sent.duckdb", secret, how)
    before = _sha(db)
    out = tmp_path / "out"
    for argv in (["info", "--db", str(db)],
                 ["communities", "--db", str(db)],
                 ["roles", "--db", str(db)],
                 ["export", "--db", str(db), "--to", str(out / "graph.csv")],
                 ["focal", "list", "--db", str(db)],
                 ["attributes", "list", "--db", str(db)],
                 ["campaigns", "list", "--db", str(db)],
                 ["report", "--db", str(db), "--out", str(out / "plain")],
                 ["report", "--db", str(db), "--out", str(out / "report"), "--pseudonymize"]):
        assert cli.main(argv) == 2, argv
        err = _assert_nothing_leaked(capsys, out)
        assert len(err.strip().splitlines()) == 1
        assert "changed outside the workbench" in err or "columns" in err
    assert _sha(db) == before  # refused before anything was written


def test_the_message_names_what_was_found(tmp_path, clean_db, secret):
    db = _tamper(clean_db, tmp_path / "sent.duckdb", secret, "loads_view_over_read_text")
    with pytest.raises(WorkspaceError, match=r"holds view loads: a workbench workspace holds only its tables"):
        wb.open(db, read_only=True)
    db = _tamper(clean_db, tmp_path / "macro.duckdb", secret, "macro_for_a_builtin")
    with pytest.raises(WorkspaceError, match=r"holds macro lower"):
        wb.open(db)
    db = _tamper(clean_db, tmp_path / "columns.duckdb", secret, "other_columns")
    with pytest.raises(WorkspaceError, match=r"table accounts does not have the workbench's columns \(expected "
                                             r"display_name VARCHAR \(missing\)"):
        wb.open(db, read_only=True)


@pytest.mark.parametrize("how", ["loads_view_over_read_text", "macro_for_a_builtin"])
def test_notebook_sessions_refuse_a_tampered_workspace(tmp_path, clean_db, secret, how):
    """The notebooks' (and so the report's) way in: session.start -> overlay."""
    db = _tamper(clean_db, tmp_path / "sent.duckdb", secret, how)
    with pytest.raises(WorkspaceError, match="changed outside the workbench"):
        session.start(db_path=str(db), pseudonymize=True)


def test_with_the_checks_off_duckdb_still_reads_no_file(tmp_path, clean_db, secret, monkeypatch, capsys):
    """Defence in depth: were a tampering to pass the checks, external access is still off."""
    monkeypatch.setattr(containment, "check_objects", lambda *a, **k: None)
    db = _tamper(clean_db, tmp_path / "sent.duckdb", secret, "loads_view_over_read_text")
    with wb.open(db, read_only=True) as store:
        with pytest.raises(duckdb.PermissionException, match="file system operations are disabled"):
            store.query("info.last_loads", limit=5)
    with pytest.raises(duckdb.PermissionException):
        cli.main(["info", "--db", str(db)])
    _assert_nothing_leaked(capsys)
    db = _tamper(clean_db, tmp_path / "blob.duckdb", secret, "accounts_view_over_read_blob")
    with pytest.raises(duckdb.PermissionException):  # binding the overlay's view reads the file: refused
        session.start(db_path=str(db))


@pytest.mark.parametrize("opener", ["file", "memory", "overlay"])
def test_workspace_connections_read_no_file_and_are_locked(tmp_path, clean_db, secret, opener):
    store = {"file": lambda: wb.open(clean_db, read_only=True), "memory": lambda: wb.open(":memory:"),
             "overlay": lambda: session.overlay(clean_db)}[opener]()
    try:
        for statement in ("SELECT content FROM read_text($p)", "SELECT content FROM read_blob($p)",
                          "SELECT * FROM read_csv($p)"):
            with pytest.raises(duckdb.PermissionException):
                store.sql(statement, {"p": str(secret)}).fetchall()
        with pytest.raises(duckdb.PermissionException):
            store.sql("ATTACH $p AS other", {"p": str(tmp_path / "other.duckdb")})
        with pytest.raises(duckdb.PermissionException):
            store.sql("COPY (SELECT 1) TO $p", {"p": str(tmp_path / "out.csv")})
        for setting in ("SET enable_external_access = true", "SET autoload_known_extensions = true",
                        "SET allowed_directories = ['/']", "SET TimeZone = 'Europe/Paris'"):
            with pytest.raises(duckdb.Error, match="locked|Cannot"):
                store.sql(setting)
        settings = dict(store.sql("SELECT name, value FROM duckdb_settings() WHERE name IN "
                                  "('enable_external_access', 'lock_configuration', 'autoload_known_extensions', "
                                  "'autoinstall_known_extensions', 'TimeZone')").fetchall())
        assert settings == {"enable_external_access": "false", "lock_configuration": "true",
                            "autoload_known_extensions": "false", "autoinstall_known_extensions": "false",
                            "TimeZone": "UTC"}
        assert not (tmp_path / "out.csv").exists() and not (tmp_path / "other.duckdb").exists()
    finally:
        store.close()


def test_loads_still_read_their_files_on_a_locked_connection(tmp_path):
    """Loads read export files in Python and hand DuckDB Arrow data: they need no file access in SQL."""
    db = tmp_path / "w.duckdb"
    with wb.open(db, settings={"threads": 1}) as store:
        report = wb.load(store, wb.datasets.write_tiny(tmp_path / "tiny.jsonl.gz"), progress=False)
        assert report.records_loaded == report.records_read > 0
        assert store.scalar("SELECT current_setting('threads')") == 1
        assert store.scalar("SELECT current_setting('lock_configuration')") is True
    with pytest.raises(ParameterError, match="setting 'enable_external_access' cannot be chosen"):
        wb.open(":memory:", settings={"enable_external_access": True})


# -- 15.4 / 14.10: --db names a workspace file or a new path; nothing else is touched -------------------

def _others(tmp_path: Path) -> dict[str, Path]:
    import pandas as pd

    files = {"notes.csv": "source,target\na,b\nb,c\n", "tweets.json": '[{"id": "1"}]\n',
             "tweets.jsonl": '{"id": "1"}\n', "empty.duckdb": ""}
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / name
        paths[name].write_text(text)
    paths["edges.parquet"] = tmp_path / "edges.parquet"
    pd.DataFrame({"source": ["a"], "target": ["b"]}).to_parquet(paths["edges.parquet"])
    return paths


@pytest.mark.parametrize("name,kind", [("notes.csv", "a text file (CSV or the like)"), ("tweets.json", "a JSON file"),
                                       ("tweets.jsonl", "a JSON file"), ("edges.parquet", "a Parquet file"),
                                       ("empty.duckdb", "an empty file")])
def test_db_that_is_another_kind_of_file_is_refused_and_untouched(tmp_path, capsys, name, kind):
    paths = _others(tmp_path)
    export = tmp_path / "export.csv"
    export.write_text("source,target\nx,y\ny,z\n")
    target = paths[name]
    before = _sha(target)
    listing = sorted(p.name for p in tmp_path.iterdir())
    assert cli.main(["load", str(export), "--db", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"{target} is {kind}, not a workspace (a DuckDB file); it was left untouched" in err
    assert _sha(target) == before and sorted(p.name for p in tmp_path.iterdir()) == listing
    for read_only in (False, True):  # the API says the same (issue 14.10: wb.open('x.csv'))
        with pytest.raises(WorkspaceError, match="not a workspace"):
            wb.open(target, read_only=read_only)
    assert _sha(target) == before


@pytest.mark.parametrize("name", ["x.csv", "tweets.jsonl.gz", "edges.parquet", "RC_2023-01.zst"])
def test_open_of_a_missing_export_name_is_an_error_not_a_new_workspace(tmp_path, capsys, name):
    """Issue 14.10: wb.open('x.csv') gave an empty read-write store (and wrote a DuckDB file called x.csv)."""
    with pytest.raises(WorkspaceError, match=r"does not exist, and a new workspace is not created under an "
                                             r"export's name .*: a workspace is a DuckDB file such as "):
        wb.open(tmp_path / name)
    export = tmp_path / "export.csv"
    export.write_text("source,target\nx,y\n")
    assert cli.main(["load", str(export), "--db", str(tmp_path / name)]) == 2
    assert "load an export into it with `workbench load EXPORT --db FILE`" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]  # nothing was written


@pytest.mark.parametrize("db", ["md:shared", "motherduck:shared", "s3://bucket/w.duckdb",
                                "https://example.org/w.duckdb", "hf://datasets/x/w.duckdb"])
def test_db_uri_is_refused_without_reaching_out(tmp_path, capsys, db):
    export = tmp_path / "export.csv"
    export.write_text("source,target\nx,y\n")
    assert cli.main(["load", str(export), "--db", db]) == 2
    assert f"{db} is not a workspace file: a workspace is a local DuckDB file" in capsys.readouterr().err
    with pytest.raises(WorkspaceError, match="not a workspace file"):
        wb.open(db)


def test_db_memory_is_refused_by_the_command_line(tmp_path, capsys):
    export = tmp_path / "export.csv"
    export.write_text("source,target\nx,y\n")
    for command in (["load", str(export)], ["info"], ["communities"], ["roles"]):
        assert cli.main([*command, "--db", ":memory:"]) == 2
        assert "--db :memory: keeps nothing once the command ends" in capsys.readouterr().err
    with wb.open(":memory:") as store:  # the Python API keeps its throw-away workspaces
        assert store.read_only is False


def test_db_folder_and_foreign_duckdb_file_are_refused(tmp_path, capsys):
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(WorkspaceError, match="is a folder, not a workspace file"):
        wb.open(folder)
    other = tmp_path / "analysis.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE results AS SELECT 42 AS answer")
    con.close()
    before = _sha(other)
    with pytest.raises(WorkspaceError, match="not a workbench workspace .* it was left untouched"):
        wb.open(other)
    assert _sha(other) == before
    with duckdb.connect(str(other), read_only=True) as con:
        assert con.execute("SELECT * FROM information_schema.tables").fetchall()[0][2] == "results"


def test_new_path_and_colon_names_still_work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with wb.open("nested/new.duckdb") as store:
        assert store.schema_version == wb.store.SCHEMA_VERSION
    with wb.open("./odd:name.duckdb") as store:
        assert store.counts()["accounts"] == 0
    with wb.open("nested/new.duckdb", read_only=True) as store:  # a workspace file opens again
        assert store.read_only
