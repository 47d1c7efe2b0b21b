"""Ingest benchmark: the loader against a minimal DuckDB extraction of the same export.

One row per format (``--formats``; default: every row in :data:`ROWS`). A row generates its
export once, then times, each in a fresh subprocess (so that peak memory is that run's own,
read with ``os.wait4`` from the kernel's accounting of the child):

- ``loader``: ``wb.load`` into a fresh on-disk workspace (detection, staging, parsing, target
  resolution, merge with dedupe, provenance), with the time of each named query (``phases_seconds``,
  the ten longest; ``--memory-limit`` sets the workspace's DuckDB memory limit);
- ``cli``: the same through ``workbench load`` (interpreter start and imports included);
- ``floor``: a minimal DuckDB extraction of the same file into an on-disk database: ``read_json``
  of the fields used, ``unnest`` into a tweet table and an interaction table (references joined
  to ``includes.tweets`` for their authors, mentions unnested), the accounts of ``includes.users``.

Writes ``benchmarks/results/ingest.json`` with the figures, ``loader_vs_floor`` (the ratio of the
two wall times; the target is at most 2), ``loader_vs_floor_cpu`` (the ratio of CPU times, steadier
when other processes compete for the cores) and the peak resident memory of each run (target: under
4 GB). Run: ``.venv/bin/python benchmarks/ingest.py`` (about 500k tweets; ``--tweets 50000`` for a
quick run). To add a row (e.g. Reddit), write ``row_<name>(folder, args) -> dict`` that builds its
input and calls :func:`measure` for the loader and for its own floor script, and list it in ROWS.
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
from datetime import datetime, timezone
from collections import Counter
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "ingest.json"
PYTHON = sys.executable
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import best_of, fresh, measure  # noqa: E402  (the shared child-process measurement)

# Tweets per member account that the sample generator writes over 6 weeks (measured: 41,968 tweets
# for 1,190 accounts, 643,585 for 11,905), used to size the sample for --tweets.
TWEETS_PER_ACCOUNT_6_WEEKS = 54.0

# The minimal extraction of a twarc2 export: what any loader must at least do. The path is ours
# (a temp folder), never user input; read_json takes no bound path inside a script.
_TWARC2_FLOOR = """
SET TimeZone = 'UTC';
CREATE TEMP TABLE pages AS
SELECT data, includes
FROM read_json('{path}', format = 'newline_delimited', maximum_object_size = 268435456,
               columns = {{
    data: 'STRUCT(id VARCHAR, author_id VARCHAR, created_at TIMESTAMPTZ, "text" VARCHAR, lang VARCHAR,
                  conversation_id VARCHAR, in_reply_to_user_id VARCHAR,
                  referenced_tweets STRUCT("type" VARCHAR, id VARCHAR)[],
                  entities STRUCT(mentions STRUCT("start" BIGINT, username VARCHAR, id VARCHAR)[]),
                  public_metrics STRUCT(retweet_count BIGINT, reply_count BIGINT, like_count BIGINT,
                                        quote_count BIGINT))[]',
    includes: 'STRUCT(users STRUCT(id VARCHAR, username VARCHAR, "name" VARCHAR,
                                   public_metrics STRUCT(followers_count BIGINT, following_count BIGINT,
                                                         tweet_count BIGINT))[],
                      tweets STRUCT(id VARCHAR, author_id VARCHAR)[])'}});
CREATE TABLE tweets AS
SELECT t.id, t.author_id, t.created_at, t.text, t.lang, t.conversation_id, t.in_reply_to_user_id,
       t.public_metrics.like_count, t.public_metrics.retweet_count, t.public_metrics.reply_count,
       t.public_metrics.quote_count, t.referenced_tweets, t.entities.mentions AS mentions
FROM (SELECT unnest(data) AS t FROM pages);
CREATE TABLE accounts AS
SELECT DISTINCT ON (u.id) u.id, u.username, u.name, u.public_metrics.followers_count
FROM (SELECT unnest(includes.users) AS u FROM pages);
CREATE TEMP TABLE authors AS
SELECT DISTINCT t.id, t.author_id FROM (SELECT unnest(includes.tweets) AS t FROM pages);
CREATE TABLE interactions AS
SELECT r.author_id AS source_id,
       CASE WHEN r.ref.type = 'replied_to' THEN coalesce(r.in_reply_to_user_id, a.author_id) ELSE a.author_id END
           AS target_id,
       r.ref.type AS kind, r.id AS post_id, r.created_at
