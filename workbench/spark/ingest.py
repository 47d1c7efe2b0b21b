"""``workbench load --engine spark``: the same normalisation on Spark, written as Parquet.

Each file is one load, as on DuckDB: its lines become ``raw_lines`` (:func:`runner.raw_lines`), the
format module's own ``stage(ctx)`` runs the format's named queries transpiled for Spark, and the
staging tables of every load, tagged with their ``load_id``, are merged in one batch
(``queries/spark/merge.sql``). The canonical tables are written as Parquet under ``parquet_dir``:
``accounts``, ``posts`` and ``interactions`` partitioned by ``platform`` and ``month`` (of
``created_at``; of ``seen_at`` for accounts), ``loads`` and ``rejects`` as they are.
:func:`workbench.spark.workspace.attach` then brings them into a DuckDB workspace.

Formats on Spark: those whose queries transpile and run (:data:`SPARK_FORMATS`: edge lists, Reddit,
twarc2 JSON and CSV, v1.1 tweets). Their SQL is dialect-neutral (no ``UPDATE``, ``DELETE`` or
``ALTER TABLE``; macros are inlined and ``json_transform`` becomes ``from_json``, see
:mod:`workbench.spark.dialect`). The others (Mastodon, Bluesky, Discord, Slack) still use DuckDB-only
statements on their work tables: loading them raises
:class:`~workbench.spark.dialect.SparkUnsupportedError` naming the format.

Inputs Spark reads itself: plain files, ``.gz`` and ``.bz2`` (bzip2 is split across cores;
gzip is one task per file). ``.zst`` and ``.xz`` are decompressed first, once, by the DuckDB path's
reader (zstd with the 2 GiB window of the Pushshift dumps, a truncated file is an error) into a
scratch folder beside the Parquet output, removed when the load ends: Hadoop's zstd codec needs
native libraries that the pyspark wheel lacks, and reads no 2 GiB windows. (On a cluster, put the
Parquet output on storage the executors see; the decompressed copy goes beside it.) Not read on
Spark: zips and folders of a Slack export. Invalid UTF-8 is replaced by U+FFFD by Spark's text
reader rather than rejected line by line.
"""

from __future__ import annotations

import hashlib
import lzma
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from workbench.errors import EmptyExportError, ExportFormatError, StrictModeError
from workbench.ingest.detect import detect_format, read_sample
from workbench.ingest.formats import get_format
from workbench.ingest.pipeline import _layout
from workbench.ingest.report import FileReport, LoadReport
from workbench.ingest.sources import expand
from workbench.spark import dialect, runner
from workbench.spark.session import DEFAULT_MASTER, get_session

__all__ = ["SPARK_FORMATS", "CANONICAL", "load", "default_parquet_dir"]

#: Formats whose loading queries run on Spark.
SPARK_FORMATS = ("edges-csv", "reddit", "twitter-v2", "twitter-v1")
#: The canonical tables written as Parquet, and the column each is partitioned by month on.
CANONICAL = {"accounts": "seen_at", "posts": "created_at", "interactions": "created_at", "loads": None,
             "rejects": None, "post_entities": None}
_DECOMPRESS_FIRST = {".zst", ".zstd", ".xz"}


