"""The Bluesky loader (app.bsky XRPC responses: feeds, posts, threads, likes, reposts, follows).

The real responses recorded by bskyr's test suite (``bluesky_bskyr_vcr_fixtures`` of the real test data) are
extracted from their VCR cassettes and loaded file by file; their counts are checked against
SOURCE.md and against a plain-Python reading of the same JSON. Small hand-written responses cover
each rule.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workbench as wb
from conftest import load_rejecting, shared_file, write_jsonl
from vcr_bodies import extract_folder
from workbench.errors import StrictModeError
from workbench.ingest import bluesky
from workbench.ingest.detect import detect_format, read_sample
from workbench.ingest.sources import expand

FOLDER = "bluesky_bskyr_vcr_fixtures"
POST = "app.bsky.feed.post"


# -- plain-Python reading of the real responses ------------------------------------------------------

def repo(uri: str) -> str:
    return uri.split("/")[2]


def walk(value, found: list) -> None:
    """Every object with an at:// uri, an author and a record/value, anywhere in ``value``."""
    if isinstance(value, dict):
        if str(value.get("uri", "")).startswith("at://") and isinstance(value.get("author"), dict):
            record = value.get("record") if isinstance(value.get("record"), dict) else value.get("value")
            if isinstance(record, dict):
                found.append((value, record, "record" in value))
        for child in value.values():
            walk(child, found)
    elif isinstance(value, list):
        for child in value:
            walk(child, found)


def thread_posts(node) -> list:
    posts = [node["post"]] if isinstance(node.get("post"), dict) else []
    if isinstance(node.get("parent"), dict):
        posts += thread_posts(node["parent"])
    for reply in node.get("replies", []):
        posts += thread_posts(reply)
    return posts


def expected(bodies: list) -> dict[str, set]:
    """Interactions of every kind, computed from the JSON with plain Python."""
    kinds: dict[str, set] = {k: set() for k in ("reply", "mention", "quote", "share", "like", "follow")}
    for body in bodies:
        collected = ([item["post"] for item in body.get("feed", [])] + body.get("posts", [])
                     + (thread_posts(body["thread"]) if "thread" in body else [])
                     + body.get("notifications", []))
        for view in collected:
            author, record, uri = view["author"]["did"], view["record"], "bluesky:" + view["uri"]
            kind = record.get("$type")
            if kind == "app.bsky.feed.like":
                kinds["like"].add(("bluesky:" + record["subject"]["uri"], author, repo(record["subject"]["uri"])))
            elif kind == "app.bsky.feed.repost":
                kinds["share"].add(("bluesky:" + record["subject"]["uri"], author, repo(record["subject"]["uri"])))
            elif kind == "app.bsky.graph.follow":
                kinds["follow"].add((None, author, record["subject"]))
            elif kind == POST:
                if "reply" in record:
                    kinds["reply"].add((uri, author, repo(record["reply"]["parent"]["uri"])))
                for facet in record.get("facets", []):
                    for feature in facet["features"]:
                        if feature["$type"] == "app.bsky.richtext.facet#mention":
                            kinds["mention"].add((uri, author, feature["did"]))
                embed = record.get("embed", {})
                quoted = {"app.bsky.embed.record": lambda e: e["record"]["uri"],
                          "app.bsky.embed.recordWithMedia": lambda e: e["record"]["record"]["uri"]}.get(embed.get("$type"))
                if quoted and quoted(embed).split("/")[3] == POST:
                    kinds["quote"].add((uri, author, repo(quoted(embed))))
        for item in body.get("feed", []):
            if item.get("reason", {}).get("$type") == "app.bsky.feed.defs#reasonRepost":
                post = item["post"]
                kinds["share"].add(("bluesky:" + post["uri"], item["reason"]["by"]["did"], post["author"]["did"]))
        for like in body.get("likes", []):
            kinds["like"].add(("bluesky:" + body["uri"], like["actor"]["did"], repo(body["uri"])))
        for profile in body.get("repostedBy", []):
            kinds["share"].add(("bluesky:" + body["uri"], profile["did"], repo(body["uri"])))
        for profile in body.get("followers", []):
            kinds["follow"].add((None, profile["did"], body["subject"]["did"]))
        for profile in body.get("follows", []):
            kinds["follow"].add((None, body["subject"]["did"], profile["did"]))
    return {k: {(p, "bluesky:" + s, "bluesky:" + t) for p, s, t in v} for k, v in kinds.items()}


