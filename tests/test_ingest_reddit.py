"""The Reddit loader (Pushshift / Arctic Shift RC_* and RS_* dumps).

Real dumps from the real test data are checked against their SOURCE.md counts and against counts made
here with plain Python json; small hand-written dumps cover each rule.
"""

from __future__ import annotations

import gzip
import io
import json
import tempfile
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

import workbench as wb
from conftest import shared_file
from workbench.errors import StrictModeError
from workbench.ingest import reddit
from workbench.ingest.detect import detect_format
from workbench.ingest.sources import expand

COMMENTS = "reddit_pushshift_comments_2005_2006"
SUBMISSIONS = "reddit_pushshift_submissions_askwomen_2019_10"
EXCLUDED = set(reddit.EXCLUDED_AUTHORS)


def read_dump(path) -> list[dict]:
    """Every record of a zstd NDJSON dump, decoded independently of the loader."""
    with open(path, "rb") as raw:
        reader = zstandard.ZstdDecompressor(max_window_size=2**31).stream_reader(raw)
        text = io.TextIOWrapper(reader, encoding="utf-8").read()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def expected_comment_edges(records: list[dict]) -> set[tuple[str, str, str]]:
    """(comment id, commenter, parent author) for comments whose parent is among ``records``."""
    author = {("t1_" if "parent_id" in r else "t3_") + r["id"]: r["author"] for r in records}
    edges = set()
    for r in records:
        if "parent_id" not in r or r["author"].lower() in EXCLUDED:
            continue
        parent_author = author.get(r["parent_id"])
        if parent_author is not None and parent_author.lower() not in EXCLUDED:
            edges.add((f"reddit:t1_{r['id']}", f"reddit:{r['author']}", f"reddit:{parent_author}"))
    return edges


def unresolved_comments(records: list[dict]) -> int:
    known = {("t1_" if "parent_id" in r else "t3_") + r["id"] for r in records}
    return sum(1 for r in records
               if "parent_id" in r and r["author"].lower() not in EXCLUDED and r["parent_id"] not in known)


def loaded_edges(store) -> set[tuple[str, str, str]]:
    rows = store.sql("SELECT post_id, source_id, target_id FROM interactions WHERE kind = 'comment'").fetchall()
    return set(rows)


@pytest.fixture(scope="module")
def rc_2006_01(shared_data):
    path = shared_file(shared_data, COMMENTS, "RC_2006-01.zst")
    return path, read_dump(path)


@pytest.fixture(scope="module")
def rc_2005_12(shared_data):
    path = shared_file(shared_data, COMMENTS, "RC_2005-12.zst")
    return path, read_dump(path)


# -- real dumps -------------------------------------------------------------------------------------

def test_rc_2006_01_matches_source_md(store, rc_2006_01):
    path, records = rc_2006_01
    report = wb.load(store, path)
    assert report.files[0].format == "reddit"
    assert (report.records_read, report.records_loaded, report.records_rejected) == (3666, 3666, 0)
    q = store.sql("""
        SELECT count(*), count(*) FILTER (WHERE author_id IS NULL),
               count(*) FILTER (WHERE parent_post_id LIKE 'reddit:t3_%'),
               count(*) FILTER (WHERE parent_post_id LIKE 'reddit:t1_%'),
               count(*) FILTER (WHERE kind = 'comment'),
               min(created_at), max(created_at)
        FROM posts""").fetchone()
    assert q[:5] == (3666, 893, 2304, 1362, 3666)
    assert q[5] == datetime(2006, 1, 1, 0, 7, 9, tzinfo=timezone.utc)
    assert q[6].strftime("%Y-%m-%d %H:%M") == "2006-01-31 23:53"
    # 791 distinct authors including [deleted]
    assert store.counts()["accounts"] == 790
    # replies whose parent comment is in the same file
    same_file = store.scalar("SELECT count(*) FROM posts c JOIN posts p ON c.parent_post_id = p.post_id "
                             "WHERE p.kind = 'comment'")
    assert same_file == 1304
    assert dict(store.sql("SELECT channel, count(*) FROM posts GROUP BY 1").fetchall()) == {"reddit.com": 3664, "nsfw": 2}
    assert store.scalar("SELECT sum(like_count)::BIGINT FROM posts") == sum(r["score"] for r in records)
    expected = expected_comment_edges(records)
    assert loaded_edges(store) == expected
    assert len(expected) == 692
    assert report.unresolved == unresolved_comments(records) == 1840
    assert store.scalar("SELECT unresolved FROM loads") == 1840