FROM (SELECT id, author_id, created_at, in_reply_to_user_id, unnest(referenced_tweets) AS ref FROM tweets) AS r
LEFT JOIN authors AS a ON a.id = r.ref.id
UNION ALL
SELECT author_id, m.id, 'mention', id, created_at
FROM (SELECT id, author_id, created_at, unnest(mentions) AS m FROM tweets);
"""


# -- children: each measured run is its own process ---------------------------------------
@contextlib.contextmanager
def phase_timer() -> Iterator[Counter]:
    """Sum the wall time of the SQL a load runs by named query (its doc line), statement by statement
    for a query of several (``<doc line> #<statement>: <its first line>``); a query run over a block's Arrow lines
    (``StageContext.run_over_lines``) counts under its name. Its own cost is a clock read a statement."""
    from workbench import store as store_module
    from workbench.ingest import context

    sql, over_lines = store_module.Store.sql, context.StageContext.run_over_lines
    phases: Counter = Counter()

    def timed_sql(self, text, params=None):
        statements = self.con.extract_statements(text)
        first = text.lstrip().split("\n", 1)[0]
        name = first[2:].strip()[:70] if first.startswith("--") else "bookkeeping (counts, loads row)"
        if len(statements) == 1:
            started = time.perf_counter()
            try:
                return sql(self, text, params)
            finally:
                phases[name] += time.perf_counter() - started
        result = self.con
        for i, statement in enumerate(statements):
            started = time.perf_counter()
            try:
                result = sql(self, statement.query, params)
            finally:
                head = statement.query.strip().split("\n", 1)[0].lstrip("- ")[:60]
                phases[f"{name[:40]} #{i}: {head}"] += time.perf_counter() - started
        return result

    def timed_over_lines(self, name, lines):
        started = time.perf_counter()
        try:
            return over_lines(self, name, lines)
        finally:
            phases[f"{name} (over the block's Arrow lines)"] += time.perf_counter() - started

    store_module.Store.sql, context.StageContext.run_over_lines = timed_sql, timed_over_lines
    try:
        yield phases
    finally:
        store_module.Store.sql, context.StageContext.run_over_lines = sql, over_lines


def _child_loader(path: str, db: str) -> dict:
    sys.path.insert(0, str(ROOT))
    import workbench as wb

    started = time.perf_counter()
    store = wb.open(db, memory_limit=os.environ.get("WB_BENCH_MEMORY_LIMIT") or None)
    with phase_timer() as phases:
        report = wb.load(store, path, progress=False)
    seconds = time.perf_counter() - started
    counts = store.counts()
    store.close()
    file = report.files[0]
    return {"seconds": seconds, "format": file.format, "records_read": file.records_read,
            "records_rejected": file.records_rejected, "unresolved": file.unresolved,
            "accounts": counts["accounts"], "posts": counts["posts"], "interactions": counts["interactions"],
            "workspace_bytes": Path(db).stat().st_size,
            "phases_seconds": {**{name: round(value, 2) for name, value in phases.most_common(10)},
                               "rest: read blocks, sha256, commit, queries below the ten":
                                   round(seconds - sum(value for _, value in phases.most_common(10)), 2)}}


def _child_twarc2_floor(path: str, db: str) -> dict:
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect(db)
    for statement in con.extract_statements(_TWARC2_FLOOR.format(path=path.replace("'", "''"))):
        con.execute(statement)
    seconds = time.perf_counter() - started
    tweets, accounts, interactions = con.execute(
        "SELECT (SELECT count(*) FROM tweets), (SELECT count(*) FROM accounts), "
        "(SELECT count(*) FROM interactions)").fetchone()
    con.close()
    return {"seconds": seconds, "tweets": tweets, "accounts": accounts, "interactions": interactions}


CHILDREN: dict[str, Callable[[str, str], dict]] = {
    "loader": _child_loader,
    "twarc2-floor": _child_twarc2_floor,
}


def _child_command(mode: str, path: Path, db: Path) -> list[str]:
    return [PYTHON, str(Path(__file__).resolve()), "--child", mode, "--path", str(path), "--db", str(db)]


# -- rows ---------------------------------------------------------------------------------------
def row_twitter_v2(folder: Path, args: argparse.Namespace) -> dict:
    """twarc2 search pages generated by ``workbench.datasets.write_sample``."""
    sys.path.insert(0, str(ROOT))
    from workbench.datasets import write_sample

    n_accounts = max(100, round(args.tweets / TWEETS_PER_ACCOUNT_6_WEEKS))
    path = folder / f"twarc2_{n_accounts}.jsonl"
    generated = None  # seconds, when this run generated the export (not when --workdir had it)
    if not path.exists():
        started = time.perf_counter()
        write_sample(path, n_accounts=n_accounts, weeks=6, seed=0)
        generated = round(time.perf_counter() - started, 2)

    loader, floor = best_of(args.repeat, [
        lambda: measure(_child_command("loader", path, fresh(folder / "loader.duckdb")), cwd=ROOT),
        lambda: measure(_child_command("twarc2-floor", path, fresh(folder / "floor.duckdb")), cwd=ROOT),
    ])
    row = {
        "input": {"generator": "workbench.datasets.write_sample", "n_accounts": n_accounts, "weeks": 6,
                  "seed": 0, "bytes": path.stat().st_size, "tweets": floor["tweets"],
                  "generate_seconds": generated},
        "loader": loader,
        "floor": floor,
        "loader_vs_floor": round(loader["seconds"] / floor["seconds"], 2),
        "loader_vs_floor_cpu": round(loader["cpu_seconds"] / floor["cpu_seconds"], 2),
        "peak_rss_gb": round(loader["peak_rss_bytes"] / 1e9, 2),
    }
    row["input"]["memory_limit"] = args.memory_limit  # None: the workbench's default
    if not args.no_cli:
        db = fresh(folder / "cli.duckdb")
        memory = ["--memory-limit", args.memory_limit] if args.memory_limit else []
        row["cli"] = measure([PYTHON, "-m", "workbench.cli", "load", str(path), "--db", str(db), "--quiet", *memory],
                             cwd=ROOT)
        row["cli"]["seconds"] = row["cli"]["process_seconds"]
    return row


ROWS: dict[str, Callable[[Path, argparse.Namespace], dict]] = {
    "twitter-v2": row_twitter_v2,
}


def run(args: argparse.Namespace) -> dict:
    """Run the chosen rows; write and return the results."""
    folder = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="wb-bench-ingest-"))
    folder.mkdir(parents=True, exist_ok=True)
    import duckdb

    result = {
        "benchmark": "ingest",
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "targets": {"loader_vs_floor_max": 2.0, "peak_rss_gb_max": 4.0},
        "rows": {},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "duckdb": duckdb.__version__,
                    "platform": platform.platform(),
                    # other processes competing for the cores inflate wall times: the 1-minute load
                    # average before and after the runs says how quiet the machine was
                    "load_average": [round(os.getloadavg()[0], 2)]},
    }
    if args.out.exists():  # keep the rows of formats not run this time
        try:
            result["rows"].update(json.loads(args.out.read_text(encoding="utf-8")).get("rows", {}))
        except ValueError:
            pass
    try:
        for name in args.formats:
            result["rows"][name] = ROWS[name](folder, args)
            print(f"{name}: {json.dumps(result['rows'][name])}", file=sys.stderr)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(folder, ignore_errors=True)
    result["machine"]["load_average"].append(round(os.getloadavg()[0], 2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", type=lambda s: [f.strip() for f in s.split(",") if f.strip()],
                        default=list(ROWS), help=f"comma-separated rows to run (default: {','.join(ROWS)})")
    parser.add_argument("--tweets", type=int, default=500_000, help="about how many tweets to generate")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--workdir", help="keep generated inputs here and reuse them on the next run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the loader and the floor; the fastest counts")
    parser.add_argument("--no-cli", action="store_true", help="skip the `workbench load` run")
    parser.add_argument("--memory-limit", help="the loads' DuckDB memory limit (default: the workbench's own)")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(CHILDREN[args.child](args.path, args.db)))
        return
    if args.memory_limit:  # read by the loader children (_child_loader)
        os.environ["WB_BENCH_MEMORY_LIMIT"] = args.memory_limit
    unknown = [f for f in args.formats if f not in ROWS]
    if unknown:
        parser.error(f"unknown row(s) {', '.join(unknown)}; known: {', '.join(ROWS)}")
    print(json.dumps(run(args), indent=2))


if __name__ == "__main__":
    main()
