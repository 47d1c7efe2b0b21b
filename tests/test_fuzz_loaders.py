"""Fuzzing the loaders with near-valid records (hypothesis).

For each format, a strategy starts from valid records (the builders of tests/bad_inputs/corpus_records.py),
then deletes fields, swaps values for ones of another type (numbers beyond BIGINT, unicode, quotes,
SQL, nested lists), reuses ids, and cuts or replaces whole lines. Whatever comes, a load must:

- either succeed with ``loaded + rejected == read`` and ``read`` equal to the records of the input
  (non-blank lines, messages of a document, data rows of a CSV), one ``rejects`` row per rejected
  record with a line inside the file,
- or raise a :class:`~workbench.WorkbenchError` and leave the canonical tables exactly as they were;

and afterwards the workspace must be valid (platform-qualified ids, known kinds, no NULL targets, no
duplicate interactions, no ``running`` load). Every third example also checks that a reload of the
same file changes nothing and that ``strict=True`` refuses a file with rejects, changing nothing.

Each format has one workspace for all its examples (opening one per example would cost most of the
time budget), so the invariants are stated on what one load adds, never on absolute counts.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import workbench as wb
from workbench.errors import StrictModeError, WorkbenchError

sys.path.insert(0, str(Path(__file__).resolve().parent / "bad_inputs"))
import corpus_records as mk

pytestmark = pytest.mark.slow  # property fuzzing, seconds per loader: run by make test, not make test-fast

FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
KINDS_OF_POSTS = {"post", "reply", "share", "quote", "comment"}
KINDS_OF_INTERACTIONS = {"reply", "mention", "share", "quote", "like", "follow", "comment", "reaction"}
CANONICAL = ("accounts", "posts", "interactions")
DOCUMENT_FORMATS = {"discord", "slack"}
DELETE = object()

# -- values that do not belong -------------------------------------------------------------------------
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
HOSTILE = st.sampled_from(["", " ", "0", "-1", "1e308", "null", "2024-02-30T00:00:00Z", "9999-12-31T23:59:59Z",
                           "0000-00-00", "'; DROP TABLE posts; --", "$platform", "\\u0000", "at://x", "did:plc:",
                           "t3_", "[deleted]", "ü@ü", "\u2028", "\x00", "a\"b", "1651485600000"])
WEIRD = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                  st.floats(allow_nan=False, allow_infinity=False), TEXT, HOSTILE,
                  st.lists(st.integers(min_value=0, max_value=9), max_size=2),
                  st.dictionaries(st.sampled_from(["id", "x", ""]), st.integers(), max_size=2))


def _apply(record: dict, changes) -> dict:
    """``record`` with each ``(path, value)`` of ``changes`` set (or deleted), creating nothing new above."""
    record = copy.deepcopy(record)
    for path, value in changes:
        node = record
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
            if not isinstance(node, dict):
                break
        else:
            if value is DELETE:
                node.pop(path[-1], None)
            else:
                node[path[-1]] = value
    return record


def near_valid(builder, paths: list[tuple[str, ...]], *, ids: int = 6):
    """Records from ``builder(i)`` (i small, so ids repeat) with up to three fields changed."""
    change = st.tuples(st.sampled_from(paths), st.one_of(st.just(DELETE), WEIRD))
    return st.builds(lambda i, changes: _apply(builder(i), changes),
                     st.integers(min_value=0, max_value=ids), st.lists(change, max_size=3))


def json_lines(records, *, ensure_ascii: bool = False):
    """Lines of JSON, some of them cut short, replaced by text, blank or repeated."""
    def render(pair):
        record, (how, cut) = pair
        text = json.dumps(record, ensure_ascii=ensure_ascii)
        if how == "cut":
            return text[: max(1, cut % len(text))]
        if how == "text":
            return "not json at all"
        if how == "blank":
            return "   "
        return text
    line_kind = st.tuples(st.sampled_from(["ok"] * 6 + ["cut", "text", "blank"]), st.integers(0, 10_000))
    return st.lists(st.tuples(records, line_kind), min_size=1, max_size=6).map(lambda pairs: [render(p) for p in pairs])


# -- the formats ----------------------------------------------------------------------------------------

def _tweet_v2(i: int) -> dict:
    tweet = mk.tweet_v2(i, text=f"@bird{71 + (i + 1) % 3} hi")
    tweet["entities"] = {"mentions": [{"start": 0, "end": 8, "username": f"bird{71 + (i + 1) % 3}",
                                       "id": str(71 + (i + 1) % 3)}]}
    if i % 2:
        tweet["referenced_tweets"] = [{"type": "replied_to", "id": str(7000 + i - 1)}]
        tweet["in_reply_to_user_id"] = str(71 + (i - 1) % 3)
    return tweet


def _tweet_v1(i: int) -> dict:
    tweet = mk.tweet_v1(i, text=f"@old{51 + (i + 1) % 3} hi")
    tweet["entities"] = {"user_mentions": [{"id_str": str(51 + (i + 1) % 3), "screen_name": f"old{51 + (i + 1) % 3}",
                                            "indices": [0, 6]}]}
    if i % 2:
        tweet["in_reply_to_status_id_str"] = str(5000 + i - 1)
        tweet["in_reply_to_user_id_str"] = str(51 + (i - 1) % 3)
    return tweet


def _reddit(i: int) -> dict:
    return mk.submission() if i == 0 else mk.comment(i, parent_id=f"t1_badc{i - 1}" if i > 1 else "t3_bads1")


def _mastodon(i: int) -> dict:
    status = mk.mastodon_status(i)
    if i % 2:
        other = mk.mastodon_status(i - 1)
        status["in_reply_to_id"] = other["id"]
        status["in_reply_to_account_id"] = other["account"]["id"]
        status["mentions"] = [{k: other["account"][k] for k in ("id", "username", "url", "acct")}]
    return status


def _bluesky(i: int) -> dict:
    post = mk.bluesky_post(i)
    if i % 2:
        parent = mk.bluesky_post(i - 1)["uri"]
        post["record"]["reply"] = {"parent": {"uri": parent, "cid": "c"}, "root": {"uri": parent, "cid": "c"}}
    return post


def _discord(i: int) -> dict:
    message = mk.discord_message(i)
    if i % 2:
        message["type"] = "Reply"
        message["reference"] = {"messageId": str(4100 + i - 1)}
    return message


TWEET_V2_PATHS = [("id",), ("author_id",), ("text",), ("created_at",), ("public_metrics",),
                  ("public_metrics", "like_count"), ("author",), ("author", "id"), ("author", "username"),
                  ("entities",), ("entities", "mentions"), ("referenced_tweets",), ("in_reply_to_user_id",),
                  ("conversation_id",), ("lang",)]
TWEET_V1_PATHS = [("id_str",), ("id",), ("user",), ("user", "id_str"), ("user", "screen_name"), ("text",),
                  ("created_at",), ("entities",), ("entities", "user_mentions"), ("in_reply_to_status_id_str",),
                  ("in_reply_to_user_id_str",), ("retweeted_status",), ("quoted_status",), ("favorite_count",)]
REDDIT_PATHS = [("id",), ("author",), ("subreddit",), ("parent_id",), ("link_id",), ("body",), ("created_utc",),
                ("score",), ("title",), ("selftext",), ("num_comments",)]
MASTODON_PATHS = [("id",), ("uri",), ("created_at",), ("account",), ("account", "acct"), ("account", "url"),
                  ("account", "username"), ("account", "id"), ("in_reply_to_id",), ("in_reply_to_account_id",),
                  ("reblog",), ("mentions",), ("content",), ("favourites_count",), ("quote",)]
BLUESKY_PATHS = [("uri",), ("author",), ("author", "did"), ("author", "handle"), ("record",),
                 ("record", "createdAt"), ("record", "text"), ("record", "reply"), ("record", "facets"),
                 ("likeCount",), ("indexedAt",), ("embed",)]
DISCORD_PATHS = [("id",), ("type",), ("timestamp",), ("content",), ("author",), ("author", "id"),
                 ("author", "name"), ("reference",), ("reference", "messageId"), ("mentions",), ("reactions",)]


def _nonblank(lines: list[str]) -> int:
    return sum(1 for line in lines if line.strip("\r \t"))


# -- one load, checked ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def workspaces():
    stores: dict[str, wb.Store] = {}
    yield stores
    for store in stores.values():
        store.close()


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


_counter = iter(range(10**9))


def _table_rows(store) -> dict[str, set]:
    return {t: set(store.sql(f"SELECT * FROM {t}").fetchall()) for t in CANONICAL}


def check_store_is_valid(store) -> None:
    """What every workspace must satisfy, whatever was loaded into it."""
    bad_accounts = store.scalar("SELECT count(*) FROM accounts WHERE account_id IS NULL "
                                "OR NOT starts_with(account_id, platform || ':') OR account_id = platform || ':'")
    assert bad_accounts == 0
    bad_posts = store.scalar(
        "SELECT count(*) FROM posts WHERE post_id IS NULL OR NOT starts_with(post_id, platform || ':') "
        "OR post_id = platform || ':' OR (author_id IS NOT NULL AND NOT starts_with(author_id, platform || ':')) "
        "OR NOT list_contains($kinds, kind)", {"kinds": sorted(KINDS_OF_POSTS)})
    assert bad_posts == 0
    bad_interactions = store.scalar(
        "SELECT count(*) FROM interactions WHERE source_id IS NULL OR target_id IS NULL "
        "OR NOT starts_with(source_id, platform || ':') OR NOT starts_with(target_id, platform || ':') "
        "OR NOT list_contains($kinds, kind)", {"kinds": sorted(KINDS_OF_INTERACTIONS)})
    assert bad_interactions == 0
    assert store.scalar("SELECT count(*) - count(DISTINCT (post_id, kind, source_id, target_id)) "
                        "FROM interactions") == 0
    assert store.scalar("SELECT count(*) FROM loads WHERE status NOT IN ('ok', 'failed')") == 0
    assert store.scalar("SELECT count(*) FROM loads WHERE status = 'ok' AND "
                        "records_loaded + records_rejected <> records_read") == 0
    assert store.scalar("SELECT count(*) FROM rejects WHERE load_id NOT IN "
                        "(SELECT load_id FROM loads WHERE status = 'ok')") == 0


def load_and_check(store, path: Path, fmt: str, *, records: int | None, lines: int) -> None:
    """Load ``path`` and assert the invariants of the module docstring."""
    before = _table_rows(store)
    try:
        report = wb.load(store, path, format=fmt, progress=False)
    except WorkbenchError:
        assert _table_rows(store) == before, "a failed load changed the canonical tables"
        assert store.scalar("SELECT count(*) FROM loads WHERE status = 'running'") == 0
        check_store_is_valid(store)
        return
    # any other exception propagates and fails the test: a loader must never raise anything else
    [file] = report.files
    assert file.records_loaded + file.records_rejected == file.records_read
    if records is not None:
        assert file.records_read == records
    load_id = file.load_id if file.load_id is not None else file.already_loaded_as
    # a line of JSON lines is one record however many reasons it got; in a document each rejected
    # element is a record of its own, though several may start on one line
    counted = "count(*)" if fmt in DOCUMENT_FORMATS else "count(DISTINCT (coalesce(path, ''), line_no))"
    rejected = store.sql(f"SELECT {counted}, min(line_no), max(line_no), "
                         "count(*) FILTER (WHERE coalesce(reason, '') = '') FROM rejects WHERE load_id = $id",
                         {"id": load_id}).fetchone()
    assert rejected[0] == file.records_rejected
    if rejected[0]:
        assert 1 <= rejected[1] and rejected[2] <= lines and rejected[3] == 0
    after = _table_rows(store)
    for table in CANONICAL:
        assert len(after[table]) >= len(before[table])
    assert len(after["posts"]) - len(before["posts"]) <= file.records_loaded + 10 * lines  # context posts aside
    check_store_is_valid(store)
    if next(_counter) % 3:
        return  # reloads cost as much as the load: every third example checks them

    again = wb.load(store, path, format=fmt, progress=False)
    assert _table_rows(store) == after, "reloading the same file changed the workspace"
    assert again.records_read == file.records_read and again.records_rejected == file.records_rejected
    if file.records_rejected:
        with pytest.raises(StrictModeError):
            wb.load(store, path, format=fmt, strict=True, progress=False)
        assert _table_rows(store) == after


def _store(workspaces, fmt: str):
    if fmt not in workspaces:
        workspaces[fmt] = wb.open(":memory:", settings={"threads": 1})  # tiny loads: threads cost more than they give
    return workspaces[fmt]


def _write(fuzz_dir: Path, suffix: str, data: str | bytes) -> Path:
    path = fuzz_dir / f"case{next(_counter)}{suffix}"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# -- JSON lines formats ---------------------------------------------------------------------------------
LINE_FORMATS = {
    "twitter-v2": near_valid(_tweet_v2, TWEET_V2_PATHS),
    "twitter-v1": near_valid(_tweet_v1, TWEET_V1_PATHS),
    "reddit": near_valid(_reddit, REDDIT_PATHS),
    "mastodon": near_valid(_mastodon, MASTODON_PATHS),
    "bluesky": near_valid(_bluesky, BLUESKY_PATHS),
}


def _lines_test(fmt: str):
    @FUZZ
    @given(lines=json_lines(LINE_FORMATS[fmt]), ascii_only=st.booleans())
    def test(workspaces, fuzz_dir, lines, ascii_only):
        text = "\n".join(lines) + "\n"
        if ascii_only:
            text = text.encode("ascii", "backslashreplace").decode("ascii")
        nonblank = _nonblank(lines)
        assume(nonblank > 0)
        path = _write(fuzz_dir, ".jsonl", text)
        load_and_check(_store(workspaces, fmt), path, fmt, records=nonblank, lines=len(lines))
    test.__name__ = f"test_fuzz_{fmt.replace('-', '_')}"
    return test


test_fuzz_twitter_v2 = _lines_test("twitter-v2")
test_fuzz_twitter_v1 = _lines_test("twitter-v1")
test_fuzz_reddit = _lines_test("reddit")
test_fuzz_mastodon_lines = _lines_test("mastodon")
test_fuzz_bluesky_lines = _lines_test("bluesky")


# -- documents ------------------------------------------------------------------------------------------
@FUZZ
@given(messages=st.lists(near_valid(_discord, DISCORD_PATHS), max_size=6), indent=st.sampled_from([None, 2]),
       cut=st.one_of(st.none(), st.integers(min_value=1, max_value=10_000)))
def test_fuzz_discord(workspaces, fuzz_dir, messages, indent, cut):
    text = json.dumps(mk.discord_export(messages), indent=indent, ensure_ascii=False)
    if cut is not None:
        text = text[: cut % len(text)] or "{"
    path = _write(fuzz_dir, ".json", text)
    # a whole document: its messages are the records; a cut document is one unreadable record
    records = len(messages) if cut is None else None
    load_and_check(_store(workspaces, "discord"), path, "discord", records=records, lines=text.count("\n") + 1)


SLACK_MESSAGE_PATHS = [("type",), ("user",), ("text",), ("ts",), ("thread_ts",), ("parent_user_id",),
                       ("reactions",), ("subtype",), ("bot_id",)]


def _slack_message(i: int) -> dict:
    message = {"type": "message", "user": f"UF{i % 3}", "text": f"hello <@UF{(i + 1) % 3}>",
               "ts": f"{1704103200 + i}.000100"}
    if i % 2:
        message["thread_ts"] = f"{1704103200 + i - 1}.000100"
        message["reactions"] = [{"name": "+1", "users": [f"UF{(i + 2) % 3}"], "count": 1}]
    return message


@FUZZ
@given(messages=st.lists(near_valid(_slack_message, SLACK_MESSAGE_PATHS), max_size=6),
       users=st.lists(near_valid(lambda i: {"id": f"UF{i % 3}", "name": f"user{i % 3}", "real_name": "U"},
                                 [("id",), ("name",), ("real_name",), ("profile",)], ids=3), max_size=3))
def test_fuzz_slack(workspaces, fuzz_dir, messages, users):
    folder = fuzz_dir / f"slack{next(_counter)}"
    (folder / "general").mkdir(parents=True)
    (folder / "users.json").write_text(json.dumps(users, indent=4, ensure_ascii=False), encoding="utf-8")
    (folder / "channels.json").write_text(json.dumps([{"id": "CF1", "name": "general"}]), encoding="utf-8")
    day = json.dumps(messages, indent=4, ensure_ascii=False)
    (folder / "general" / "2024-01-01.json").write_text(day, encoding="utf-8")
    load_and_check(_store(workspaces, "slack"), folder, "slack", records=len(messages) + len(users),
                   lines=max(day.count("\n"), json.dumps(users, indent=4).count("\n")) + 1)


# -- edge lists -----------------------------------------------------------------------------------------
CSV_FIELD = st.one_of(st.sampled_from(["ann", "bea", "cai", "", " ", "\"quoted, comma\"", "\"bad\"quote", "a;b",
                                       "reply", "RT", "retweet", "nope", "1651485600", "1651485600000",
                                       "2024-01-01T10:00:00Z", "24-01-01", "3", "0", "-2", "1.5", "100001"]),
                      st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"),
                              max_size=8))


@FUZZ
@given(header=st.sampled_from(["source,target", "source,target,kind,timestamp", "author,to,pubdate",
                               "src\tdst\tweight", "source;target;kind;weight;post_id"]),
       rows=st.lists(st.lists(CSV_FIELD, min_size=1, max_size=6), min_size=1, max_size=8))
def test_fuzz_edges_csv(workspaces, fuzz_dir, header, rows):
    delimiter = "\t" if "\t" in header else (";" if ";" in header else ",")
    lines = [header] + [delimiter.join(row) for row in rows]
    data_rows = _nonblank(lines[1:])
    assume(data_rows > 0)
    path = _write(fuzz_dir, ".csv", "\n".join(lines) + "\n")
    load_and_check(_store(workspaces, "edges-csv"), path, "edges-csv", records=data_rows, lines=len(lines))


# -- staging itself: line numbers, over-long lines, bad bytes, block boundaries --------------------------
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(specs=st.lists(st.tuples(st.sampled_from(["ok", "long", "nul", "latin1", "blank", "crlf"]),
                                st.integers(min_value=0, max_value=120)), min_size=1, max_size=30),
       block=st.integers(min_value=8, max_value=300))
def test_staging_numbers_and_rejects_lines_exactly(specs, block, tmp_path_factory, monkeypatch):
    """Whatever the block size, each line keeps its number; over-long, NUL and non-UTF-8 lines are rejects."""
    import minimal_format
    from workbench.ingest import formats, staging

    limit = 96
    monkeypatch.setattr(staging, "BLOCK_BYTES", block)
    monkeypatch.setattr(staging, "MAX_LINE_BYTES", limit)
    monkeypatch.setitem(formats.FORMATS, "mini", minimal_format)
    lines: list[bytes] = []
    expected: dict[int, str] = {}
    good: set[str] = set()
    for number, (kind, pad) in enumerate(specs, start=1):
        record = json.dumps({"mini": 1, "id": f"p{number}", "author": "a", "pad": "x" * pad}).encode()
        if kind == "blank":
            lines.append(b"  ")
            continue
        if kind == "nul":
            record = record.replace(b'"a"', b'"\x00"')
            expected[number] = f"a NUL byte at byte {record.index(0)} of the line (not text)"
        elif kind == "latin1":
            record = record.replace(b'"a"', b'"\xe9"')
            expected[number] = f"invalid UTF-8 at byte {record.index(0xE9)} of the line"
        elif kind == "long":
            record = json.dumps({"mini": 1, "id": f"p{number}", "pad": "y" * (limit + pad)}).encode()
        elif kind == "crlf":
            record += b"\r"
        content = len(record) - record.endswith(b"\r")
        if content > limit:  # too long wins over any other fault of the line
            expected[number] = (f"line too long: {content:,} bytes, more than the {limit:,} bytes one "
                                "record may have; not loaded")
        if number not in expected:
            good.add(f"mini:p{number}")
        lines.append(record)
    path = tmp_path_factory.mktemp("staging") / "x.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    with wb.open(":memory:") as store:
        try:
            report = wb.load(store, path, format="mini", progress=False)
        except WorkbenchError as error:  # nothing loadable: every line bad or blank
            assert not good, error
            return
        assert dict(store.sql("SELECT line_no, reason FROM rejects").fetchall()) == expected
        assert set(store.sql("SELECT post_id FROM posts").df()["post_id"]) == good
        assert (report.records_read, report.records_rejected) == (len(good) + len(expected), len(expected))