def test_rc_2005_12_matches_source_md(store, rc_2005_12):
    path, records = rc_2005_12
    wb.load(store, path)
    q = store.sql("""
        SELECT count(*), count(*) FILTER (WHERE author_id IS NULL),
               count(*) FILTER (WHERE parent_post_id LIKE 'reddit:t3_%'),
               count(*) FILTER (WHERE parent_post_id LIKE 'reddit:t1_%')
        FROM posts""").fetchone()
    assert q == (1075, 185, 746, 329)
    assert store.scalar("SELECT count(*) FROM posts c JOIN posts p ON c.parent_post_id = p.post_id") == 314
    assert store.counts()["accounts"] == 394 - 1
    assert loaded_edges(store) == expected_comment_edges(records)


def test_rs_askwomen_submissions(store, shared_data):
    path = shared_file(shared_data, SUBMISSIONS, "RS_2019-10.zst")
    records = read_dump(path)
    report = wb.load(store, path)
    assert (report.records_read, report.records_loaded) == (8271, 8271)
    q = store.sql("""
        SELECT count(*), count(*) FILTER (WHERE kind = 'post'), count(*) FILTER (WHERE author_id IS NULL),
               count(DISTINCT channel), min(channel), sum(reply_count)::BIGINT, sum(like_count)::BIGINT,
               count(*) FILTER (WHERE parent_post_id IS NULL AND conversation_id = post_id),
               min(created_at), max(created_at)
        FROM posts""").fetchone()
    automoderator = sum(1 for r in records if r["author"] == "AutoModerator")
    assert automoderator > 0
    assert q[:8] == (8271, 8271, 4336 + automoderator, 1, "AskWomen",
                     sum(r["num_comments"] for r in records), sum(r["score"] for r in records), 8271)
    assert q[8] == datetime(2019, 10, 1, 0, 2, 22, tzinfo=timezone.utc)
    assert q[9] == datetime(2019, 10, 31, 23, 58, 57, tzinfo=timezone.utc)
    # 3,177 distinct authors include [deleted] and AutoModerator, which are not accounts
    assert store.counts()["accounts"] == 3177 - 2
    assert store.counts()["interactions"] == 0 and report.unresolved == 0
    first = records[0]
    row = store.sql("SELECT author_id, text, channel FROM posts WHERE post_id = $id",
                    {"id": "reddit:t3_" + first["id"]}).fetchone()
    assert row == ("reddit:" + first["author"], first["title"] + "\n\n" + first["selftext"], "AskWomen")


def test_two_months_in_either_order_give_the_same_interactions(rc_2006_01, rc_2005_12):
    expected = expected_comment_edges(rc_2005_12[1] + rc_2006_01[1])
    assert len(expected) == 931
    results = []
    for order in ([rc_2005_12, rc_2006_01], [rc_2006_01, rc_2005_12]):
        with wb.open(":memory:") as store:
            for path, _ in order:
                wb.load(store, path)
            results.append(loaded_edges(store))
            assert store.counts()["interactions"] == 931
    assert results[0] == results[1] == expected


def test_later_submissions_complete_earlier_comments(store, tmp_path, rc_2005_12):
    """Comments first (parents unknown), then a dump with their submissions: the second load adds them."""
    path, comments = rc_2005_12
    links = sorted({c["parent_id"][3:] for c in comments if c["parent_id"].startswith("t3_")})
    authors = ["alice", "Bob", "[deleted]", "AutoModerator", "carol"]
    submissions = [{"id": link, "author": authors[i % len(authors)], "title": f"submission {link}",
                    "selftext": "", "subreddit": "reddit.com", "created_utc": 1133000000 + i, "score": i,
                    "num_comments": 0} for i, link in enumerate(links)]
    rs = tmp_path / "RS_2005-12.ndjson"
    rs.write_text("".join(json.dumps(s) + "\n" for s in submissions), encoding="utf-8")

    first = wb.load(store, path)
    before = loaded_edges(store)
    assert before == expected_comment_edges(comments)
    assert first.unresolved == unresolved_comments(comments)

    second = wb.load(store, rs)
    everything = comments + submissions
    added = expected_comment_edges(everything) - before
    completed_by_hand = sum(
        1 for c in comments
        if c["author"].lower() not in EXCLUDED and c["parent_id"].startswith("t3_")
        and authors[links.index(c["parent_id"][3:]) % len(authors)].lower() not in EXCLUDED)
    assert len(added) == completed_by_hand > 0
    assert loaded_edges(store) == expected_comment_edges(everything)
    assert second.new_interactions == completed_by_hand
    # the completed interactions carry the submissions' load id
    assert store.scalar("SELECT count(*) FROM interactions WHERE load_id = $id",
                        {"id": second.files[0].load_id}) == completed_by_hand
    assert second.unresolved == 0
    # reloading either file now changes nothing
    counts = store.counts()
    wb.load(store, rs)
    wb.load(store, path)
    assert {k: v for k, v in store.counts().items() if k != "loads"} == \
        {k: v for k, v in counts.items() if k != "loads"}


