"""Running the transpiled queries of one load on Spark: raw_lines, the staging tables, a context.

A format module's ``stage(ctx)`` runs unchanged: it receives a :class:`SparkStageContext` whose
``run`` / ``sql`` / ``scalar`` execute the same named DuckDB queries, transpiled by
:mod:`workbench.spark.dialect`. ``CREATE TEMP TABLE`` becomes a cached temp view, an ``INSERT``
into a staging table appends a DataFrame (aligned to the staging table's columns and types, which
come from the one definition in :mod:`workbench.ingest.staging`), ``DROP`` drops the view.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot import exp

from workbench.ingest import staging
from workbench.spark import dialect

__all__ = ["STAGE_TABLES", "stage_columns", "canonical_columns", "empty_canonical_table", "raw_lines", "SparkStageContext", "SparkResult"]

STAGE_TABLES = ("stage_accounts", "stage_posts", "stage_interactions", "stage_rejects", "stage_post_entities")


@functools.lru_cache(maxsize=1)
def stage_columns() -> dict[str, tuple[tuple[str, str], ...]]:
    """The staging tables' columns as ``(name, Spark type)``, read from the DuckDB definition."""
    tables = {}
    for create in sqlglot.parse(staging._STAGE_TABLES, read="duckdb"):
        schema = create.this
        columns = tuple((c.name, c.args["kind"].sql(dialect="spark")) for c in schema.expressions
                        if isinstance(c, exp.ColumnDef))
        tables[schema.this.name] = columns
    return tables


@functools.lru_cache(maxsize=1)
def canonical_columns() -> dict[str, tuple[tuple[str, str], ...]]:
    """The workspace tables' columns as ``(name, Spark type)``, read from ``queries/schema.sql``."""
    from workbench import sql as sql_module

    tables = {}
    text = (sql_module.QUERIES_DIR / "schema.sql").read_text(encoding="utf-8")
    for statement in sqlglot.parse(text, read="duckdb"):
        if isinstance(statement, exp.Create) and isinstance(statement.this, exp.Schema):
            schema = statement.this
            tables[schema.this.name] = tuple((c.name, c.args["kind"].sql(dialect="spark"))
                                             for c in schema.expressions if isinstance(c, exp.ColumnDef))
    return tables


def empty_canonical_table(spark: Any, name: str) -> Any:
    """An empty DataFrame with the columns of workspace table ``name`` (accounts, posts, ...)."""
    ddl = ", ".join(f"`{column}` {kind}" for column, kind in canonical_columns()[name])
    return spark.createDataFrame([], ddl)


def raw_lines(spark: Any, path: str, layout: str = "lines") -> Any:
    """The ``raw_lines`` of one file as a DataFrame, numbered as :mod:`workbench.ingest.staging` numbers them.

    ``layout="document"`` (a format's pretty-printed JSON document): the whole decoded text as one
    row with ``line_no`` 1 (none when it is blank), a UTF-8 BOM at the start dropped, as staging does.

    Lines are split on ``\\n`` only (a lone CR stays in its line, a trailing CR is cut), counted
    from 1 in the decompressed file; blank lines are counted but not kept; a UTF-8 BOM at the
    start is dropped. Line numbers come from the position of each row in its input split
    (``input_file_block_start`` and a per-partition monotonic id) plus the lines of the splits
    before it: no Python touches a row, and a splittable file (plain, bzip2) is read in parallel.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if layout == "document":
        whole = spark.read.text(path, wholetext=True)
        return (whole.select(F.lit(1).cast("bigint").alias("line_no"),
                             F.regexp_replace("value", "^\ufeff", "").alias("line"))
                .where(~F.col("line").rlike("^\\s*\\z"))
                .select("line_no", "line", F.lit(None).cast("string").alias("member")))
    text = (spark.read.option("lineSep", "\n").text(path)
            .select(F.col("value").alias("line"), F.input_file_block_start().alias("block"),
                    F.monotonically_increasing_id().alias("mid")))
    blocks = (text.groupBy("block").agg(F.min("mid").alias("first_mid"), F.count("*").alias("n"))
              .withColumn("offset", F.coalesce(F.sum("n").over(
                  Window.orderBy("block").rowsBetween(Window.unboundedPreceding, -1)), F.lit(0))))
    numbered = (text.join(F.broadcast(blocks.select("block", "first_mid", "offset")), "block")
                .select((F.col("offset") + F.col("mid") - F.col("first_mid") + 1).cast("bigint").alias("line_no"),
                        F.regexp_replace("line", "\r$", "").alias("line")))
    numbered = numbered.withColumn(
        "line", F.when(F.col("line_no") == 1, F.regexp_replace("line", "^\ufeff", "")).otherwise(F.col("line")))
    return (numbered.where((F.col("line") != "") & ~F.col("line").rlike("^[ \t]+$"))
            .select("line_no", "line", F.lit(None).cast("string").alias("member")))


@dataclass
class SparkResult:
    """The result of a statement that returns rows: ``fetchone()`` / ``fetchall()`` as DuckDB's."""

    frame: Any

    def fetchall(self) -> list[tuple]:
        return [tuple(row) for row in self.frame.collect()]

    def fetchone(self) -> tuple | None:
        rows = self.frame.limit(1).collect()
        return tuple(rows[0]) if rows else None


