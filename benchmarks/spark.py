"""Spark vs DuckDB benchmark: one generated edge-list export through both engines on this machine.

Generates ``--interactions`` rows (default 5,000,000) of ``source,target,kind,timestamp`` (Zipf-ish
account popularity, four kinds, a year of timestamps) with DuckDB's COPY, then times, each in a
fresh subprocess:

- ``duckdb``: ``wb.load`` into a fresh on-disk workspace;
- ``spark``: ``load_with_spark`` (Spark ``--spark-master``, default ``local[2]``: reading, staging
  with the transpiled queries, batch merge, Parquet written partitioned by platform and month,
  import into a fresh DuckDB workspace), including the JVM start;
- ``spark_graph`` / ``duckdb_graph``: the aggregated edge list (``wb.graph``) on each engine.

Writes ``benchmarks/results/spark.json``. Run: ``.venv/bin/python benchmarks/spark.py``
(``--interactions 500000`` for a quick run).
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
wb.load(store, sys.argv[2], format="edges-csv", progress=False)
load = time.perf_counter() - t
t = time.perf_counter()
g = wb.graph(store, kinds=["reply", "mention", "share", "quote"])
print(load, time.perf_counter() - t, store.counts()["interactions"], g.ecount())
"""

RUN_SPARK = """
import sys, time
t = time.perf_counter()
import workbench as wb
from workbench import graph as graph_module
from workbench.spark import workspace
from workbench.spark.session import get_session
spark = get_session(sys.argv[3], driver_memory="4g")
start = time.perf_counter() - t
t = time.perf_counter()
store = wb.open(sys.argv[1])
workspace.load_with_spark(store, sys.argv[2], format="edges-csv", spark=spark)
load = time.perf_counter() - t
t = time.perf_counter()
g = graph_module.graph(store, kinds=["reply", "mention", "share", "quote"], engine="spark")
print(load, time.perf_counter() - t, store.counts()["interactions"], g.ecount(), start)
"""


def run(script: str, *args: str) -> tuple[list[float], float]:
    start = time.perf_counter()
    done = subprocess.run([PYTHON, "-c", script, *args], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return [float(x) for x in done.stdout.strip().splitlines()[-1].split()], time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=5_000_000)
    parser.add_argument("--spark-master", default="local[2]")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        export = folder / "edges.csv"
        subprocess.run([PYTHON, "-c", GENERATE, str(args.interactions), str(export)], check=True)
        duck, duck_wall = run(RUN_DUCKDB, str(folder / "duck.duckdb"), str(export))
        sparked, spark_wall = run(RUN_SPARK, str(folder / "spark.duckdb"), str(export), args.spark_master)
        assert duck[2] == sparked[2] and duck[3] == sparked[3], "the two engines disagree"
        result = {
            "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "load_average_at_end": os.getloadavg()[0]},
            "interactions": args.interactions,
            "export_bytes": export.stat().st_size,
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
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