# -- hand-written dumps -----------------------------------------------------------------------------

def submission(id_, author, **extra):
    return {"id": id_, "author": author, "title": f"title {id_}", "selftext": "", "subreddit": "test",
            "created_utc": 1577836800, "score": 5, "num_comments": 2, "num_crossposts": 1, **extra}


def comment(id_, author, parent, link="t3_s1", **extra):
    return {"id": id_, "author": author, "body": f"body {id_}", "subreddit": "test", "parent_id": parent,
            "link_id": link, "created_utc": 1577836900, "score": -2, **extra}


THREAD = [
    submission("s1", "op", selftext="the question"),
    comment("c1", "alice", "t3_s1"),                  # alice -> op (top level)
    comment("c2", "bob", "t1_c1"),                    # bob -> alice (reply to a comment)
    comment("c3", "op", "t1_c2"),                     # op -> bob
    comment("c4", "[deleted]", "t1_c1"),              # no interaction from a deleted author
    comment("c5", "carol", "t1_c4"),                  # parent known, author deleted: nothing, not unresolved
    comment("c6", "AutoModerator", "t3_s1"),          # bot: not an account
    comment("c7", "dave", "t1_c6"),                   # reply to the bot: nothing
    comment("c8", "erin", "t1_gone", link="t3_gone"),  # parent not loaded: unresolved
    comment("c9", "alice", "t1_c1"),                  # self-reply is kept
]


def write_lines(path, records, *, extra_lines=()):
    text = "".join(json.dumps(r) + "\n" for r in records) + "".join(extra_lines)
    data = text.encode("utf-8")
    if path.suffix == ".gz":
        data = gzip.compress(data)
    elif path.suffix == ".zst":
        data = zstandard.ZstdCompressor().compress(data)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", ["RC_thread.ndjson", "RC_thread.gz", "RC_thread.zst"])
def test_thread_interactions_by_hand(store, tmp_path, name):
    report = wb.load(store, write_lines(tmp_path / name, THREAD))
    assert report.files[0].format == "reddit"
    rows = store.sql("SELECT source_id, target_id, kind, post_id FROM interactions ORDER BY post_id").fetchall()
    assert rows == [
        ("reddit:alice", "reddit:op", "comment", "reddit:t1_c1"),
        ("reddit:bob", "reddit:alice", "comment", "reddit:t1_c2"),
        ("reddit:op", "reddit:bob", "comment", "reddit:t1_c3"),
        ("reddit:alice", "reddit:alice", "comment", "reddit:t1_c9"),
    ]
    assert report.unresolved == 1
    accounts = [r[0] for r in store.sql("SELECT handle FROM accounts ORDER BY handle").fetchall()]
    assert accounts == ["alice", "bob", "carol", "dave", "erin", "op"]
    assert store.sql("SELECT post_id FROM posts WHERE author_id IS NULL ORDER BY 1").fetchall() == [
        ("reddit:t1_c4",), ("reddit:t1_c6",)]


def test_post_fields_by_hand(store, tmp_path):
    wb.load(store, write_lines(tmp_path / "RS_RC.ndjson", THREAD))
    s1 = store.sql("SELECT kind, text, channel, like_count, reply_count, share_count, parent_post_id, "
                   "conversation_id, created_at FROM posts WHERE post_id = 'reddit:t3_s1'").fetchone()
    assert s1 == ("post", "title s1\n\nthe question", "test", 5, 2, 1, None, "reddit:t3_s1",
                  datetime(2020, 1, 1, tzinfo=timezone.utc))
    c2 = store.sql("SELECT kind, text, like_count, reply_count, share_count, parent_post_id, conversation_id "
                   "FROM posts WHERE post_id = 'reddit:t1_c2'").fetchone()
    assert c2 == ("comment", "body c2", -2, None, None, "reddit:t1_c1", "reddit:t3_s1")


def test_excluded_authors_ignore_case_and_keep_posts(store, tmp_path):
    records = [submission("s1", "op"), comment("c1", "automoderator", "t3_s1"),
               comment("c2", "REMINDMEBOT", "t3_s1"), comment("c3", "[removed]", "t3_s1"),
               comment("c4", "Alice", "t1_c2")]
    wb.load(store, write_lines(tmp_path / "x.ndjson", records))
    assert store.counts()["posts"] == 5
    assert [r[0] for r in store.sql("SELECT account_id FROM accounts ORDER BY 1").fetchall()] == [
        "reddit:Alice", "reddit:op"]
    assert store.counts()["interactions"] == 0