def _spark_arg(value: Any) -> Any:
    from pyspark.sql import functions as F

    if isinstance(value, (list, tuple)):
        return F.array(*[F.lit(v) for v in value])
    return value


@dataclass
class SparkStageContext:
    """The loader contract's ``ctx`` on Spark (see :class:`workbench.ingest.pipeline.StageContext`)."""

    spark: Any
    load_id: int
    path: str
    platform: str
    strict: bool
    records_read: int = 0
    unresolved: int = 0
    default_kind: str | None = None
    assumed_kind_rows: int = 0
    #: what a format keeps between the steps of its stage (see workbench.ingest.pipeline)
    state: dict[str, Any] = field(default_factory=dict)
    interactions_unique: bool = False  # read by the DuckDB merge only; Spark's merge always groups
    accounts_unique: bool = False  # likewise
    targets_resolved: bool = False  # likewise
    views: list[str] = field(default_factory=list)
    staged: dict[str, list[Any]] = field(default_factory=dict)

    def _auto(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"load_id": self.load_id, "platform": self.platform, "path": self.path, **params}

    def _execute(self, statement: dialect.Statement, params: dict[str, Any]) -> SparkResult | None:
        args = {k: _spark_arg(params[k]) for k in statement.params}
        if statement.action == "drop":
            self.spark.catalog.dropTempView(statement.target)
            return None
        frame = self.spark.sql(statement.sql, args=args or None)
        if statement.action == "select":
            return SparkResult(frame)
        if statement.action == "view":
            # materialised with its lineage cut: a DROP of the view (which uncaches it) must not make the
            # staged frames built on it re-plan the whole query (with DuckDB-style CASE chains, huge plans)
            frame = frame.localCheckpoint()
            frame.createOrReplaceTempView(statement.target)
            self.views.append(statement.target)
            return None
        self._append(statement.target, frame, statement.columns)
        return None

    def _append(self, table: str, frame: Any, columns: tuple[str, ...] | None) -> None:
        from pyspark.sql import functions as F

        if table not in STAGE_TABLES:
            raise dialect.SparkUnsupportedError(f"only the staging tables can be inserted into on Spark, not {table}")
        spec = stage_columns()[table]
        names = list(columns) if columns else [name for name, _ in spec][: len(frame.columns)]
        frame = frame.toDF(*names)
        frame = frame.select(*[(F.col(name) if name in names else F.lit(None)).cast(kind).alias(name)
                               for name, kind in spec])
        # materialised now: the staged rows must not depend on the work views, which later statements
        # replace (CREATE OR REPLACE x AS SELECT ... FROM x) and close() drops (Spark re-plans the
        # dependents of an uncached view, and fails on some of them: INTERNAL_ERROR_ATTRIBUTE_NOT_FOUND)
        frame = frame.localCheckpoint(eager=True)
        self.staged.setdefault(table, []).append(frame)
        self.table(table).createOrReplaceTempView(table)

    def table(self, name: str) -> Any:
        """A staging table's rows so far (all appended frames)."""
        frames = self.staged.get(name) or []
        if not frames:
            return empty_stage_table(self.spark, name)
        return functools.reduce(lambda a, b: a.unionByName(b), frames)

    def run(self, name: str, **params: Any) -> SparkResult | None:
        """Run the named query ``name`` (transpiled), all its statements in order."""
        merged = self._auto(params)
        result = None
        # a json_transform structure bound to a parameter goes into the SQL (Spark needs it as a literal DDL)
        structures = tuple(sorted((k, merged[k]) for k in dialect.structure_params(name) if k in merged))
        for statement in dialect.statements(name, structures):
            result = self._execute(statement, merged)
        return result

    def sql(self, text: str, **params: Any) -> SparkResult | None:
        """Run one DuckDB statement (transpiled) with ``$params`` bound."""
        tree = sqlglot.parse_one(dialect._prepare(text), read="duckdb")
        return self._execute(dialect._statement(tree, "ctx.sql"), self._auto(params))

    def scalar(self, text: str, **params: Any) -> Any:
        row = self.sql(text, **params).fetchone()
        return None if row is None else row[0]

    def close(self) -> None:
        """Drop this load's views and uncache them."""
        for view in dict.fromkeys(self.views + list(STAGE_TABLES) + ["raw_lines"]):
            try:
                self.spark.catalog.dropTempView(view)
            except Exception:  # noqa: BLE001 - a view dropped by the query itself
                pass


def empty_stage_table(spark: Any, name: str) -> Any:
    """An empty DataFrame with the columns of staging table ``name``."""
    ddl = ", ".join(f"`{column}` {kind}" for column, kind in stage_columns()[name])
    return spark.createDataFrame([], ddl)
