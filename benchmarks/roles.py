"""Roles benchmark: ``wb.roles.score`` on about a million interactions, time and peak memory.

Rows (``--rows``; default all that can run):

- ``synthetic``: a workspace built directly in DuckDB with ``--interactions`` interactions (default
  1,000,000) among ``--accounts`` accounts (default 100,000): original posts by heavy-tailed
  authors, shares / replies / quotes of heavy-tailed posts (replies linked to their parent, shares
  and quotes not, as in the Twitter loader) and mentions, over 30 days, with follower counts.
- ``higgs``: the SNAP higgs-twitter activity file (563,069 real interactions, 304,691 accounts),
  loaded with the edges-csv loader, when the real test data (``WORKBENCH_SHARED_DATA``) has it.

Each row builds its workspace once, then scores it in a fresh subprocess (score and save a new
scoring run: without communities, and with a Louvain community run detected first, which adds the
participation coefficient and the Guimerà-Amaral roles), so that the peak resident memory is
that run's own, read with ``os.wait4`` from the kernel's accounting of the child; the child also
reports its resident memory before scoring (interpreter, imports, open workspace).

``--baseline DIR`` also scores each workspace with the package in DIR (a checkout of an earlier commit,
e.g. ``git archive 11c49f8 workbench queries | tar -x -C DIR``), in the same run, right before this one:
the floor to compare with on a machine whose load changes.

Writes ``benchmarks/results/roles.json``. Run: ``.venv/bin/python benchmarks/roles.py``
(``--interactions 200000`` for a quick run).
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
RESULTS = ROOT / "benchmarks" / "results" / "roles.json"
HIGGS = ROOT.parent / "shared" / "data" / "snap_higgs_twitter" / "higgs-activity_time.txt.gz"
sys.path.insert(0, str(ROOT))

# Builds the synthetic workspace. Values are bound parameters; the shape is fixed here.
_SYNTHETIC = """
SELECT setseed($seed);
INSERT INTO accounts (account_id, platform, handle, followers)
SELECT 'bench:' || i, 'bench', 'user' || i, floor(exp(random() * 10))::BIGINT FROM range($accounts) t(i);
CREATE TEMP TABLE originals AS
SELECT i, 'bench:p' || i AS post_id, floor($accounts * pow(random(), 2))::BIGINT AS author,
       TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(floor(random() * 30 * 86400)::BIGINT) AS created_at
FROM range($posts) t(i);
INSERT INTO posts (post_id, platform, author_id, created_at, kind, like_count, share_count, reply_count,
                   quote_count, collected)
SELECT post_id, 'bench', 'bench:' || author, created_at, 'post', 0, 0, 0, 0, true FROM originals;
CREATE TEMP TABLE responses AS
SELECT i, CASE WHEN r < 0.55 THEN 'share' WHEN r < 0.70 THEN 'reply' WHEN r < 0.75 THEN 'quote' ELSE 'mention' END AS kind,
       floor($posts * pow(random(), 3))::BIGINT AS target_post,
       floor($accounts * pow(random(), 1.5))::BIGINT AS source,
       floor($accounts * pow(random(), 2))::BIGINT AS mentioned,
       to_seconds(floor(60 + random() * 86400)::BIGINT) AS delay
FROM (SELECT i, random() AS r FROM range($interactions) t(i));
CREATE TEMP TABLE resolved AS
SELECT r.i, r.kind, 'bench:' || r.source AS source_id,
       CASE WHEN r.kind = 'mention' THEN 'bench:' || r.mentioned ELSE 'bench:' || o.author END AS target_id,
       'bench:r' || r.i AS post_id, CASE WHEN r.kind = 'reply' THEN o.post_id END AS parent_post_id,
       o.created_at + r.delay AS created_at
FROM responses r JOIN originals o ON o.i = r.target_post;
INSERT INTO posts (post_id, platform, author_id, created_at, kind, parent_post_id, like_count, share_count,
                   reply_count, quote_count, collected)
SELECT post_id, 'bench', source_id, created_at, CASE WHEN kind = 'mention' THEN 'post' ELSE kind END,
       parent_post_id, 0, 0, 0, 0, true