def test_reload_changes_nothing(store, tmp_path):
    path = write_lines(tmp_path / "x.ndjson", THREAD)
    wb.load(store, path)
    counts = store.counts()
    # a copy under another name is read again, and still adds nothing
    copy = tmp_path / "copy.ndjson"
    copy.write_bytes(path.read_bytes())
    report = wb.load(store, copy)
    assert report.new_interactions == report.new_posts == report.new_accounts == 0
    assert {k: v for k, v in store.counts().items() if k != "loads"} == \
        {k: v for k, v in counts.items() if k != "loads"}



def _tables_without_load_ids(store) -> dict[str, list[tuple]]:
    return {
        "posts": store.sql("SELECT * EXCLUDE (load_id) FROM posts ORDER BY post_id").fetchall(),
        "interactions": store.sql("SELECT * EXCLUDE (load_id) FROM interactions ORDER BY post_id").fetchall(),
        "accounts": store.sql("SELECT * FROM accounts ORDER BY account_id").fetchall(),
        "entities": store.sql("SELECT * EXCLUDE (load_id) FROM post_entities ORDER BY ALL").fetchall(),
    }


@pytest.fixture(autouse=True, params=["file", "lines"])
def read_path(request, monkeypatch):
    """Every test twice: files read by DuckDB's reader where they can be (reddit.parse_file, the default),
    and every file read line by line (reddit.parse)."""
    monkeypatch.setattr(reddit, "READS_FILE", request.param == "file")
    return request.param


def small_reads(monkeypatch, block_bytes: int) -> None:
    """Read a file in small pieces: blocks of ``block_bytes`` by lines, batches of 2 rows from DuckDB's reader."""
    from workbench.ingest import direct, staging

    monkeypatch.setattr(staging, "BLOCK_BYTES", block_bytes)
    monkeypatch.setattr(direct, "_BATCH_ROWS", 2)


@pytest.fixture
def statements(monkeypatch):
    """The named queries the loads of a test run, in order (to tell an appended load from a merged one)."""
    from workbench.ingest.context import StageContext

    names: list[str] = []
    run, run_over = StageContext.run, StageContext.run_over

    def spied_run(self, name, **params):
        names.append(name)
        return run(self, name, **params)

    def spied_run_over(self, name, table, table_name):
        names.append(name)
        return run_over(self, name, table, table_name)

    monkeypatch.setattr(StageContext, "run", spied_run)
    monkeypatch.setattr(StageContext, "run_over", spied_run_over)
    return names


def merged_throughout(monkeypatch, paths) -> wb.Store:
    """A workspace with ``paths`` loaded in order, each staged whole and merged (no load appends)."""
    monkeypatch.setattr(reddit, "APPENDS", False)
    try:
        store = wb.open(":memory:")
        for path in paths:
            wb.load(store, path)
        return store
    finally:
        monkeypatch.setattr(reddit, "APPENDS", True)


def test_an_id_twice_in_a_file_keeps_its_first_copy_in_a_first_load_too(tmp_path, monkeypatch, statements):
    """A first load of the platform appends its posts as it parses them; a file that holds an id
    twice (here in different blocks and writes) hands them back to the merge, which keeps the
    first copy: the same tables as the same file merged throughout."""
    from workbench.ingest import staging

    small_reads(monkeypatch, 300)
    monkeypatch.setattr(reddit, "_WRITE_ROWS", 3)  # the parsed rows written a few blocks at a time
    monkeypatch.setattr(staging, "ROW_GROUP_ROWS", 2)  # and gathered in row groups of 2 rows
    later_copies = [comment("c2", "mallory", "t3_s1", body="see https://example.org/x #later"),
                    submission("s1", "mallory", selftext="another question")]
    path = write_lines(tmp_path / "RC_twice.ndjson", [*THREAD, *later_copies])
    first = wb.open(":memory:")
    report = wb.load(first, path).files[0]
    assert "ingest.unappend_posts" in statements
    assert (report.new_posts, report.new_interactions, report.unresolved) == (len(THREAD), 4, 1)
    assert first.sql("SELECT author_id FROM posts WHERE post_id IN ('reddit:t1_c2', 'reddit:t3_s1') "
                     "ORDER BY post_id").fetchall() == [("reddit:bob",), ("reddit:op",)]
    merged = merged_throughout(monkeypatch, [path])
    assert _tables_without_load_ids(first) == _tables_without_load_ids(merged)


