"""The Twitter loaders: twitter-v2 (twarc2 pages, streaming pages, flattened tweets, twarc-csv) and
twitter-v1 (classic tweet lines, search responses, arrays).

Hand-written fixtures state every expected row; the real files of the test data are checked against
their SOURCE.md counts and against plain-Python computations over the raw JSON (`_reference_v2`),
written from the loader's documented rules independently of the SQL.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workbench as wb
from workbench.errors import StrictModeError
from workbench.ingest import twitter_v1, twitter_v2
from workbench.ingest.detect import Sample

import twarc_csv_rows
from conftest import shared_file

TWARC = "twitter_v2_twarc_csv_testdata"
# The tweet files of the twarc-csv test data (SOURCE.md): all but counts, users, lists, compliance, empty.
NOT_TWEETS = {"counts.jsonl", "users.jsonl", "lists.jsonl", "tweets_compliance.jsonl", "users_compliance.jsonl"}


# -- fixture builders ---------------------------------------------------------------------------------
USERS = {"1": "alice", "2": "bob", "3": "carol", "4": "dave"}
IDS = {handle: uid for uid, handle in USERS.items()}


def _user(uid: str, followers: int = 10) -> dict:
    return {"id": uid, "username": USERS[uid], "name": USERS[uid].title(), "created_at": "2015-01-01T00:00:00.000Z",
            "public_metrics": {"followers_count": followers, "following_count": 5, "tweet_count": 100,
                               "listed_count": 0}}


def _tweet(tid: str, author: str, text: str, *, refs=(), reply_to: str | None = None, urls=(),
           known=IDS, created="2022-03-07T10:00:00.000Z", metrics=(1, 2, 3, 4)) -> dict:
    """An API v2 tweet; mention entities as the API makes them (ids for the accounts in ``known``)."""
    mentions = []
    for m in re.finditer(r"@(\w+)", text):
        mention = {"start": m.start(), "end": m.end(), "username": m.group(1)}
        if m.group(1) in known:
            mention["id"] = known[m.group(1)]
        mentions.append(mention)
    tweet = {"id": tid, "author_id": author, "text": text, "created_at": created, "conversation_id": tid,
             "lang": "en", "public_metrics": dict(zip(("like_count", "retweet_count", "reply_count", "quote_count"),
                                                       metrics))}
    if refs:
        tweet["referenced_tweets"] = [{"type": kind, "id": ref} for kind, ref in refs]
    if reply_to:
        tweet["in_reply_to_user_id"] = reply_to
    entities = {}
    if mentions:
        entities["mentions"] = mentions
    if urls:
        entities["urls"] = [{"start": 0, "end": 1, "url": "https://t.co/x", "expanded_url": u} for u in urls]
    if entities:
        tweet["entities"] = entities
    return tweet


T100 = _tweet("100", "1", "hello @bob", metrics=(7, 5, 1, 0))
PAGE_DATA = [
    T100,
    _tweet("101", "2", "@alice @carol thanks @dave", refs=[("replied_to", "100")], reply_to="1"),
    _tweet("102", "3", "RT @alice: hello @bob", refs=[("retweeted", "100")], metrics=(0, 5, 0, 0)),
    _tweet("103", "4", "so true https://t.co/q", refs=[("quoted", "200")]),
    # a retweet of a tweet that is not in includes, whose "RT @dave" mention has no id: by handle
    _tweet("104", "1", "RT @dave: old news", refs=[("retweeted", "300")], known={}),
    # a quote of a tweet not in includes, linked by an unknown handle, and a mention of an unknown handle
    _tweet("105", "2", "look @ghost https://t.co/z", refs=[("quoted", "400")],
           urls=["https://twitter.com/zed/status/400"]),
    _tweet("106", "3", "@bob hi again"),  # not a reply: its leading @handle is a real mention
]
CONTEXT = [T100, _tweet("200", "3", "original take", created="2022-03-01T09:00:00.000Z", metrics=(9, 9, 9, 9))]
RETRIEVED = "2022-03-08T00:00:00+00:00"
EXPECTED = {  # (post, kind, source, target), native ids
    ("100", "mention", "1", "2"),
    ("101", "reply", "2", "1"), ("101", "mention", "2", "4"),
    ("102", "share", "3", "1"), ("102", "mention", "3", "2"),
    ("103", "quote", "4", "3"),
    ("104", "share", "1", "4"),
    ("106", "mention", "3", "2"),
    ("105", "mention", "2", "@ghost"),  # a mention without an id of a handle no account has: by handle
}
EXPECTED_UNRESOLVED = 1  # T105: the quote of an unknown @zed
EXPECTED_KINDS = {"100": "post", "101": "reply", "102": "share", "103": "quote", "104": "share",
                  "105": "quote", "106": "post", "200": "post"}


def _page(data, context=CONTEXT) -> dict:
    return {"data": data, "includes": {"users": [_user(u) for u in USERS], "tweets": context},
            "meta": {"result_count": len(data)}, "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all",
                                                            "version": "2.12.0", "retrieved_at": RETRIEVED}}


def _flatten(page: dict) -> list[dict]:
    """twarc2-flatten the page: one tweet a line with author, users and referenced tweets inlined."""
    users = {u["id"]: u for u in page["includes"]["users"]}
    tweets = {t["id"]: t for t in page["includes"]["tweets"]}
    lines = []
    for tweet in page["data"]:
        flat = json.loads(json.dumps(tweet))
        flat["author"] = users[tweet["author_id"]]
        if "in_reply_to_user_id" in tweet:
            flat["in_reply_to_user"] = users[tweet["in_reply_to_user_id"]]
        for mention in flat.get("entities", {}).get("mentions", []):
            mention.update(users.get(mention.get("id"), {}))
        refs = []
        for ref in tweet.get("referenced_tweets", []):
            if ref["id"] in tweets:
                full = dict(tweets[ref["id"]], type=ref["type"])
                full["author"] = users[full["author_id"]]
                refs.append(full)
            else:
                refs.append(ref)
        if refs:
            flat["referenced_tweets"] = refs
        flat["__twarc"] = page["__twarc"]
        lines.append(flat)
    return lines


def _write_lines(path: Path, records) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), encoding="utf-8")
    return path


def _native(qualified: str) -> str:
    platform, native = qualified.split(":", 1)
    assert platform == "twitter"
    return native


def _interactions(store) -> set[tuple[str, str, str, str]]:
    """(post, kind, source, target) with native ids."""
    rows = store.sql("SELECT post_id, kind, source_id, target_id FROM interactions").fetchall()
    return {(_native(p), k, _native(s), _native(t)) for p, k, s, t in rows}


def _kinds(store) -> dict[str, str]:
    return {_native(p): k for p, k in store.sql("SELECT post_id, kind FROM posts").fetchall()}


# -- twitter-v2: the three JSON layouts ------------------------------------------------------------------
@pytest.mark.parametrize("layout", ["pages", "flattened", "streaming"])
def test_v2_layouts_give_the_same_rows(store, tmp_path, layout):
    page = _page(PAGE_DATA)
    if layout == "pages":
        records = [page]
    elif layout == "flattened":
        records = _flatten(page)
    else:  # the filtered stream: one tweet object in `data`, with its own includes
        records = [{**_page([t]), "data": t, "matching_rules": [{"id": "1", "tag": "x"}]} for t in PAGE_DATA]
    path = _write_lines(tmp_path / "tweets.jsonl", records)
    report = wb.load(store, path)
    assert report.files[0].format == "twitter-v2"
    assert report.records_read == 7 and report.records_loaded == 7 and report.records_rejected == 0
    assert _interactions(store) == EXPECTED
    assert report.unresolved == EXPECTED_UNRESOLVED
    assert _kinds(store) == EXPECTED_KINDS
    collected = dict(store.sql("SELECT post_id, collected FROM posts").fetchall())
    assert collected["twitter:200"] is False and collected["twitter:100"] is True
    assert store.scalar("SELECT count(*) FROM accounts") == 5  # users 1-4 and twitter:@ghost
    # the reply's parent; a share's counters are the original's, stored as given
    row = store.sql("SELECT parent_post_id, kind FROM posts WHERE post_id = 'twitter:101'").fetchone()
    assert row == ("twitter:100", "reply")
    row = store.sql("SELECT like_count, share_count FROM posts WHERE post_id = 'twitter:102'").fetchone()
    assert row == (0, 5)
    # the context tweet carries its counters, the author its observed counters and retrieval time
    row = store.sql("SELECT like_count, author_id FROM posts WHERE post_id = 'twitter:200'").fetchone()
    assert row == (9, "twitter:3")
    row = store.sql("SELECT handle, followers, seen_at FROM accounts WHERE account_id = 'twitter:1'").fetchone()
    assert row[:2] == ("alice", 10) and row[2].isoformat() == "2022-03-08T00:00:00+00:00"


def test_v2_flattened_after_pages_adds_nothing(store, tmp_path):
    page = _page(PAGE_DATA)
    wb.load(store, _write_lines(tmp_path / "pages.jsonl", [page]))
    before = store.counts()
    report = wb.load(store, _write_lines(tmp_path / "flat.jsonl", _flatten(page)))
    assert (report.new_accounts, report.new_posts, report.new_interactions) == (0, 0, 0)
    assert store.counts()["interactions"] == before["interactions"]


def test_v2_flattened_plain_tweet_keeps_its_authors_counters(store, tmp_path):
    # a flattened tweet that references nothing: its author object is the only place its counters are
    page = _page([_tweet("900", "1", "just a post")], context=[])
    wb.load(store, _write_lines(tmp_path / "flat.jsonl", _flatten(page)))
    row = store.sql("SELECT handle, followers, following, posts_count FROM accounts "
                    "WHERE account_id = 'twitter:1'").fetchone()
    assert row == ("alice", 10, 5, 100)


def test_v2_accounts_keep_the_newest_counters(store, tmp_path):
    old = _page(PAGE_DATA[:1])
    new = json.loads(json.dumps(old))
    new["__twarc"]["retrieved_at"] = "2022-04-01T00:00:00+00:00"
    new["includes"]["users"][0]["public_metrics"]["followers_count"] = 99
    wb.load(store, _write_lines(tmp_path / "new.jsonl", [new]))
    wb.load(store, _write_lines(tmp_path / "old.jsonl", [old]))
    assert store.scalar("SELECT followers FROM accounts WHERE account_id = 'twitter:1'") == 99


def test_v2_reload_is_idempotent(store, tmp_path):
    path = _write_lines(tmp_path / "tweets.jsonl", [_page(PAGE_DATA)])
    first = wb.load(store, path)
    counts = store.counts()
    again = wb.load(store, path)
    assert again.files[0].already_loaded_as == first.files[0].load_id
    assert (again.new_accounts, again.new_posts, again.new_interactions) == (0, 0, 0)
    assert store.counts() == counts


def test_v2_bad_lines_become_rejects_with_their_line_numbers(store, tmp_path):
    good = _page(PAGE_DATA)
    lines = [good, '{"data": [{"id": "9", "text": "cut', "", "[1, 2]",
             {"data": [{"text": "no id", "author_id": "1"}]}, {"meta": {"result_count": 0}}]
    path = _write_lines(tmp_path / "tweets.jsonl", lines)
    report = wb.load(store, path)
    rejects = store.sql("SELECT line_no, reason FROM rejects ORDER BY line_no").fetchall()
    assert [line for line, _ in rejects] == [2, 4, 5]  # line 3 is blank; line 6 is an empty page
    assert rejects[0][1].startswith("invalid JSON")
    assert rejects[1][1].startswith("expected a JSON object")
    assert rejects[2][1] == 'a tweet without an "id"'
    assert (report.records_read, report.records_loaded, report.records_rejected) == (10, 7, 3)
    raw = store.scalar("SELECT raw FROM rejects WHERE line_no = 2")
    assert raw == '{"data": [{"id": "9", "text": "cut'
    # a page that parses but holds a tweet that cannot be loaded keeps its text too
    assert store.scalar("SELECT raw FROM rejects WHERE line_no = 5") == json.dumps(lines[4])


def test_v2_strict_mode_loads_nothing(store, tmp_path):
    path = _write_lines(tmp_path / "tweets.jsonl", [_page(PAGE_DATA), "{not json"])
    with pytest.raises(StrictModeError, match="line 2: invalid JSON"):
        wb.load(store, path, strict=True)
    counts = store.counts()
    assert counts["posts"] == counts["accounts"] == counts["interactions"] == counts["rejects"] == 0


def test_v2_users_page_loads_accounts(store, tmp_path):
    page = {"data": [_user("1", followers=50), _user("2")], "includes": {"tweets": [CONTEXT[1]]},
            "__twarc": {"retrieved_at": RETRIEVED}}
    report = wb.load(store, _write_lines(tmp_path / "users.jsonl", [page]))
    assert report.records_loaded == 2
    assert store.scalar("SELECT followers FROM accounts WHERE handle = 'alice'") == 50
    assert store.scalar("SELECT count(*) FROM posts WHERE collected") == 0


# -- twitter-v2: twarc-csv -------------------------------------------------------------------------------
def test_v2_twarc_csv(store, tmp_path):
    rows = twarc_csv_rows.ROWS + [
        {"id": "13", "author_id": "2", "created_at": "2021-04-08T13:00:00.000Z", "text": "look",
         "referenced_tweets.quoted.id": "10", "quoted_user_id": "1", "quoted_username": "alice",
         "author.id": "2", "author.username": "bob"}]
    path = twarc_csv_rows.write(tmp_path / "tweets.csv", rows, raw_tail="14,14,\n")  # too few fields
    report = wb.load(store, path)
    assert report.files[0].format == "twitter-v2"
    assert (report.records_read, report.records_loaded, report.records_rejected) == (5, 4, 1)
    assert store.sql("SELECT line_no, reason FROM rejects").fetchall() == [
        (6, f"expected {len(twarc_csv_rows.COLUMNS)} fields as in the header, got 3")]
    assert _interactions(store) == {("10", "mention", "1", "2"), ("11", "reply", "2", "1"),
                                    ("11", "mention", "2", "@dave"),
                                    ("12", "share", "3", "1"), ("12", "mention", "3", "2"),
                                    ("13", "quote", "2", "1")}
    # @dave: no id in the CSV and no account with that handle, so the mention targets twitter:@dave
    assert report.unresolved == 0
    assert store.scalar("SELECT handle FROM accounts WHERE account_id = 'twitter:@dave'") == "dave"
    text, likes, shares = store.sql(
        "SELECT text, like_count, share_count FROM posts WHERE post_id = 'twitter:10'").fetchone()
    assert text == 'hi @bob, "quoted"\nsecond line' and (likes, shares) == (5, 2)
    assert store.sql("SELECT display_name, followers FROM accounts WHERE account_id = 'twitter:1'").fetchone() == (
        "Alice, A.", 100)


# -- twitter-v1 -----------------------------------------------------------------------------------------------
def _v1_user(uid: str) -> dict:
    return {"id": int(uid), "id_str": uid, "screen_name": f"u{uid}name", "name": f"U {uid}",
            "followers_count": int(uid) * 10, "friends_count": 3, "statuses_count": 50,
            "created_at": "Mon Jan 05 10:00:00 +0000 2015"}


def _v1_tweet(tid: str, uid: str, text: str, *, mention_ids=(), **extra) -> dict:
    mentions = []
    for m, mid in zip(re.finditer(r"@(\w+)", text), mention_ids):
        mentions.append({"screen_name": m.group(1), "id": int(mid), "id_str": mid, "indices": [m.start(), m.end()]})
    return {"created_at": "Fri Jan 22 05:00:06 +0000 2016", "id": int(tid), "id_str": tid, "text": text,
            "user": _v1_user(uid), "entities": {"user_mentions": mentions, "urls": [], "hashtags": []},
            "retweet_count": 0, "favorite_count": 2, "lang": "nl", **extra}


V1_500 = _v1_tweet("500", "10", "hello @u11name", mention_ids=["11"])
V1_TWEETS = [
    V1_500,
    _v1_tweet("501", "11", "@u10name @u12name sure @u13name", mention_ids=["10", "12", "13"],
              in_reply_to_status_id_str="500", in_reply_to_user_id_str="10", in_reply_to_screen_name="u10name"),
    _v1_tweet("502", "12", "RT @u10name: hello @u11name", mention_ids=["10", "11"], retweeted_status=V1_500),
    _v1_tweet("503", "13", "agreed https://t.co/x", quoted_status_id_str="600", is_quote_status=True,
              quoted_status=_v1_tweet("600", "14", "the original")),
]
V1_EXPECTED = {("500", "mention", "10", "11"), ("501", "reply", "11", "10"), ("501", "mention", "11", "13"),
               ("502", "share", "12", "10"), ("502", "mention", "12", "11"), ("503", "quote", "13", "14")}


def test_v1_lines_with_control_messages_and_a_bad_line(store, tmp_path):
    lines = V1_TWEETS + [{"delete": {"status": {"id_str": "1"}}}, "", '{"id_str": "7", "te',
                         {"limit": {"track": 5}}]
    path = tmp_path / "stream.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in lines))
    report = wb.load(store, path)
    assert report.files[0].format == "twitter-v1"
    assert (report.records_read, report.records_loaded, report.records_rejected) == (7, 4, 3)
    rejects = store.sql("SELECT line_no, reason FROM rejects ORDER BY line_no").fetchall()
    assert rejects == [(5, 'a stream "delete" notice, not a tweet'),
                       (7, "invalid JSON (a truncated or malformed line)"),
                       (8, 'a stream "limit" notice, not a tweet')]
    assert _interactions(store) == V1_EXPECTED
    assert report.unresolved == 0
    assert _kinds(store) == {"500": "post", "501": "reply", "502": "share", "503": "quote", "600": "post"}
    assert dict(store.sql("SELECT post_id, collected FROM posts").fetchall())["twitter:600"] is False
    row = store.sql("SELECT created_at, like_count, parent_post_id FROM posts WHERE post_id = 'twitter:501'").fetchone()
    assert row[0].isoformat() == "2016-01-22T05:00:06+00:00" and row[1:] == (2, "twitter:500")
    accounts = dict(store.sql("SELECT handle, followers FROM accounts").fetchall())
    assert accounts == {"u10name": 100, "u11name": 110, "u12name": 120, "u13name": 130, "u14name": 140}


@pytest.mark.parametrize("shape", ["pretty search response", "compact search response", "array"])
def test_v1_search_responses_and_arrays(store, tmp_path, shape):
    if shape == "array":
        text = json.dumps(V1_TWEETS) + "\n"
    else:
        response = {"statuses": V1_TWEETS, "search_metadata": {"count": 4, "query": "x"}}
        text = json.dumps(response, indent=2 if shape.startswith("pretty") else None) + "\n"
    path = tmp_path / "search.json"
    path.write_text(text, encoding="utf-8")
    sample = Sample("search.json", text, json.loads(text))
    assert twitter_v1.layout(sample) == ("document" if shape.startswith("pretty") else "lines")
    report = wb.load(store, path)
    assert report.files[0].format == "twitter-v1"
    assert (report.records_read, report.records_loaded) == (4, 4)
    assert _interactions(store) == V1_EXPECTED


# -- detection ---------------------------------------------------------------------------------------------
def _sample(text: str, name: str = "f.jsonl") -> Sample:
    first = None
    line = text.split("\n", 1)[0]
    for candidate in (line, text):
        try:
            first = json.loads(candidate)
            break
        except ValueError:
            pass
    return Sample(name, text, first)


def test_detection_claims_each_variant_and_nothing_else():
    page = json.dumps(_page(PAGE_DATA))
    flat = json.dumps(_flatten(_page(PAGE_DATA))[0])
    header = ",".join(twarc_csv_rows.COLUMNS)
    v1 = json.dumps(V1_TWEETS[0])
    search = json.dumps({"statuses": V1_TWEETS, "search_metadata": {}}, indent=2)
    for text in (page, flat, header + "\n1,1", page[: len(page) // 2]):  # a long first line: cut sample
        assert twitter_v2.sniff(_sample(text)), text[:40]
        assert not twitter_v1.sniff(_sample(text)), text[:40]
    for text in (v1, search, search[:300], json.dumps(V1_TWEETS)):
        assert twitter_v1.sniff(_sample(text)), text[:40]
        assert not twitter_v2.sniff(_sample(text)), text[:40]
    others = [
        '{"id": "c1", "author": "spez", "parent_id": "t3_a", "link_id": "t3_a", "subreddit": "x", "body": "hi"}',
        '{"id": "1", "account": {"acct": "a@b.c"}, "reblog": null, "content": "<p>x</p>"}',
        '{"uri": "at://did:plc:x/app.bsky.feed.post/1", "author": {"did": "did:plc:x"}}',
        '{"guild": {"id": "1"}, "channel": {"id": "2"}, "messages": []}',
        "source,target,kind\na,b,mention",
        '{"id": "1170025343920402432", "action": "delete", "created_at": "2019-09-06T17:25:54.667Z"}',
    ]
    for text in others:
        assert not twitter_v2.sniff(_sample(text)), text
        assert not twitter_v1.sniff(_sample(text)), text


# -- invariants ----------------------------------------------------------------------------------------------
@pytest.mark.slow  # a few seconds: left out of make test-fast, run by make test
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(leading=st.lists(st.sampled_from(sorted(IDS)), max_size=3),
       later=st.lists(st.sampled_from(sorted(IDS)), max_size=3),
       is_reply=st.booleans())
def test_auto_mentions_are_exactly_a_replys_leading_handles(tmp_path, leading, later, is_reply):
    """A reply's leading @handles never become mentions; every handle after them does, once."""
    text = "".join(f"@{h} " for h in leading) + "well " + " ".join(f"@{h}" for h in later)
    tweet = _tweet("900", "2", text, refs=[("replied_to", "100")] if is_reply else (),
                   reply_to="1" if is_reply else None)
    path = _write_lines(tmp_path / f"t{abs(hash((tuple(leading), tuple(later), is_reply)))}.jsonl",
                        [_page([tweet], context=[T100])])
    with wb.open(":memory:") as workspace:
        wb.load(workspace, path)
        got = {(k, t) for _, k, _, t in _interactions(workspace)}
    mentioned = set(later) if is_reply else set(leading) | set(later)
    expected = {("mention", IDS[h]) for h in mentioned} | ({("reply", "1")} if is_reply else set())
    assert got == expected


