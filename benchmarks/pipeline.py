"""The 10-million-interaction pipeline: load + communities + roles, against a bare floor in the same run.

Generates an edge CSV of ``--interactions`` (default 10,000,000) interactions among ``--accounts``
(default 1,000,000) accounts with planted communities (benchmarks/generate.py, DuckDB SQL), then
measures, each step in its own process (time, CPU time, peak resident memory, load average):

- ``load``: ``workbench load edges.csv --db w.duckdb``;
- ``communities``: ``workbench communities --db w.duckdb`` (Leiden until converged, the default);
- ``roles``: ``workbench roles --db w.duckdb`` (scores with that community run);
- ``communities_fast``: ``workbench communities --iterations 2`` on the same workspace;
- ``floor``: one process doing the bare minimum with DuckDB and igraph: ``read_csv`` into an on-disk
  database and a GROUP BY into weighted directed pairs (the load's floor), then dense ids, the igraph
  graph, Leiden with the same options as ``communities`` (directed modularity, until converged), and
  PageRank (the analysis floor); each part timed on its own.

Reports ``load_vs_floor`` (load / (read + group), target at most 2), ``analysis_vs_floor``
((communities + roles) / (graph + Leiden + PageRank), target at most 1.5), every step's peak memory
(target: no step above 3 GB) and the modularity of Leiden converged and after 2 iterations.
Also ``load_vs_floor_cpu`` and ``analysis_vs_floor_cpu``: the same ratios in CPU seconds (less sensitive
to a busy machine).
Writes ``benchmarks/results/pipeline.json``. Run: ``.venv/bin/python benchmarks/pipeline.py``
(``--interactions 1000000 --accounts 100000`` for a quick run; ``--workdir DIR`` keeps the input;
``--steps load`` measures the load and its floor only, without Leiden, into ``pipeline_load.json``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "pipeline.json"
PYTHON = sys.executable
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import fresh, load_average, main_with_children, measure  # noqa: E402

# The bare floor; the path is ours (a temp folder), never user input: read_csv takes no bound path.
_READ = """
CREATE TABLE edges AS
SELECT * FROM read_csv('{path}', header = true,
                       columns = {{source: 'VARCHAR', target: 'VARCHAR', kind: 'VARCHAR', timestamp: 'BIGINT'}});