def test_an_author_in_several_writes_is_one_account_with_the_latest_times(tmp_path, monkeypatch, statements):
    """A load keeps the authors of its writes, folds them into one row each and stages them once:
    an author whose posts fall in several writes, out of time order, is seen at its newest post and was
    created at the time its posts give; the batches of a write are whole row groups (here 2 rows)."""
    from workbench.ingest import staging

    small_reads(monkeypatch, 250)
    monkeypatch.setattr(reddit, "_WRITE_ROWS", 3)
    monkeypatch.setattr(staging, "ROW_GROUP_ROWS", 2)
    monkeypatch.setattr(reddit, "_FOLD_ROWS", 2)  # the authors of the writes so far are folded into one table
    rows = [submission("s1", "op", created_utc=1_600_000_000),
            comment("c1", "alice", "t3_s1", created_utc=1_600_000_500, author_created_utc=1_500_000_000),
            comment("c2", "bob", "t1_c1", created_utc=1_600_000_100),
            comment("c3", "alice", "t1_c2", created_utc=1_600_000_200),  # alice's older post, in a later write
            comment("c4", "bob", "t1_c3", created_utc=1_600_000_900),
            comment("c5", "ALICE", "t1_c4", created_utc=1_600_000_300)]  # another account: names are as written
    path = write_lines(tmp_path / "RC_authors.ndjson", rows)
    store = wb.open(":memory:")
    wb.load(store, path)
    assert statements.count("ingest.reddit_append_posts") >= 2 and statements.count("ingest.reddit_stage_authors") == 1
    assert "ingest.reddit_fold_authors" in statements
    at = lambda seconds: datetime.fromtimestamp(seconds, timezone.utc)  # noqa: E731
    accounts = store.sql("SELECT account_id, handle, created_at, seen_at FROM accounts ORDER BY account_id").fetchall()
    assert accounts == [("reddit:ALICE", "ALICE", None, at(1_600_000_300)),
                        ("reddit:alice", "alice", at(1_500_000_000), at(1_600_000_500)),
                        ("reddit:bob", "bob", None, at(1_600_000_900)),
                        ("reddit:op", "op", None, at(1_600_000_000))]
    assert store.sql("SELECT count(*) FROM posts").fetchone()[0] == len(rows)


# Two months of one subreddit: the second month's comments reply to the first's (c3 -> c1) and to
# submissions of their own; a first-month comment (c5) replies to a submission that only the second
# month brings (s9), so either order leaves something for the later load to complete.
MONTH_1 = [submission("s1", "op"), comment("c1", "alice", "t3_s1"), comment("c2", "bob", "t1_c1"),
           comment("c5", "carol", "t3_s9", link="t3_s9"), comment("c6", "dave", "t1_c40", link="t3_s40")]
MONTH_2 = [submission("s9", "erin"), comment("c3", "erin", "t1_c1"), comment("c4", "[deleted]", "t3_s9", link="t3_s9"),
           comment("c7", "bob", "t1_c4", link="t3_s9"), comment("c8", "alice", "t3_s9", link="t3_s9"),
           comment("c9", "frank", "t1_c77", link="t3_s77")]


@pytest.mark.parametrize("order", [(0, 1), (1, 0)], ids=["in order", "second month first"])
def test_a_later_month_is_appended_and_gives_the_tables_of_a_merged_load(tmp_path, monkeypatch, statements, order):
    """A later load of the platform whose posts the workspace does not hold appends them as a first
    load does, in either order of the months: the same posts, interactions (across the months, both
    ways), accounts, unresolved counts and load ids as the months merged throughout."""
    from workbench.ingest import staging

    small_reads(monkeypatch, 200)
    monkeypatch.setattr(reddit, "_WRITE_ROWS", 2)
    monkeypatch.setattr(staging, "ROW_GROUP_ROWS", 2)  # and gathered in row groups of 2 rows
    months = [write_lines(tmp_path / "RC_1.ndjson", MONTH_1), write_lines(tmp_path / "RC_2.ndjson", MONTH_2)]
    paths = [months[i] for i in order]
    appended = wb.open(":memory:")
    reports = [wb.load(appended, path).files[0] for path in paths]
    assert "ingest.reddit_stage_posts" not in statements and "ingest.unappend_posts" not in statements
    assert statements.count("ingest.reddit_resolve_appended") == 1  # the later load only
    merged = merged_throughout(monkeypatch, paths)
    assert _tables_without_load_ids(appended) == _tables_without_load_ids(merged)
    for query in ("SELECT post_id, load_id FROM posts ORDER BY ALL", "SELECT post_id, load_id FROM interactions ORDER BY ALL"):
        assert appended.sql(query).fetchall() == merged.sql(query).fetchall()
    # by hand: alice -> op, bob -> alice (month 1); erin -> alice (c3 -> c1), alice -> erin (c8 -> s9),
    # carol -> erin (c5 -> s9, completed by month 2 whichever came first); c7 replies to a deleted author
    assert loaded_edges(appended) == {("reddit:t1_c1", "reddit:alice", "reddit:op"),
                                      ("reddit:t1_c2", "reddit:bob", "reddit:alice"),
                                      ("reddit:t1_c3", "reddit:erin", "reddit:alice"),
                                      ("reddit:t1_c8", "reddit:alice", "reddit:erin"),
                                      ("reddit:t1_c5", "reddit:carol", "reddit:erin")}
    merged_reports = {r.path: r for r in merged.sql("SELECT path, unresolved, interactions_loaded FROM loads")
                      .df().itertuples()}
    for report, path in zip(reports, paths):
        assert (report.unresolved, report.new_interactions) == \
            (merged_reports[str(path)].unresolved, merged_reports[str(path)].interactions_loaded)
    # in order: month 1 leaves c5 (s9 unknown) and c6, month 2 then c9 (c3's parent is known);
    # second month first: month 2 leaves c3 (c1 unknown) and c9 (c4 is deleted, c7's parent known), month 1 c6
    assert [r.unresolved for r in reports] == [2, 1]


