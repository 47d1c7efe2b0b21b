"""Loader for ``twitter-v1``: classic (v1.1) tweet JSON.

Reads tweet objects one a line (the streaming API, ``twarc`` v1, most v1
archives), search responses (``{"statuses": [...], "search_metadata": ...}``,
one a line or a whole pretty-printed file) and JSON arrays of tweets (a
timeline). Stream control messages (``delete``, ``limit``, ...) are rejected
with a reason naming them. Embedded tweets (``retweeted_status``,
``quoted_status``) are stored as context posts (``collected = false``).

Interactions are those of ``twitter-v2`` (see :mod:`workbench.ingest.twitter_v2`):
reply, share, quote and mention without a reply's leading @handles or a
retweet's "RT @x:". Ids: accounts ``twitter:<user id_str>``, posts
``twitter:<tweet id_str>``.

Examples
--------
>>> from workbench.ingest import twitter_v1
>>> from workbench.ingest.detect import Sample
>>> tweet = {"id_str": "1", "user": {"id_str": "2"}, "text": "hi"}
>>> twitter_v1.sniff(Sample("tweets.jsonl", '{"id_str": "1", "user": {"id_str": "2"}, "text": "hi"}', tweet))
True
"""

from __future__ import annotations

import json
import re
from typing import Any

from workbench.ingest import _twitter

__all__ = ["NAME", "PLATFORM", "LAYOUT", "sniff", "layout", "prepare", "parse", "finish", "stage"]

NAME = "twitter-v1"
PLATFORM = "twitter"
LAYOUT = "lines"

# json_transform shapes (DuckDB; from_json schemas on Spark): only the fields the loader uses.
# queries/ingest/twitter_v1.sql (tw1_outer) lists the fields of _TWEET in this order: keep them in step.
_USER = {"id_str": "VARCHAR", "id": "VARCHAR", "screen_name": "VARCHAR", "name": "VARCHAR",
         "followers_count": "BIGINT", "friends_count": "BIGINT", "statuses_count": "BIGINT",
         "created_at": "VARCHAR"}
_ENTITIES = {"user_mentions": [{"id_str": "VARCHAR", "screen_name": "VARCHAR", "indices": ["BIGINT"]}],
             "urls": [{"expanded_url": "VARCHAR"}], "hashtags": [{"text": "VARCHAR"}]}
_CORE = {"id_str": "VARCHAR", "id": "VARCHAR", "created_at": "VARCHAR", "text": "VARCHAR",
         "full_text": "VARCHAR", "lang": "VARCHAR", "in_reply_to_status_id_str": "VARCHAR",
         "in_reply_to_user_id_str": "VARCHAR", "in_reply_to_screen_name": "VARCHAR",
         "quoted_status_id_str": "VARCHAR", "retweet_count": "BIGINT", "favorite_count": "BIGINT",
         "reply_count": "BIGINT", "quote_count": "BIGINT", "user": _USER, "entities": _ENTITIES,
         "extended_tweet": {"full_text": "VARCHAR", "entities": _ENTITIES}}
_TWEET = {**_CORE, "retweeted_status": {**_CORE, "quoted_status": _CORE}, "quoted_status": _CORE}
_CONTROL_KEYS = ("delete", "scrub_geo", "limit", "status_withheld", "user_withheld", "disconnect",
                 "warning", "event", "friends")
LINE_SPEC = json.dumps({**_TWEET, "statuses": [_TWEET], **{key: "JSON" for key in _CONTROL_KEYS}})
ARRAY_SPEC = json.dumps([_TWEET])

_SEARCH_RESPONSE = re.compile(r'^\s*\{\s*"(?:statuses|search_metadata)"\s*:')


def _is_v1_tweet(value: Any) -> bool:
    return isinstance(value, dict) and "id_str" in value and isinstance(value.get("user"), dict)


def sniff(sample: Any) -> bool:
    """True for a classic tweet (``id_str`` + ``user``), a search response or an array of tweets."""
    first = sample.first
    if isinstance(first, dict):
        if _is_v1_tweet(first):
            return True
        statuses = first.get("statuses")
        return isinstance(statuses, list) and (not statuses or _is_v1_tweet(statuses[0]))
    if isinstance(first, list):
        return bool(first) and _is_v1_tweet(first[0])
    if first is not None:
        return False
    # The first value is longer than the sample: look at the text.
    text = sample.text.lstrip()
    if _SEARCH_RESPONSE.match(text):
        return '"id_str"' in text
    head = text[:4096]
    return head.startswith(("{", "[")) and '"id_str"' in head and '"user"' in text and '"author_id"' not in head


def layout(sample: Any) -> str:
    """``"document"`` for a pretty-printed file (its first line is not a whole JSON value), else ``"lines"``.

    A file whose first line is longer than the sample (a compact search response)
    is read as lines: one line holds one whole value.
    """
    text = sample.text.lstrip()
    if "\n" not in text.rstrip("\n"):
        return "lines"
    first_line = text.split("\n", 1)[0].strip()
    try:
        json.loads(first_line)
    except ValueError:
        return "document"
    return "lines"


def prepare(ctx: Any) -> None:
    """Start a streaming load of tweet lines (nothing to create: each block makes its work tables)."""


def parse(ctx: Any) -> None:
    """One block of lines into the file's twitter work tables (``twitter_v1_stage`` on the block)."""
    ctx.run("ingest.twitter_v1_stage", line_spec=LINE_SPEC, array_spec=ARRAY_SPEC)
    _twitter.keep_block(ctx)


def finish(ctx: Any) -> None:
    """After the last block: stage the file's work tables (``twitter_stage_common``)."""
    _twitter.finish_blocks(ctx)


def stage(ctx: Any) -> None:
    """Fill the staging tables from ``raw_lines``, the whole file at once (a document, or on Spark)."""
    rejected_before = _twitter.rejected_lines(ctx)
    ctx.run("ingest.twitter_v1_stage", line_spec=LINE_SPEC, array_spec=ARRAY_SPEC)
    _twitter.finish(ctx, rejected_before=rejected_before)
