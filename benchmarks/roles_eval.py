"""Roles evaluation: per-family precision and recall on generator families with planted roles.

The families (``tests/role_families.py``) are written independently of the scoring code: volume-heavy
networkers, broadcasters, a community where nobody stands out, one-hit viral posts, influencers with tiny
audiences, and a Reddit-like export without follower counts. Each is generated for ``--seeds`` seeds,
written into a DuckDB workspace, given a Leiden community run and scored twice: with labels from evidence
(the default) and with the 95th-percentile cut-offs (the former default). Figures per family and labelling
are the means over seeds, with the per-seed values:

- ``influencer_recall``: planted influencers labelled influencer or hub (their influence stands out);
  ``influencer_exact_recall``: labelled influencer; ``influencer_precision``: planted among those labelled
  influencer or hub;
- ``networker_recall`` / ``networker_precision``: labelled networker;
- ``broadcaster_labelled_share``, ``viral_labelled_influencer_share``, ``labelled_share``.

``--baseline DIR`` also scores every family with the package found in DIR (a checkout of an earlier
commit, e.g. ``git archive 11c49f8 workbench queries | tar -x -C DIR``) with its default labels, in a
subprocess, and records those figures under ``baseline``: the before of a change, on the same worlds.

Writes ``benchmarks/results/roles_eval.json``. Run: ``.venv/bin/python benchmarks/roles_eval.py [--seeds 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "roles_eval.json"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def evaluate_baseline(name: str, seed: int) -> dict:
    """The family scored by the package on sys.path (an earlier checkout) with its default labels."""
    import workbench as wb
    from workbench import communities, graphs, roles

    import role_families
    from test_roles_families import figures

    family = role_families.build(name, seed=seed)
    with wb.open(":memory:") as store:
        family.write(store)
        run_id = communities.save(store, communities.detect(graphs.graph(store), method="leiden", seed=0))
        scores = roles.score(store, run_id=run_id, save=False)
    return figures(scores.merge(family.truth, on="account_id", how="left", validate="one_to_one"))


def _baseline(folder: str, names: list[str], seeds: int) -> dict:
    import subprocess

    code = ("import json, sys\n"
            "base, bench, tests, names, seeds = sys.argv[1:6]\n"
            "sys.path[:0] = [bench, tests]\n"
            "import roles_eval\n"
            "sys.path[:] = [base] + [p for p in sys.path if p != str(roles_eval.ROOT)]\n"
            "import workbench\n"
            "assert workbench.__file__.startswith(base), workbench.__file__\n"
            "print(json.dumps({n: [roles_eval.evaluate_baseline(n, s) for s in range(int(seeds))] "
            "for n in names.split(',')}))\n")
    env = {**os.environ, "PYTHONPATH": ""}
    done = subprocess.run([sys.executable, "-c", code, str(Path(folder).resolve()), str(ROOT / "benchmarks"),
                           str(ROOT / "tests"),
                           ",".join(names), str(seeds)], capture_output=True, text=True, env=env, check=True)
    runs = json.loads(done.stdout.strip().splitlines()[-1])
    out = {}
    for name, values in runs.items():
        keys = [k for k in values[0] if k != "accounts"]
        out[name] = {k: _mean([v.get(k) for v in values]) for k in keys}
        out[name]["per_seed"] = values
    return out


def evaluate(name: str, seed: int) -> dict:
    import workbench as wb
    from workbench import communities, graphs, roles

    import role_families
    from test_roles_families import figures

    family = role_families.build(name, seed=seed)
    out = {}
    with wb.open(":memory:") as store:
        family.write(store)
        run_id = communities.save(store, communities.detect(graphs.graph(store), method="leiden", seed=0))
        for labels, cutoffs in (("evidence", None), ("percentile_0.95", 0.95)):
            start = time.perf_counter()
            scores = roles.score(store, run_id=run_id, save=False, cutoffs=cutoffs)
            table = scores.merge(family.truth, on="account_id", how="left", validate="one_to_one")
            out[labels] = {**figures(table), "seconds": round(time.perf_counter() - start, 2)}
    out["interactions"] = int(len(family.interactions))
    return out


def _mean(values: list) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 3) if present else None


def main(argv: list[str] | None = None) -> dict:
    import role_families

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--families", default=",".join(role_families.FAMILIES))
    parser.add_argument("--baseline", help="a folder holding an earlier workbench/ and queries/ to compare with")
    args = parser.parse_args(argv)
    results = {"benchmark": "roles_eval", "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "seeds": list(range(args.seeds)), "families": {},
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "load_average_at_start": round(os.getloadavg()[0], 2)}}
    for name in args.families.split(","):
        runs = [evaluate(name, seed) for seed in range(args.seeds)]
        summary = {"interactions": runs[0]["interactions"]}
        for labels in ("evidence", "percentile_0.95"):
            keys = [k for k in runs[0][labels] if k not in ("accounts",)]
            summary[labels] = {k: _mean([r[labels].get(k) for r in runs]) for k in keys}
            summary[labels]["per_seed"] = [{k: r[labels].get(k) for k in keys} for r in runs]
        results["families"][name] = summary
        print(name, json.dumps({k: v for k, v in summary["evidence"].items() if k != "per_seed"}), flush=True)
    if args.baseline:
        results["baseline"] = {"code": args.baseline, "families": _baseline(args.baseline, args.families.split(","),
                                                                           args.seeds)}
        for name, summary in results["baseline"]["families"].items():
            print("baseline", name, json.dumps({k: v for k, v in summary.items() if k != "per_seed"}), flush=True)
    results["machine"]["load_average_at_end"] = round(os.getloadavg()[0], 2)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")
    return results


if __name__ == "__main__":
    main()