def test_a_later_file_that_repeats_an_earlier_post_goes_back_to_the_merge(tmp_path, monkeypatch, statements):
    """A later dump that overlaps an earlier one after its first rows is appended, found to hold a known
    post id at the end (appended_posts_collide) and merged: the workspace's copy is kept and filled in."""
    from workbench.ingest import staging

    small_reads(monkeypatch, 200)
    monkeypatch.setattr(reddit, "_WRITE_ROWS", 2)
    monkeypatch.setattr(staging, "ROW_GROUP_ROWS", 2)  # and gathered in row groups of 2 rows
    overlap = [*MONTH_2, comment("c2", "bob", "t1_c1", score=40), submission("s1", "op", num_comments=9)]
    paths = [write_lines(tmp_path / "RC_1.ndjson", MONTH_1), write_lines(tmp_path / "RC_2b.ndjson", overlap)]
    store = wb.open(":memory:")
    reports = [wb.load(store, path).files[0] for path in paths]
    assert statements.count("ingest.reddit_append_posts") > 0 and statements.count("ingest.unappend_posts") == 1
    assert reports[1].new_posts == len(MONTH_2)
    merged = merged_throughout(monkeypatch, paths)
    assert _tables_without_load_ids(store) == _tables_without_load_ids(merged)
    # the first load's copies won; nothing of the second copies was written twice
    assert store.sql("SELECT like_count, reply_count FROM posts WHERE post_id IN ('reddit:t1_c2', 'reddit:t3_s1') "
                     "ORDER BY post_id").fetchall() == [(-2, None), (5, 2)]


def test_a_reload_and_a_dump_that_starts_like_a_loaded_one_are_merged_not_appended(tmp_path, monkeypatch, statements):
    """A later load whose first rows name known posts (a reload, an overlapping dump) is staged and merged
    from the start (reddit_ids_known), and a reload adds nothing."""
    path = write_lines(tmp_path / "RC_1.ndjson", MONTH_1)
    store = wb.open(":memory:")
    wb.load(store, path)
    counts = store.counts()
    copy = tmp_path / "copy.ndjson"
    copy.write_bytes(path.read_bytes())
    statements.clear()
    report = wb.load(store, copy).files[0]
    assert "ingest.reddit_ids_known" in statements and "ingest.reddit_append_posts" not in statements
    assert (report.new_posts, report.new_interactions) == (0, 0)
    assert {k: v for k, v in store.counts().items() if k != "loads"} == \
        {k: v for k, v in counts.items() if k != "loads"}


def test_a_post_id_an_edge_list_gave_this_platform_sends_a_later_load_to_the_merge(tmp_path, monkeypatch, statements):
    """An edge list loaded as platform reddit, with post ids, holds interactions whose post id a Reddit
    dump then brings: the dump's appended posts go back to the merge, which keeps the edge list's
    interaction and adds the comment's own (the same tables as merged throughout)."""
    from workbench.ingest import staging

    small_reads(monkeypatch, 200)
    monkeypatch.setattr(reddit, "_WRITE_ROWS", 2)
    monkeypatch.setattr(staging, "ROW_GROUP_ROWS", 2)  # and gathered in row groups of 2 rows
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target,kind,post_id\nzoe,alice,reply,t1_c8\n", encoding="utf-8")
    dump = write_lines(tmp_path / "RC_2.ndjson", MONTH_2)
    store = wb.open(":memory:")
    wb.load(store, edges, platform="reddit")
    wb.load(store, dump)
    assert "ingest.appended_posts_collide" in statements and "ingest.unappend_posts" in statements
    monkeypatch.setattr(reddit, "APPENDS", False)
    merged = wb.open(":memory:")
    wb.load(merged, edges, platform="reddit")
    wb.load(merged, dump)
    assert _tables_without_load_ids(store) == _tables_without_load_ids(merged)
    assert store.sql("SELECT source_id, target_id, kind FROM interactions WHERE post_id = 'reddit:t1_c8' "
                     "ORDER BY ALL").fetchall() == [("reddit:alice", "reddit:erin", "comment"),
                                                    ("reddit:zoe", "reddit:alice", "reply")]


