"""Pseudonymisation benchmark: the data at the source, and the scan of a written page.

Generates a workspace of ``--accounts`` (default 100k) accounts with names of every kind (ordinary
words, handles with digits or underscores, camel case, digit-only, dotted Bluesky handles; display
names of two words, of emoji, of one word) and ``--posts`` (default 500k) posts whose texts name
accounts in the forms the replacer handles (@mentions, percent-encoded mentions, profile and post
URLs, display names), with one interaction per post; then times, in one run:

- floor: copying the data tables unchanged into a fresh in-memory workspace (DuckDB + Arrow);
- ``pseudonymise``: the same copy with every identifier replaced (the pseudonymiser built from
  the accounts, the texts rewritten in Python, ids hashed in SQL);
- the scan: :class:`workbench.privacy.LeakScanner` built over the raw accounts, and
  ``scan_page`` on a page of ``--rows`` table rows and chart labels (pseudonyms, numbers, prose),
  against a floor of reading the same page with ``html.parser`` alone.

Writes ``benchmarks/results/privacy.json`` with the load average before and after. Timings are
not tests: nothing here asserts.

Run: ``.venv/bin/python benchmarks/privacy.py`` (``--accounts 20000 --posts 100000`` for a quick run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "results" / "privacy.json"

# The synthetic workspace; values are bound parameters, the shape is fixed here.
_SYNTHETIC = """
SELECT setseed($seed);
CREATE TEMP TABLE words AS SELECT * FROM (VALUES (0, 'root'), (1, 'now'), (2, 'random'), (3, 'mark'), (4, 'river'),
    (5, 'kestrel'), (6, 'alba'), (7, 'zoé'), (8, 'jose'), (9, 'smith')) t(k, word);
CREATE TEMP TABLE people AS
SELECT i, w.word, w2.word AS word2,
       CASE i % 6 WHEN 0 THEN w.word || '_' || i WHEN 1 THEN 'User' || i WHEN 2 THEN upper(w.word[1]) || w.word[2:] || 'Cycles' || i
                  WHEN 3 THEN (1000000 + i)::VARCHAR WHEN 4 THEN w.word || i || '.bsky.social' ELSE w.word || i END AS handle,
       CASE i % 4 WHEN 0 THEN upper(w.word[1]) || w.word[2:] || ' ' || upper(w2.word[1]) || w2.word[2:] || ' ' || i
                  WHEN 1 THEN repeat('🦄', 3) || i WHEN 2 THEN upper(w.word[1]) || w.word[2:] ELSE NULL END AS display_name
FROM range($accounts) r(i)
JOIN words w ON w.k = i % 10 JOIN words w2 ON w2.k = (i // 10) % 10;
INSERT INTO accounts (account_id, platform, handle, display_name, followers)
SELECT 'twitter:' || (10000000 + i), 'twitter', handle, display_name, floor(exp(random() * 14))::BIGINT FROM people;
CREATE TEMP TABLE written AS
SELECT i, floor(random() * $accounts)::BIGINT AS author, floor(random() * $accounts)::BIGINT AS named, i % 5 AS form
FROM range($posts) r(i);
INSERT INTO posts (post_id, platform, author_id, created_at, text, kind, like_count, share_count, reply_count,
                   quote_count, collected)
SELECT 'twitter:' || (2000000000 + w.i), 'twitter', 'twitter:' || (10000000 + w.author),
       TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(w.i % 2592000),
       CASE w.form WHEN 0 THEN 'thanks @' || p.handle || ' for the ride, see you now'
                   WHEN 1 THEN 'via %40' || p.handle || ' https://twitter.com/' || p.handle || '/status/' || (3000000000 + w.i)
                   WHEN 2 THEN coalesce(p.display_name, p.handle) || ' says the random seed is ' || w.i
                   WHEN 3 THEN 'https://twitter.com/search?q=from%3A' || p.handle || ' #cycling'
                   ELSE 'a post without a name, number ' || w.i END,
       'post', 1, 0, 0, 0, true
FROM written w JOIN people p ON p.i = w.named;
INSERT INTO interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT 'twitter:' || (10000000 + author), 'twitter:' || (10000000 + named), 'mention', 'twitter:' || (2000000000 + i),
       TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i % 2592000), 'twitter'
