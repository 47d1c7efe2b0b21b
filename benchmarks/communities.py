"""Communities benchmark: interactions -> graph -> each fast method, against bare DuckDB + igraph.

Generates ``--interactions`` (default 1M) interactions among ``--accounts`` (default 100k)
accounts with planted communities (power-law sizes, mixing ``--mu``; skewed activity and
popularity), stores them in an on-disk workspace, then times, interleaved and ``--repeat`` times:

- the pipeline: ``workbench.graphs(store, directed=False)`` and ``communities.detect`` with each
  fast method (leiden, louvain, infomap, label_propagation; infomap in the first round only),
  and the default directed graph with Leiden (directed modularity);
- bare: the same aggregation written directly in DuckDB SQL (dense ids, counts, no self-loops),
  ``igraph.Graph`` from the integer arrays, ``community_leiden`` with the same settings
  (modularity, until stable);
- networkx, once: ``louvain_communities`` on the same edges (graph building included).

Reports medians, ``pipeline_vs_bare`` = (graph + Leiden) / (bare graph + bare Leiden) (target:
at most 1.5), networkx's ratio to bare igraph Leiden and to our Louvain, and each method's
modularity and NMI against the planted partition. Writes ``benchmarks/results/communities.json``.

Run: ``.venv/bin/python benchmarks/communities.py`` (``--interactions 100000`` for a quick run,
``--no-networkx`` to skip the slow comparison). Timings are not tests: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import igraph as ig
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import workbench as wb  # noqa: E402
from workbench import communities  # noqa: E402
from workbench import graphs  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "communities.json"
KINDS = ["reply", "mention", "share", "quote"]
# Timed in the first round only: Infomap's ten trials take minutes on a million interactions.
ONCE = ("infomap",)

# The bare aggregation: what any tool must do to get a weighted undirected edge list with dense ids.
BARE_SQL = """
WITH pairs AS (
    SELECT least(source_id, target_id) AS a, greatest(source_id, target_id) AS b, count(*) AS weight
    FROM interactions
    WHERE kind IN ('reply', 'mention', 'share', 'quote') AND source_id <> target_id
    GROUP BY 1, 2
), ids AS (
    SELECT account_id, row_number() OVER (ORDER BY account_id) - 1 AS vid
    FROM (SELECT a AS account_id FROM pairs UNION SELECT b FROM pairs)
)
SELECT s.vid AS src, t.vid AS dst, p.weight::DOUBLE AS weight, (SELECT count(*) FROM ids) AS n
FROM pairs p JOIN ids s ON s.account_id = p.a JOIN ids t ON t.account_id = p.b
"""


def generate(n_interactions: int, n_accounts: int, mu: float, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """Interactions with planted communities, and the planted community of each account."""
    rng = np.random.default_rng(seed)
    sizes = np.clip((rng.pareto(1.5, size=n_accounts) + 1) * 50, 50, 5000).astype(np.int64)
    sizes = sizes[np.cumsum(sizes) <= n_accounts]
    sizes[-1] += n_accounts - sizes.sum()
    community = np.repeat(np.arange(len(sizes)), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    activity = rng.lognormal(0.0, 1.2, n_accounts)
    source = rng.choice(n_accounts, size=n_interactions, p=activity / activity.sum())
    # a target inside the source's community, skewed towards its first (popular) members, or anywhere
    inside = starts[community[source]] + (rng.random(n_interactions) ** 2 * sizes[community[source]]).astype(np.int64)
    anywhere = (rng.random(n_interactions) ** 2 * n_accounts).astype(np.int64)
    target = np.where(rng.random(n_interactions) < mu, anywhere, inside)
    # account ids are shuffled so that popularity is not in id order
    names = np.char.add("bench:", rng.permutation(n_accounts).astype(str))
    frame = pd.DataFrame({
        "source_id": names[source], "target_id": names[target],
        "kind": rng.choice(KINDS, size=n_interactions, p=[0.35, 0.3, 0.25, 0.1]),
        "created_at": pd.Timestamp("2024-01-01", tz="UTC")
        + pd.to_timedelta(rng.integers(0, 30 * 86400, n_interactions), unit="s"),
    })
    return frame, pd.Series(community, index=names, name="planted")


def bare_graph(con: duckdb.DuckDBPyConnection) -> ig.Graph:
    arrays = con.execute(BARE_SQL).fetchnumpy()
    n = int(arrays["n"][0]) if len(arrays["n"]) else 0
    g = ig.Graph(n=n, directed=False)
    g.add_edges(np.column_stack([arrays["src"], arrays["dst"]]).astype(np.int64))
    g.es["weight"] = arrays["weight"].tolist()
    return g


def bare_leiden(g: ig.Graph, seed: int) -> list[int]:
    random.seed(seed)
    return g.community_leiden(objective_function="modularity", weights="weight", n_iterations=-1).membership


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--mu", type=float, default=0.3, help="share of interactions that leave the community")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-networkx", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    frame, planted = generate(args.interactions, args.accounts, args.mu, args.seed)
    folder = Path(tempfile.mkdtemp(prefix="wb-bench-communities-"))
    store = wb.open(folder / "bench.duckdb")
    graphs.insert_interactions(store, frame, platform="csv")
    con = store.con

    timings: dict[str, list[float]] = {}
    quality: dict[str, dict] = {}

    def record(name: str, seconds: float) -> None:
        timings.setdefault(name, []).append(seconds)
        print(f"  {name:<28} {seconds:8.3f} s", flush=True)

    for round_no in range(args.repeat):
        print(f"round {round_no + 1} of {args.repeat}", flush=True)
        seconds, g = timed(graphs.graph, store, directed=False)
        record("pipeline_graph", seconds)
        for method in communities.FAST_METHODS:
            if method in ONCE and round_no > 0:
                continue
            seconds, partition = timed(communities.detect, g, method=method, seed=0)
            record(f"pipeline_{method}", seconds)
            if round_no == 0:
                quality[method] = {"communities": partition.n_communities, "modularity": partition.modularity,
                                   "nmi_planted": communities.compare(partition, planted).nmi}
        seconds, bare = timed(bare_graph, con)
        record("bare_graph", seconds)
        seconds, membership = timed(bare_leiden, bare, 0)
        record("bare_leiden", seconds)
        if round_no == 0:
            assert (bare.vcount(), bare.ecount()) == (g.vcount(), g.ecount())
            quality["bare_leiden"] = {"communities": len(set(membership)),
                                      "modularity": bare.modularity(membership, weights="weight")}
        seconds, directed = timed(graphs.graph, store)
        record("pipeline_graph_directed", seconds)
        seconds, partition = timed(communities.detect, directed, method="leiden", seed=0)
        record("pipeline_leiden_directed", seconds)
        if round_no == 0:
            quality["leiden_directed"] = {"communities": partition.n_communities, "modularity": partition.modularity,
                                          "nmi_planted": communities.compare(partition, planted).nmi}

    median = {name: statistics.median(values) for name, values in timings.items()}
    networkx_result = None
    if not args.no_networkx:
        import networkx as nx

        print("networkx louvain (once)", flush=True)
        edges = graphs.edge_table(g)
        start = time.perf_counter()
        nx_graph = nx.Graph()
        nx_graph.add_weighted_edges_from(zip(edges["source_id"], edges["target_id"], edges["weight"]))
        built = time.perf_counter() - start
        found = nx.community.louvain_communities(nx_graph, weight="weight", seed=0)
        total = time.perf_counter() - start
        labels = pd.Series({a: i for i, members in enumerate(found) for a in members})
        networkx_result = {
            "graph_seconds": built, "total_seconds": total,
            "communities": len(found), "modularity": nx.community.modularity(nx_graph, found, weight="weight"),
            "nmi_planted": communities.compare(labels, planted).nmi,
            "vs_bare_igraph_leiden": total / (median["bare_graph"] + median["bare_leiden"]),
            "vs_pipeline_louvain": total / (median["pipeline_graph"] + median["pipeline_louvain"]),
        }
        print(f"  networkx total {total:.1f} s", flush=True)

    pipeline = median["pipeline_graph"] + median["pipeline_leiden"]
    bare_total = median["bare_graph"] + median["bare_leiden"]
    result = {
        "benchmark": "communities",
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
                    "duckdb": duckdb.__version__, "igraph": ig.__version__},
        "input": {"interactions": args.interactions, "accounts": args.accounts, "mu": args.mu,
                  "planted_communities": int(planted.nunique()), "graph_vertices": g.vcount(),
                  "graph_edges": g.ecount(), "directed_edges": directed.ecount(), "repeat": args.repeat},
        "seconds_median": median,
        "seconds_all": timings,
        "pipeline_vs_bare": pipeline / bare_total,
        "pipeline_vs_bare_target": 1.5,
        "graph_vs_bare_graph": median["pipeline_graph"] / median["bare_graph"],
        "leiden_vs_bare_leiden": median["pipeline_leiden"] / median["bare_leiden"],
        "quality": quality,
        "networkx_louvain": networkx_result,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=float) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("pipeline_vs_bare", "graph_vs_bare_graph", "leiden_vs_bare_leiden")},
                     indent=2))
    store.close()
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
