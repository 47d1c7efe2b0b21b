"""The workspace schema: the canonical tables at this version, and the migrations of older workspaces.

``queries/schema.sql`` creates a new workspace at :data:`SCHEMA_VERSION`. A workspace written by an
older version is migrated when it is opened for writing (:func:`create`, one transaction with the
schema), and read as it is when opened read-only (:func:`read_as_current`: the tables added since
are temporary and empty). :mod:`workbench.store` opens workspaces; this module owns what they hold.
"""

from __future__ import annotations

from typing import Any

import duckdb

from workbench import sql

__all__ = ["SCHEMA_VERSION", "TABLES", "SCHEMA_FILE", "MIGRATIONS", "create", "expected", "read_as_current"]

SCHEMA_VERSION = 7
TABLES = (
    "accounts", "posts", "interactions", "loads", "rejects",
    "community_runs", "memberships", "hashtag_memberships", "account_scores", "campaigns", "account_attributes",
    "post_entities",
)
SCHEMA_FILE = sql.QUERIES_DIR / "schema.sql"

# Migrations from version N to N+1, as SQL scripts; index 0 upgrades version 1 to 2.
MIGRATIONS: list[str] = [
    # 1 -> 2: the campaigns table (the decision log). schema.sql already creates it (idempotently) before the
    # migrations run; the statements are repeated so that the step stands on its own.
    sql.get("workspace.campaigns_table").text,
    # 2 -> 3: account attributes (ground truth, graph-file node attributes), likewise.
    sql.get("workspace.attributes_table").text,
    # 3 -> 4: roles from evidence (workbench/roles): a confidence for every label and the new raw inputs
    sql.get("workspace.scores_evidence_columns").text,
    # 4 -> 5: the links and hashtags of posts (post_entities), as for 1 -> 2; reload an export to fill it.
    sql.get("workspace.post_entities_table").text,
    # 5 -> 6: posts and accounts without a PRIMARY KEY index, so that a load's transaction holds no index
    # of every id in memory (see the query's description).
    sql.get("workspace.posts_accounts_without_keys").text,
    # 6 -> 7: the hashtag nodes of community runs on hashtag graphs (hashtag_memberships), as for 1 -> 2;
    # memberships stays keyed by account.
    sql.get("workspace.hashtag_memberships_table").text,
]


def create(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        for statement in con.extract_statements(SCHEMA_FILE.read_text(encoding="utf-8")):
            con.execute(statement)
        fresh = not con.execute("SELECT count(*) FROM workbench_meta").fetchone()[0]
        # a new workspace is created at the current version by schema.sql; an older one is migrated
        con.execute("INSERT INTO workbench_meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING",
                    [str(SCHEMA_VERSION if fresh else 1)])
        version = int(con.execute("SELECT value FROM workbench_meta WHERE key='schema_version'").fetchone()[0])
        for step in range(version, SCHEMA_VERSION):
            for statement in con.extract_statements(MIGRATIONS[step - 1]):
                con.execute(statement)
        if version < SCHEMA_VERSION:
            con.execute("UPDATE workbench_meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
        # A load still marked running when the workspace is opened for writing was interrupted:
        # no writer can hold it any more, since we hold the write lock.
        con.execute("UPDATE loads SET status = 'failed', message = coalesce(message, 'interrupted before it finished') "
                    "WHERE status = 'running'")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def expected() -> dict[str, Any]:
    """What the containment checks compare a workspace with: this version's schema."""
    return {"schema_version": SCHEMA_VERSION, "schema_text": SCHEMA_FILE.read_text(encoding="utf-8")}


def read_as_current(store: Any) -> None:
    """An older workspace read as it is: the tables added since are empty (temporary, nothing written)."""
    if store.schema_version < 2:
        store.execute("workspace.campaigns_temp_table")
    if store.schema_version < 3:
        store.execute("workspace.attributes_temp_table")
    if store.schema_version < 5:
        store.execute("workspace.post_entities_temp_table")
    if store.schema_version < 7:
        store.execute("workspace.hashtag_memberships_temp_table")
