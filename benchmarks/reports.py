"""Report render time: the analysis computed once and shared by the notebooks, against each kernel computing it.

Renders every notebook on the bundled sample (27,756 tweets, 29,336 interactions) twice in the same run:
``share=True`` (the report computes partition and scores once) and ``share=False`` (each kernel computes
its own, as reports did before). Writes benchmarks/results/reports.json with the load average.

    python benchmarks/reports.py [--db WORKSPACE] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import workbench as wb
from workbench import datasets, focal, reports

RESULTS = Path(__file__).resolve().parent / "results" / "reports.json"


def sample_workspace(folder: Path) -> Path:
    db = folder / "sample.duckdb"
    with wb.open(db) as store:
        wb.load(store, datasets.sample_path(), progress=False)
        focal.add(store, focal.SAMPLE_FOCAL)
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a workspace (default: the bundled sample)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(args.db) if args.db else sample_workspace(Path(scratch))
        with wb.open(db, read_only=True) as store:
            counts = store.counts()
        rows = []
        for attempt in range(args.repeat):
            for share in (False, True):
                load = os.getloadavg()[0]
                started = time.perf_counter()
                result = reports.render(db, Path(scratch) / f"out-{share}-{attempt}", share=share, jobs=2)
                seconds = time.perf_counter() - started
                rows.append({"share": share, "seconds": round(seconds, 1), "pages": len(result.pages),
                             "load_average_before": round(load, 2)})
                print(f"share={share}: {len(result.pages)} pages in {seconds:.1f} s (load {load:.2f})")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({
        "what": "workbench report, every notebook, jobs=2", "workspace": str(args.db or "bundled sample"),
        "interactions": counts.get("interactions"), "accounts": counts.get("accounts"),
        "cpus": os.cpu_count(), "python": platform.python_version(), "runs": rows}, indent=1) + "\n",
        encoding="utf-8")


if __name__ == "__main__":
    main()
