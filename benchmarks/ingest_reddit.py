"""Ingest benchmark, Reddit row: a generated month of Pushshift-style comments (.zst), 10M by default.

Generates ``RC_bench.zst`` with :func:`generate.reddit_month` (DuckDB SQL: the 18 keys of the Pushshift
RC dumps, authors from a skewed pool with 5% ``[deleted]`` and some AutoModerator, 40% top-level comments
whose submissions are not in the file, 60% replies to an earlier comment), then measures, each in its
own process (wall time, CPU time, peak resident memory, load average; see ``measure.py``):

- ``floor``: a bare DuckDB extraction of the same file into an on-disk database: ``read_json`` of the
  seven fields the loader uses, straight from the .zst, plus the parent-author join into an edge table;
- ``load``: ``wb.load`` into a fresh on-disk workspace with the default memory limit (decompression in
  bounded steps, parsing each 32 MiB block of lines in place, the posts of this first Reddit load appended as
  they are parsed, the file checked for ids given twice, parent resolution, provenance), with the time
  of each named query it runs (where the time goes).

- ``later`` (``--later-month``): the month after it (:func:`generate.reddit_next_month`: new ids, one
  reply in ten to the first month) loaded into the workspace that holds the first month, as a researcher
  loads a second month (``later_vs_first``: its time against the first month's load).

The floor runs first, the load after it, in the same run (``--repeat`` interleaves them and keeps each
one's fastest). Writes ``benchmarks/results/ingest_reddit.json`` (or ``--out``) with ``load_vs_floor``
(target at most 2) and the load's peak memory (target about 1-2 GB, whatever the file's size).
Run: ``.venv/bin/python benchmarks/ingest_reddit.py`` (``--comments 1000000`` for a quick run).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "ingest_reddit.json"
PYTHON = sys.executable
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import best_of, fresh, load_average, main_with_children, measure  # noqa: E402

# The bare floor. The path is ours (a temp folder), never user input: read_json takes no bound path.
_FLOOR = """
CREATE TABLE comments AS
SELECT id, author, parent_id, link_id, created_utc, subreddit, body
FROM read_json('{path}', format = 'newline_delimited', compression = 'zstd',
               columns = {{id: 'VARCHAR', author: 'VARCHAR', parent_id: 'VARCHAR', link_id: 'VARCHAR',
                           created_utc: 'BIGINT', subreddit: 'VARCHAR', body: 'VARCHAR'}});
