"""Hand-written twarc-csv rows shared by the DuckDB and Spark tests of the twarc-csv loader."""

from __future__ import annotations

import csv
import json

COLUMNS = [  # the twarc-csv tweet columns the loader reads, in twarc-csv's order (a subset)
    "id", "conversation_id", "referenced_tweets", "referenced_tweets.replied_to.id",
    "referenced_tweets.retweeted.id", "referenced_tweets.quoted.id", "author_id", "in_reply_to_user_id",
    "in_reply_to_username", "retweeted_user_id", "retweeted_username", "quoted_user_id", "quoted_username",
    "created_at", "text", "lang", "public_metrics.reply_count", "public_metrics.retweet_count",
    "public_metrics.quote_count", "public_metrics.like_count", "entities.mentions", "entities.urls", "author.id",
    "author.created_at", "author.username", "author.name", "author.public_metrics.followers_count",
    "author.public_metrics.following_count", "author.public_metrics.tweet_count", "__twarc.retrieved_at"]

# A tweet with a quoted, comma-holding, `\n`-escaped text and float counters; a reply whose leading
# @handles are auto-mentions; a merged retweet (the original's text and mentions, the target from
# retweeted_user_id). Tweet 10 by alice (1), 11 by bob (2), 12 by carol (3).
ROWS = [
    {"id": "10", "author_id": "1", "created_at": "2021-04-08T10:00:00.000Z", "lang": "en",
     "text": 'hi @bob, "quoted"\\nsecond line', "entities.mentions": json.dumps(["@bob"]),
     "public_metrics.like_count": "5", "public_metrics.retweet_count": "2.0",
     "author.id": "1", "author.username": "alice", "author.name": "Alice, A.",
     "author.public_metrics.followers_count": "100", "__twarc.retrieved_at": "2021-04-09T00:00:00+00:00"},
    {"id": "11", "author_id": "2", "created_at": "2021-04-08T11:00:00.000Z",
     "text": "@alice @carol thanks @dave", "referenced_tweets.replied_to.id": "10",
     "in_reply_to_user_id": "1", "in_reply_to_username": "alice",
     "entities.mentions": json.dumps(["@alice", "@carol", "@dave"]), "author.id": "2", "author.username": "bob"},
    {"id": "12", "author_id": "3", "created_at": "2021-04-08T12:00:00.000Z",
     "text": 'hi @bob, "quoted"\\nsecond line', "referenced_tweets.retweeted.id": "10",
     "retweeted_user_id": "1", "retweeted_username": "alice", "entities.mentions": json.dumps(["@bob"]),
     "author.id": "3", "author.username": "carol"},
]


def write(path, rows: list[dict], *, raw_tail: str = ""):
    """``rows`` as a twarc-csv file at ``path`` (header first), then ``raw_tail`` as it is; the path."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        handle.write(raw_tail)
    return path
