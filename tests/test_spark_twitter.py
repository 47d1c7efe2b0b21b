"""twitter-v2 on Spark: twarc2 JSON lines through DuckDB and Spark give identical tables.

The same queries (queries/ingest/twitter_v2.sql, twitter.sql) run on both engines, the Spark side
transpiled by :mod:`workbench.spark.dialect`. Each Spark load costs seconds (query planning of the
wide JSON structures), so the loads are module-scoped and few: the tweet files of twarc's test data
concatenated into one file (all 1,109 collected tweets in one load), a batch of flat / noflat /
withheld / streaming-with-error files (lookups against the earlier loads of a batch), a tiny
hand-written page with bad lines, and a hand-written twarc-csv file (tests/twarc_csv_rows.py).
"""

from __future__ import annotations

import json

import pytest

import twarc_csv_rows
from conftest import shared_file
from spark_support import assert_same_tables, load_both

pytest.importorskip("pyspark")
pytest.importorskip("sqlglot")


pytestmark = pytest.mark.spark

TWARC = "twitter_v2_twarc_csv_testdata"
NOT_TWEETS = {"counts.jsonl", "users.jsonl", "tweets_compliance.jsonl", "users_compliance.jsonl"}


@pytest.fixture(scope="module")
def all_tweets_both(tmp_path_factory, spark, shared_data):
    folder = shared_file(shared_data, TWARC)
    tmp = tmp_path_factory.mktemp("twarc_all")
    path = tmp / "all_tweets.jsonl"
    files = sorted(p for p in folder.glob("*.jsonl") if p.name not in NOT_TWEETS)
    with open(path, "w", encoding="utf-8") as out:
        for file in files:
            text = file.read_text(encoding="utf-8")
            out.write(text if text.endswith("\n") or not text else text + "\n")
    return load_both(tmp, spark, path)


def test_twarc_tweets_in_one_file_identical(all_tweets_both):
    duck, sparked = all_tweets_both
    sizes = assert_same_tables(duck, sparked)
    for store in (duck, sparked):
        assert store.scalar("SELECT count(*) FROM posts WHERE collected") == 1109
        assert store.scalar("SELECT count(DISTINCT author_id) FROM posts WHERE collected") == 831
    assert sizes["rejects"] == 7  # on both engines, the same lines and reasons (assert_same_tables)
    assert sparked.scalar("SELECT count(*) FROM rejects WHERE reason LIKE 'invalid JSON%'") == 1  # the stream's line 8


def test_twarc_metrics_identical(all_tweets_both):
    """The community-health metrics read the same tables, so they agree too."""
    import pandas as pd

    import workbench as wb

    duck, sparked = all_tweets_both
    for metric in (wb.metrics.engagement, wb.metrics.activity, wb.metrics.growth, wb.metrics.retention,
                   wb.metrics.density):
        expected, got = metric(duck, period="week"), metric(sparked, period="week")
        assert len(expected) > 0, metric.__name__
        pd.testing.assert_frame_equal(got, expected, obj=metric.__name__)
    # engagement counts the collected tweets that are not retweets: 219 posts, 206 replies, 51 quotes
    assert wb.metrics.engagement(sparked, period="week")["posts"].sum() == 219 + 206 + 51


@pytest.fixture(scope="module")
def batch_both(tmp_path_factory, spark, shared_data):
    names = ["noflat.jsonl", "flat.jsonl", "withheld.jsonl", "streaming_output_with_error.jsonl"]
    paths = [shared_file(shared_data, TWARC, name) for name in names]
    return load_both(tmp_path_factory.mktemp("twarc_batch"), spark, paths)


def test_twarc_batch_identical(batch_both):
    duck, sparked = batch_both
    sizes = assert_same_tables(duck, sparked)
    assert sizes["loads"] == 4
    loads = sparked.sql("SELECT path, records_read, records_loaded, records_rejected, unresolved, "
                        "interactions_loaded FROM loads ORDER BY load_id").fetchall()
    assert loads[1][5] == 0  # flat.jsonl adds nothing to noflat.jsonl
    assert loads[2][4] == 9  # withheld.jsonl: 9 unresolved retweets; its id-less mentions by handle (see test_ingest_twitter)
    assert loads[3][1:4] == (8, 7, 1)
    assert sparked.sql("SELECT line_no, reason FROM rejects").fetchall() == [
        (8, "invalid JSON (a truncated or malformed line)")]


def _tweet(tweet_id, author, text, **extra):
    return {"id": tweet_id, "author_id": author, "text": text, "created_at": "2022-03-01T10:00:00.000Z",
            "lang": "en", "conversation_id": tweet_id,
            "public_metrics": {"retweet_count": 1, "reply_count": 0, "like_count": 2, "quote_count": 0}, **extra}