# -- real data (shared_data) ---------------------------------------------------------------------------------
def _page_parts(obj: dict):
    """(collected tweets, context tweets, user objects) of one twarc2 line, in plain Python."""
    if "data" in obj:
        data = obj["data"] if isinstance(obj["data"], list) else [obj["data"]]
        includes = obj.get("includes", {})
        return data, includes.get("tweets", []), includes.get("users", [])
    context = [r for r in obj.get("referenced_tweets", []) if "author_id" in r]
    users = [obj["author"]] + [obj[k] for k in ("in_reply_to_user",) if k in obj]
    users += [r["author"] for r in context if "author" in r]
    users += [m for m in obj.get("entities", {}).get("mentions", []) if "public_metrics" in m]
    return [obj], context, users


def _reference_v2(paths: list[Path]) -> tuple[set, int]:
    """Interactions and unresolved count of twarc2 files loaded in this order, by the loader's documented rules.

    Targets: the id the tweet names (in_reply_to_user_id, the "RT @x:" mention's id, a mention's id),
    else the author of the referenced tweet (any tweet seen so far), else the account whose handle is
    named ("RT @x", a quoted tweet's twitter.com/<handle>/status/<id> link, a mention); a mention of a
    handle that no id is known for targets the account ``@<handle>``.
    """
    authors: dict[str, str] = {}
    handles: dict[str, str] = {}
    links: set = set()
    unresolved = 0
    for path in paths:
        tweets: dict[str, dict] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            data, context, users = _page_parts(obj)
            for user in users:
                handles[user["username"].lower()] = user["id"]
            for tweet in data + context:
                authors[tweet["id"]] = tweet["author_id"]
            for tweet in data:
                tweets.setdefault(tweet["id"], tweet)
                for m in tweet.get("entities", {}).get("mentions", []):
                    if "id" in m:
                        handles.setdefault(m["username"].lower(), m["id"])
        missing = set()
        for tweet in tweets.values():
            refs = {r["type"]: r["id"] for r in tweet.get("referenced_tweets", [])}
            text, author = tweet["text"], tweet["author_id"]
            mentions = tweet.get("entities", {}).get("mentions", [])

            def link(kind, target, key, tweet=tweet, author=author, missing=missing):
                if target:
                    links.add((tweet["id"], kind, author, target))
                else:
                    missing.add((tweet["id"], kind, key))

            auto_end = 0
            if "retweeted" in refs:
                rt = re.match(r"RT @(\w+):?", text, re.ASCII)
                handle = rt.group(1) if rt else None
                named = next((m.get("id") for m in mentions if handle and m["username"].lower() == handle.lower()), None)
                link("share", named or authors.get(refs["retweeted"]) or handles.get((handle or "").lower()),
                     refs["retweeted"])
                auto_end = rt.end() if rt else 0
            else:
                if "replied_to" in refs or tweet.get("in_reply_to_user_id"):
                    link("reply", tweet.get("in_reply_to_user_id") or authors.get(refs.get("replied_to")),
                         refs.get("replied_to"))
                    auto_end = re.match(r"(?:@\w+\s*)*", text, re.ASCII).end()
                if "quoted" in refs:
                    handle = None
                    for url in tweet.get("entities", {}).get("urls", []):
                        m = re.match(r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(\w+)/status(?:es)?/(\d+)",
                                     url.get("expanded_url") or "", re.ASCII | re.IGNORECASE)
                        if m and m.group(2) == refs["quoted"] and m.group(1).lower() != "i":
                            handle = m.group(1)
                            break
                    link("quote", authors.get(refs["quoted"]) or handles.get((handle or "").lower()), refs["quoted"])
            for m in mentions:
                if m["start"] >= auto_end:  # a handle known by no id: the account "@<handle>"
                    link("mention", m.get("id") or handles.get(m["username"].lower()) or "@" + m["username"].lower(),
                         m["username"].lower())
        unresolved += len(missing)
    return links, unresolved


