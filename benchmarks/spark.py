"""Spark vs DuckDB benchmark: one generated export through both engines on this machine.

Two rows (``--format``), each kept in the results file under its name:

- ``edges-csv``: ``--interactions`` rows (default 5,000,000) of ``source,target,kind,timestamp``
  (Zipf-ish account popularity, four kinds, a year of timestamps) written with DuckDB's COPY;
- ``twitter-v2``: a twarc2 export from the sample generator (``--accounts`` member accounts over six
  weeks; 9,259 give 464k tweets, 485k interactions and 618 MB), the whole normalisation path
  (JSON parsing, references, mentions, target resolution, account merging) on both engines.

Each is timed in a fresh subprocess:

- ``duckdb``: ``wb.load`` into a fresh on-disk workspace;
- ``spark``: ``load_with_spark`` (Spark ``--spark-master``, default ``local[2]``: reading, staging
  with the transpiled queries, batch merge, Parquet written partitioned by platform and month,
  import into a fresh DuckDB workspace), including the JVM start;
- ``spark_graph`` / ``duckdb_graph``: the aggregated edge list (``wb.graph``) on each engine.

Writes ``benchmarks/results/spark.json`` (one entry per row). Run:
``.venv/bin/python benchmarks/spark.py`` (``--interactions 500000`` for a quick run) and
``.venv/bin/python benchmarks/spark.py --format twitter-v2 --workdir benchmarks/work`` (reuses the
ingest benchmark's generated export when it is there).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "spark.json"
PYTHON = sys.executable

GENERATE = """
import duckdb, sys
n, path = int(sys.argv[1]), sys.argv[2]
duckdb.sql(f'''
COPY (SELECT 'u' || CAST(floor(pow(random(), 3) * 200000) AS BIGINT) AS source,
             'u' || CAST(floor(random() * 200000) AS BIGINT) AS target,
             ['reply', 'mention', 'share', 'quote'][1 + CAST(floor(random() * 4) AS INT)] AS kind,
             1577836800 + CAST(floor(random() * 31536000) AS BIGINT) AS timestamp
      FROM range({n})) TO '{path}' (HEADER, DELIMITER ',')''')
"""

RUN_DUCKDB = """
import sys, time, workbench as wb
t = time.perf_counter()
store = wb.open(sys.argv[1])
wb.load(store, sys.argv[2], format=sys.argv[3], progress=False)
load = time.perf_counter() - t
t = time.perf_counter()
g = wb.graph(store, kinds=["reply", "mention", "share", "quote"])
print(load, time.perf_counter() - t, store.counts()["interactions"], g.ecount())
"""

RUN_SPARK = """
import sys, time
t = time.perf_counter()
import workbench as wb
from workbench import graphs
from workbench.spark import workspace
from workbench.spark.session import get_session
spark = get_session(sys.argv[3], driver_memory="4g")
fmt = sys.argv[4]
start = time.perf_counter() - t
t = time.perf_counter()
store = wb.open(sys.argv[1])
workspace.load_with_spark(store, sys.argv[2], format=fmt, spark=spark)
load = time.perf_counter() - t
t = time.perf_counter()
g = graphs.graph(store, kinds=["reply", "mention", "share", "quote"], engine="spark")
print(load, time.perf_counter() - t, store.counts()["interactions"], g.ecount(), start)
"""


def run(script: str, *args: str) -> tuple[list[float], float]:
    start = time.perf_counter()
    done = subprocess.run([PYTHON, "-c", script, *args], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return [float(x) for x in done.stdout.strip().splitlines()[-1].split()], time.perf_counter() - start


def export_edges(folder: Path, args: argparse.Namespace) -> Path:
    export = folder / f"edges_{args.interactions}.csv"
    if not export.exists():
        subprocess.run([PYTHON, "-c", GENERATE, str(args.interactions), str(export)], check=True)
    return export


def export_twitter(folder: Path, args: argparse.Namespace) -> Path:
    """The ingest benchmark's twarc2 export (same generator, same file name), made when missing; with
    ``--files N``, a folder of N such exports (seeds 0..N-1: other accounts and tweet ids in each)."""
    sys.path.insert(0, str(ROOT))
    from workbench.datasets import write_sample

    if args.files == 1:
        export = folder / f"twarc2_{args.accounts}.jsonl"
        if not export.exists():
            write_sample(export, n_accounts=args.accounts, weeks=6, seed=0)
        return export
    export = folder / f"twarc2_{args.accounts}x{args.files}"
    export.mkdir(exist_ok=True)
    for seed in range(args.files):
        path = export / f"seed{seed}.jsonl"
        if not path.exists():
            write_sample(path, n_accounts=args.accounts, weeks=6, seed=seed)
    return export


def _bytes(export: Path) -> int:
    return sum(p.stat().st_size for p in export.iterdir()) if export.is_dir() else export.stat().st_size


EXPORTS = {"edges-csv": export_edges, "twitter-v2": export_twitter}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=sorted(EXPORTS), default="edges-csv")
    parser.add_argument("--interactions", type=int, default=5_000_000, help="edges-csv rows")
    parser.add_argument("--accounts", type=int, default=9259, help="twitter-v2: member accounts of the sample")
    parser.add_argument("--files", type=int, default=1, help="twitter-v2: this many exports (one load each)")
    parser.add_argument("--spark-master", default="local[2]")
    parser.add_argument("--workdir", help="keep generated exports here and reuse them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        folder = Path(args.workdir) if args.workdir else scratch
        folder.mkdir(parents=True, exist_ok=True)
        export = EXPORTS[args.format](folder, args)
        duck, duck_wall = run(RUN_DUCKDB, str(scratch / "duck.duckdb"), str(export), args.format)
        sparked, spark_wall = run(RUN_SPARK, str(scratch / "spark.duckdb"), str(export), args.spark_master,
                                  args.format)
        assert duck[2] == sparked[2] and duck[3] == sparked[3], "the two engines disagree"
        row = {
            "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "load_average_at_end": os.getloadavg()[0]},
            "export": export.name,
            "export_bytes": _bytes(export),
            "files": len(list(export.iterdir())) if export.is_dir() else 1,
            "spark_master": args.spark_master,
            "duckdb_load_s": round(duck[0], 2),
            "duckdb_graph_s": round(duck[1], 2),
            "spark_session_start_s": round(sparked[4], 2),
            "spark_load_s": round(sparked[0], 2),
            "spark_graph_s": round(sparked[1], 2),
            "duckdb_process_wall_s": round(duck_wall, 2),
            "spark_process_wall_s": round(spark_wall, 2),
            "spark_vs_duckdb_load": round(sparked[0] / duck[0], 2),
            "interactions_loaded": int(duck[2]),
            "edges": int(duck[3]),
        }
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if "rows" not in results:  # the first layout held the edge-list run only
        results = {"rows": {"edges-csv": results} if results else {}}
    results["rows"][args.format if args.files == 1 else f"{args.format} x{args.files} files"] = row
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(row, indent=2))


if __name__ == "__main__":
    main()
