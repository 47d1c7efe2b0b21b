"""Memory-limit sweep: `workbench load` of the same inputs at several ``--memory-limit`` values.

What a larger DuckDB memory limit buys (time, CPU time) and costs (peak resident memory), to choose
:data:`workbench.store.DEFAULT_MEMORY_LIMIT`. Each load is its own measured process (wall and CPU
seconds, peak RSS, load average; ``benchmarks/measure.py``), into a fresh workspace; the limits are
interleaved within each repeat, so that a busy machine slows them alike. Inputs:

- ``twarc2``: the ingest benchmark's twarc2 sample (``benchmarks/ingest.py``; ``--twarc2 PATH``);
- ``edges``: the pipeline benchmark's 10M-row edge list (``benchmarks/pipeline.py``; ``--edges PATH``).

Writes ``benchmarks/results/memory_limit.json``. Run, e.g.:
``.venv/bin/python benchmarks/memory_limit.py --twarc2 twarc2_9259.jsonl --edges edges_10000000.csv``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "memory_limit.json"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import fresh, load_average, measure  # noqa: E402


def sweep(inputs: dict[str, Path], limits: list[str], repeat: int, folder: Path) -> dict:
    """``{input: {limit: [run, ...]}}``, each run the measured ``workbench load``."""
    runs: dict[str, dict[str, list[dict]]] = {name: {limit: [] for limit in limits} for name in inputs}
    for _ in range(max(1, repeat)):
        for name, path in inputs.items():
            for limit in limits:
                db = fresh(folder / f"{name}_{limit}.duckdb")
                run = measure([sys.executable, "-m", "workbench.cli", "load", str(path), "--db", str(db), "--quiet",
                               "--memory-limit", limit], cwd=ROOT)
                run["seconds"] = run["process_seconds"]
                runs[name][limit].append(run)
                print(f"{name} {limit}: {run['seconds']} s, {run['cpu_seconds']} s CPU, "
                      f"peak {run['peak_rss_gb']} GB, load {run['load_average']}", file=sys.stderr)
                fresh(db)
    return runs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--twarc2", type=Path, help="a twarc2 export (the ingest benchmark's sample)")
    parser.add_argument("--edges", type=Path, help="an edge list (the pipeline benchmark's 10M rows)")
    parser.add_argument("--limits", default="1GB,1.5GB,2GB", help="comma-separated --memory-limit values")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each load; the one of least CPU time counts")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    inputs = {name: path for name, path in (("twarc2", args.twarc2), ("edges", args.edges)) if path}
    if not inputs:
        parser.error("give --twarc2 and/or --edges")
    import duckdb

    limits = [limit.strip() for limit in args.limits.split(",") if limit.strip()]
    started_load = load_average()
    with tempfile.TemporaryDirectory(prefix="wb-bench-memory-") as folder:
        runs = sweep(inputs, limits, args.repeat, Path(folder))
    rows = {name: {limit: {**min(found, key=lambda run: run["cpu_seconds"]),
                           "all_cpu_seconds": [run["cpu_seconds"] for run in found]}
                   for limit, found in by_limit.items()}
            for name, by_limit in runs.items()}
    result = {
        "benchmark": "memory_limit",
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "inputs": {name: {"path": path.name, "bytes": path.stat().st_size} for name, path in inputs.items()},
        "rows": rows,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "duckdb": duckdb.__version__,
                    "platform": platform.platform(), "load_average": [started_load, load_average()]},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