def _twarc_tweet_files(shared: Path) -> list[Path]:
    folder = shared_file(shared, TWARC)
    return sorted(p for p in folder.glob("*.jsonl") if p.name not in NOT_TWEETS)


@pytest.fixture(scope="module")
def twarc_workspace(shared_data):
    files = _twarc_tweet_files(shared_data)
    store = wb.open(":memory:")
    reports = [wb.load(store, path) for path in files]
    yield store, files, reports
    store.close()


def test_twarc_testdata_tweets_authors_and_references(twarc_workspace):
    store, files, reports = twarc_workspace
    assert {r.files[0].format for r in reports} == {"twitter-v2"}
    assert store.scalar("SELECT count(*) FROM posts WHERE collected") == 1109
    assert store.scalar("SELECT count(DISTINCT author_id) FROM posts WHERE collected") == 831
    # referenced tweets of the collected tweets, counted over the raw files
    refs = Counter()
    seen = set()
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                data, _, _ = _page_parts(json.loads(line))
            except ValueError:
                continue
            for tweet in data:
                if tweet["id"] not in seen:
                    seen.add(tweet["id"])
                    refs.update(r["type"] for r in tweet.get("referenced_tweets", []))
    assert refs == {"retweeted": 633, "replied_to": 199, "quoted": 55}
    kinds = dict(store.sql("SELECT kind, count(*) FROM posts WHERE collected GROUP BY kind").fetchall())
    assert kinds["share"] == 633
    assert store.scalar("SELECT count(*) FROM posts WHERE collected AND parent_post_id IS NOT NULL") == 199