def interactions(store, kind: str) -> set:
    return set(store.sql("SELECT post_id, source_id, target_id FROM interactions WHERE kind = $kind",
                         {"kind": kind}).fetchall())


@pytest.fixture(scope="module")
def recordings(shared_data, tmp_path_factory):
    shared_file(shared_data, FOLDER, "SOURCE.md")
    return extract_folder(shared_data / FOLDER, tmp_path_factory.mktemp("bluesky_bodies"))


@pytest.fixture(scope="module")
def loaded(recordings):
    store = wb.open(":memory:")
    reports = {rec.cassette: wb.load(store, rec.path).files[0] for rec in recordings}
    bodies = [json.loads(rec.path.read_text(encoding="utf-8")) for rec in recordings]
    yield store, bodies, reports
    store.close()


# -- real data --------------------------------------------------------------------------------------

def test_real_records_per_file_match_source_md(loaded):
    _, _, reports = loaded
    read = {name: (r.records_read, r.records_rejected) for name, r in reports.items()}
    assert read == {  # SOURCE.md "items" per file, none rejected
        "f_autfeed.yml": (50, 0), "f_timeline.yml": (49, 0), "f_search.yml": (25, 0),
        "n_notifications.yml": (50, 0), "g_followers.yml": (48, 0), "g_follows.yml": (48, 0),
        "f_get_list_feed.yml": (10, 0), "f_feedfeed.yml": (7, 0), "f_getlikes.yml": (7, 0),
        "f_getquotes.yml": (2, 0), "f_postlikes.yml": (4, 0), "f_reposts.yml": (1, 0), "f_postthread.yml": (1, 0),
    }


def test_real_posts_and_authors_match_source_md(loaded):
    store, bodies, _ = loaded
    found: list = []
    for body in bodies:
        walk(body, found)
    views = {view["uri"]: (view, record) for view, record, has_record in found if has_record}
    # SOURCE.md: 216 distinct post views (objects with uri, author and record) from 74 authors, 68 replies
    assert len(views) == 216
    assert len({view["author"]["did"] for view, _ in views.values()}) == 74
    assert sum(1 for _, record in views.values() if "reply" in record) == 68
    # of those, 32 are notifications of likes, follows and reposts: records, not posts
    not_posts = {uri for uri, (_, record) in views.items() if record.get("$type") != POST}
    assert len(not_posts) == 32
    # the posts add 7 quoted posts shown inside embeds (viewRecord: "value" instead of "record")
    posts = {view["uri"]: view for view, record, _ in found if record.get("$type") == POST}
    assert len(posts) == 216 - 32 + 7 == 191
    assert store.scalar("SELECT count(*) FROM posts") == 191
    assert {p for (p,) in store.sql("SELECT post_id FROM posts").fetchall()} == {"bluesky:" + u for u in posts}
    assert store.scalar("SELECT count(DISTINCT author_id) FROM posts") == len(
        {v["author"]["did"] for v in posts.values()})
    accounts = {a for (a,) in store.sql("SELECT account_id FROM accounts").fetchall()}
    assert {"bluesky:" + view["author"]["did"] for view, _ in views.values()} <= accounts
    replies = {uri for uri, view in posts.items()
               if "reply" in (view.get("record") if isinstance(view.get("record"), dict) else view["value"])}
    assert store.scalar("SELECT count(*) FROM posts WHERE kind = 'reply'") == len(replies) == 69


def test_real_interactions_match_plain_python(loaded):
    store, bodies, reports = loaded
    want = expected(bodies)
    for kind, rows in want.items():
        assert interactions(store, kind) == rows, kind
    sizes = {kind: len(rows) for kind, rows in want.items()}
    assert sizes == {"reply": 53, "mention": 27, "quote": 17, "share": 13, "like": 17, "follow": 113}
    # SOURCE.md's notifications: 17 follows, 13 likes, 2 reposts
    note = next(b for b in bodies if "notifications" in b)
    assert expected([note])["follow"] <= interactions(store, "follow")
    assert (len(expected([note])["follow"]), len(expected([note])["like"])) == (17, 13)
    assert sum(r.unresolved for r in reports.values()) == 0


def test_real_accounts_keep_handles_and_counters(loaded):
    store, _, _ = loaded
    row = store.sql("SELECT handle, display_name FROM accounts WHERE account_id = $a",
                    {"a": "bluesky:did:plc:wpe35pganb6d4pg4ekmfy6u5"}).fetchone()
    assert row == ("chriskenny.bsky.social", "Chris Kenny")
    assert store.scalar("SELECT count(*) FROM accounts WHERE NOT starts_with(account_id, 'bluesky:did:')") == 0