def test_a_first_load_in_many_blocks_gives_the_tables_of_a_merged_load(tmp_path, monkeypatch):
    """The appended first load, parsed in many small blocks and written a few at a time, against the same file merged (loaded
    after another Reddit file, with appending off): the same posts, interactions, accounts, links and unresolved count."""
    from workbench.ingest import staging

    small_reads(monkeypatch, 300)
    monkeypatch.setattr(reddit, "_WRITE_ROWS", 3)  # the parsed rows written a few blocks at a time
    monkeypatch.setattr(staging, "ROW_GROUP_ROWS", 2)  # and gathered in row groups of 2 rows
    records = [*THREAD, comment("c10", "bob", "t1_c9", body="a link https://example.org/a and #tag")]
    path = write_lines(tmp_path / "RC_blocks.ndjson", records, extra_lines=["{not json\n"])
    first = wb.open(":memory:")
    report = wb.load(first, path).files[0]
    merged = wb.open(":memory:")
    wb.load(merged, write_lines(tmp_path / "RC_other.ndjson", [submission("s99", "zoe")]))
    monkeypatch.setattr(reddit, "APPENDS", False)
    again = wb.load(merged, path).files[0]
    assert (report.new_posts, report.new_interactions, report.unresolved, report.records_rejected) == \
        (again.new_posts, again.new_interactions, again.unresolved, again.records_rejected) == (len(records), 5, 1, 1)
    merged.sql("DELETE FROM posts WHERE post_id = 'reddit:t3_s99'")
    merged.sql("DELETE FROM accounts WHERE account_id = 'reddit:zoe'")
    assert _tables_without_load_ids(first) == _tables_without_load_ids(merged)
    assert first.sql("SELECT line_no, reason FROM rejects").fetchall() == [(len(records) + 1, "invalid JSON")]


BAD_LINES = [
    "{not json",                                              # line 3
    "[1, 2]",                                                 # line 4
    json.dumps({"author": "x", "subreddit": "t", "parent_id": "t3_s1", "link_id": "t3_s1"}),  # line 5
    json.dumps(comment("c7", "x", "t3_s1", created_utc="yesterday")),                      # line 6
    json.dumps(comment({"nested": 1}, "x", "t3_s1")),                                      # line 7
    json.dumps(comment("c8", "x", "t3_s1", created_utc=1e20)),                             # line 8
]


def bad_file(tmp_path):
    lines = [json.dumps(THREAD[0]), json.dumps(THREAD[1]), *BAD_LINES, "", json.dumps(THREAD[2])]
    path = tmp_path / "bad.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bad_lines_become_rejects_with_line_numbers(store, tmp_path):
    report = wb.load(store, bad_file(tmp_path), format="reddit")
    assert store.sql("SELECT line_no, reason FROM rejects ORDER BY line_no").fetchall() == [
        (3, "invalid JSON"),
        (4, "expected a JSON object, got an array"),
        (5, "missing id"),
        (6, 'created_utc is not a Unix time or ISO 8601 timestamp: "yesterday"'),
        (7, "id must be a string, got object"),
        (8, "created_utc is not a Unix time or ISO 8601 timestamp: 100000000000000000000.0"),
    ]
    assert store.scalar("SELECT raw FROM rejects WHERE line_no = 4") == "[1, 2]"
    assert (report.records_read, report.records_loaded, report.records_rejected) == (9, 3, 6)
    assert store.counts()["posts"] == 3


def test_strict_mode_loads_nothing(store, tmp_path):
    with pytest.raises(StrictModeError, match=r"bad\.ndjson line 3: invalid JSON"):
        wb.load(store, bad_file(tmp_path), format="reddit", strict=True)
    counts = store.counts()
    assert counts["posts"] == counts["accounts"] == counts["interactions"] == counts["rejects"] == 0


def test_string_and_float_created_utc_are_read(store, tmp_path):
    records = [submission("s1", "a", created_utc="1577836800"), submission("s2", "b", created_utc=1577836800.5)]
    wb.load(store, write_lines(tmp_path / "x.ndjson", records))
    times = [r[0] for r in store.sql("SELECT created_at FROM posts ORDER BY post_id").fetchall()]
    assert times == [datetime(2020, 1, 1, tzinfo=timezone.utc),
                     datetime(2020, 1, 1, 0, 0, 0, 500000, tzinfo=timezone.utc)]