def test_twarc_testdata_interactions_match_the_reference(twarc_workspace):
    store, files, reports = twarc_workspace
    links, unresolved = _reference_v2(files)
    assert _interactions(store) == {(p, k, s, t) for p, k, s, t in links}
    assert sum(r.unresolved for r in reports) == unresolved
    assert int(store.scalar("SELECT sum(unresolved) FROM loads")) == unresolved


def test_twarc_flat_adds_nothing_to_noflat(shared_data):
    folder = shared_file(shared_data, TWARC)
    with wb.open(":memory:") as store:
        wb.load(store, folder / "noflat.jsonl")
        report = wb.load(store, folder / "flat.jsonl")
        assert (report.new_accounts, report.new_posts, report.new_interactions) == (0, 0, 0)
        assert store.scalar("SELECT count(*) FROM posts WHERE collected") == 100


def test_twarc_withheld_resolves_by_handle_and_counts_the_rest(shared_data):
    path = shared_file(shared_data, TWARC, "withheld.jsonl")
    with wb.open(":memory:") as store:
        report = wb.load(store, path)
        links, unresolved = _reference_v2([path])
        # 9 retweets of tweets absent from includes whose author's handle is unknown too
        # (5x @climatemorgan, 2x @WEP_UK, @mkverma_npc); the 13 mentions of handles without an id
        # (6x @AstraZeneca, 2x @JioCare, 2x @jagograhakjago, 2x @RelianceDigital, @UNIDO_India) target
        # the accounts twitter:@<handle>
        assert unresolved == 9
        assert report.unresolved == 9
        by_handle = dict(store.sql("SELECT a.handle, count(*) FROM interactions AS i JOIN accounts AS a "
                                   "ON a.account_id = i.target_id WHERE starts_with(i.target_id, 'twitter:@') "
                                   "GROUP BY 1").fetchall())
        assert by_handle == {"astrazeneca": 6, "jiocare": 2, "jagograhakjago": 2, "reliancedigital": 2,
                             "unido_india": 1}
        assert _interactions(store) == links
        # 83 retweets, 38 of tweets absent from includes: 29 of those resolve by the "RT @x" handle;
        # the 8 quoted tweets are all absent: each resolves by the handle of its twitter.com link
        kinds = dict(store.sql("SELECT kind, count(*) FROM interactions GROUP BY kind").fetchall())
        assert (kinds["share"], kinds["quote"]) == (83 - 9, 8)