def test_real_files_are_detected(recordings):
    for rec in recordings:
        assert detect_format(next(expand(rec.path))) == "bluesky", rec.cassette


# -- hand-written responses --------------------------------------------------------------------------

def did(name: str) -> str:
    return f"did:plc:{name}"


def profile(name: str, **extra) -> dict:
    return {"did": did(name), "handle": f"{name}.test", "displayName": name.title(),
            "createdAt": "2023-01-01T00:00:00.000Z", **extra}


def uri(name: str, rkey: str, collection: str = POST) -> str:
    return f"at://{did(name)}/{collection}/{rkey}"


def view(name: str, rkey: str, at: str, *, text: str = "hi", parent: str | None = None, root: str | None = None,
         mentions=(), embed: dict | None = None, embed_view: dict | None = None) -> dict:
    record = {"$type": POST, "createdAt": at, "text": text, "langs": ["en"]}
    if parent:
        record["reply"] = {"parent": {"uri": parent, "cid": "c"}, "root": {"uri": root or parent, "cid": "c"}}
    if mentions:
        record["facets"] = [{"index": {"byteStart": 0, "byteEnd": 1},
                             "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did(m)}]}
                            for m in mentions]
    if embed:
        record["embed"] = embed
    value = {"uri": uri(name, rkey), "cid": "c", "author": profile(name), "record": record,
             "replyCount": 1, "repostCount": 2, "likeCount": 3, "quoteCount": 4, "indexedAt": at}
    if embed_view:
        value["embed"] = embed_view
    return value


T = "2025-01-0{}T10:00:00.000Z".format
B1 = view("bob", "b1", T(1))
C1 = view("carol", "c1", T(1))
D1 = view("dave", "d1", T(1))
P1 = view("alice", "p1", T(2), text="hi @bob", mentions=["bob"])
P2 = view("alice", "p2", T(3), parent=B1["uri"])
P4 = view("alice", "p4", T(4), embed={"$type": "app.bsky.embed.record", "record": {"uri": D1["uri"], "cid": "c"}},
          embed_view={"$type": "app.bsky.embed.record#view",
                      "record": {"$type": "app.bsky.embed.record#viewRecord", "uri": D1["uri"], "cid": "c",
                                 "author": profile("dave"), "value": D1["record"], "indexedAt": T(1)}})
P5 = view("alice", "p5", T(5), embed={"$type": "app.bsky.embed.recordWithMedia",
                                      "record": {"record": {"uri": uri("bob", "b2"), "cid": "c"}},
                                      "media": {"$type": "app.bsky.embed.images", "images": []}})
P6 = view("alice", "p6", T(6), parent="at://carol.test/app.bsky.feed.post/zz")
FEED = {"feed": [
    {"post": P1},
    {"post": P2, "reply": {"root": B1, "parent": B1}},
    {"post": C1, "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": profile("alice"), "indexedAt": T(7)}},
    {"post": P4},
    {"post": P5},
    {"post": P6},
], "cursor": "x"}
A, B, C, D, E = (f"bluesky:{did(n)}" for n in ("alice", "bob", "carol", "dave", "erin"))


def bsky(value: str) -> str:
    return "bluesky:" + value


def write(path: Path, value, *, lines: bool = False, indent: int | None = None) -> Path:
    if lines:
        path.write_text("".join(json.dumps(v) + "\n" for v in value), encoding="utf-8")
    else:
        path.write_text(json.dumps(value, indent=indent), encoding="utf-8")
    return path