def default_parquet_dir(db: str | os.PathLike) -> Path:
    """Where the Parquet tables of workspace ``db`` go by default: ``<db stem>.parquet/`` beside it.

    >>> default_parquet_dir("data/study.duckdb").as_posix()
    'data/study.parquet'
    """
    db = Path(db)
    return db.with_name(db.stem + ".parquet")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(8 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _spark_path(name: str) -> Path:
    path = Path(name)
    if not path.is_file():
        raise dialect.SparkUnsupportedError(f"{name}: Spark reads files (plain, .gz, .bz2, .zst, .xz); "
                                            "unpack zips and folders of exports, or load them with DuckDB")
    if path.suffix.lower() == ".zip":
        raise dialect.SparkUnsupportedError(f"{name}: Spark does not read zip archives; unpack it, or load it "
                                            "with DuckDB")
    return path


def _readable(source: Any, path: Path, scratch: Path) -> tuple[Path, str]:
    """The file Spark reads for ``source`` and the sha256 of its bytes on disk (as on DuckDB).

    Plain, .gz and .bz2 files are read by Spark as they are. A .zst or .xz file is decompressed into
    ``scratch`` first with the DuckDB path's reader (see the module docstring), hashing the
    compressed bytes as they go by.
    """
    if path.suffix.lower() not in _DECOMPRESS_FIRST:
        return path, _sha256(path)
    import zstandard

    scratch.mkdir(parents=True, exist_ok=True)
    target = scratch / f"{len(list(scratch.iterdir()))}_{path.stem}"
    raw = source.open_raw()
    try:
        with source.open(raw) as stream, open(target, "wb") as out:
            shutil.copyfileobj(stream, out, 8 << 20)
    except (zstandard.ZstdError, lzma.LZMAError, EOFError, OSError) as error:
        target.unlink(missing_ok=True)
        raise ExportFormatError(f"cannot decompress the file ({error})", path=source.name) from None
    return target, raw.sha256.hexdigest()


def load(paths: str | os.PathLike | Iterable[str | os.PathLike], parquet_dir: str | os.PathLike, *,
         format: str = "auto", platform: str | None = None, strict: bool = False,
         master: str = DEFAULT_MASTER, spark: Any = None, first_load_id: int = 1,
         kind: str | None = None) -> LoadReport:
    """Load exports with Spark into Parquet tables under ``parquet_dir`` (replacing what is there).

    Parameters
    ----------
    paths : path or list of paths
        Files (plain, .gz, .bz2) or folders of them.
    parquet_dir : path
        Output folder: one sub-folder per canonical table.
    format, platform, strict, kind
        As for :func:`workbench.load`. ``format`` must be one of :data:`SPARK_FORMATS` (or detected as one).
    master : str
        The Spark master (``local[*]`` by default; a cluster URL such as ``spark://host:7077``).
    spark : pyspark.sql.SparkSession, optional
        A session to use instead of creating one for ``master``.
    first_load_id : int
        The ``load_id`` of the first file (the others follow in order).

    Returns
    -------
    LoadReport
        One report per file, with the same counts the DuckDB path reports.

    Raises
    ------
    SparkUnsupportedError
        A file's format cannot be loaded on Spark, or the file cannot be read by Spark.
    StrictModeError, EmptyExportError
        As on DuckDB; nothing is written.
    """
    spark = spark or get_session(master)
    parquet_dir = Path(parquet_dir)
    parquet_dir.parent.mkdir(parents=True, exist_ok=True)
    # decompressed copies of .zst/.xz inputs, kept until the batch is written (its rejects read the lines)
    with tempfile.TemporaryDirectory(prefix=f".{parquet_dir.name}-inputs-", dir=parquet_dir.parent) as scratch:
        return _load(spark, paths, parquet_dir, Path(scratch), format=format, platform=platform, strict=strict,
                     first_load_id=first_load_id, kind=kind)


def _load(spark: Any, paths: Any, parquet_dir: Path, scratch: Path, *, format: str, platform: str | None,
          strict: bool, first_load_id: int, kind: str | None = None) -> LoadReport:
    from pyspark.sql import functions as F

    report = LoadReport()
    batches: dict[str, list[Any]] = {table: [] for table in runner.STAGE_TABLES}
    lines_of: dict[int, Any] = {}
    seen_sha: dict[str, int] = {}
    load_rows = []
    load_id = first_load_id
    for source in expand(paths):
        path = _spark_path(source.name)
        sample = read_sample(source)
        file_format = detect_format(source, sample) if format == "auto" else format
        if file_format not in SPARK_FORMATS:
            raise dialect.SparkUnsupportedError(
                f"{source.name}: format {file_format} cannot be loaded with Spark yet (Spark loads "
                f"{', '.join(SPARK_FORMATS)}); load it with the DuckDB engine")
        module = get_format(file_format)
        if kind is not None and not getattr(module, "TAKES_KIND", False):
            raise ExportFormatError(f"kind={kind!r} (--kind) is for edge lists, whose rows name no kind; "
                                    f"this file is {file_format}", path=source.name)
        platform_name = platform or module.PLATFORM
        size = path.stat().st_size
        path, sha = _readable(source, path, scratch)
        file_report = FileReport(path=source.name, format=file_format, platform=platform_name, sha256=sha,
                                 bytes=size)
        if sha in seen_sha:  # the same file twice: the second load adds nothing (as on DuckDB)
            file_report.already_loaded_as = seen_sha[sha]
            report.files.append(file_report)
            continue
        started = datetime.now(timezone.utc)
        ctx = runner.SparkStageContext(spark, load_id, source.name, platform_name, strict, default_kind=kind)
        layout = _layout(module, sample)  # "lines", or "document" (the whole file as one raw_lines row)
        lines = runner.raw_lines(spark, str(path), layout=layout).cache()
        lines.createOrReplaceTempView("raw_lines")
        for table in runner.STAGE_TABLES:
            runner.empty_stage_table(spark, table).createOrReplaceTempView(table)
        # the workspace as the earlier loads of this batch left it, for lookups against earlier loads
        for table, frame in _merged(spark, batches, load_rows).items():
            frame.createOrReplaceTempView(table)
        ctx.records_read = lines.count()
        module.stage(ctx)
        if ctx.assumed_kind_rows:
            file_report.assumed_kind = kind or "mention"
            file_report.assumed_kind_rows = ctx.assumed_kind_rows
            file_report.assumed_kind_default = kind is None
        rejects = ctx.table("stage_rejects")
        # as on DuckDB: a line is one record however many reasons it got; in a document each reject is one
        rejected = (rejects.select("member", "line_no").distinct() if layout == "lines" else rejects).count()
        first = [(r.line_no, r.reason) for r in rejects.orderBy("line_no").limit(5).collect()]
        file_report.load_id = load_id
        file_report.records_read = ctx.records_read
        file_report.records_rejected = rejected
        file_report.records_loaded = max(ctx.records_read - rejected, 0)
        file_report.first_rejects = first
        if strict and rejected:
            raise StrictModeError(f"{first[0][1]} (strict mode: nothing was loaded; {rejected} bad record(s) in all)",
                                  path=source.name, line_no=first[0][0])
        if file_report.records_loaded == 0:
            raise EmptyExportError("no record could be read" if rejected else "the file is empty: no record to load",
                                   path=source.name)
        interactions = ctx.table("stage_interactions")
        file_report.unresolved = ctx.unresolved + interactions.where(
            "target_id IS NULL AND source_id IS NOT NULL").select("post_id", "kind", "source_id").distinct().count()
        for table in runner.STAGE_TABLES:
            frame = ctx.table(table).withColumn("load_id", F.lit(load_id).cast("bigint"))
            batches[table].append(frame.cache())
        lines_of[load_id] = lines
        load_rows.append((load_id, source.name, file_format, sha, file_report.bytes, started,
                          datetime.now(timezone.utc), file_report.records_read, file_report.records_loaded,
                          rejected, "ok", platform_name, file_report.unresolved))
        ctx.close()
        seen_sha[sha] = load_id
        report.files.append(file_report)
        load_id += 1
    _merge_and_write(spark, batches, lines_of, load_rows, report, parquet_dir)
    for lines in lines_of.values():
        lines.unpersist()
    return report


def _union(frames: list[Any]) -> Any:
    result = frames[0]
    for frame in frames[1:]:
        result = result.unionByName(frame)
    return result


def _merged(spark: Any, batches: dict[str, list[Any]], load_rows: list[tuple] = ()) -> dict[str, Any]:
    """``accounts``, ``posts`` and ``interactions`` as the loads staged in ``batches`` make them (cached).

    With no load yet, empty tables with the workspace's columns. This is both the batch's result and,
    while loading, the workspace that a load's queries see as its earlier loads (``posts``,
    ``accounts``: the lookups of twitter and reddit targets against what was loaded before).
    """
    if not batches["stage_posts"] and not batches["stage_accounts"] and not batches["stage_interactions"]:
        return {table: runner.empty_canonical_table(spark, table) for table in ("accounts", "posts", "interactions")}
    for table, name in (("stage_accounts", "batch_accounts"), ("stage_posts", "batch_posts"),
                        ("stage_interactions", "batch_interactions")):
        _union(batches[table]).createOrReplaceTempView(name)

    def run(query: str) -> Any:
        (statement,) = dialect.statements(query)
        return spark.sql(statement.sql)

    tables = {"accounts": run("spark.merge_accounts").cache()}
    run("spark.post_copies").createOrReplaceTempView("batch_post_copies")  # read by merge_posts and the resolve steps
    posts = run("spark.merge_posts").cache()
    posts.createOrReplaceTempView("merged_posts")
    tables["posts"] = posts
    interactions = run("spark.merge_interactions")
    # the resolve steps of the formats that have one, for the whole batch (queries/spark/<format>.sql)
    resolving = sorted({row[2] for row in load_rows if callable(getattr(get_format(row[2]), "resolve", None))})
    if resolving:
        spark.createDataFrame([(row[0], row[2], row[11]) for row in load_rows],
                              "load_id BIGINT, format STRING, platform STRING").createOrReplaceTempView("batch_loads")
    for file_format in resolving:
        interactions.createOrReplaceTempView("merged_interactions")
        interactions = run("spark." + file_format.replace("-", "_") + "_resolve")
    tables["interactions"] = interactions.cache()
    return tables


def _merge_and_write(spark: Any, batches: dict[str, list[Any]], lines_of: dict[int, Any], load_rows: list[tuple],
                     report: LoadReport, out: Path) -> None:
    from pyspark.sql import functions as F

    if not load_rows:
        raise ExportFormatError("no file to load", path=str(out))
    tables = _merged(spark, batches, load_rows)

    per_load = {row.load_id: row.n for row in tables["interactions"].groupBy("load_id").agg(F.count("*").alias("n"))
                .collect()}
    for file_report in report.files:
        if file_report.load_id is not None:
            file_report.new_interactions = int(per_load.get(file_report.load_id, 0))
    loads_ddl = ("load_id BIGINT, path STRING, format STRING, sha256 STRING, bytes BIGINT, started_at TIMESTAMP, "
                 "finished_at TIMESTAMP, records_read BIGINT, records_loaded BIGINT, records_rejected BIGINT, "
                 "status STRING, platform STRING, unresolved BIGINT")
    loads = spark.createDataFrame(load_rows, loads_ddl)
    interactions_per_load = spark.createDataFrame(list(per_load.items()) or [(0, 0)], "load_id BIGINT, n BIGINT")
    tables["loads"] = (loads.join(interactions_per_load, "load_id", "left")
                       .select(*loads.columns[:12], F.coalesce("n", F.lit(0)).cast("bigint").alias("interactions_loaded"),
                               "unresolved", F.lit(None).cast("string").alias("message")))
    paths = {row[0]: row[1] for row in load_rows}
    rejects = _union(batches["stage_rejects"])
    raw = _union([lines.withColumn("load_id", F.lit(load_id).cast("bigint")) for load_id, lines in lines_of.items()])
    path_of = spark.createDataFrame(list(paths.items()), "load_id BIGINT, path STRING")
    tables["rejects"] = (rejects.alias("r")
                         .join(raw.alias("l"), ["load_id", "line_no"], "left")
                         .join(path_of, "load_id")
                         .select("load_id",
                                 F.when(F.col("r.member").isNull(), F.col("path"))
                                  .otherwise(F.concat("path", F.lit("/"), "r.member")).alias("path"),
                                 "line_no", F.col("r.reason").alias("reason"),
                                 F.substring(F.coalesce("r.raw", "l.line"), 1, 10000).alias("raw")))
    tables["post_entities"] = _post_entities(spark, batches)
    if out.exists():
        shutil.rmtree(out)
    for name, month_of in CANONICAL.items():
        frame = tables[name]
        writer_frame = frame
        if month_of is not None:
            writer_frame = frame.withColumn("month", F.date_format(month_of, "yyyy-MM"))
            writer_frame.write.partitionBy("platform", "month").parquet(str(out / name))
        else:
            writer_frame.coalesce(1).write.parquet(str(out / name))
    for table in ("accounts", "posts", "interactions"):
        tables[table].unpersist()
    _count_new(tables, report)


def _post_entities(spark: Any, batches: dict[str, list[Any]]) -> Any:
    """``post_entities`` as the DuckDB merge makes it: a post's links and hashtags from the first load of the
    batch that staged any for it, each once."""
    from pyspark.sql import functions as F

    frames = batches.get("stage_post_entities") or []
    if not frames:
        return runner.empty_canonical_table(spark, "post_entities")
    staged = _union(frames).where(F.col("post_id").isNotNull() & (F.coalesce(F.col("value"), F.lit("")) != ""))
    first = staged.groupBy("post_id").agg(F.min("load_id").alias("first_load"))
    return (staged.join(first, "post_id")
            .where(F.col("load_id") == F.col("first_load"))
            .select("post_id", "entity", "value", F.col("load_id").cast("bigint").alias("load_id"))
            .distinct())


def _count_new(tables: dict[str, Any], report: LoadReport) -> None:
    """new_accounts / new_posts per load: rows whose first appearance was that load (posts keep load_id)."""
    from pyspark.sql import functions as F

    posts = {row.load_id: row.n for row in tables["posts"].groupBy("load_id").agg(F.count("*").alias("n")).collect()}
    for file_report in report.files:
        if file_report.load_id is not None:
            file_report.new_posts = int(posts.get(file_report.load_id, 0))
    first = report.files[0] if report.files else None
    if first is not None and len([f for f in report.files if f.load_id is not None]) == 1:
        first.new_accounts = tables["accounts"].count()
