"""Reddit (Pushshift dumps) on Spark: the same tables as DuckDB, row for row, rejects included.

The real dumps are loaded as they are (``.zst``, the 2005-06 ones with a 2 GiB window: the Spark path
decompresses them first, with the DuckDB path's reader); the other batches recompress a dump to
``.gz``, which Spark reads itself. The batches are loaded once per module (``load_both`` in
module-scoped fixtures) and compared table by table, ``loads`` (sha256 and bytes of the files on
disk) included.
"""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest
import zstandard

from conftest import shared_file
from spark_support import assert_same_tables, load_both
from spark_support import rows as _rows
from workbench.ingest.sources import ZSTD_MAX_WINDOW

pytest.importorskip("pyspark")
pytest.importorskip("sqlglot")

pytestmark = pytest.mark.spark

COMMENTS = "reddit_pushshift_comments_2005_2006"
SUBMISSIONS = "reddit_pushshift_submissions_askwomen_2019_10"


def zst_to_gz(source, folder):
    """``source`` (.zst, any window) recompressed as ``folder/<name>.gz``."""
    target = folder / (source.name[: -len(".zst")] + ".gz")
    with open(source, "rb") as raw, gzip.open(target, "wb") as out:
        reader = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW).stream_reader(raw)
        while block := reader.read(1 << 20):
            out.write(block)
    return target