def test_feed_gives_replies_mentions_quotes_and_reposts(store, tmp_path):
    report = wb.load(store, write(tmp_path / "feed.json", FEED))
    assert (report.records_read, report.records_rejected, report.unresolved) == (6, 0, 0)
    assert interactions(store, "mention") == {(bsky(P1["uri"]), A, B)}
    assert interactions(store, "reply") == {(bsky(P2["uri"]), A, B), (bsky(P6["uri"]), A, C)}  # P6: a handle uri
    assert interactions(store, "quote") == {(bsky(P4["uri"]), A, D), (bsky(P5["uri"]), A, B)}
    assert interactions(store, "share") == {(bsky(C1["uri"]), A, C)}
    shared_at = store.scalar("SELECT created_at FROM interactions WHERE kind = 'share'")
    assert str(shared_at) == "2025-01-07 10:00:00+00:00"
    posts = {row[0]: row[1:] for row in store.sql(
        "SELECT post_id, author_id, kind, collected, parent_post_id, conversation_id FROM posts").fetchall()}
    assert posts == {
        bsky(P1["uri"]): (A, "post", True, None, bsky(P1["uri"])),
        bsky(P2["uri"]): (A, "reply", True, bsky(B1["uri"]), bsky(B1["uri"])),
        bsky(B1["uri"]): (B, "post", False, None, bsky(B1["uri"])),  # the parent shown with the reply
        bsky(C1["uri"]): (C, "post", True, None, bsky(C1["uri"])),
        bsky(P4["uri"]): (A, "quote", True, None, bsky(P4["uri"])),
        bsky(D1["uri"]): (D, "post", False, None, bsky(D1["uri"])),  # the quoted post shown in the embed
        bsky(P5["uri"]): (A, "quote", True, None, bsky(P5["uri"])),
        bsky(P6["uri"]): (A, "reply", True, "bluesky:at://carol.test/app.bsky.feed.post/zz",
                          "bluesky:at://carol.test/app.bsky.feed.post/zz"),
    }
    row = store.sql("SELECT created_at, text, lang, like_count, share_count, reply_count, quote_count FROM posts "
                    "WHERE post_id = $p", {"p": bsky(P1["uri"])}).fetchone()
    assert (str(row[0]), *row[1:]) == ("2025-01-02 10:00:00+00:00", "hi @bob", "en", 3, 2, 1, 4)
    assert store.sql("SELECT handle, display_name, created_at::VARCHAR FROM accounts WHERE account_id = $a",
                     {"a": A}).fetchone() == ("alice.test", "Alice", "2023-01-01 00:00:00+00")


def test_lists_give_likes_reposts_and_follows(store, tmp_path):
    wb.load(store, write(tmp_path / "feed.json", FEED))
    likes = {"uri": P1["uri"], "likes": [{"actor": profile("bob"), "createdAt": T(8), "indexedAt": T(8)},
                                         {"actor": profile("carol"), "createdAt": T(9), "indexedAt": T(9)}]}
    reposts = {"uri": C1["uri"], "repostedBy": [profile("alice"), profile("dave")]}
    followers = {"subject": profile("alice"), "followers": [profile("bob"), profile("carol")]}
    follows = {"subject": profile("alice"), "follows": [profile("dave")]}
    report = wb.load(store, write(tmp_path / "lists.jsonl", [likes, reposts, followers, follows], lines=True))
    assert (report.records_read, report.records_rejected) == (7, 0)
    assert interactions(store, "like") == {(bsky(P1["uri"]), B, A), (bsky(P1["uri"]), C, A)}
    # alice's repost was already known from her feed: the same interaction, not a second one
    assert interactions(store, "share") == {(bsky(C1["uri"]), A, C), (bsky(C1["uri"]), D, C)}
    assert interactions(store, "follow") == {(None, B, A), (None, C, A), (None, A, D)}
    assert str(store.scalar("SELECT created_at FROM interactions WHERE kind = 'like' AND source_id = $b",
                            {"b": B})) == "2025-01-08 10:00:00+00:00"


def test_thread_is_read_to_any_depth(store, tmp_path):
    c2 = view("carol", "c2", T(1))
    b3 = view("bob", "b3", T(2), parent=c2["uri"])
    p3 = view("alice", "p3", T(3), parent=b3["uri"], root=c2["uri"])
    d3 = view("dave", "d3", T(4), parent=p3["uri"], root=c2["uri"])
    thread = {"thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": b3,
                         "parent": {"$type": "app.bsky.feed.defs#threadViewPost", "post": c2},
                         "replies": [{"$type": "app.bsky.feed.defs#threadViewPost", "post": p3,
                                      "replies": [{"$type": "app.bsky.feed.defs#threadViewPost", "post": d3}]},
                                     {"$type": "app.bsky.feed.defs#notFoundPost", "uri": uri("x", "gone"),
                                      "notFound": True}]}}
    report = wb.load(store, write(tmp_path / "thread.json", thread, indent=2))
    assert (report.records_read, report.records_rejected) == (4, 0)
    assert interactions(store, "reply") == {(bsky(b3["uri"]), B, C), (bsky(p3["uri"]), A, B), (bsky(d3["uri"]), D, A)}
    assert store.scalar("SELECT count(*) FROM posts WHERE collected") == 4
    assert store.scalar("SELECT count(DISTINCT conversation_id) FROM posts") == 1


