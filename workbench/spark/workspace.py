"""The DuckDB side of a Spark load: the Parquet tables brought into a workspace.

:func:`attach` imports the canonical tables that :func:`workbench.spark.ingest.load` wrote
(read by pyarrow, hive partitions included) into the workspace's own tables, so that graphs,
communities, roles, metrics, notebooks and reports run unchanged. DuckDB reads Parquet at several
hundred MB/s, so an import costs little next to the Spark job; the Parquet folder stays the
shareable, partitioned copy for other Spark or DuckDB jobs.

:func:`load_with_spark` is what ``workbench load --engine spark`` calls.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from workbench.errors import WorkspaceError
from workbench.ingest.report import LoadReport
from workbench.spark.session import DEFAULT_MASTER
from workbench.store import Store

__all__ = ["attach", "load_with_spark"]

# the tables a Spark load writes; each is imported by the named query spark.attach_<table>
#: Each table a Spark load writes, and the named query (queries/spark/attach.sql) that imports it.
_ATTACH = {"accounts": "spark.attach_accounts", "posts": "spark.attach_posts",
           "interactions": "spark.attach_interactions", "loads": "spark.attach_loads",
           "rejects": "spark.attach_rejects", "post_entities": "spark.attach_post_entities"}
_TABLES = tuple(_ATTACH)
# accounts, posts and interactions are partitioned by platform and month (hive folders); the month
# column only names the folder. The workspace's connection reads no file itself (its external access
# is off): pyarrow reads the Parquet files and DuckDB scans them as an Arrow dataset, batch by batch.
_PARTITIONED = ("accounts", "posts", "interactions")


def _dataset(folder: Path, *, partitioned: bool) -> Any:
    """The Parquet files under ``folder`` as one pyarrow dataset (hive partitions as text columns)."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    partitioning = (ds.partitioning(pa.schema([("platform", pa.string()), ("month", pa.string())]), flavor="hive")
                    if partitioned else None)
    files = sorted(str(path) for path in folder.rglob("*.parquet"))
    return ds.dataset(files, format="parquet", partitioning=partitioning, partition_base_dir=str(folder))


def attach(store: Store, parquet_dir: str | os.PathLike) -> dict[str, int]:
    """Import the Parquet tables under ``parquet_dir`` into ``store`` (which must hold no loads yet).

    Parameters
    ----------
    store : Store
        A writable workspace without earlier loads.
    parquet_dir : path
        The folder :func:`workbench.spark.ingest.load` wrote.

    Returns
    -------
    dict
        Rows imported per table.
    """
    store._check_writable()
    if store.counts()["loads"]:
        raise WorkspaceError(f"workspace {store.path} already holds loads; a Spark load imports into a new "
                             "workspace (use another --db file)")
    root = Path(parquet_dir)
    counts = {}
    with store.transaction():
        for table in _TABLES:
            folder = root / table
            if not folder.is_dir():
                raise WorkspaceError(f"{folder} is missing: not the output of a Spark load")
            if not any(folder.rglob("*.parquet")):  # Spark writes no file for an empty partitioned table
                counts[table] = 0
                continue
            before = store.counts()[table]
            store.con.register("_spark_parquet", _dataset(folder, partitioned=table in _PARTITIONED))
            try:
                store.execute(_ATTACH[table])
            finally:
                store.con.unregister("_spark_parquet")
            counts[table] = store.counts()[table] - before
        # later DuckDB loads continue the load ids
        store.sql("SELECT count(nextval('load_ids')) FROM range($n)",
                  {"n": int(store.scalar("SELECT coalesce(max(load_id), 0) FROM loads"))})
    return counts


def load_with_spark(store: Store, paths: str | os.PathLike | Iterable[str | os.PathLike], *,
                    parquet_dir: str | os.PathLike | None = None, format: str = "auto", platform: str | None = None,
                    strict: bool = False, master: str = DEFAULT_MASTER, spark: Any = None,
                    kind: str | None = None) -> LoadReport:
    """Load exports with Spark into Parquet, then import them into ``store`` (``--engine spark``).

    Parameters
    ----------
    store : Store
        A new, writable workspace.
    paths : path or list of paths
    parquet_dir : path, optional
        Where the Parquet tables go; default ``<db stem>.parquet/`` beside the workspace file.
    format, platform, strict, kind
        As for :func:`workbench.load`.
    master : str
        Spark master URL (``local[*]`` by default).
    spark : pyspark.sql.SparkSession, optional
        An existing session (tests share one).

    Returns
    -------
    LoadReport
    """
    from workbench.ingest import check_row_kind
    from workbench.spark import ingest

    kind = check_row_kind(kind)

    if store.counts()["loads"]:
        raise WorkspaceError(f"workspace {store.path} already holds loads; a Spark load imports into a new "
                             "workspace (use another --db file)")
    if parquet_dir is None:
        if store.path == ":memory:":
            raise WorkspaceError("an in-memory workspace needs parquet_dir for a Spark load")
        parquet_dir = ingest.default_parquet_dir(store.path)
    report = ingest.load(paths, parquet_dir, format=format, platform=platform, strict=strict, master=master,
                         spark=spark, kind=kind)
    attach(store, parquet_dir)
    return report