FROM written WHERE form < 4;
INSERT INTO loads (load_id, path, format, started_at, status) VALUES (1, '/data/KestrelCycles_timeline.jsonl', 'twitter-v2', now(), 'ok');
"""
_COPY = ("accounts", "posts", "interactions", "loads", "rejects")


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def synthetic(accounts: int, posts: int, seed: float):
    import workbench as wb

    store = wb.open(":memory:")
    store.sql(_SYNTHETIC, {"seed": seed, "accounts": accounts, "posts": posts})
    return store


def copy_floor(source) -> float:
    """Every data table copied unchanged into a fresh workspace: the work pseudonymisation cannot avoid."""
    import workbench as wb

    start = time.perf_counter()
    with wb.open(":memory:") as target:
        for table in _COPY:
            rows = source.con.table(table).to_arrow_table()
            target.con.register("rows", rows)
            target.con.table("rows").insert_into(table)
            target.con.unregister("rows")
    return time.perf_counter() - start


def pseudonymised(source, key: bytes) -> dict:
    import workbench as wb
    from workbench import privacy

    start = time.perf_counter()
    p = privacy.Pseudonymizer.from_store(source, key=key)
    built = time.perf_counter() - start
    with wb.open(":memory:") as target:
        privacy.pseudonymise(source, target, p)
        total = time.perf_counter() - start
        leaks = privacy.LeakScanner(source.sql("SELECT account_id, handle, display_name FROM accounts").df()
                                    .head(20000)).scan_text(
            "\n".join(target.sql("SELECT text FROM posts LIMIT 20000").df()["text"].dropna()), limit=5)
    return {"seconds": round(total, 2), "pseudonymizer_built_seconds": round(built, 2),
            "leaks_in_20000_texts": [str(leak) for leak in leaks]}


def page(rows: int) -> str:
    """A report-like page: a table of pseudonyms and counts, chart labels, marks with aria fields, prose."""
    cells = "".join(f"<tr><th>{i}</th><td>u_{i:012x}</td><td>{i * 7:,}</td><td>twitter</td></tr>" for i in range(rows))
    labels = "".join(f"<text>u_{i:012x}</text>" for i in range(min(rows, 2000)))
    marks = "".join(f'<path class="mark-symbol" aria-label="handle: u_{i:012x}; influence: 0.{i % 97:02d}"/>'
                    for i in range(min(rows, 2000)))
    prose = "<p>What are the random seeds now? Mark the date: 2004. See the root of the matter.</p>" * 200
    return (f"<html><head><style>.mark-group{{}}</style></head><body>{prose}<table>{cells}</table>"
            f'<svg><g class="mark-text role-axis-label">{labels}</g><g>{marks}</g></svg></body></html>')


def scan(source, rows: int) -> dict:
    from workbench import privacy

    accounts = source.sql("SELECT account_id, handle, display_name FROM accounts").df()
    files = ["/data/KestrelCycles_timeline.jsonl"]
    start = time.perf_counter()
    scanner = privacy.LeakScanner(accounts, files=files, paths=["/home/analyst/work/w.duckdb"])
    built = time.perf_counter() - start
    text = page(rows)
    start = time.perf_counter()
    parser = HTMLParser()
    parser.feed(text)
    parser.close()
    floor = time.perf_counter() - start
    start = time.perf_counter()
    leaks = scanner.scan_page(text)
    seconds = time.perf_counter() - start
    return {"page_mb": round(len(text.encode()) / 1e6, 2), "scanner_built_seconds": round(built, 2),
            "scan_seconds": round(seconds, 2), "floor_html_parser_seconds": round(floor, 2),
            "scan_vs_floor": round(seconds / floor, 1), "leaks": [str(leak) for leak in leaks]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=500_000)
    parser.add_argument("--rows", type=int, default=20_000, help="table rows of the scanned page")
    parser.add_argument("--seed", type=float, default=0.42)
    args = parser.parse_args()
    before = load_average()
    source = synthetic(args.accounts, args.posts, args.seed)
    floor = copy_floor(source)
    result = pseudonymised(source, key=b"benchmark key, never a real one")
    scanned = scan(source, args.rows)
    source.close()
    report = {
        "benchmark": "privacy", "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_before": before,
                    "load_after": load_average()},
        "accounts": args.accounts, "posts": args.posts,
        "copy_floor_seconds": round(floor, 2),
        "pseudonymise": {**result, "vs_floor": round(result["seconds"] / floor, 1),
                         "posts_per_second": round(args.posts / result["seconds"])},
        "scan": scanned,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