def test_notifications_and_repo_records(store, tmp_path):
    def note(name, reason, collection, rkey, record):
        return {"uri": uri(name, rkey, collection), "cid": "c", "author": profile(name), "reason": reason,
                "record": record, "isRead": True, "indexedAt": T(5)}
    mention = view("carol", "m1", T(5), mentions=["alice"])
    notes = {"notifications": [
        note("dave", "like", "app.bsky.feed.like", "l1",
             {"$type": "app.bsky.feed.like", "subject": {"uri": P1["uri"], "cid": "c"}, "createdAt": T(5)}),
        note("carol", "follow", "app.bsky.graph.follow", "f1",
             {"$type": "app.bsky.graph.follow", "subject": did("alice"), "createdAt": T(5)}),
        note("bob", "repost", "app.bsky.feed.repost", "r1",
             {"$type": "app.bsky.feed.repost", "subject": {"uri": P1["uri"], "cid": "c"}, "createdAt": T(5)}),
        {**mention, "reason": "mention", "isRead": False},
    ]}
    records = {"records": [
        {"uri": uri("erin", "e1"), "cid": "c", "value": {"$type": POST, "text": "yes", "createdAt": T(6),
                                                          "reply": {"parent": {"uri": P1["uri"]}, "root": {"uri": P1["uri"]}}}},
        {"uri": uri("erin", "f2", "app.bsky.graph.follow"), "cid": "c",
         "value": {"$type": "app.bsky.graph.follow", "subject": did("alice"), "createdAt": T(6)}},
    ]}
    report = wb.load(store, write(tmp_path / "n.jsonl", [notes, records], lines=True))
    assert (report.records_read, report.records_rejected) == (6, 0)
    assert interactions(store, "like") == {(bsky(P1["uri"]), D, A)}
    assert interactions(store, "share") == {(bsky(P1["uri"]), B, A)}
    assert interactions(store, "mention") == {(bsky(mention["uri"]), C, A)}
    assert interactions(store, "follow") == {(None, C, A), (None, E, A)}
    assert interactions(store, "reply") == {(bsky(uri("erin", "e1")), E, A)}
    assert store.scalar("SELECT count(*) FROM posts") == 2  # the mention and erin's reply: likes are no posts
    assert store.sql("SELECT handle FROM accounts WHERE account_id = $e", {"e": E}).fetchone() == (None,)


