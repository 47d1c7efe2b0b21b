"""What the Spark identity tests share: load the same paths with both engines, compare the tables.

``load_both`` loads with ``wb.load`` (DuckDB) and with ``workbench.spark.workspace.load_with_spark``
(Spark -> Parquet -> DuckDB import); ``assert_same_tables`` compares the canonical tables (and the posts' links and hashtags) row
for row (``loads`` without its wall-clock times) and returns their sizes.
"""

from __future__ import annotations

import pandas as pd

import workbench as wb

TABLES = {
    "accounts": "SELECT * FROM accounts",
    "posts": "SELECT * FROM posts",
    "interactions": "SELECT * FROM interactions",
    "rejects": "SELECT * FROM rejects",
    "loads": "SELECT * EXCLUDE (started_at, finished_at) FROM loads",
    "post_entities": "SELECT * FROM post_entities",
}


def rows(store, query: str) -> pd.DataFrame:
    """The rows of ``query`` sorted on every column, NULLs as None (for a row-for-row comparison)."""
    frame = store.con.execute(query).df()
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.sort_values(list(frame.columns), key=lambda c: c.astype(str)).reset_index(drop=True)


def load_both(tmp_path, spark, paths, **options):
    """The same paths loaded by DuckDB and by Spark; the two workspaces."""
    from workbench.spark import workspace

    duck = wb.open(":memory:")
    wb.load(duck, paths, **options)
    sparked = wb.open(tmp_path / "spark.duckdb")
    workspace.load_with_spark(sparked, paths, spark=spark, **options)
    return duck, sparked


def assert_same_tables(duck, sparked) -> dict[str, int]:
    """Assert the canonical tables of the two workspaces are identical; their row counts."""
    sizes = {}
    for table, query in TABLES.items():
        expected, got = rows(duck, query), rows(sparked, query)
        assert list(got.columns) == list(expected.columns), table
        assert len(got) == len(expected), f"{table}: {len(got)} rows on Spark, {len(expected)} on DuckDB"
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=table)
        sizes[table] = len(expected)
    return sizes
