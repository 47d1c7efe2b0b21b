"""Generated inputs for the benchmarks, written by DuckDB SQL (no Python loop over rows).

- :func:`reddit_month`: a Pushshift-style month of comments (``RC_*.zst``) with the 18 keys of the
  real dumps: authors from a skewed pool with 5% ``[deleted]`` and some AutoModerator, 40% top-level
  comments (their parents are submissions, not in the file: unresolved, as in a real RC file) and 60%
  replies to one of the 5,000 comments before them.
- :func:`reddit_next_month`: the month after a :func:`reddit_month` file, of the same size and
  authors: new comment ids, times a month later, and a reply's parent in the new month, except one reply
  in ten, which answers a comment of the month before (as a real month's early replies do).
- :func:`edge_list`: an edge CSV (``source,target,kind,timestamp``) with planted communities: each
  account belongs to one community of 20-2,000 members; a share ``mu`` of the interactions go anywhere,
  the others stay inside the source's community; activity and popularity are skewed.

Every random choice is a hash of the row number, so a size and seed give the same file every time.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import zstandard

__all__ = ["reddit_month", "reddit_next_month", "edge_list", "MONTH_START"]

MONTH_START = 1136073600  # 2006-01-01T00:00:00Z
MONTH_SECONDS = 31 * 86400

_REDDIT = """
COPY (
    SELECT 'reddit.com' AS subreddit,
           NULL AS author_flair_css_class,
           $start + (i * $month_seconds) // $n AS created_utc,
           (hash(i, 1) % 40)::BIGINT - 5 AS score,
           (hash(i, 1) % 40)::BIGINT - 5 AS ups,
           'comment ' || i || ': ' || repeat('lorem ipsum dolor sit amet ', 1 + (hash(i, 2) % 8)::INTEGER) AS body,
           0 AS controversiality,
           't3_s' || (hash(i, 3) % $submissions) AS link_id,
           false AS stickied,
           't5_6' AS subreddit_id,
           0 AS gilded,
           1473821517 AS retrieved_on,
           NULL AS distinguished,
           NULL AS author_flair_text,
           CASE WHEN hash(i, 4) % 100 < 5 THEN '[deleted]'
                WHEN hash(i, 4) % 1000 = 999 THEN 'AutoModerator'
                ELSE 'user' || floor(pow((hash(i, 5) % 1000000) / 1e6, 3) * $users)::BIGINT END AS author,
           CASE WHEN i < 1000 OR hash(i, 6) % 10 < 4 THEN 't3_s' || (hash(i, 3) % $submissions)
                ELSE 't1_c' || (i - 1 - hash(i, 7) % least(i, 5000)) END AS parent_id,
           false AS edited,
           'c' || i AS id
    FROM range($n) AS t(i)
) TO '{path}' (FORMAT json)
"""

# Accounts 0..A-1 in communities of 20 to 2,000 consecutive ids (sizes from a hash, heavy-tailed);
# the source is drawn with skewed activity, the target with skewed popularity inside the community,
# or anywhere with probability mu. Ids are scrambled (times a prime, modulo A) so popularity is not
# in id order.
_EDGES = """
COPY (
    WITH sized AS (
        SELECT c, 20 + floor(1980 * pow((hash(c, $seed, 11) % 1000000) / 1e6, 4))::BIGINT AS size
        FROM range($accounts) AS t(c)
    ),
    communities AS (
        SELECT c, size, sum(size) OVER (ORDER BY c) - size AS first
        FROM sized
        QUALIFY first < $accounts
    ),
    members AS (
        SELECT first + m AS account, c AS community, first, least(size, $accounts - first) AS size
        FROM communities, range(size) AS r(m)
        WHERE first + m < $accounts
    ),
    draws AS (
        SELECT i,
               (floor($accounts * pow((hash(i, $seed, 1) % 1000003) / 1000003.0, 2))::BIGINT * 7919) % $accounts
                   AS source,
               (hash(i, $seed, 2) % 1000000) / 1e6 AS inside_or_out,
               (hash(i, $seed, 3) % 1000003) / 1000003.0 AS u_target,
               (floor($accounts * pow((hash(i, $seed, 4) % 1000003) / 1000003.0, 2))::BIGINT * 104729) % $accounts
                   AS anywhere
        FROM range($n) AS t(i)
    )
    SELECT 'u' || d.source AS source,
           'u' || CASE WHEN d.inside_or_out < $mu THEN d.anywhere
                       ELSE m.first + floor(m.size * pow(d.u_target, 2))::BIGINT END AS target,
           ['reply', 'mention', 'share', 'quote'][1 + (hash(d.i, $seed, 5) % 4)::INTEGER] AS kind,
           1704067200 + (hash(d.i, $seed, 6) % 2592000)::BIGINT AS timestamp
    FROM draws AS d
    JOIN members AS m ON m.account = d.source
    ORDER BY d.i
) TO '{path}' (HEADER, DELIMITER ',')
"""


def reddit_month(folder: Path, *, comments: int) -> Path:
    """Write ``RC_bench.zst`` with ``comments`` comments into ``folder``; return its path."""
    plain = folder / "RC_bench.ndjson"
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    # the path is ours (a temp folder), never user input; COPY ... TO takes no bound path
    con.execute(_REDDIT.format(path=str(plain).replace("'", "''")),
                {"start": MONTH_START, "month_seconds": MONTH_SECONDS, "n": comments,
                 "submissions": max(comments // 20, 1), "users": max(comments // 10, 10)})
    con.close()
    packed = folder / "RC_bench.zst"
    with open(plain, "rb") as source, open(packed, "wb") as target:
        zstandard.ZstdCompressor(level=3, threads=-1).copy_stream(source, target, size=plain.stat().st_size)
    plain.unlink()
    return packed


_REDDIT_NEXT = """
COPY (
    SELECT * REPLACE ('d' || substr(id, 2) AS id,
                      CASE WHEN starts_with(parent_id, 't1_c') AND hash(id, 8) % 10 <> 0
                           THEN 't1_d' || substr(parent_id, 5) ELSE parent_id END AS parent_id,
                      created_utc + $month_seconds AS created_utc)
    FROM read_json('{source}', format = 'newline_delimited', compression = 'zstd')
) TO '{path}' (FORMAT json)
"""


def reddit_next_month(month: Path, path: Path) -> Path:
    """Write the month after ``month`` (a :func:`reddit_month` file) to ``path`` (``.zst``); return it."""
    plain = path.with_suffix(".ndjson")
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    # the paths are ours (a temp folder), never user input; read_json and COPY ... TO take no bound path
    con.execute(_REDDIT_NEXT.format(source=str(month).replace("'", "''"), path=str(plain).replace("'", "''")),
                {"month_seconds": MONTH_SECONDS})
    con.close()
    with open(plain, "rb") as source, open(path, "wb") as target:
        zstandard.ZstdCompressor(level=3, threads=-1).copy_stream(source, target, size=plain.stat().st_size)
    plain.unlink()
    return path


def edge_list(path: Path, *, interactions: int, accounts: int, mu: float = 0.2, seed: int = 0) -> Path:
    """Write an edge CSV of ``interactions`` rows among ``accounts`` accounts to ``path``; return it."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(_EDGES.format(path=str(path).replace("'", "''")),
                {"n": interactions, "accounts": accounts, "mu": mu, "seed": seed})
    con.close()
    return path