CREATE TABLE edges AS
SELECT c.author AS source, p.author AS target, c.id
FROM comments AS c JOIN comments AS p ON c.parent_id = 't1_' || p.id
WHERE c.author NOT IN ('[deleted]', 'AutoModerator') AND p.author NOT IN ('[deleted]', 'AutoModerator');
"""


@contextlib.contextmanager
def phase_timer() -> Iterator[Counter]:
    """Sum the time of the SQL a load runs, by the doc line of each named query (else "bookkeeping").

    Wraps ``Store.sql`` for the duration; its own cost is a clock read per statement.
    """
    from workbench import store as store_module

    from workbench import sql as sql_module
    from workbench.ingest.context import StageContext

    original = store_module.Store.sql
    original_over = StageContext.run_over
    phases: Counter = Counter()

    def timed(self, text, params=None):
        started = time.perf_counter()
        try:
            return original(self, text, params)
        finally:
            first = text.lstrip().split("\n", 1)[0]
            name = first[2:].strip()[:70] if first.startswith("--") else "bookkeeping (counts, loads row)"
            phases[name] += time.perf_counter() - started

    class TimedRelation:
        """A relation whose fetch counts towards the named query that made it (a query over Arrow
        that only reads runs when fetched)."""

        def __init__(self, relation, name):
            self.relation, self.name = relation, name

        def __getattr__(self, attribute):
            method = getattr(self.relation, attribute)

            def fetch(*args, **kwargs):
                started = time.perf_counter()
                try:
                    return method(*args, **kwargs)
                finally:
                    phases[self.name] += time.perf_counter() - started
            return fetch

    def timed_over(self, name, table, table_name):
        doc = sql_module.get(name).doc[:70]
        started = time.perf_counter()
        relation = original_over(self, name, table, table_name)
        phases[doc] += time.perf_counter() - started
        return TimedRelation(relation, doc) if relation is not None else None

    store_module.Store.sql = timed
    StageContext.run_over = timed_over
    try:
        yield phases
    finally:
        store_module.Store.sql = original
        StageContext.run_over = original_over


def child_load(path: str, db: str, memory_limit: str | None) -> dict:
    """``wb.load`` of the month into a fresh workspace, with the time of each named query."""
    sys.path.insert(0, str(ROOT))
    import workbench as wb

    started = time.perf_counter()
    store = wb.open(db, memory_limit=memory_limit)
    with phase_timer() as phases:
        report = wb.load(store, path, progress=False)
    seconds = time.perf_counter() - started
    counts = store.counts()
    store.close()
    file = report.files[0]
    return {"seconds": seconds, "records_read": file.records_read, "records_rejected": file.records_rejected,
            "unresolved": file.unresolved, "accounts": counts["accounts"], "posts": counts["posts"],
            "interactions": counts["interactions"], "workspace_bytes": Path(db).stat().st_size,
            "phases_seconds": {**{name: round(value, 2) for name, value in phases.most_common(8)},
                               "rest: decompress, read blocks, copy into DuckDB, commit":
                                   round(seconds - sum(phases.values()), 2)}}


def child_floor(path: str, db: str) -> dict:
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect(db)
    for statement in con.extract_statements(_FLOOR.format(path=path.replace("'", "''"))):
        con.execute(statement)
    seconds = time.perf_counter() - started
    records, edges = con.execute("SELECT (SELECT count(*) FROM comments), (SELECT count(*) FROM edges)").fetchone()
    con.close()
    return {"seconds": seconds, "records": records, "edges": edges}


def _decompressed_size(path: Path) -> int:
    import zstandard

    with open(path, "rb") as stream:
        size = zstandard.frame_content_size(stream.read(18))
    if size > 0:
        return size
    with zstandard.open(path, "rb") as stream:
        return sum(len(block) for block in iter(lambda: stream.read(1 << 24), b""))


def run(args: argparse.Namespace) -> dict:
    import duckdb

    import generate

    folder = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="wb-bench-reddit-"))
    folder.mkdir(parents=True, exist_ok=True)
    result = {
        "benchmark": "ingest_reddit",
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "targets": {"load_vs_floor_max": 2.0, "peak_rss_gb_about": [1.0, 2.0]},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "duckdb": duckdb.__version__,
                    "platform": platform.platform(), "load_average_at_start": load_average()},
    }
    try:
        month = folder / f"{args.comments}" / "RC_bench.zst"
        generated = None
        if not month.exists():
            month.parent.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            generate.reddit_month(month.parent, comments=args.comments)
            generated = round(time.perf_counter() - started, 2)
        result["input"] = {"comments": args.comments, "zst_bytes": month.stat().st_size,
                           "decompressed_bytes": _decompressed_size(month), "generate_seconds": generated,
                           "memory_limit": args.memory_limit or "the default (workbench.store.DEFAULT_MEMORY_LIMIT)"}
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        memory = ["--memory-limit", args.memory_limit] if args.memory_limit else []
        floor, load = best_of(args.repeat, [
            lambda: measure([PYTHON, __file__, "--child", "floor", "--path", str(month),
                             "--db", str(fresh(folder / "floor.duckdb"))], cwd=ROOT, env=env),
            lambda: measure([PYTHON, __file__, "--child", "load", "--path", str(month),
                             "--db", str(fresh(folder / "load.duckdb")), *memory], cwd=ROOT, env=env),
        ])
        result["floor"] = floor
        result["load"] = load
        result["load_vs_floor"] = round(load["seconds"] / floor["seconds"], 2)
        result["load_vs_floor_cpu"] = round(load["cpu_seconds"] / floor["cpu_seconds"], 2)
        result["peak_rss_gb"] = {"load": load["peak_rss_gb"], "floor": floor["peak_rss_gb"]}
        if args.later_month:
            following = month.parent / "RC_bench_next.zst"
            if not following.exists():
                generate.reddit_next_month(month, following)
            shutil.copyfile(folder / "load.duckdb", fresh(folder / "later.duckdb"))  # the first month's workspace
            later = measure([PYTHON, __file__, "--child", "load", "--path", str(following),
                             "--db", str(folder / "later.duckdb"), *memory], cwd=ROOT, env=env)
            result["later"] = later
            result["later_vs_first"] = round(later["seconds"] / load["seconds"], 2)
            result["later_vs_first_cpu"] = round(later["cpu_seconds"] / load["cpu_seconds"], 2)
            result["later_vs_floor"] = round(later["seconds"] / floor["seconds"], 2)
            result["peak_rss_gb"]["later"] = later["peak_rss_gb"]
        result["machine"]["load_average_at_end"] = load_average()
    finally:
        if not args.workdir:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            for name in ("floor.duckdb", "load.duckdb", "later.duckdb"):
                fresh(folder / name)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000_000)
    parser.add_argument("--memory-limit", help="the load's memory limit (default: the workbench's default)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--workdir", help="keep the generated month here and reuse it")
    parser.add_argument("--later-month", action="store_true",
                        help="also load the next month into the first month's workspace (a second month)")
    main_with_children(parser, {"floor": lambda a: child_floor(a.path, a.db),
                                "load": lambda a: child_load(a.path, a.db, a.memory_limit)}, run, argv)


if __name__ == "__main__":
    main()
