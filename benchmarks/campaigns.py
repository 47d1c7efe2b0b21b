"""Campaigns benchmark: detect + compare on ten million interactions.

The workspace is generated with DuckDB SQL (bound parameters, fixed shape): ``--interactions``
interactions (default 10,000,000) over a year among up to ``--accounts`` accounts (default
1,000,000) that arrive over the year, with quieter weekends and one planted campaign (five days at
three times the usual rate from day 200), plus ``--posts`` collected posts (default 1,000,000) with
platform counters, half of the interactions carried by them.

Timed, in the same run: the floor (a bare DuckDB count per day, and the bare first-seen group-by
over both sides of every interaction: what detection and comparison cannot do without), then
``campaigns.detect`` (logging the bursts), ``campaigns.compare`` and ``campaigns.retained`` on the
detected campaign. Importing ``ruptures`` (once per process) is timed apart. Each step records wall
and CPU seconds (the machine is shared: under load the wall time stretches, the CPU time less); the
load average is recorded with the figures.

Writes ``benchmarks/results/campaigns.json``. Run: ``.venv/bin/python benchmarks/campaigns.py``
(``--interactions 1000000`` for a quick run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "campaigns.json"
sys.path.insert(0, str(ROOT))

CAMPAIGN_DAY, CAMPAIGN_DAYS = 200, 5

_BUILD = """
SELECT setseed($seed);
CREATE TEMP TABLE draws AS
SELECT i, floor(random() * 365)::BIGINT AS day, random() AS keep, random() AS u1, random() AS u2, random() AS second
FROM range(CAST($interactions * 1.08 AS BIGINT)) t(i);
CREATE TEMP TABLE events AS
SELECT i, day, u1, u2, second FROM draws
WHERE keep < CASE ((day + 0) % 7) WHEN 5 THEN 0.75 WHEN 6 THEN 0.8 ELSE 1.0 END  -- day 0 is a Monday
UNION ALL
SELECT i + 1000000000000, $campaign_day + floor(random() * $campaign_days)::BIGINT, random(), random(), random()
FROM range(CAST($interactions / 365 * 2 * $campaign_days AS BIGINT)) t(i);
INSERT INTO posts (post_id, platform, author_id, created_at, kind, like_count, share_count, reply_count, quote_count,
                   collected)
SELECT 'bench:p' || i, 'bench',
       'bench:' || floor(pow(random(), 2) * $accounts * (0.3 + 0.7 * d / 365))::BIGINT,
       TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_days(d::INTEGER) + to_seconds(floor(random() * 86400)::BIGINT),
       'post', floor(random() * 20)::BIGINT, floor(random() * 4)::BIGINT, floor(random() * 3)::BIGINT,
       floor(random() * 2)::BIGINT, true
FROM (SELECT i, floor(random() * 365)::BIGINT AS d FROM range($posts) t(i));
INSERT INTO interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT 'bench:' || floor(pow(u1, 2) * $accounts * (0.3 + 0.7 * day / 365))::BIGINT,
       'bench:' || floor(pow(u2, 2) * $accounts * (0.3 + 0.7 * day / 365))::BIGINT,
       CASE WHEN second < 0.5 THEN 'share' WHEN second < 0.7 THEN 'reply' ELSE 'mention' END,
       CASE WHEN i % 2 = 0 THEN 'bench:p' || (i % $posts) END,
       TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_days(day::INTEGER) + to_seconds(floor(second * 86400)::BIGINT),
       'bench'
FROM events;
DROP TABLE draws;
DROP TABLE events;
"""


def _timed(label: str, figures: dict, call):
    """Wall seconds under ``label`` and CPU seconds of the process (DuckDB's threads included) beside it."""
    began, cpu = time.perf_counter(), time.process_time()
    value = call()
    figures[label] = round(time.perf_counter() - began, 2)
    figures[label.replace("_seconds", "_cpu_seconds")] = round(time.process_time() - cpu, 2)
    print(f"  {label}: {figures[label]} s (cpu {figures[label.replace('_seconds', '_cpu_seconds')]} s)", flush=True)
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=10_000_000)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=float, default=0.42)
    args = parser.parse_args(argv)

    import workbench as wb
    from workbench import campaigns

    figures: dict = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.duckdb"
        with wb.open(path) as store:
            print(f"building {args.interactions:,} interactions ...", flush=True)
            _timed("build_seconds", figures, lambda: store.sql(_BUILD, {
                "seed": args.seed, "interactions": args.interactions, "accounts": args.accounts, "posts": args.posts,
                "campaign_day": CAMPAIGN_DAY, "campaign_days": CAMPAIGN_DAYS}))
            counts = store.counts()
            figures["interactions"], figures["posts"] = counts["interactions"], counts["posts"]
        # a fixed cost per process, not per workspace (ruptures pulls in scipy.signal and scipy.stats): timed apart
        _timed("import_ruptures_seconds", figures, lambda: __import__("ruptures"))
        with wb.open(path) as store:
            load_before = os.getloadavg()
            _timed("floor_daily_count_seconds", figures, lambda: store.sql(
                "SELECT created_at::DATE AS day, count(*) FROM interactions GROUP BY ALL").fetchall())
            _timed("floor_first_seen_seconds", figures, lambda: store.sql(
                "SELECT count(*) FROM (SELECT account_id, min(created_at) FROM (SELECT source_id AS account_id, created_at "
                "FROM interactions UNION ALL SELECT target_id, created_at FROM interactions) GROUP BY account_id)").fetchall())
            found = _timed("detect_seconds", figures, lambda: campaigns.detect(store))
            figures["detected"] = [{"start": f"{r.start:%Y-%m-%d}", "end": f"{r.end:%Y-%m-%d}", "lift": round(r.lift, 2)}
                                   for r in found.itertuples()]
            planted = datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp() + CAMPAIGN_DAY * 86400
            hit = [r for r in found.itertuples() if r.start.timestamp() <= planted < r.end.timestamp()]
            if not hit:
                print("the planted campaign was not detected", file=sys.stderr)
                return 1
            campaign = int(hit[0].campaign_id)
            table = _timed("compare_seconds", figures, lambda: campaigns.compare(store, campaign))
            weekly = _timed("retained_seconds", figures, lambda: campaigns.retained(store, campaign, weeks=8))
            figures["detect_plus_compare_seconds"] = round(figures["detect_seconds"] + figures["compare_seconds"], 2)
            shown = table[["actions", "new_members", "active_members", "posts", "recruits", "recruits_retained"]]
            figures["compare"] = json.loads(shown.astype("float64").to_json(orient="index"))
            figures["retained_by_week"] = [round(float(v), 4) for v in weekly["recruits_retained"]]
            figures["load_average_before"] = [round(v, 2) for v in load_before]
            figures["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
    result = {"benchmark": "campaigns", "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
              "planted": {"start_day": CAMPAIGN_DAY, "days": CAMPAIGN_DAYS, "start": "2024-07-19"},
              "rows": {"synthetic": figures}}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
