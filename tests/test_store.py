"""The store: schema, named queries, bound parameters, busy workspaces, saving runs."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pandas as pd
import pytest

import workbench as wb
from workbench import sql
from workbench import store as store_module
from workbench.errors import ParameterError, QueryError, WorkspaceBusyError, WorkspaceError
from workbench.store import TABLES


def test_new_workspace_has_every_canonical_table_empty(store):
    assert store.counts() == {name: 0 for name in TABLES}
    assert store.schema_version == 7


def test_canonical_columns_follow_the_design(store):
    def columns(table):
        return list(store.sql("SELECT column_name FROM information_schema.columns WHERE table_name = $t "
                              "ORDER BY ordinal_position", {"t": table}).df()["column_name"])

    assert columns("interactions") == ["source_id", "target_id", "kind", "post_id", "created_at", "platform", "load_id"]
    assert columns("posts")[:16] == [
        "post_id", "platform", "author_id", "created_at", "text", "lang", "parent_post_id", "conversation_id",
        "channel", "kind", "like_count", "share_count", "reply_count", "quote_count", "collected", "load_id"]
    assert columns("accounts")[:9] == ["account_id", "platform", "handle", "display_name", "followers", "following",
                                       "posts_count", "created_at", "is_focal"]
    assert columns("loads")[:11] == ["load_id", "path", "format", "sha256", "bytes", "started_at", "finished_at",
                                     "records_read", "records_loaded", "records_rejected", "status"]
    assert columns("rejects") == ["load_id", "path", "line_no", "reason", "raw"]
    assert columns("memberships") == ["run_id", "account_id", "community"]


def test_unknown_query_and_wrong_parameters_are_clear_errors(store):
    with pytest.raises(QueryError, match="no query named 'info.nope'"):
        store.query("info.nope")
    with pytest.raises(QueryError, match="unexpected parameter.*colour"):
        store.query("info.tables", colour="red")
    with pytest.raises(QueryError, match=r"missing parameter\(s\) run_id \(expects: run_id\)"):
        store.query("graph.memberships")


def test_values_are_bound_never_formatted(store):
    hostile = "x'); DROP TABLE accounts; --"
    frame = store.query("info.last_loads", limit=5)
    assert frame.empty
    store.sql("INSERT INTO accounts (account_id, platform, handle) VALUES ($id, 'csv', $h)", {"id": hostile, "h": "$limit"})
    assert store.scalar("SELECT handle FROM accounts WHERE account_id = $id", {"id": hostile}) == "$limit"
    assert store.counts()["accounts"] == 1


def test_parameters_inside_string_literals_are_not_parameters():
    query = sql.Query("t", "", "SELECT '$notaparam' AS a, $real AS b -- $comment", sql._parameters(
        "SELECT '$notaparam' AS a, $real AS b -- $comment"), sql.QUERIES_DIR)
    assert query.params == {"real"}


def test_every_named_query_has_a_doc_line():
    for name in sql.names():
        assert sql.get(name).doc, f"{name} has no doc line"


def test_identifier_allow_list():
    assert sql.check_identifier("week", ["day", "week"]) == "week"
    with pytest.raises(ParameterError, match="must be one of day, week; got 'year; DROP'"):
        sql.check_identifier("year; DROP", ["day", "week"])


def test_save_partition_records_run_and_memberships(store):
    table = pd.DataFrame({"account_id": ["csv:a", "csv:b", "csv:c"], "community": [0, 0, 1]})
    first = store.save_partition(table, method="leiden", params={"resolution": 1.0, "seed": 0},
                                 graph_spec={"kinds": ["reply"]}, modularity=0.25)
    second = store.save_partition(table, method="louvain")
    assert (first, second) == (1, 2)
    run = store.sql("SELECT method, params->>'resolution', n_communities, modularity FROM community_runs "
                    "WHERE run_id = 1").fetchone()
    assert run == ("leiden", "1.0", 2, 0.25)
    assert store.scalar("SELECT count(*) FROM memberships WHERE run_id = 2") == 3
    assert store.latest_community_run() == 2


def test_read_only_workspace_refuses_to_save(tmp_path):
    path = tmp_path / "w.duckdb"
    wb.open(path).close()
    with wb.open(path, read_only=True) as store:
        with pytest.raises(WorkspaceError, match="read-only"):
            store.save_partition(pd.DataFrame({"account_id": ["x"], "community": [0]}), method="leiden")


def test_missing_or_foreign_file_read_only(tmp_path):
    with pytest.raises(WorkspaceError, match="does not exist"):
        wb.open(tmp_path / "none.duckdb", read_only=True)
    import duckdb
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    with pytest.raises(WorkspaceError, match="not a workbench workspace"):
        wb.open(other, read_only=True)


def test_second_writer_gets_a_busy_message(tmp_path):
    path = tmp_path / "busy.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time, workbench as wb
            s = wb.open({str(path)!r}); print('ready', flush=True); sys.stdin.readline()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(WorkspaceBusyError, match=r"is busy: process \d+ has it open"):
            wb.open(path)
        with pytest.raises(WorkspaceBusyError, match="busy"):
            wb.open(path, read_only=True)
    finally:
        holder.communicate("\n", timeout=30)


def test_interrupted_load_is_marked_failed_when_reopened(tmp_path):
    path = tmp_path / "w.duckdb"
    with wb.open(path) as store:
        store.sql("INSERT INTO loads (load_id, path, started_at, status) VALUES (7, 'x.jsonl', now(), 'running')")
    with wb.open(path) as store:
        assert store.sql("SELECT status, message FROM loads WHERE load_id = 7").fetchone() == (
            "failed", "interrupted before it finished")


def test_a_writer_while_readers_are_open_gets_a_busy_message(tmp_path):
    path = tmp_path / "shared.duckdb"
    wb.open(path).close()
    script = textwrap.dedent(f"""
        import sys, workbench as wb
        s = wb.open({str(path)!r}, read_only=True); print(s.counts()['accounts'], flush=True); sys.stdin.readline()
    """)
    readers = [subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True) for _ in range(2)]
    try:
        assert [r.stdout.readline().strip() for r in readers] == ["0", "0"]  # two readers at once are fine
        with pytest.raises(WorkspaceBusyError, match="is busy: .*Wait for that load or command to finish"):
            wb.open(path)
    finally:
        for reader in readers:
            reader.communicate("\n", timeout=30)
    with wb.open(path) as store:  # once the readers are gone, writing works again
        assert store.counts()["accounts"] == 0


def test_a_parameter_of_the_wrong_type_is_a_query_error(store, tmp_path):
    # DuckDB evaluates LIMIT only when there are rows to limit: load some first
    wb.load(store, wb.datasets.write_tiny(tmp_path / "tiny.jsonl"))
    with pytest.raises(QueryError, match=r"query 'info.last_loads': a parameter has the wrong type \(limit='ten'\)"):
        store.query("info.last_loads", limit="ten")


def test_a_version_4_workspace_is_migrated_and_keeps_its_rows(tmp_path):
    """Version 6 drops the PRIMARY KEY indexes of posts and accounts (DuckDB holds such an index in
    memory whole when a transaction changes it); the rows stay, and loads still keep ids unique."""
    import duckdb

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE workbench_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
    con.execute("INSERT INTO workbench_meta VALUES ('schema_version', '4')")
    con.execute("CREATE TABLE accounts (account_id VARCHAR PRIMARY KEY, platform VARCHAR NOT NULL, handle VARCHAR, "
                "display_name VARCHAR, followers BIGINT, following BIGINT, posts_count BIGINT, created_at TIMESTAMPTZ, "
                "is_focal BOOLEAN NOT NULL DEFAULT false, seen_at TIMESTAMPTZ)")
    con.execute("CREATE TABLE posts (post_id VARCHAR PRIMARY KEY, platform VARCHAR NOT NULL, author_id VARCHAR, "
                "created_at TIMESTAMPTZ, text VARCHAR, lang VARCHAR, parent_post_id VARCHAR, conversation_id VARCHAR, "
                "channel VARCHAR, kind VARCHAR NOT NULL, like_count BIGINT, share_count BIGINT, reply_count BIGINT, "
                "quote_count BIGINT, collected BOOLEAN NOT NULL, load_id BIGINT)")
    con.execute("INSERT INTO accounts (account_id, platform, handle, is_focal) VALUES ('csv:a', 'csv', 'a', true)")
    con.execute("INSERT INTO posts (post_id, platform, author_id, text, kind, collected, load_id) "
                "VALUES ('csv:p1', 'csv', 'csv:a', 'hello', 'post', true, 1)")
    con.close()
    with wb.open(path) as store:
        assert store.schema_version == 7
        assert store.sql("SELECT account_id, handle, is_focal FROM accounts").fetchall() == [("csv:a", "a", True)]
        assert store.sql("SELECT post_id, text FROM posts").fetchall() == [("csv:p1", "hello")]
        assert store.scalar("SELECT count(*) FROM duckdb_constraints() WHERE table_name IN ('posts', 'accounts') "
                            "AND constraint_type = 'PRIMARY KEY'") == 0
        edges = tmp_path / "edges.csv"
        edges.write_text("source,target\na,b\na,c\n", encoding="utf-8")
        wb.load(store, edges)
        wb.load(store, edges)
        assert store.sql("SELECT account_id, is_focal FROM accounts ORDER BY 1").fetchall() == [
            ("csv:a", True), ("csv:b", False), ("csv:c", False)]


def test_memory_limit_and_spill_folder_are_set(tmp_path):
    path = tmp_path / "w.duckdb"
    with wb.open(path, memory_limit="300MB") as store:
        assert store.scalar("SELECT current_setting('memory_limit')") in ("286.1 MiB", "300.0 MB", "286.1MiB")
        assert store.scalar("SELECT current_setting('temp_directory')") == f"{path}.tmp"
    with wb.open(":memory:") as store:  # the default: a bounded limit, not DuckDB's 80% of RAM
        assert store.scalar("SELECT current_setting('memory_limit')") in ("953.6 MiB", "1.0 GB", "953.6MiB")
    with pytest.raises(ParameterError, match="memory_limit must be a size"):
        wb.open(":memory:", memory_limit="lots")


# -- issue 14.10: named queries with defaults, and a catalogue that says what each takes -----------------

def test_named_queries_take_defaults_for_what_is_left_out(store, tmp_path):
    wb.load(store, wb.datasets.write_tiny(tmp_path / "tiny.jsonl"), progress=False)
    pd.testing.assert_frame_equal(store.query("metrics.engagement"), store.query(
        "metrics.engagement", period="week", run_id=None, since=None, until=None))
    pd.testing.assert_frame_equal(wb.query(store, "explore.top_accounts", n=3), store.query(
        "explore.top_accounts", kinds=list(wb.DEFAULT_KINDS), n=3, since=None, until=None))
    assert len(store.query("info.last_loads")) == 1
    assert store.query("metrics.growth", period="day")["period"].nunique() > store.query("metrics.growth")[
        "period"].nunique()  # a value given wins over the default
    # every analysis query (explore, metrics, info, graph) can now be called with no argument but the ones
    # that have no sensible default: a run, focal accounts, activity weights, the graph's own options
    analysis = [n for n in sql.names() if n.split(".")[0] in ("explore", "metrics", "info")]
    needing = {n: sorted(sql.get(n).params - set(sql.get(n).defaults)) for n in analysis}
    assert {n: p for n, p in needing.items() if p} == {
        "metrics.activity": ["weight_kinds", "weight_values"], "metrics.responsiveness": ["focal_ids"]}


def test_names_lists_queries_with_doc_lines_and_parameters():
    assert wb.sql.names is sql.names
    table = sql.names("metrics", details=True).set_index("name")
    assert table.loc["metrics.engagement", "parameters"] == "period='week', run_id=NULL, since=NULL, until=NULL"
    assert table.loc["metrics.responsiveness", "parameters"].startswith("focal_ids, period='week'")
    assert table.loc["metrics.engagement", "doc"].startswith("Applause, amplification and conversation rates")
    assert list(sql.names("info")) == ["info.interaction_kinds", "info.last_loads", "info.platforms", "info.tables"]
    assert sql.names(details=True)["doc"].str.len().min() > 0


def test_a_bad_default_line_is_a_clear_error(tmp_path):
    folder = tmp_path / "queries" / "demo"
    folder.mkdir(parents=True)
    (folder / "q.sql").write_text("-- name: q\n-- A doc line.\n-- default: limit = ten\nSELECT $limit\n")
    with pytest.raises(QueryError, match=r"default of limit is 'ten'; expected NULL"):
        sql.names(root=tmp_path / "queries")
    (folder / "q.sql").write_text("-- name: q\n-- A doc line.\n-- default: lmit = 10\nSELECT $limit\n")
    with pytest.raises(QueryError, match=r"query 'demo.q' has a default for lmit, which it does not take"):
        sql.names(root=tmp_path / "queries")
    (folder / "q.sql").write_text("-- default: since = NULL\n-- name: q\n-- A doc line.\nSELECT $limit\n")
    with pytest.raises(QueryError, match=r"the file header gives a default for since, which no query takes"):
        sql.names(root=tmp_path / "queries")


def test_scalar_leaves_no_pending_result(store):
    """A result left unfinished blocks register(): notebooks register a partition after scalar calls."""
    assert store.scalar("SELECT count(*) FROM accounts") == 0
    assert store.scalar("SELECT 1 WHERE false") is None
    store.con.register("partition_frame", pd.DataFrame({"account_id": ["csv:a"], "community": [0]}))
    store.con.unregister("partition_frame")


def test_duckdb_progress_bar_is_off_on_every_connection(tmp_path):
    # left on, DuckDB prints its bar to the stdout of any process (a piped CLI, a papermill kernel) once a query
    # runs two seconds; the configuration is locked, so nothing can turn it back on
    path = tmp_path / "w.duckdb"
    wb.open(path).close()
    setting = "SELECT current_setting('enable_progress_bar')"
    for opened in (lambda: wb.open(":memory:"), lambda: wb.open(path), lambda: wb.open(path, read_only=True),
                   lambda: store_module.attach_read_only(path)):
        with opened() as store:
            assert store.scalar(setting) is False
            assert store.con.cursor().execute(setting).fetchall() == [(False,)]  # a load's own cursor too
            with pytest.raises(duckdb.Error, match="locked"):
                store.con.execute("SET enable_progress_bar = true")
