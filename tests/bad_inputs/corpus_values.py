"""Kinds of bad input about record contents: ids of the wrong type, missing or repeated; times in the
future, before 2006 or in milliseconds; empty arrays; an array instead of lines; ragged CSV; JSON scalars,
deep nesting, counters out of range, lone surrogates.

Each :class:`~corpus_records.Kind` states the outcome ``workbench load`` must give (see make_corpus.py).
"""

from __future__ import annotations

import json

from corpus_records import (Kind, bluesky_post, comment, discord_export, files, lines, mastodon_status, submission,
                            text_file, tweet_v1, tweet_v2)

__all__ = ["KINDS"]

_ID_TYPES = lines([tweet_v2(1), tweet_v2(2, id=7002), tweet_v2(3, id="7002", text="the same tweet, id as a string")])
_ID_WRONG = lines([tweet_v2(1), tweet_v2(2, id=True), tweet_v2(3, id=[7003]), tweet_v2(4, id={"n": 7004}),
                   tweet_v2(5, id=7.5)])
_ID_WRONG_V1 = lines([tweet_v1(1), tweet_v1(2, id_str=True, id=True), tweet_v1(3, id_str=[5003], id=[5003]),
                      tweet_v1(4, id_str={"n": 5004}, id={"n": 5004}), tweet_v1(5, id_str=5005.5, id=5005.5)])

_MISSING_IDS = {
    "reddit.jsonl": lines([submission(), {k: v for k, v in comment(1).items() if k != "id"}, comment(2),
                           comment(3, id="")]),
    "twitter_v1.jsonl": lines([tweet_v1(1), {k: v for k, v in tweet_v1(2).items() if k not in ("id", "id_str")},
                               tweet_v1(3, user={"screen_name": "nobody"})]),
    "bluesky.jsonl": lines([bluesky_post(1), {k: v for k, v in bluesky_post(2).items() if k != "uri"},
                            bluesky_post(3)]),
}

_DUPLICATES = lines([submission(), comment(1), comment(2),
                     comment(1, body="a different body", author="impostor", created_utc=1700000000)])

_TIMES_V2 = lines([tweet_v2(1, created_at="2099-12-31T23:59:59.000Z"),
                   tweet_v2(2, created_at="2038-01-19T03:14:08.000Z"), tweet_v2(3)])
_TIMES_OLD = lines([submission(created_utc=0), comment(1, created_utc=946684800), comment(2, created_utc=-86400),
                    comment(3, created_utc="1995-08-09T12:00:00Z")])

_EPOCHS = ("source,target,timestamp\n"
           "ep_a,ep_b,1651485600\n"          # seconds: 2022-05-02 10:00 UTC
           "ep_a,ep_c,1651485600000\n"       # the same instant in milliseconds
           "ep_b,ep_c,1651485600.5\n"        # fractional seconds
           "ep_c,ep_a,1651485600000000\n")   # microseconds

_EMPTY_DISCORD = json.dumps(discord_export([]), indent=2)

_ARRAY_REDDIT = json.dumps([comment(1), comment(2)], indent=2)

_RAGGED = ("source,target,timestamp\n"
           "rg_a,rg_b,2024-01-01\n"
           "rg_a,rg_c,2024-01-02,extra\n"
           "rg_b\n"
           "rg_c,rg_a,2024-01-03\n")

_DEEP = ("[" * 100_000) + ("]" * 100_000)

_SCALARS = lines([tweet_v1(1), 42, "a string", [tweet_v1(2)], None, True])

_COUNTERS = lines([tweet_v2(1, public_metrics={"like_count": 10**30, "retweet_count": -3, "reply_count": "many",
                                               "quote_count": 2.5}), tweet_v2(2)])

_SURROGATE = (lines([tweet_v2(1)])
              + json.dumps(tweet_v2(2)).replace('"tweet number 2"', '"half a pair \\ud800"') + "\n"
              + json.dumps(tweet_v2(3)).replace('"like_count": 3', '"like_count": NaN') + "\n")

