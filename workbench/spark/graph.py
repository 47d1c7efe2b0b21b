"""The weighted edge list aggregated on Spark, handed to igraph on one machine.

``wb.graph(store, engine="spark")`` runs the aggregation of ``queries/graph/edges.sql`` (its
``pairs`` step: interactions filtered and counted per account pair) on Spark over the Parquet
``interactions`` of a Spark load, transpiled with sqlglot; the aggregated pairs (one row per
edge, far fewer than interactions) come back as Arrow and the rest of the same query (dense
vertex ids, handles) runs in DuckDB on them. The graph is then built by igraph as usual.

Sizes: igraph holds about 50 bytes per edge and 100 per vertex (plus attributes), so a
laptop with 16 GB takes a few hundred million edges in principle, but the community and
centrality algorithms want several times that in working memory: up to about 50-100 M edges
igraph on one machine is comfortable. Beyond that, use networkit on one large node (its
parallel Louvain/PLM and centralities handle billions of edges in a few hundred GB), still fed
by this same Spark aggregation.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import sqlglot
from sqlglot import exp

from workbench import sql as sql_module
from workbench.errors import WorkspaceError
from workbench.spark import dialect
from workbench.spark.session import DEFAULT_MASTER, get_session

__all__ = ["edge_columns", "pairs_query"]


def _edges_tree() -> exp.Expression:
    return sqlglot.parse_one(dialect._prepare(sql_module.get("graph.edges").text), read="duckdb")


def pairs_query() -> str:
    """The ``pairs`` step of ``graph.edges`` as Spark SQL (reads the view ``interactions``)."""
    tree = _edges_tree()
    (cte,) = [c for c in tree.find_all(exp.CTE) if c.alias == "pairs"]
    return dialect._to_spark(cte.this)


def _rest_query() -> str:
    """``graph.edges`` in DuckDB with its ``pairs`` step reading the Spark result ``_spark_pairs``."""
    tree = _edges_tree()
    (cte,) = [c for c in tree.find_all(exp.CTE) if c.alias == "pairs"]
    cte.set("this", sqlglot.parse_one("SELECT a, b, weight FROM _spark_pairs", read="duckdb"))
    return tree.sql(dialect="duckdb")


def edge_columns(store: Any, params: dict[str, Any], *, parquet_dir: str | os.PathLike | None = None,
                 master: str = DEFAULT_MASTER, spark: Any = None) -> dict[str, np.ndarray]:
    """The ``graph.edges`` result (as ``fetchnumpy``) with the aggregation done on Spark.

    Parameters
    ----------
    store : Store
        The workspace (for the handles of the accounts).
    params : dict
        The bound parameters of ``graph.edges`` (kinds, since, until, directed, self_loops, min_weight).
    parquet_dir : path, optional
        The Spark load's Parquet folder; default ``<db stem>.parquet/`` beside the workspace.
    master : str
    spark : pyspark.sql.SparkSession, optional
    """
    from pyspark.sql import functions as F

    from workbench.spark.ingest import default_parquet_dir

    if parquet_dir is None:
        if store.path == ":memory:":
            raise WorkspaceError("engine='spark' on an in-memory workspace needs parquet_dir")
        parquet_dir = default_parquet_dir(store.path)
    folder = Path(parquet_dir) / "interactions"
    if not folder.is_dir():
        raise WorkspaceError(f"{folder} is missing: engine='spark' reads the Parquet tables of a Spark load")
    spark = spark or get_session(master)
    spark.read.parquet(str(folder)).createOrReplaceTempView("interactions")
    args = {k: (F.array(*[F.lit(v) for v in value]) if isinstance(value, (list, tuple)) else value)
            for k, value in params.items() if k in ("kinds", "since", "until", "directed", "self_loops", "min_weight")}
    pairs = spark.sql(pairs_query(), args=args).toArrow()
    store.con.register("_spark_pairs", pairs)
    try:
        return store.sql(_rest_query()).fetchnumpy()  # every parameter was used by the pairs step
    finally:
        store.con.unregister("_spark_pairs")