def test_reload_changes_nothing(store, tmp_path):
    path = write(tmp_path / "feed.json", FEED)
    wb.load(store, path)
    tables = {t: store.sql(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in ("accounts", "posts", "interactions")}
    again = wb.load(store, path)
    assert again.files[0].already_loaded_as is not None
    assert {t: store.sql(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables} == tables


BAD_LINES = [
    json.dumps(P1),
    "{not json",
    json.dumps({k: v for k, v in P2.items() if k != "uri"}),
    '"str"',
    json.dumps({**P4, "author": {"handle": "x.test"}}),
    "",
    json.dumps({"foo": 1}),
    json.dumps({**P5, "uri": "https://bsky.app/profile/x/post/1"}),
    json.dumps({"likes": [{"actor": profile("bob")}]}),
    json.dumps({"feed": [{"reason": {}}, {"post": P6}]}),
]


def test_bad_lines_become_rejects_with_line_numbers(store, tmp_path):
    report, rows = load_rejecting(store, write_jsonl(tmp_path / "bad.jsonl", BAD_LINES))
    assert (report.records_read, report.records_loaded, report.records_rejected) == (10, 2, 8)
    assert rows == [
        (2, "invalid JSON"),
        (3, "missing uri"),
        (4, 'expected a JSON object or array, got a string: "str"'),
        (5, "missing author.did"),
        (7, "expected an app.bsky response (feed, posts, thread, likes, repostedBy, followers, follows, "
            "notifications, records), a feed item or a post view; got an object with keys foo"),
        (8, "uri is not an at:// uri: https://bsky.app/profile/x/post/1"),
        (9, 'a likes list needs "uri": the at:// uri of the post it belongs to'),
        (10, "feed item 1: missing post"),
    ]
    assert {p for (p,) in store.sql("SELECT post_id FROM posts").fetchall()} == {bsky(P1["uri"]), bsky(P6["uri"])}


def test_strict_mode_loads_nothing(store, tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", BAD_LINES)
    with pytest.raises(StrictModeError, match=r"bad\.jsonl line 2: invalid JSON"):
        wb.load(store, path, strict=True)
    assert store.scalar("SELECT count(*) FROM posts") == store.scalar("SELECT count(*) FROM accounts") == 0


def test_platform_override_prefixes_every_id(store, tmp_path):
    wb.load(store, write(tmp_path / "feed.json", FEED), platform="atproto")
    assert store.scalar("SELECT count(*) FROM accounts WHERE NOT starts_with(account_id, 'atproto:did:')") == 0
    assert store.scalar("SELECT count(*) FROM posts WHERE NOT starts_with(post_id, 'atproto:at://')") == 0
    assert store.scalar("SELECT count(*) FROM interactions WHERE platform <> 'atproto'") == 0


def test_mixed_platforms_never_share_an_account_id(store, tmp_path):
    """The same person on Mastodon and Bluesky, with look-alike names, stays two accounts."""
    wb.load(store, write(tmp_path / "feed.json", FEED))
    masto = {"id": "1", "created_at": T(1), "in_reply_to_id": None, "in_reply_to_account_id": None,
             "uri": "https://alice.test/users/alice/statuses/1", "content": "hi", "reblog": None, "mentions": [],
             "account": {"id": "1", "username": "alice", "acct": "alice", "url": "https://alice.test/@alice"}}
    wb.load(store, write(tmp_path / "masto.jsonl", [masto], lines=True))
    platforms = dict(store.sql("SELECT platform, count(*) FROM accounts GROUP BY ALL").fetchall())
    assert platforms == {"bluesky": 4, "mastodon": 1}
    assert store.scalar("SELECT count(*) FROM accounts WHERE NOT starts_with(account_id, platform || ':')") == 0
    assert store.scalar("SELECT count(DISTINCT account_id) FROM accounts") == 5
    assert store.scalar("SELECT count(*) FROM accounts WHERE handle = 'alice.test' OR handle = 'alice@alice.test'") == 2


@pytest.mark.parametrize("record", [
    {"data": [{"id": "1", "author_id": "2"}], "includes": {}},
    {"id_str": "1", "user": {"screen_name": "a"}, "text": "x"},
    {"id": "c1", "subreddit": "x", "parent_id": "t3_a", "link_id": "t3_a"},
    {"id": "1", "reblog": None, "account": {"acct": "alice"}, "uri": "https://x.social/users/a/statuses/1"},
    {"guild": {}, "channel": {}, "messages": []},
    {"posts": [{"id": 1, "title": "not bluesky"}]},
])
def test_sniff_does_not_claim_other_formats(tmp_path, record):
    path = write(tmp_path / "other.jsonl", [record], lines=True)
    assert not bluesky.sniff(read_sample(next(expand(path))))


def test_hand_written_files_are_detected(tmp_path):
    for name, value in (("feed.json", FEED), ("views.jsonl", [P1, P2]),
                        ("followers.json", {"subject": profile("alice"), "followers": []})):
        path = write(tmp_path / name, value, lines=name.endswith("jsonl"))
        assert detect_format(next(expand(path))) == "bluesky", name
    pretty = write(tmp_path / "pretty.json", {"feed": FEED["feed"] * 40}, indent=2)
    assert pretty.stat().st_size > 64 << 10
    assert detect_format(next(expand(pretty))) == "bluesky"
    assert bluesky.layout(read_sample(next(expand(pretty)))) == "document"


# -- the layout does not change what is loaded ------------------------------------------------------

def _tables(store) -> dict:
    return {t: store.sql(f"SELECT * EXCLUDE (load_id) FROM {t} ORDER BY ALL").fetchall()
            for t in ("posts", "interactions")} | {"accounts": store.sql("SELECT * FROM accounts ORDER BY ALL").fetchall()}


@pytest.mark.slow  # a few seconds: left out of make test-fast, run by make test
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(st.sampled_from(FEED["feed"]), min_size=1, max_size=6, unique_by=lambda i: i["post"]["uri"]))
def test_a_feed_page_and_its_items_as_lines_load_the_same(tmp_path, items):
    results = []
    for name, value, lines in (("page.json", {"feed": items}, False), ("items.jsonl", items, True),
                               ("pretty.json", {"feed": items}, None)):
        path = write(tmp_path / name, value, lines=bool(lines), indent=2 if lines is None else None)
        with wb.open(":memory:") as workspace:
            report = wb.load(workspace, path)
            assert report.records_read == len(items)
            results.append(_tables(workspace))
    assert results[0] == results[1] == results[2]