def test_hand_written_pages_with_bad_lines_identical(tmp_path, spark):
    users = [{"id": "10", "username": "alice", "name": "Alice", "created_at": "2010-01-01T00:00:00.000Z",
              "public_metrics": {"followers_count": 5, "following_count": 3, "tweet_count": 9}},
             {"id": "11", "username": "Bob", "name": "Bob",
              "public_metrics": {"followers_count": 1, "following_count": 1, "tweet_count": 1}}]
    page = {"data": [
        _tweet("100", "10", "hello @bob", entities={"mentions": [{"start": 6, "end": 10, "username": "bob",
                                                                  "id": "11"}]}),
        _tweet("101", "11", "RT @alice: hello", referenced_tweets=[{"type": "retweeted", "id": "100"}],
               entities={"mentions": [{"start": 3, "end": 9, "username": "alice", "id": "10"}]}),
        _tweet("102", "11", "@alice yes @carol", in_reply_to_user_id="10",
               referenced_tweets=[{"type": "replied_to", "id": "100"}, {"type": "quoted", "id": "900"}],
               entities={"mentions": [{"start": 0, "end": 6, "username": "alice", "id": "10"},
                                      {"start": 11, "end": 17, "username": "carol"}],
                         "urls": [{"expanded_url": "https://twitter.com/Dave/status/900"}]}),
        _tweet("10x", "10", "not a twitter id"),
        {"id": "104", "text": "no author"}],
        "includes": {"users": users, "tweets": [_tweet("100", "10", "hello @bob"), _tweet("901", "12", "ctx")]},
        "__twarc": {"retrieved_at": "2022-03-02T00:00:00+00:00"}}
    stream = {"data": _tweet("200", "12", "streamed @alice"), "includes": {"users": [users[0]]}}
    lines = [json.dumps(page), '{"data": [{"id": "1", "text": "truncated', json.dumps(stream),
             json.dumps(["not", "an", "object"]), json.dumps({"meta": {"result_count": 0}}),
             json.dumps({"something": "else"})]
    path = tmp_path / "pages.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    duck, sparked = load_both(tmp_path, spark, path)
    sizes = assert_same_tables(duck, sparked)
    assert sizes["rejects"] == 5  # the bad id, the tweet without author, the truncated, array and other lines
    assert sizes["interactions"] >= 3


def test_twarc_csv_identical(tmp_path, spark):
    """twarc-csv rows (quoted commas and quotes, `\\n`, JSON-encoded text and lists, float counters,
    old-style mention objects) and bad rows give the same tables on both engines."""
    rows = twarc_csv_rows.ROWS + [
        {"id": "13", "author_id": "2", "created_at": "2021-04-08T13:00:00.000Z",
         "text": json.dumps("JSON-encoded\ntext with \"quotes\""),
         "referenced_tweets": json.dumps([{"type": "quoted", "id": "10"}]), "quoted_user_id": "1",
         "quoted_username": "alice", "author.id": "2", "author.username": "bob",
         "entities.mentions": json.dumps([{"username": "dave", "id": "4"}, {"username": "eve"}])},
        {"id": "", "author_id": "2", "text": "no id (an empty first field)"},
        {"id": "15", "author_id": "", "text": "no author"},
    ]
    path = twarc_csv_rows.write(tmp_path / "tweets.csv", rows, raw_tail='16,16,\n17,"an unclosed quote\n')
    duck, sparked = load_both(tmp_path, spark, path)
    sizes = assert_same_tables(duck, sparked)
    assert sizes["rejects"] == 4 and sizes["posts"] == 4
    assert sparked.sql("SELECT line_no, reason FROM rejects ORDER BY line_no").fetchall() == [
        (6, 'a row without an "id"'), (7, 'tweet 15 has no "author_id"'),
        (8, f"expected {len(twarc_csv_rows.COLUMNS)} fields as in the header, got 3"),
        (9, "a quoted field is not closed (twarc-csv writes one tweet a line)")]
    assert sparked.scalar("SELECT text FROM posts WHERE post_id = 'twitter:13'") == 'JSON-encoded\ntext with "quotes"'
    assert sparked.scalar("SELECT text FROM posts WHERE post_id = 'twitter:10'") == 'hi @bob, "quoted"\nsecond line'
    assert sparked.sql("SELECT kind, target_id FROM interactions WHERE post_id = 'twitter:13' ORDER BY kind, "
                       "target_id").fetchall() == [("mention", "twitter:4"), ("mention", "twitter:@eve"),
                                                   ("quote", "twitter:1")]  # @eve: no id, kept by handle