def test_platform_override_prefixes_every_id(store, tmp_path):
    wb.load(store, write_lines(tmp_path / "x.ndjson", THREAD[:3]), platform="archive")
    assert store.sql("SELECT source_id, target_id, post_id, platform FROM interactions ORDER BY post_id").fetchall() == [
        ("archive:alice", "archive:op", "archive:t1_c1", "archive"),
        ("archive:bob", "archive:alice", "archive:t1_c2", "archive"),
    ]


# -- detection --------------------------------------------------------------------------------------

def detect(path):
    return detect_format(next(iter(expand(path))))


def test_detects_comments_and_submissions(tmp_path, shared_data):
    assert detect(write_lines(tmp_path / "c.ndjson", [THREAD[1]])) == "reddit"
    assert detect(write_lines(tmp_path / "s.ndjson", [THREAD[0]])) == "reddit"
    assert detect(shared_file(shared_data, COMMENTS, "RC_2005-12.zst")) == "reddit"
    assert detect(shared_file(shared_data, SUBMISSIONS, "RS_2019-10.zst")) == "reddit"


@pytest.mark.parametrize("record", [
    {"id": "1", "text": "a tweet", "author_id": "2"},
    {"subreddit": "x"},
    {"id": "1", "subreddit": "x"},
    ["id", "subreddit", "parent_id"],
])
def test_sniff_does_not_claim_other_records(record):
    from workbench.ingest.detect import Sample
    assert not reddit.sniff(Sample("x.json", json.dumps(record), record))


def test_reject_counts_match_a_plain_python_count(store, tmp_path):
    """A dump mixing good and bad lines: loaded + rejected = non-blank lines, counted by hand."""
    lines = [json.dumps(r) for r in THREAD] + BAD_LINES
    path = tmp_path / "mixed.ndjson"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = wb.load(store, path, format="reddit")
    assert report.records_loaded == len(THREAD)
    assert report.records_rejected == len(BAD_LINES)
    assert Counter(k for (k,) in store.sql("SELECT kind FROM posts").fetchall()) == {"post": 1, "comment": 9}


def test_sniff_claims_exactly_the_reddit_dumps_among_the_shared_files(shared_data):
    from workbench.ingest.detect import read_sample

    files = [p for p in sorted(shared_data.rglob("*")) if p.is_file() and p.name != "SOURCE.md"]
    claimed = {source.name for path in files for source in expand(path) if reddit.sniff(read_sample(source))}
    assert {name.rsplit("/", 1)[-1] for name in claimed} == {"RC_2005-12.zst", "RC_2006-01.zst", "RS_2019-10.zst"}


# -- property: cross-load resolution does not depend on how the records are split ------------------


@st.composite
def threads(draw):
    """Random submissions and comments; a comment's parent is an earlier record or a missing one."""
    authors = st.sampled_from(["ann", "Ben", "cy", "[deleted]", "AutoModerator"])
    records, fullnames = [], []
    for i in range(draw(st.integers(1, 14))):
        author = draw(authors)
        if not fullnames or draw(st.booleans()):
            records.append(submission(f"s{i}", author))
            fullnames.append(f"t3_s{i}")
        else:
            parent = draw(st.sampled_from(fullnames + ["t1_missing"]))
            records.append(comment(f"c{i}", author, parent))
            fullnames.append(f"t1_c{i}")
    first_file = draw(st.lists(st.booleans(), min_size=len(records), max_size=len(records)))
    return records, first_file


@pytest.mark.slow  # a few seconds: left out of make test-fast, run by make test
@settings(max_examples=25, deadline=None)
@given(case=threads())
def test_any_split_of_a_thread_into_two_loads_gives_the_same_interactions(case):
    records, in_first = case
    first = [r for r, keep in zip(records, in_first) if keep]
    second = [r for r, keep in zip(records, in_first) if not keep]
    with tempfile.TemporaryDirectory() as folder, wb.open(":memory:") as store:
        reports = [wb.load(store, write_lines(Path(folder) / f"part{index}.ndjson", part), format="reddit")
                   for index, part in enumerate((first, second)) if part]
        assert loaded_edges(store) == expected_comment_edges(records)
        assert store.counts()["posts"] == len(records)
        # the last load's unresolved: its comments by accounts whose parent is in neither file
        last = second or first
        known = {("t1_" if "parent_id" in r else "t3_") + r["id"] for r in records}
        assert reports[-1].unresolved == sum(1 for r in last if "parent_id" in r and r["parent_id"] not in known
                                             and r["author"].lower() not in EXCLUDED)
