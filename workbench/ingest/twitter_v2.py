"""Loader for ``twitter-v2``: Twitter API v2 tweets as twarc2 writes them, and twarc-csv CSV.

Three JSON layouts are read, also mixed in one file: API response pages (one
page a line: ``data`` + ``includes``), streaming pages (``data`` is one tweet)
and flattened tweets (``twarc2 flatten``: one tweet a line with ``author`` and
the referenced tweets inlined). A ``/2/users`` lookup page loads its users as
accounts. A CSV file written by twarc-csv (header first) is read too.

Collected tweets are a page's ``data`` (or the flattened tweet); the tweets of
``includes.tweets`` (or a flattened tweet's inlined ``referenced_tweets``) are
stored as context posts (``collected = false``): they resolve targets and carry
counters but make no interactions. Interactions: reply (author -> replied-to
author), share (retweet: author -> retweeted author), quote (author -> quoted
author) and mention (author -> each mentioned account, without a reply's
leading @handles and a retweet's "RT @x:"). See ``queries/ingest/twitter.sql``
for how targets are resolved.

twarc-csv writes a tweet's mentions as bare handles (``["@a", "@b"]``) unless it
ran with ``--no-process-entities`` (mention objects with their ids). A handle is
resolved to an id where the file or an earlier load ties the two (an author, a
replied-to, retweeted or quoted user); any other mentioned handle is kept as the
account ``twitter:@<handle>`` (lower case), so no mention is lost; it stays apart
from the numeric account a later JSON load may bring for the same person.

Examples
--------
>>> from workbench.ingest import twitter_v2
>>> from workbench.ingest.detect import Sample
>>> twitter_v2.sniff(Sample("tweets.jsonl", '{"id": "1", "author_id": "2", "public_metrics": {}}',
...                         {"id": "1", "author_id": "2", "public_metrics": {}}))
True
"""

from __future__ import annotations

import re
from typing import Any

from workbench.ingest import _twitter

__all__ = ["NAME", "PLATFORM", "LAYOUT", "sniff", "streams", "prepare", "parse", "finish", "stage"]

NAME = "twitter-v2"
PLATFORM = "twitter"
LAYOUT = "lines"
#: ``parse`` reads a block's Arrow lines itself (see the loader contract): copying a block of a few
#: hundred page lines of 130 kB each into a DuckDB table, and reading them back, cost as much CPU as
#: parsing them (measured: 4.5 s against 2.7 s for 514k tweets in 691 MB).
READS_BLOCK = True

# A twarc-csv header has these columns (and many more); `author.username` or the public
# metrics tell it from a generic CSV with an id column.
_CSV_REQUIRED = {"id", "author_id"}
_CSV_ANY = {"public_metrics.like_count", "public_metrics.retweet_count", "author.username",
            "referenced_tweets.retweeted.id"}


_DATA_FIRST = re.compile(r'^\{\s*"data"\s*:\s*[\[{]')


def _is_tweet(value: Any) -> bool:
    return isinstance(value, dict) and "id" in value and ("text" in value or "author_id" in value)


def _is_v2_object(first: dict) -> bool:
    if "__twarc" in first:
        return True
    if "author_id" in first and "public_metrics" in first:
        return True
    data = first.get("data")
    if isinstance(data, list) and data and (_is_tweet(data[0]) or
                                            (isinstance(data[0], dict) and "username" in data[0] and "id" in data[0])):
        return True
    if _is_tweet(data):
        return True
    includes = first.get("includes")
    return isinstance(includes, dict) and ("users" in includes or "tweets" in includes)


def _csv_header(line: str) -> set[str]:
    return {name.strip().strip('"') for name in line.split(",")}


def sniff(sample: Any) -> bool:
    """True for twarc2 JSON (page, streaming page, flattened tweet) or a twarc-csv header.

    A page line is often longer than the sample, so that ``sample.first`` is
    None; the start of the text is then checked for the keys of a v2 tweet.
    """
    first = sample.first
    if isinstance(first, dict):
        return _is_v2_object(first)
    if first is not None:
        return False
    line = sample.text.lstrip().split("\n", 1)[0]
    if line.startswith("{"):
        if '"id_str"' in line[:4096] and '"user"' in line:
            return False  # a classic v1.1 tweet
        if '"__twarc"' in line or ('"author_id"' in line and '"public_metrics"' in line):
            return True
        # a /2/users page: users first, tweets (pinned) only in includes
        return bool(_DATA_FIRST.match(line)) and '"username"' in line and '"public_metrics"' in line
    header = _csv_header(sample.first_line)
    return _CSV_REQUIRED <= header and bool(_CSV_ANY & header)


def streams(sample: Any) -> bool:
    """JSON lines stream block by block; a twarc-csv file (one header for all rows) is staged whole."""
    return sample.text.lstrip().startswith(("{", "["))


def prepare(ctx: Any) -> None:
    """Start a streaming load of JSON lines: nothing to create (the first block's query makes the work tables)."""


def parse(ctx: Any) -> None:
    """One block of JSON lines into the file's twitter work tables (``twitter_v2_stage`` on the block).

    The block's Arrow lines are parsed as they are (``ctx.block``, see ``READS_BLOCK``); only the
    lines rejected are then copied into ``raw_lines``, for ``rejects.raw``.
    """
    if ctx.block is None:
        ctx.run("ingest.twitter_v2_docs")
        ctx.run("ingest.twitter_v2_stage")
    else:
        ctx.run_over_lines("ingest.twitter_v2_docs", ctx.block)
        ctx.run("ingest.twitter_v2_stage")
        ctx.run_over_lines("ingest.twitter_v2_block_rejected_lines", ctx.block)
        ctx.run("ingest.twitter_v2_rejected_as_raw_lines")
    _twitter.keep_block(ctx)


def finish(ctx: Any) -> None:
    """After the last block: stage the file's work tables (``twitter_stage_common``)."""
    _twitter.finish_blocks(ctx)


def stage(ctx: Any) -> None:
    """Fill the staging tables from ``raw_lines`` (JSON lines or a twarc-csv file), the whole file at once."""
    rejected_before = _twitter.rejected_lines(ctx)
    first = ctx.scalar("SELECT ltrim(line) FROM raw_lines ORDER BY line_no LIMIT 1") or ""
    if first.startswith(("{", "[")):
        ctx.run("ingest.twitter_v2_docs")
        ctx.run("ingest.twitter_v2_stage")
    else:
        ctx.run("ingest.twitter_v2_stage_csv")
    _twitter.finish(ctx, rejected_before=rejected_before)