_QUOTED_NEWLINE = 'source,target,note\nqn_a,qn_b,"one line"\nqn_a,qn_c,"two\nlines"\nqn_b,qn_c,ok\n'

_TIMES_SQL = "SELECT post_id, strftime(created_at, '%Y-%m-%d %H:%M:%S') FROM posts WHERE {where} ORDER BY 1"


def _kinds() -> list[Kind]:
    K = Kind
    return [
        K("id_number_vs_string", "twitter-v2", "a tweet id given as a JSON number, and again as a string",
          text_file("tweets.jsonl", _ID_TYPES), ("tweets.jsonl",),
          "loads: a number id is its digits, so both lines are the same tweet (first line wins)",
          counts=(3, 3, 0), new=(3, 2, 0), loads=("ok",),
          facts=(("SELECT text FROM posts WHERE post_id = 'twitter:7002'", [("tweet number 2",)]),)),
        K("id_wrong_type", "twitter-v2, twitter-v1", "tweet ids that are a boolean, an array, an object, a fraction",
          files({"v2.jsonl": _ID_WRONG, "v1.jsonl": _ID_WRONG_V1}), ("v1.jsonl", "v2.jsonl"),
          "those records are rejected (an id is a string or a whole number), the rest loads",
          counts=(10, 2, 8),
          rejects=tuple((name, line, "an id must be a string or a whole number")
                        for name in ("v1.jsonl", "v2.jsonl") for line in (2, 3, 4, 5)),
          new=(2, 2, 0), loads=("ok", "ok"),
          extra={"any_reason": True}),
        K("missing_ids", "reddit, twitter-v1, bluesky", "records without their id (or with an empty one, or no user)",
          files(_MISSING_IDS), ("bluesky.jsonl", "reddit.jsonl", "twitter_v1.jsonl"),
          "each such record is rejected with the reason, the rest loads",
          counts=(10, 5, 5),
          rejects=(("bluesky.jsonl", 2, "missing uri"),
                   ("reddit.jsonl", 2, "missing id"), ("reddit.jsonl", 4, "missing id"),
                   ("twitter_v1.jsonl", 2, 'not a tweet: no "id_str" (or "id") and no "statuses"'),
                   ("twitter_v1.jsonl", 3, 'tweet 5003 has no "user"')),
          new=(4, 5, 1), loads=("ok", "ok", "ok")),
        K("duplicate_conflicting", "reddit", "the same comment id twice, with another author, body and time",
          text_file("RC_dup.jsonl", _DUPLICATES), ("RC_dup.jsonl",),
          "one post: the first line's author, body and time win; the later copy is read, not rejected; its "
          "author is an account but gets no interaction for a post that posts gives to someone else",
          counts=(4, 4, 0), new=(4, 3, 2), loads=("ok",),
          facts=(("SELECT author_id, text, epoch(created_at)::BIGINT FROM posts WHERE post_id = 'reddit:t1_badc1'",
                  [("reddit:redditor1", "comment 1", 1651485601)]),
                 ("SELECT source_id, target_id FROM interactions WHERE post_id = 'reddit:t1_badc1'",
                  [("reddit:redditor1", "reddit:op_user")]))),
        K("future_timestamps", "twitter-v2", "tweets dated 2099 and just after 2038-01-19 (32-bit overflow)",
          text_file("tweets.jsonl", _TIMES_V2), ("tweets.jsonl",), "loaded as given (a time is data, not a check)",
          counts=(3, 3, 0), new=(3, 3, 0), loads=("ok",),
          facts=((_TIMES_SQL.format(where="post_id IN ('twitter:7001', 'twitter:7002')"),
                  [("twitter:7001", "2099-12-31 23:59:59"), ("twitter:7002", "2038-01-19 03:14:08")]),)),
        K("pre_2006_timestamps", "reddit", "created_utc 0 (1970), 2000-01-01, before 1970 (negative), an ISO 1995 date",
          text_file("RS_old.jsonl", _TIMES_OLD), ("RS_old.jsonl",), "loaded as given",
          counts=(4, 4, 0), new=(4, 4, 3), loads=("ok",),
          facts=((_TIMES_SQL.format(where="channel = 'badinputs'"),
                  [("reddit:t1_badc1", "2000-01-01 00:00:00"), ("reddit:t1_badc2", "1969-12-31 00:00:00"),
                   ("reddit:t1_badc3", "1995-08-09 12:00:00"), ("reddit:t3_bads1", "1970-01-01 00:00:00")]),)),
        K("epoch_ms_vs_s", "edges-csv", "Unix times in seconds, fractional seconds, milliseconds and microseconds",
          text_file("edges.csv", _EPOCHS), ("edges.csv",),
          "all load: an epoch's unit is read from its magnitude (below 1e11 seconds, 1e14 milliseconds, "
          "1e17 microseconds, 1e20 nanoseconds), so the three spellings of 10:00 are one instant",
          counts=(4, 4, 0),
          new=(3, 0, 4), loads=("ok",),
          facts=(("SELECT source_id, target_id, strftime(created_at, '%Y-%m-%d %H:%M:%S.%f') FROM interactions "
                  "WHERE source_id IN ('csv:ep_a', 'csv:ep_b', 'csv:ep_c') ORDER BY 1, 2",
                  [("csv:ep_a", "csv:ep_b", "2022-05-02 10:00:00.000000"),
                   ("csv:ep_a", "csv:ep_c", "2022-05-02 10:00:00.000000"),
                   ("csv:ep_b", "csv:ep_c", "2022-05-02 10:00:00.500000"),
                   ("csv:ep_c", "csv:ep_a", "2022-05-02 10:00:00.000000")]),)),
        K("empty_array_discord", "discord", 'a channel export whose "messages" is an empty array',
          text_file("empty.json", _EMPTY_DISCORD), ("empty.json",),
          "exit 2: the file holds no records",
          exit=2, message=r"workbench load: error: {dir}/empty\.json: the file holds no records to load "
                          r"\(an empty list or export\)",
          loads=("failed",)),
        K("empty_array_mastodon", "mastodon", "a file holding only [] (an empty timeline), --format mastodon",
          text_file("timeline.json", "[]\n"), ("timeline.json",),
          "exit 2: the file holds no records", args=("--format", "mastodon"),
          exit=2, message=r"workbench load: error: {dir}/timeline\.json: the file holds no records to load "
                          r"\(an empty list or export\)",
          loads=("failed",)),
        K("json_array_not_lines", "reddit", "a pretty-printed JSON array of comments instead of JSON lines",
          text_file("comments.json", _ARRAY_REDDIT), ("comments.json",),
          "exit 2: the format cannot be told, and the message says what the file starts with",
          exit=2, message=r"workbench load: error: {dir}/comments\.json: cannot tell the export format "
                          r"\(first line starts '\['\); pass --format with one of .*"),
        K("json_array_forced", "reddit", "the same array, loaded with --format reddit",
          text_file("comments.json", json.dumps([comment(1), comment(2)])), ("comments.json",),
          "exit 2: its one line is not a JSON object", args=("--format", "reddit"),
          exit=2, message=r"workbench load: error: {dir}/comments\.json: no record could be read \(1 rejected; "
                          r"first at line 1: expected a JSON object, got an array\)",
          loads=("failed",)),
        K("csv_ragged_rows", "edges-csv", "rows with one field too many and too few",
          text_file("edges.csv", _RAGGED), ("edges.csv",), "those rows are rejected, the rest loads",
          counts=(4, 2, 2),
          rejects=(("edges.csv", 3, "expected 3 fields as in the header, got 4"),
                   ("edges.csv", 4, "expected 3 fields as in the header, got 1")),
          new=(3, 0, 2), loads=("ok",)),
        K("csv_ragged_strict", "edges-csv", "the ragged rows again, with --strict",
          text_file("edges.csv", _RAGGED), ("edges.csv",), "exit 2 naming the first bad line; nothing loaded",
          args=("--strict",), exit=2,
          message=r"workbench load: error: {dir}/edges\.csv line 3: expected 3 fields as in the header, got 4 "
                  r"\(strict mode: nothing was loaded; 2 bad record\(s\) in all\)",
          loads=("failed",)),
        K("csv_quoted_newline", "edges-csv", "a quoted field that spans two lines",
          text_file("edges.csv", _QUOTED_NEWLINE), ("edges.csv",), "both halves are rejected as malformed CSV",
          counts=(4, 2, 2),
          rejects=(("edges.csv", 3, "malformed CSV: a quote inside an unquoted field or a quoted field not closed "
                                    "on this line"),
                   ("edges.csv", 4, "malformed CSV: a quote inside an unquoted field or a quoted field not closed "
                                    "on this line")),
          new=(3, 0, 2), loads=("ok",)),
        K("deep_nesting_record", "twitter-v2", "a record nested 100,000 arrays deep after a good line",
          text_file("tweets.jsonl", lines([tweet_v2(1)]) + _DEEP + "\n" + lines([tweet_v2(2)])), ("tweets.jsonl",),
          "that line is rejected; no RecursionError", counts=(3, 2, 1),
          rejects=(("tweets.jsonl", 2, "expected a JSON object (a twarc2 page or tweet), got ["),),
          new=(2, 2, 0), loads=("ok",)),
        K("deep_nesting_first_line", "mastodon", "a first line nested 20,000 deep (under the 64 KB sample), "
          "--format mastodon", text_file("statuses.jsonl", "[" * 20_000 + "]" * 20_000 + "\n"
                                     + lines([mastodon_status(1)])), ("statuses.jsonl",),
          "the first line is rejected, the status loads; detection and layout do not crash",
          args=("--format", "mastodon"), counts=(2, 1, 1),
          rejects=(("statuses.jsonl", 1, "item 1: expected a Status or Account object, got an array"),),
          new=(1, 1, 0), loads=("ok",)),
        K("json_scalars", "twitter-v1", "lines that are a number, a string, null, true (and an array of tweets)",
          text_file("stream.jsonl", _SCALARS), ("stream.jsonl",),
          "each scalar is rejected with what it is; the array of tweets is a v1 timeline and loads",
          counts=(6, 2, 4),
          rejects=(("stream.jsonl", 2, "expected a JSON object (a tweet), got 4"),
                   ("stream.jsonl", 3, 'expected a JSON object (a tweet), got "'),
                   ("stream.jsonl", 5, "invalid JSON (a truncated or malformed line)"),
                   ("stream.jsonl", 6, "expected a JSON object (a tweet), got t")),
          new=(2, 2, 0), loads=("ok",)),
        K("counter_types", "twitter-v2", "counters that overflow BIGINT, are negative, a string, a fraction",
          text_file("tweets.jsonl", _COUNTERS), ("tweets.jsonl",),
          "loads; a counter beyond BIGINT or a string becomes NULL (the tweet is kept)",
          counts=(2, 2, 0), new=(2, 2, 0), loads=("ok",),
          facts=(("SELECT like_count, reply_count FROM posts WHERE post_id = 'twitter:7001'", [(None, None)]),)),
        K("lone_surrogate_and_nan", "twitter-v2", r"a string with a lone \ud800 escape; a NaN counter",
          text_file("tweets.jsonl", _SURROGATE), ("tweets.jsonl",),
          "the surrogate line is rejected as invalid JSON; NaN (accepted by DuckDB's reader) loads as NULL",
          counts=(3, 2, 1), rejects=(("tweets.jsonl", 2, "invalid JSON (a truncated or malformed line)"),),
          new=(2, 2, 0), loads=("ok",),
          facts=(("SELECT like_count FROM posts WHERE post_id = 'twitter:7003'", [(None,)]),)),
    ]


KINDS: list[Kind] = _kinds()
