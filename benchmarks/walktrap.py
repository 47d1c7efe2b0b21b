"""Walktrap's cost by graph size: the figures behind ``communities.WALKTRAP_MAX_EDGES``.

For each generated graph shape and edge count, one child process builds the graph and runs
``communities.detect(method="walktrap")`` with the limit raised (``max_edges``), and reports its CPU
time, wall time and peak resident memory; Leiden on the same graph, in the same child, is the floor.
Shapes: ``ba`` (Barabasi-Albert, 2 edges per new vertex), ``powerlaw`` (static power-law degrees,
exponent 2.1: hubs, as in mention graphs) and ``tree`` (one edge per vertex: most vertices per edge).
Writes ``benchmarks/results/walktrap.json`` with the load average.

Run: ``.venv/bin/python benchmarks/walktrap.py`` (``--edges 10000 20000`` for other sizes). Timings are
not tests: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "walktrap.json"
SHAPES = ("ba", "powerlaw", "tree")

CHILD = r"""
import json, resource, sys, time
import igraph as ig
from workbench import communities

shape, edges = sys.argv[1], int(sys.argv[2])
ig.set_random_number_generator(__import__("random").Random(0))
if shape == "ba":
    g = ig.Graph.Barabasi(edges // 2, 2)
elif shape == "powerlaw":
    g = ig.Graph.Static_Power_Law(edges // 2, edges, 2.1)
    g.simplify()
else:
    g = ig.Graph.Barabasi(edges + 1, 1)
g.vs["account_id"] = [f"v{i}" for i in range(g.vcount())]
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
cpu, wall = time.process_time(), time.perf_counter()
leiden = communities.detect(g, method="leiden", seed=0)
floor = (time.process_time() - cpu, time.perf_counter() - wall)
cpu, wall = time.process_time(), time.perf_counter()
walktrap = communities.detect(g, method="walktrap", max_edges=g.ecount())
print(json.dumps({"shape": shape, "vertices": g.vcount(), "edges": g.ecount(),
                  "walktrap_cpu_s": round(time.process_time() - cpu, 2),
                  "walktrap_wall_s": round(time.perf_counter() - wall, 2),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                  "rss_before_mb": round(base / 1024),
                  "walktrap_communities": walktrap.n_communities,
                  "walktrap_modularity": round(walktrap.modularity, 4),
                  "leiden_cpu_s": round(floor[0], 2), "leiden_wall_s": round(floor[1], 2),
                  "leiden_modularity": round(leiden.modularity, 4)}))
"""


def main() -> None:
    from workbench.communities import WALKTRAP_MAX_EDGES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, nargs="+", default=[10_000, 20_000, 40_000])
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES))
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    load_before = os.getloadavg()
    runs = []
    for edges in args.edges:
        for shape in args.shapes:
            done = subprocess.run([sys.executable, "-c", CHILD, shape, str(edges)], env=env, check=True,
                                  capture_output=True, text=True)
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(runs[-1], flush=True)
    result = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": platform.machine(),
              "cpus": os.cpu_count(), "load_average_before": [round(x, 1) for x in load_before],
              "load_average_after": [round(x, 1) for x in os.getloadavg()],
              "limit": WALKTRAP_MAX_EDGES, "runs": runs}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