def test_twarc_streaming_with_error_rejects_line_8(shared_data):
    path = shared_file(shared_data, TWARC, "streaming_output_with_error.jsonl")
    with wb.open(":memory:") as store:
        report = wb.load(store, path)
        assert (report.records_read, report.records_loaded, report.records_rejected) == (8, 7, 1)
        assert store.sql("SELECT line_no, reason FROM rejects").fetchall() == [
            (8, "invalid JSON (a truncated or malformed line)")]
        with pytest.raises(StrictModeError, match="line 8"):
            wb.load(store, path, strict=True)


def test_v11_ctit_dutch_stream(shared_data):
    path = shared_file(shared_data, "twitter_v11_ctit_dutch_stream", "tweets.json.gz")
    with wb.open(":memory:") as store:
        report = wb.load(store, path)
        assert report.files[0].format == "twitter-v1"
        assert (report.records_read, report.records_loaded, report.records_rejected) == (1000, 1000, 0)
        # SOURCE.md: 708 authors; 103 retweets, 136 replies, 12 quote tweets
        assert store.scalar("SELECT count(DISTINCT author_id) FROM posts WHERE collected") == 708
        kinds = dict(store.sql("SELECT kind, count(*) FROM interactions GROUP BY kind").fetchall())
        assert kinds["share"] == 103 and kinds["quote"] == 12
        assert store.scalar("SELECT count(*) FROM posts WHERE collected AND parent_post_id IS NOT NULL") == 136
        # 10 more tweets address a user by a leading @handle without a status: Twitter sets
        # in_reply_to_user_id on them, and they are replies to that user
        tweets = [json.loads(line) for line in gzip.open(path, "rt", encoding="utf-8")]
        assert kinds["reply"] == sum(1 for t in tweets if t.get("in_reply_to_user_id_str")) == 146
        mentions = set()
        for t in tweets:
            text = t["text"]
            auto = 0
            if "retweeted_status" in t:
                auto = re.match(r"RT @\w+:?", text, re.ASCII).end()
            elif t.get("in_reply_to_user_id_str"):
                auto = re.match(r"(?:@\w+\s*)*", text, re.ASCII).end()
            mentions |= {(t["id_str"], m["id_str"]) for m in t["entities"]["user_mentions"] if m["indices"][0] >= auto}
        assert kinds["mention"] == len(mentions)
        assert report.unresolved == 0


def test_v11_simdjson_search_response(shared_data):
    path = shared_file(shared_data, "twitter_v11_simdjson_search_response", "twitter.json")
    with wb.open(":memory:") as store:
        report = wb.load(store, path)
        assert report.files[0].format == "twitter-v1"
        # SOURCE.md: 100 statuses by 100 users; 73 retweets, 6 replies
        assert (report.records_read, report.records_loaded) == (100, 100)
        assert store.scalar("SELECT count(DISTINCT author_id) FROM posts WHERE collected") == 100
        assert store.scalar("SELECT count(*) FROM posts WHERE collected AND kind = 'share'") == 73
        assert store.scalar("SELECT count(*) FROM posts WHERE collected AND parent_post_id IS NOT NULL") == 6
        assert store.scalar("SELECT count(*) FROM interactions WHERE kind = 'share'") == 73
