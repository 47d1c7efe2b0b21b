"""Twitter v1.1 on Spark: the same tables as DuckDB, row for row.

A streaming file (tweets one a line, gzip) and a pretty-printed search response (one JSON document
over many lines: one ``raw_lines`` row on both engines).
"""

from __future__ import annotations

import pytest

from conftest import shared_file
from spark_support import assert_same_tables, load_both

pytest.importorskip("pyspark")
pytest.importorskip("sqlglot")

pytestmark = pytest.mark.spark


def test_v11_stream_identical(tmp_path, spark, shared_data):
    path = shared_file(shared_data, "twitter_v11_ctit_dutch_stream", "tweets.json.gz")
    duck, sparked = load_both(tmp_path, spark, path)
    sizes = assert_same_tables(duck, sparked)
    assert sizes["rejects"] == 0 and sizes["loads"] == 1
    # SOURCE.md: 1,000 tweets by 708 authors; 103 retweets, 12 quote tweets
    assert sparked.scalar("SELECT count(DISTINCT author_id) FROM posts WHERE collected") == 708
    kinds = dict(sparked.sql("SELECT kind, count(*) FROM interactions GROUP BY kind").fetchall())
    assert kinds["share"] == 103 and kinds["quote"] == 12


def test_v11_search_response_identical(tmp_path, spark, shared_data):
    path = shared_file(shared_data, "twitter_v11_simdjson_search_response", "twitter.json")
    duck, sparked = load_both(tmp_path, spark, path)
    assert_same_tables(duck, sparked)
    # SOURCE.md: 100 statuses by 100 users; 73 retweets, 6 replies
    assert sparked.scalar("SELECT count(*) FROM posts WHERE collected AND kind = 'share'") == 73
    assert sparked.scalar("SELECT count(*) FROM posts WHERE collected AND parent_post_id IS NOT NULL") == 6