FROM resolved;
INSERT INTO interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT source_id, target_id, kind, post_id, created_at, 'bench' FROM resolved;
"""

_CHILD = r"""
import json, os, resource, sys, time
import workbench as wb
assert os.path.realpath(wb.__file__).startswith(os.path.realpath(os.environ["PYTHONPATH"])), wb.__file__
from workbench import communities, roles
from workbench import graphs
path, with_run = sys.argv[1], sys.argv[2] == "1"
store = wb.open(path)
run_id = None
detect_seconds = None
if with_run:
    t0 = time.perf_counter()
    run_id = communities.save(store, communities.detect(graphs.graph(store), method="louvain", seed=0))
    detect_seconds = time.perf_counter() - t0
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
scores = roles.score(store, run_id=run_id)
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": round(seconds, 2), "rss_before_score_mb": round(before / 1024, 1),
                  "accounts": len(scores), "scoring_run": scores.attrs["run_id"],
                  "betweenness_pivots": scores.attrs["params"]["betweenness_pivots"],
                  "roles": {k: int(v) for k, v in scores["role"].value_counts().items()},
                  "louvain_seconds": None if detect_seconds is None else round(detect_seconds, 2)}))
"""


BASELINE: Path | None = None


def measure(path: Path, *, with_run: bool, code: Path | None = None) -> dict:
    """Score ``path`` in a fresh subprocess (with the package in ``code``, default this one); its wall time,
    peak RSS and what it reported."""
    env = {**os.environ, "PYTHONPATH": str(code or ROOT)}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", _CHILD, str(path), "1" if with_run else "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
                               cwd=str(code or ROOT))  # `python -c` puts the working folder first on sys.path
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    out, err = process.stdout.read(), process.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"scoring subprocess failed:\n{err}")
    # DuckDB may draw its progress bar on stdout: the child's report is the last JSON object
    result = json.loads(out[out.rindex('{"seconds"'):].splitlines()[0])
    result["process_seconds"] = round(wall, 2)
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)
    result["load_average"] = round(os.getloadavg()[0], 2)
    return result


def measure_pair(path: Path, *, with_run: bool) -> dict:
    """This package's figures; with a baseline, the baseline's measured just before, and the ratio."""
    if BASELINE is None:
        return measure(path, with_run=with_run)
    before = measure(path, with_run=with_run, code=BASELINE)
    after = measure(path, with_run=with_run)
    return {**after, "baseline": before, "ratio_to_baseline": round(after["seconds"] / before["seconds"], 2)}


def row_synthetic(folder: Path, args) -> dict:
    import workbench as wb

    path = folder / "synthetic.duckdb"
    start = time.perf_counter()
    with wb.open(path) as store:
        store.sql(_SYNTHETIC, dict(seed=0.42, accounts=args.accounts, posts=int(args.interactions * 0.4),
                                   interactions=args.interactions))
        counts = store.counts()
    built = time.perf_counter() - start
    return {"input": {"interactions": counts["interactions"], "posts": counts["posts"],
                      "accounts": counts["accounts"], "build_seconds": round(built, 2)},
            "score": measure_pair(path, with_run=False), "score_with_community_run": measure_pair(path, with_run=True)}


def row_higgs(folder: Path, args) -> dict | None:
    if not HIGGS.exists():
        return None
    import workbench as wb

    path = folder / "higgs.duckdb"
    start = time.perf_counter()
    with wb.open(path) as store:
        wb.load(store, HIGGS, format="edges-csv")
        counts = store.counts()
    loaded = time.perf_counter() - start
    return {"input": {"file": HIGGS.name, "interactions": counts["interactions"], "accounts": counts["accounts"],
                      "load_seconds": round(loaded, 2)},
            "score": measure_pair(path, with_run=False), "score_with_community_run": measure_pair(path, with_run=True)}


ROWS = {"synthetic": row_synthetic, "higgs": row_higgs}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--rows", default=",".join(ROWS))
    parser.add_argument("--baseline", help="a folder with an earlier workbench/ and queries/ to measure first")
    args = parser.parse_args(argv)
    global BASELINE
    BASELINE = Path(args.baseline).resolve() if args.baseline else None
    import duckdb
    import igraph

    results = {"benchmark": "roles", "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "rows": {}, "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                       "duckdb": duckdb.__version__, "igraph": igraph.__version__,
                                       # other work on the machine slows the figures down; say how much there was
                                       "load_average_at_start": round(os.getloadavg()[0], 2)}}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.rows.split(","):
            row = ROWS[name](Path(tmp), args)
            if row is not None:
                results["rows"][name] = row
                print(name, json.dumps(row, indent=1), flush=True)
    results["machine"]["load_average_at_end"] = round(os.getloadavg()[0], 2)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")
    return results


if __name__ == "__main__":
    main()