def read_gz(path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


# -- the real dumps in one batch: two months of comments, then a month of submissions -------------------
@pytest.fixture(scope="module")
def dumps_both(tmp_path_factory, spark, shared_data):
    folder = tmp_path_factory.mktemp("reddit_dumps")
    paths = [shared_file(shared_data, COMMENTS, "RC_2005-12.zst"),
             shared_file(shared_data, COMMENTS, "RC_2006-01.zst"),
             shared_file(shared_data, SUBMISSIONS, "RS_2019-10.zst")]
    return (*load_both(folder, spark, paths), paths, folder)


def test_real_dumps_identical(dumps_both):
    duck, sparked, dumps_paths, folder = dumps_both
    sizes = assert_same_tables(duck, sparked)
    # SOURCE.md: 1,075 + 3,666 comments, 8,271 submissions, every line parses
    assert sizes["posts"] == 1075 + 3666 + 8271 and sizes["rejects"] == 0 and sizes["loads"] == 3
    assert sizes["interactions"] == 931  # tests/test_ingest_reddit.py: replies across both months
    loads = _rows(sparked, "SELECT load_id, records_read, records_loaded, interactions_loaded, unresolved, bytes, "
                           "sha256 FROM loads")
    assert loads["records_read"].tolist() == [1075, 3666, 8271]
    assert loads["bytes"].tolist() == [p.stat().st_size for p in dumps_paths]  # the .zst files, not their contents
    assert loads["sha256"].tolist() == [hashlib.sha256(p.read_bytes()).hexdigest() for p in dumps_paths]
    assert (folder / "spark.parquet").is_dir() and not list(folder.glob(".*-inputs-*"))  # no copy left behind


# -- submissions after their comments, in one batch ----------------------------------------------------
@pytest.fixture(scope="module")
def later_submissions_both(tmp_path_factory, spark, shared_data):
    """RC_2005-12, then invented submissions for its top-level comments (some by excluded authors)."""
    folder = tmp_path_factory.mktemp("reddit_later")
    comments = zst_to_gz(shared_file(shared_data, COMMENTS, "RC_2005-12.zst"), folder)
    links = sorted({c["parent_id"][3:] for c in read_gz(comments) if c["parent_id"].startswith("t3_")})
    authors = ["alice", "Bob", "[deleted]", "AutoModerator", "carol"]
    submissions = folder / "RS_2005-12.ndjson"
    submissions.write_text("".join(json.dumps({
        "id": link, "author": authors[i % len(authors)], "title": f"submission {link}", "selftext": "",
        "subreddit": "reddit.com", "created_utc": 1133000000 + i, "score": i, "num_comments": 0}) + "\n"
        for i, link in enumerate(links)), encoding="utf-8")
    return load_both(folder, spark, [comments, submissions])


def test_later_submissions_complete_earlier_comments_identical(later_submissions_both):
    duck, sparked = later_submissions_both
    sizes = assert_same_tables(duck, sparked)
    resolved = sparked.scalar("SELECT count(*) FROM interactions WHERE load_id = 2")
    assert resolved > 0 and resolved == duck.scalar("SELECT count(*) FROM interactions WHERE load_id = 2")
    assert sizes["loads"] == 2 and sizes["rejects"] == 0


# -- hand-written files: bad lines, replies across loads, a parent two loads later ----------------------
def _line(**fields) -> str:
    return json.dumps(fields)


def _comment(id, author, parent, created=1136073600, **extra) -> str:
    return _line(id=id, author=author, subreddit="test", parent_id=parent, link_id="t3_s1",
                 body=f"comment {id}", created_utc=created, score=1, **extra)


def write_hand_written(folder):
    """Three small dumps in ``folder``: comments with bad lines, submissions, a late parent."""
    comments = folder / "RC_test.ndjson"
    comments.write_text("\n".join([
        _comment("c1", "alice", "t3_s1"),                          # 1: parent in the next load
        _comment("c2", "bob", "t1_c1"),                            # 2: parent in this file
        _comment("c3", "carol", "t3_s2"),                          # 3: parent by [deleted], next load
        _comment("c4", "[deleted]", "t3_s1"),                      # 4: not an account
        _comment("c5", "dave", "t1_c9"),                           # 5: parent two loads later
        '{"id": "c6", "author": "x", "subreddit": ',               # 6: invalid JSON
        "[1, 2]",                                                  # 7: an array
        '"just a string"',                                         # 8
        "null",                                                    # 9
        "42",                                                      # 10
        "true",                                                    # 11
        _comment(7.5, "erin", "t3_s1"),                            # 12: id of the wrong type
        _comment(["c7"], "erin", "t3_s1"),                         # 13: id of the wrong type
        _comment(None, "erin", "t3_s1"),                           # 14: missing id (JSON null)
        _comment("", "erin", "t3_s1"),                             # 15: missing id
        _line(author="erin", subreddit="test", parent_id="t3_s1"),  # 16: missing id (absent)
        _comment("c8", "erin", "t3_s1", created="yesterday"),      # 17: bad created_utc
        _comment("c10", "erin", "t3_s1", created=True),            # 18: bad created_utc
        _comment("c11", "erin", "t3_s1", created={"a": 1}),        # 19: bad created_utc
        _comment("c12", "erin", "t3_s1", created=None),            # 20: no time, loads
        _comment("c13", "Erin", "t3_s1", created="2006-01-01T10:00:00Z"),  # 21: ISO 8601
        _comment("c14", "erin", "t3_s1", created="1136073600"),    # 22: a string of seconds
        _comment("c15", "erin", "t1_c2", created=1136073600.5),    # 23: fractions of a second
        _comment(12345, "frank", "t3_s1"),                         # 24: a numeric id
        "",                                                        # 25: blank
        "  " + _comment("c16", "AutoModerator", "t1_c1"),          # 26: leading blanks, excluded author
        _comment("c17", "gina", "t3_s1", created=-99999999999999),  # 27: out of range
    ]) + "\n", encoding="utf-8")
    submissions = folder / "RS_test.ndjson"
    submissions.write_text("\n".join([
        _line(id="s1", author="hal", subreddit="test", title="first", selftext="body", created_utc=1136000000,
              score=5, num_comments=3, num_crossposts=1, author_created_utc=1100000000),
        _line(id="s2", author="[deleted]", subreddit="test", title="second", selftext="", created_utc=1136000001),
        _comment("c18", "ivy", "t1_c2"),                           # a reply to a comment of the first load
        _comment("c1", "alice", "t3_s1", created=1136073601),      # a copy of a comment of the first load
    ]) + "\n", encoding="utf-8")
    late = folder / "RC_late.ndjson"
    late.write_text(_comment("c9", "judy", "t3_s1") + "\n" + _line(id="s1", author="hal", subreddit="test",
                                                                    title="first", created_utc=1136000000) + "\n",
                    encoding="utf-8")
    return [comments, submissions, late]


@pytest.fixture(scope="module")
def hand_written_both(tmp_path_factory, spark):
    folder = tmp_path_factory.mktemp("reddit_hand")
    return load_both(folder, spark, write_hand_written(folder))


def test_hand_written_rejects_and_resolves_identical(hand_written_both):
    duck, sparked = hand_written_both
    sizes = assert_same_tables(duck, sparked)
    rejects = _rows(sparked, "SELECT line_no, reason FROM rejects ORDER BY line_no")
    assert sorted(rejects["line_no"].tolist()) == [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 27]
    reasons = dict(zip(rejects["line_no"], rejects["reason"]))
    assert reasons[6] == "invalid JSON" and reasons[7] == "expected a JSON object, got an array"
    assert reasons[12] == "id must be a string, got double" and reasons[14] == "missing id"
    assert reasons[17] == 'created_utc is not a Unix time or ISO 8601 timestamp: "yesterday"'
    # c1 -> hal is resolved by the second load, c5 -> judy by the third
    by_load = dict(sparked.sql("SELECT post_id || ' ' || target_id, load_id FROM interactions").fetchall())
    assert by_load["reddit:t1_c1 reddit:hal"] == 2 and by_load["reddit:t1_c5 reddit:judy"] == 3
    assert sizes["loads"] == 3
