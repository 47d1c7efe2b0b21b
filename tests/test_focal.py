"""Focal accounts: set, cleared and listed from Python and the CLI; the sample's brand is flagged."""

from __future__ import annotations

import pytest

import workbench as wb
from workbench import focal, session
from workbench.cli import main
from workbench.errors import ParameterError


def edges(path, rows: str):
    path.write_text("source,target,kind,timestamp\n" + rows, encoding="utf-8")
    return path


@pytest.fixture
def workspace(tmp_path):
    db = tmp_path / "w.duckdb"
    export = edges(tmp_path / "e.csv", "fan1,Brand,mention,2024-03-01T10:00:00Z\n"
                                       "fan2,Brand,share,2024-03-02T10:00:00Z\n"
                                       "fan1,fan2,reply,2024-03-03T10:00:00Z\n"
                                       "Brand,fan1,reply,2024-03-03T11:00:00Z\n")
    with wb.open(db) as store:
        wb.load(store, export, format="edges-csv", progress=False)
    return db, export


def flagged(db) -> list[str]:
    with wb.open(db, read_only=True) as store:
        return store.sql("SELECT account_id FROM accounts WHERE is_focal ORDER BY 1").df()["account_id"].tolist()


def test_add_remove_and_list_from_python(workspace):
    db, export = workspace
    with wb.open(db) as store:
        assert focal.listed(store).empty
        assert focal.add(store, ["@brand"]) == ["csv:Brand"]  # handles match case-insensitively, '@' optional
        assert focal.listed(store)[["account_id", "handle"]].values.tolist() == [["csv:Brand", "Brand"]]
        with pytest.raises(ParameterError, match="not found in the workspace: nobody"):
            focal.add(store, ["fan1", "nobody"])
        assert focal.listed(store)["account_id"].tolist() == ["csv:Brand"]  # nothing half-done
        # the flag survives loading the same file again (the merge keeps it)
        wb.load(store, export, format="edges-csv", progress=False)
        assert focal.listed(store)["account_id"].tolist() == ["csv:Brand"]
        # and it is what advocates and responsiveness use when no focal accounts are named
        from workbench.roles.window import resolve_focal

        assert resolve_focal(store, None) == ["csv:Brand"]
        assert focal.remove(store, "csv:Brand") == ["csv:Brand"]
        assert focal.listed(store).empty


def test_focal_command(workspace, capsys):
    db, _ = workspace
    assert main(["focal", "list", "--db", str(db)]) == 0
    assert "No focal accounts are set" in capsys.readouterr().out
    assert main(["focal", "add", "Brand", "fan2", "--db", str(db)]) == 0
    assert "flagged 2 account(s)" in capsys.readouterr().out
    assert flagged(db) == ["csv:Brand", "csv:fan2"]
    assert main(["focal", "remove", "@fan2", "--db", str(db)]) == 0
    assert flagged(db) == ["csv:Brand"]
    assert main(["focal", "list", "--db", str(db)]) == 0
    assert "csv:Brand" in capsys.readouterr().out
    assert main(["focal", "add", "ghost", "--db", str(db)]) == 2
    assert "focal account(s) not found in the workspace: ghost" in capsys.readouterr().err
    assert main(["focal", "add", "--db", str(db)]) == 2
    assert flagged(db) == ["csv:Brand"]


def test_sections_say_how_to_set_focal_accounts(workspace, capsys):
    db, _ = workspace
    s = session.start(db_path=str(db))
    assert s.focal_or_explain() == []
    line = capsys.readouterr().out.strip()
    assert line == focal.HOW_TO_SET and "workbench focal add" in line and "--focal" in line
    s.close()
    s = session.start(db_path=str(db), focal_accounts=["Brand"])
    assert s.focal_or_explain() == ["csv:Brand"] and capsys.readouterr().out == ""
    s.close()


@pytest.mark.slow  # a few seconds: left out of make test-fast, run by make test
def test_the_bundled_sample_flags_its_brand(tmp_path, capsys):
    db = tmp_path / "demo.duckdb"
    assert main(["demo", "--db", str(db), "--data", str(tmp_path / "sample"), "--no-reports"]) == 0
    with wb.open(db, read_only=True) as store:
        listed = focal.listed(store)
    assert listed["handle"].tolist() == list(focal.SAMPLE_FOCAL)
    # the sample loaded in memory by a notebook (no db_path) flags it too
    s = session.start()
    assert [s.store.scalar("SELECT handle FROM accounts WHERE account_id = $id", {"id": i}) for i in s.focal] == \
        list(focal.SAMPLE_FOCAL)
    s.close()
