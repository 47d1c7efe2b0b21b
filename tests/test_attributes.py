"""Account attributes: importing ground truth, listing it, comparing partitions with it.

Counts are checked against the raw label files, parsed here with plain Python; NMI / AMI / ARI
against scikit-learn on independently parsed labels.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest
from sklearn import metrics

import workbench as wb
from conftest import shared_file
from workbench import communities
from workbench.cli import main
from workbench.errors import ParameterError, StrictModeError


def raw_labels(path: Path) -> dict[str, str]:
    """``node -> label`` of a SNAP / vlivashkin label file (whitespace separated, CRLF tolerated)."""
    pairs = [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {node: label for node, label in pairs}


# -- real label files ---------------------------------------------------------------------------------

def test_email_eu_core_departments_through_the_cli(shared_data, tmp_path, capsys):
    folder = shared_data / "snap_email_eu_core_departments"
    edges = shared_file(shared_data, "snap_email_eu_core_departments", "email-Eu-core.txt")
    labels_file = shared_file(shared_data, "snap_email_eu_core_departments", "email-Eu-core-department-labels.txt")
    truth = raw_labels(labels_file)
    assert (len(truth), len(set(truth.values()))) == (1005, 42)
    db = str(tmp_path / "email.duckdb")
    assert main(["load", str(edges), "--db", db, "--format", "edges-csv", "--quiet"]) == 0
    assert main(["attributes", "import", str(labels_file), "--db", db, "--name", "department"]) == 0
    out = capsys.readouterr().out
    assert "read 1,005, loaded 1,005, rejected 0" in out and "account attributes 1,005" in out
    assert main(["attributes", "list", "--db", db]) == 0
    listing = capsys.readouterr().out
    assert "department" in listing and "1005" in listing and "42" in listing
    assert folder.name not in listing  # file names only, no paths
    assert main(["attributes", "list", "--db", db, "--name", "department", "--top", "3"]) == 0
    top = capsys.readouterr().out
    largest, size = Counter(truth.values()).most_common(1)[0]
    assert "department: 42 values on 1,005 accounts" in top and f"{largest} {size}".split() == top.splitlines()[2].split()

    with wb.open(db, read_only=True) as store:
        stored = wb.attributes.values(store, "department")
        assert stored.to_dict() == {f"csv:{node}": label for node, label in truth.items()}
        loads = store.sql("SELECT format, records_read, records_loaded, status FROM loads ORDER BY load_id").fetchall()
        assert loads[-1] == ("attributes", 1005, 1005, "ok")
        # a Leiden partition against the departments: the workbench's figures equal scikit-learn's on the raw labels
        partition = communities.detect(wb.graph(store), method="leiden", seed=0)
        result = communities.compare(partition, "department", store=store)
        members = partition.to_frame()
        x = members["community"].tolist()
        y = [truth[account.removeprefix("csv:")] for account in members["account_id"]]
        assert result.n_accounts == len(members) == 986  # accounts with an edge other than a self-loop
        assert result.only_in_b == 1005 - 986
        assert result.nmi == pytest.approx(metrics.normalized_mutual_info_score(x, y))
        assert result.ami == pytest.approx(metrics.adjusted_mutual_info_score(x, y))
        assert result.ari == pytest.approx(metrics.adjusted_rand_score(x, y))
        assert 0.3 < result.nmi < 0.9  # departments are not modular, but far from unrelated
        table = wb.attributes.comparisons(store, partition)
        assert table.to_dict("records") == [{"attribute": "department", "values": 42, "accounts": 986,
                                             "nmi": result.nmi, "ami": result.ami, "ari": result.ari}]
        as_partition = wb.attributes.partition(store, "department")
        assert as_partition.n_communities == 42 and len(as_partition) == 1005
        assert sorted(as_partition.sizes.tolist(), reverse=True) == sorted(Counter(truth.values()).values(), reverse=True)
        assert as_partition.params["labels"][0] == largest
    # the same file again changes nothing
    assert main(["attributes", "import", str(labels_file), "--db", db, "--name", "department"]) == 0
    assert "already loaded as load 2" in capsys.readouterr().out


def test_karate_clusters_tab_separated_without_header(store, shared_data):
    edges = shared_file(shared_data, "zachary_karate_club", "vlivashkin", "karate.edges")
    clusters = shared_file(shared_data, "zachary_karate_club", "vlivashkin", "karate.clusters")
    truth = raw_labels(clusters)
    wb.load(store, edges, format="edges-csv")
    report = wb.attributes.import_file(store, clusters, name="faction")
    assert (report.records_read, report.records_rejected, report.new_attributes) == (34, 0, 34)
    counts = wb.attributes.value_counts(store, "faction")
    assert dict(zip(counts["value"], counts["accounts"])) == dict(Counter(truth.values()))  # 16 and 18
    partition = communities.detect(wb.graph(store), method="leiden", seed=0)
    x = partition.to_frame()
    expected = metrics.adjusted_rand_score(x["community"], [truth[a[4:]] for a in x["account_id"]])
    assert communities.compare(partition, "faction", store=store).ari == pytest.approx(expected)


# -- hand-written files: layouts, matching, rejects --------------------------------------------------------

def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def two_platforms(store, tmp_path):
    wb.load(store, write(tmp_path, "e.csv", "source,target\nalice,bob\nbob,carol\n"))
    wb.load(store, write(tmp_path, "f.csv", "source,target\nalice,dave\n"), platform="forum")
    return store


def test_header_file_with_several_attributes_quoting_and_matching(two_platforms, tmp_path):
    store = two_platforms
    text = ("# hand-coded stances\n"
            "Account,Stance,\"Team, full name\",Note\n"       # 2: header
            "csv:alice,pro,\"Red, inc.\",\n"                  # 3: account id; empty note sets nothing
            "bob,contra,Blue,\"said \"\"no\"\"\"\n"           # 4: handle (only on csv)
            "forum:dave,pro,,\n"                              # 5
            "alice,pro,Red,\n"                                # 6: ambiguous handle (csv and forum)
            "zoe,pro,Red,\n"                                  # 7: unknown
            "carol,pro\n"                                     # 8: ragged
            "bob,pro,Blue,\n"                                 # 9: bob again
            ",pro,Red,\n")                                    # 10: empty id
    report = wb.attributes.import_file(store, write(tmp_path, "stances.csv", text))
    assert (report.records_read, report.records_loaded, report.records_rejected) == (8, 3, 5)
    rows = store.sql("SELECT account_id, name, value FROM account_attributes ORDER BY 1, 2").fetchall()
    assert rows == [("csv:alice", "stance", "pro"), ("csv:alice", "team, full name", "Red, inc."),
                    ("csv:bob", "note", 'said "no"'), ("csv:bob", "stance", "contra"), ("csv:bob", "team, full name", "Blue"),
                    ("forum:dave", "stance", "pro")]
    assert store.sql("SELECT line_no, reason FROM rejects ORDER BY line_no").fetchall() == [
        (6, "ambiguous account 'alice': csv:alice, forum:alice (choose one with --platform)"),
        (7, "no account 'zoe' in the workspace (by account id, raw id or handle); load the export first"),
        (8, "expected 4 fields as in the header, got 2"),
        (9, "a second line for account csv:bob (the first is line 4)"),
        (10, "empty account id")]
    # --platform settles the ambiguity; an id column by name; a raw id on that platform
    again = wb.attributes.import_file(store, write(tmp_path, "forum.tsv", "stance\tuser\ncontra\talice\n"),
                                      id_column="User", platform="forum")
    assert again.records_rejected == 0
    assert wb.attributes.values(store, "stance").to_dict() == {
        "csv:alice": "pro", "csv:bob": "contra", "forum:alice": "contra", "forum:dave": "pro"}


def test_a_later_import_replaces_values_and_strict_changes_nothing(store, tmp_path):
    wb.load(store, write(tmp_path, "e.csv", "source,target\n1,2\n2,3\n"))
    wb.attributes.import_file(store, write(tmp_path, "a.txt", "1 x\n2 x\n3 y\n"), name="group")
    report = wb.attributes.import_file(store, write(tmp_path, "b.txt", "% fixed\n1 x\n2 y\n3 y\n"), name="group")
    assert report.new_attributes == 1  # only node 2 changed
    assert wb.attributes.values(store, "group").to_dict() == {"csv:1": "x", "csv:2": "y", "csv:3": "y"}
    assert store.scalar("SELECT load_id FROM account_attributes WHERE account_id = 'csv:2'") == report.files[0].load_id
    before = store.sql("SELECT * FROM account_attributes ORDER BY ALL").fetchall()
    with pytest.raises(StrictModeError, match=r"c\.txt line 2: no account '9'"):
        wb.attributes.import_file(store, write(tmp_path, "c.txt", "1 z\n9 z\n"), name="group", strict=True)
    assert store.sql("SELECT * FROM account_attributes ORDER BY ALL").fetchall() == before


def test_errors_name_what_is_wrong(store, tmp_path, capsys):
    wb.load(store, write(tmp_path, "e.csv", "source,target\n1,2\n"))
    with pytest.raises(ParameterError, match="no account attribute 'group': the workspace has none"):
        wb.attributes.values(store, "group")
    with pytest.raises(ParameterError, match="no account attribute 'group'"):
        communities.compare({"csv:1": 0}, "group", store=store)
    with pytest.raises(ParameterError, match="needs the workspace"):
        communities.compare({"csv:1": 0}, "group")
    with pytest.raises(Exception, match="no column 'node' in the header; the columns are account, group"):
        wb.attributes.import_file(store, write(tmp_path, "h.csv", "account,group\n1,a\n"), id_column="node")
    with pytest.raises(Exception, match=r"no record could be read \(2 rejected"):
        wb.attributes.import_file(store, write(tmp_path, "u.txt", "7 a\n8 b\n"))
    with pytest.raises(ParameterError, match="for files without a header"):
        wb.attributes.import_file(store, write(tmp_path, "n.csv", "account,group\n1,a\n"), name="x")
    assert store.counts()["account_attributes"] == 0
    db = str(tmp_path / "w.duckdb")
    assert main(["attributes", "list", "--db", db]) == 2  # no such workspace
    assert main(["load", str(tmp_path / "e.csv"), "--db", db, "--quiet"]) == 0
    assert main(["attributes", "list", "--db", db]) == 0
    assert "holds no account attributes; import them with `workbench attributes import FILE" in capsys.readouterr().out
    assert main(["attributes", "import", str(tmp_path / "u.txt"), "--db", db]) == 2


# -- the schema step -------------------------------------------------------------------------------------

def test_a_version_2_workspace_is_read_as_having_none_and_migrated_when_written(tmp_path):
    path = tmp_path / "old.duckdb"
    with wb.open(path) as store:
        wb.load(store, write(tmp_path, "e.csv", "source,target\n1,2\n"))
    con = duckdb.connect(str(path))  # as version 2 left it: no account_attributes table
    con.execute("DROP TABLE account_attributes")
    con.execute("UPDATE workbench_meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    with wb.open(path, read_only=True) as store:
        assert store.schema_version == 2
        assert store.counts()["account_attributes"] == 0
        assert wb.attributes.names(store).empty
    from workbench import session
    overlay = session.overlay(path)
    assert overlay.scalar("SELECT count(*) FROM account_attributes") == 0
    overlay.close()
    with wb.open(path) as store:
        assert store.schema_version >= 3  # 3 brought the attributes; later versions keep them
        wb.attributes.import_file(store, write(tmp_path, "l.txt", "1 a\n2 b\n"))
    with wb.open(path, read_only=True) as store:
        assert wb.attributes.values(store, "label").to_dict() == {"csv:1": "a", "csv:2": "b"}
    overlay = session.overlay(path)  # the notebooks' read-only view carries the attributes
    assert overlay.scalar("SELECT count(*) FROM account_attributes") == 2
    overlay.close()


# -- notebook 02 ---------------------------------------------------------------------------------------

def _truth_cell(executed) -> str:
    cell = next(c for c in executed.cells if c.get("id") == "02-11-truth")
    return "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in cell.outputs)


@pytest.mark.notebooks
def test_notebook_02_compares_communities_with_the_attributes(shared_data, tmp_path):
    """Karate with its factions: the section shows one row for the faction attribute on all 34 members."""
    from workbench import reports

    db = tmp_path / "karate.duckdb"
    with wb.open(db) as store:
        wb.load(store, shared_file(shared_data, "zachary_karate_club", "vlivashkin", "karate.edges"),
                format="edges-csv", progress=False)
        wb.attributes.import_file(store, shared_file(shared_data, "zachary_karate_club", "vlivashkin",
                                                     "karate.clusters"), name="faction", progress=False)
    executed = reports.execute(reports.NOTEBOOKS_DIR / "02_communities.ipynb", tmp_path / "02.ipynb",
                               {"db_path": str(db)})
    shown = _truth_cell(executed)
    assert "faction" in shown and "34" in shown and "nmi" in shown
    assert "No account attributes" not in shown


@pytest.mark.notebooks
def test_notebook_02_says_so_in_one_line_without_attributes(sample_report):
    page = next(p for p in sample_report.pages if p.stem == "02_communities").read_text(encoding="utf-8")
    assert "No account attributes to compare with: import ground truth with" in page