"""
_GROUP = """
CREATE TABLE pairs AS
SELECT source, target, count(*) AS weight FROM edges WHERE source <> target GROUP BY source, target;
"""
_DENSE = """
WITH ids AS (
    SELECT account, row_number() OVER (ORDER BY account) - 1 AS vid
    FROM (SELECT source AS account FROM pairs UNION SELECT target FROM pairs)
)
SELECT s.vid AS src, t.vid AS dst, p.weight::DOUBLE AS weight, (SELECT count(*) FROM ids) AS n
FROM pairs p JOIN ids s ON s.account = p.source JOIN ids t ON t.account = p.target
"""


def child_floor(path: str, db: str, *, load_only: bool = False) -> dict:
    """The bare floor, each part timed (wall and CPU seconds); ``load_only``: read and group only."""
    import random

    import duckdb
    import igraph as ig

    times, cpu = {}, {}
    started = time.perf_counter()

    @contextlib.contextmanager
    def part(name):
        mark, mark_cpu = time.perf_counter(), time.process_time()
        yield
        times[name] = time.perf_counter() - mark
        cpu[name] = time.process_time() - mark_cpu

    con = duckdb.connect(db)
    with part("read"):
        con.execute(_READ.format(path=path.replace("'", "''")))
    with part("group"):
        con.execute(_GROUP)
    result = {"parts_seconds": times, "parts_cpu_seconds": cpu}
    if not load_only:
        with part("graph"):
            arrays = con.execute(_DENSE).fetchnumpy()
            # pairs of Python ints: the fastest edge list igraph takes (numpy rows cost it 1.7 times as much)
            graph = ig.Graph(n=int(arrays["n"][0]), edges=list(zip(arrays["src"].tolist(), arrays["dst"].tolist())),
                             directed=True)
            graph.es["weight"] = arrays["weight"].tolist()
        with part("leiden"):
            ig.set_random_number_generator(random.Random(0))
            membership = graph.community_leiden(
                objective_function="modularity", weights="weight", n_iterations=-1,
                node_weights=graph.strength(mode="out", weights="weight"),
                node_in_weights=graph.strength(mode="in", weights="weight")).membership
        with part("pagerank"):
            graph.pagerank(weights="weight")
        result.update(vertices=graph.vcount(), edges=graph.ecount(),
                      modularity=graph.modularity(membership, weights="weight", directed=True))
    result["seconds"] = time.perf_counter() - started
    result["parts_seconds"] = {k: round(v, 2) for k, v in times.items()}
    result["parts_cpu_seconds"] = {k: round(v, 2) for k, v in cpu.items()}
    return result


def child_runs(db: str) -> dict:
    """The community runs of the workspace (method, iterations, modularity, communities)."""
    sys.path.insert(0, str(ROOT))
    import workbench as wb

    with wb.open(db, read_only=True) as store:
        rows = store.sql("SELECT run_id, params, modularity, n_communities FROM community_runs ORDER BY run_id"
                         ).fetchall()
        counts = store.counts()
    return {"runs": [{"run_id": r, "iterations": json.loads(p).get("iterations"), "modularity": m,
                      "communities": n} for r, p, m, n in rows],
            "interactions": counts["interactions"], "accounts": counts["accounts"]}


#: The measured steps besides the floor, in the order they run (roles uses the communities run).
STEPS = ("load", "communities", "roles", "communities_fast")


def _cli(*args: str) -> list[str]:
    return [PYTHON, "-m", "workbench.cli", *args]


def run(args: argparse.Namespace) -> dict:
    import duckdb
    import igraph

    import generate

    folder = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="wb-bench-pipeline-"))
    folder.mkdir(parents=True, exist_ok=True)
    result = {
        "benchmark": "pipeline",
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "targets": {"load_vs_floor_max": 2.0, "analysis_vs_floor_max": 1.5, "step_peak_rss_gb_max": 3.0},
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version(),
                    "duckdb": duckdb.__version__, "igraph": igraph.__version__, "platform": platform.platform(),
                    "load_average_at_start": load_average()},
    }
    try:
        edges = folder / f"edges_{args.interactions}.csv"
        if not edges.exists():
            started = time.perf_counter()
            generate.edge_list(edges, interactions=args.interactions, accounts=args.accounts, mu=args.mu)
            result["generate_seconds"] = round(time.perf_counter() - started, 2)
        result["input"] = {"interactions": args.interactions, "accounts": args.accounts, "mu": args.mu,
                           "bytes": edges.stat().st_size, "memory_limit": args.memory_limit}
        steps: dict[str, dict] = {}
        db = fresh(folder / "w.duckdb")
        memory = ["--memory-limit", args.memory_limit] if args.memory_limit else []
        env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
        steps_wanted = set(args.steps)
        # without the analysis steps, the floor stops after its read and group (no Leiden)
        load_floor_only = ["--load-floor"] if steps_wanted <= {"load"} else []
        for _ in range(args.repeat):
            # the floor first, the workbench after it, in the same run
            floor = measure([PYTHON, __file__, "--child", "floor", "--path", str(edges),
                             "--db", str(fresh(folder / "floor.duckdb")), *load_floor_only], cwd=ROOT, env=env)
            if "floor" not in steps or floor["seconds"] < steps["floor"]["seconds"]:
                steps["floor"] = floor
            load = measure(_cli("load", str(edges), "--db", str(fresh(db)), "--quiet", *memory), cwd=ROOT, env=env)
            if "load" not in steps or load["seconds"] < steps["load"]["seconds"]:
                steps["load"] = load
        for name, extra in (("communities", []), ("roles", []), ("communities_fast", ["--iterations", "2"])):
            if name in steps_wanted:
                steps[name] = measure(_cli(name.replace("_fast", ""), "--db", str(db), *extra, *memory),
                                      cwd=ROOT, env=env)
        runs = measure([PYTHON, __file__, "--child", "runs", "--db", str(db)], cwd=ROOT, env=env)
        floor = steps["floor"]
        parts = floor["parts_seconds"]
        load_floor = parts["read"] + parts["group"]
        result["steps"] = steps
        result["runs"] = runs["runs"]
        result["workspace"] = {"interactions": runs["interactions"], "accounts": runs["accounts"]}
        result["load_vs_floor"] = round(steps["load"]["seconds"] / load_floor, 2)
        cpu = floor["parts_cpu_seconds"]
        result["load_vs_floor_cpu"] = round(steps["load"]["cpu_seconds"] / (cpu["read"] + cpu["group"]), 2)
        if {"communities", "roles"} <= steps_wanted:
            analysis_floor = parts["graph"] + parts["leiden"] + parts["pagerank"]
            result["analysis_vs_floor"] = round((steps["communities"]["seconds"] + steps["roles"]["seconds"])
                                                / analysis_floor, 2)
            result["analysis_vs_floor_cpu"] = round(
                (steps["communities"]["cpu_seconds"] + steps["roles"]["cpu_seconds"])
                / (cpu["graph"] + cpu["leiden"] + cpu["pagerank"]), 2)
        if {"communities", "communities_fast"} <= steps_wanted:
            result["communities_fast_vs_converged"] = {
                "seconds": [steps["communities_fast"]["seconds"], steps["communities"]["seconds"]],
                "modularity": [runs["runs"][-1]["modularity"], runs["runs"][0]["modularity"]],
                "floor_modularity": floor["modularity"]}
        result["step_peak_rss_gb"] = {name: step["peak_rss_gb"] for name, step in steps.items()}
        result["machine"]["load_average_at_end"] = load_average()
    finally:
        if not args.workdir:
            shutil.rmtree(folder, ignore_errors=True)
    if args.out is None:
        args.out = RESULTS if set(args.steps) == set(STEPS) else RESULTS.with_name(
            "pipeline_" + "_".join(step for step in STEPS if step in args.steps) + ".json")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=10_000_000)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--mu", type=float, default=0.2, help="share of interactions that leave the community")
    parser.add_argument("--memory-limit", help="the workbench's --memory-limit (default: its own default)")
    parser.add_argument("--out", type=Path, help="default: pipeline.json, or pipeline_<steps>.json for some steps")
    parser.add_argument("--workdir", help="keep the generated input (and workspaces) here and reuse the input")
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS),
                        help="the steps to measure (the floor always); e.g. --steps load: the load and its floor")
    parser.add_argument("--load-floor", action="store_true", help=argparse.SUPPRESS)
    main_with_children(parser, {"floor": lambda a: child_floor(a.path, a.db, load_only=a.load_floor),
                                "runs": lambda a: child_runs(a.db)}, run, argv)


if __name__ == "__main__":
    main()
