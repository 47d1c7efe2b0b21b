"""The Mastodon loader (API Status / Context / Account JSON, documents or JSON lines).

The real responses recorded by rtoot's test suite (``mastodon_rtoot_vcr_fixtures`` of the real test data) are
extracted from their VCR cassettes and loaded file by file; their counts are checked against
SOURCE.md and against a plain-Python reading of the same JSON. Small hand-written exports cover
each rule.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workbench as wb
from conftest import load_rejecting, shared_file, write_jsonl
from vcr_bodies import extract_folder
from workbench.errors import StrictModeError
from workbench.ingest import mastodon
from workbench.ingest.detect import detect_format, read_sample
from workbench.ingest.sources import expand

FOLDER = "mastodon_rtoot_vcr_fixtures"
ROOT_ID = "109294719267373593"  # the status whose context, boosters and favouriters were recorded
HOST = "example.social"


# -- helpers: the real recordings ------------------------------------------------------------------

@pytest.fixture(scope="module")
def recordings(shared_data, tmp_path_factory):
    shared_file(shared_data, FOLDER, "SOURCE.md")
    return extract_folder(shared_data / FOLDER, tmp_path_factory.mktemp("mastodon_bodies"))


def status_bodies(recordings):
    """(recording, statuses) for every body that holds statuses."""
    found = []
    for rec in recordings:
        body = json.loads(rec.path.read_text(encoding="utf-8"))
        if isinstance(body, dict) and "descendants" in body:
            found.append((rec, body["ancestors"] + body["descendants"]))
        elif isinstance(body, dict):
            found.append((rec, [body]))
        elif body and "account" in body[0]:
            found.append((rec, body))
    return found


def qualified(account: dict) -> str:
    acct = account["acct"]
    return (acct if "@" in acct else f"{acct}@{urlparse(account['url']).hostname}").lower()


def expected_interactions(bodies) -> dict[str, set]:
    """Reply and mention interactions computed from the JSON with plain Python, file by file."""
    replies, mentions, unresolved = set(), set(), set()
    for _, statuses in bodies:
        accounts = {s["account"]["id"]: qualified(s["account"]) for s in statuses}
        accounts.update({m["id"]: qualified(m) for s in statuses for m in s["mentions"]})
        authors = {s["id"]: qualified(s["account"]) for s in statuses}
        for s in statuses:
            post, author = "mastodon:" + s["uri"], "mastodon:" + qualified(s["account"])
            target = None
            if s["in_reply_to_id"] or s["in_reply_to_account_id"]:
                own = {m["id"]: qualified(m) for m in s["mentions"]}
                target = (own.get(s["in_reply_to_account_id"]) or accounts.get(s["in_reply_to_account_id"])
                          or authors.get(s["in_reply_to_id"]))
                if target is None:
                    unresolved.add(post)
                else:
                    replies.add((post, author, "mastodon:" + target))
            for m in s["mentions"]:
                if qualified(m) != target:
                    mentions.add((post, author, "mastodon:" + qualified(m)))
    return {"reply": replies, "mention": mentions, "unresolved": unresolved}


def interactions(store, kind: str) -> set:
    return set(store.sql("SELECT post_id, source_id, target_id FROM interactions WHERE kind = $kind",
                         {"kind": kind}).fetchall())


@pytest.fixture(scope="module")
def loaded(recordings):
    """A workspace holding every status body of the recordings."""
    bodies = status_bodies(recordings)
    store = wb.open(":memory:")
    reports = [wb.load(store, rec.path) for rec, _ in bodies]
    yield store, bodies, reports
    store.close()


# -- real data --------------------------------------------------------------------------------------

def test_real_statuses_match_source_md(loaded):
    store, bodies, reports = loaded
    statuses = [(rec, s) for rec, ss in bodies for s in ss]
    # SOURCE.md: 294 distinct statuses (id@host), 178 accounts (acct), 132 replies, 271 mentions
    assert len({(s["id"], urlparse(rec.uri).hostname) for rec, s in statuses}) == 294
    assert len({s["account"]["acct"] for _, s in statuses}) == 178
    assert len({(s["id"], urlparse(rec.uri).hostname) for rec, s in statuses if s["in_reply_to_id"]}) == 132
    assert len({(s["uri"], qualified(m)) for _, s in statuses for m in s["mentions"]}) == 271

    assert sum(r.records_read for r in reports) == len(statuses) == 295
    assert sum(r.records_rejected for r in reports) == 0
    # posts are named by uri: one threads.net post was fetched from two instances (two ids, one uri)
    assert len({s["uri"] for _, s in statuses}) == 293
    assert store.scalar("SELECT count(*) FROM posts") == 293
    assert store.scalar("SELECT count(*) FROM posts WHERE collected") == 293
    assert store.scalar("SELECT count(DISTINCT author_id) FROM posts") == 178
    # replies: the 132 with in_reply_to_id, plus replies whose parent was deleted (account id only)
    reply_uris = {s["uri"] for _, s in statuses if s["in_reply_to_id"] or s["in_reply_to_account_id"]}
    assert store.scalar("SELECT count(*) FROM posts WHERE kind = 'reply'") == len(reply_uris) == 136
    assert store.scalar("SELECT count(*) FROM posts WHERE kind = 'share'") == 0  # SOURCE.md: no reblogs


def test_real_interactions_match_plain_python(loaded):
    store, bodies, reports = loaded
    expected = expected_interactions(bodies)
    assert interactions(store, "reply") == expected["reply"]
    assert interactions(store, "mention") == expected["mention"]
    # 271 mentions, of which 85 are the mention of the account a reply answers
    assert len(expected["mention"]) == 186
    assert sum(r.unresolved for r in reports) == len(expected["unresolved"]) == 8


def test_real_accounts_are_qualified_with_their_instance(loaded):
    store, bodies, _ = loaded
    authors = {"mastodon:" + qualified(s["account"]) for _, ss in bodies for s in ss}
    mentioned = {"mastodon:" + qualified(m) for _, ss in bodies for s in ss for m in s["mentions"]}
    ids = {row[0] for row in store.sql("SELECT account_id FROM accounts").fetchall()}
    assert ids == authors | mentioned
    row = store.sql("SELECT handle, followers, following, posts_count FROM accounts "
                    "WHERE account_id = 'mastodon:schochastics@fosstodon.org'").fetchone()
    assert row == ("schochastics@fosstodon.org", 1037, 138, 280)
    assert store.scalar("SELECT count(*) FROM accounts WHERE account_id NOT LIKE 'mastodon:%@%'") == 0


def test_real_thread_boosters_and_favouriters(recordings, tmp_path):
    """SOURCE.md: author, 59 repliers, 40 boosters and 40 favouriters of one status."""
    store = wb.open(":memory:")
    by_name = {rec.cassette: rec for rec in recordings}
    wb.load(store, by_name["get_context_default.yml"].path)
    root_author = "mastodon:austinkocher@mastodon.social"
    root = f"mastodon:https://mastodon.social/users/austinkocher/statuses/{ROOT_ID}"
    # the root is not in the context response: its id is rebuilt for the 43 direct replies
    assert store.scalar("SELECT count(*) FROM posts WHERE parent_post_id = $root", {"root": root}) == 43
    assert store.scalar("SELECT count(*) FROM posts WHERE parent_post_id IS NOT NULL") == 59
    for key, kind in (("reblogged_by", "share"), ("favourited_by", "like")):
        accounts = json.loads(by_name[f"get_{key}_default.yml"].path.read_text(encoding="utf-8"))
        wrapper = tmp_path / f"{key}.json"
        wrapper.write_text(json.dumps({"status": f"https://mastodon.social/@austinkocher/{ROOT_ID}", key: accounts}))
        report = wb.load(store, wrapper)
        assert (report.records_read, report.records_rejected) == (41, 0)
        rows = store.sql("SELECT DISTINCT target_id, post_id FROM interactions WHERE kind = $kind",
                         {"kind": kind}).fetchall()
        assert rows == [(root_author, root)]
        assert {s for _, s, _ in interactions(store, kind)} == {"mastodon:" + qualified(a) for a in accounts}
        assert len(accounts) == 40
    descendants = json.loads(by_name["get_context_default.yml"].path.read_text(encoding="utf-8"))["descendants"]
    authors = {"mastodon:" + qualified(s["account"]) for s in descendants}
    assert root_author in authors  # the root's author answers in their own thread
    assert store.scalar("SELECT count(DISTINCT author_id) FROM posts") == len(authors)
    store.close()


def test_plain_account_list_loads_accounts_only(recordings):
    store = wb.open(":memory:")
    rec = next(r for r in recordings if r.cassette == "get_reblogged_by_default.yml")
    report = wb.load(store, rec.path)
    assert (report.records_read, report.new_accounts, report.new_interactions, report.unresolved) == (40, 40, 0, 0)
    store.close()


def test_real_files_are_detected(recordings):
    for rec in recordings:
        source = next(expand(rec.path))
        assert detect_format(source) == "mastodon", rec.cassette


# -- hand-written exports ---------------------------------------------------------------------------

def account(user: str, local_id: str, host: str = HOST, **extra) -> dict:
    """An Account as ``example.social`` serves it (acct without host for its own users)."""
    value = {"id": local_id, "username": user, "acct": user if host == HOST else f"{user}@{host}",
             "display_name": user.title(), "url": f"https://{host}/@{user}", "uri": f"https://{host}/users/{user}",
             "followers_count": 10, "following_count": 5, "statuses_count": 7,
             "created_at": "2022-01-01T00:00:00.000Z", "last_status_at": "2024-05-01"}
    value.update(extra)
    return value


def mention(acc: dict) -> dict:
    return {key: acc[key] for key in ("id", "username", "url", "acct")}


def status(local_id: str, acc: dict, at: str, *, reply_to: str | None = None, reply_to_account: str | None = None,
           mentions=(), reblog: dict | None = None, quote: dict | None = None, text: str = "<p>hi</p>") -> dict:
    host = urlparse(acc["url"]).hostname
    uri = f"https://{host}/users/{acc['username']}/statuses/{local_id}" + ("/activity" if reblog else "")
    return {"id": local_id, "created_at": at, "in_reply_to_id": reply_to, "in_reply_to_account_id": reply_to_account,
            "language": "en", "uri": uri, "url": uri, "replies_count": 1, "reblogs_count": 2, "favourites_count": 3,
            "content": "" if reblog else text, "reblog": reblog, "account": acc,
            "mentions": [mention(m) for m in mentions], "quote": quote}


ALICE = account("Alice", "1")
BOB = account("bob", "2", "other.host")
CAROL = account("carol", "3")
DAVE = account("dave", "4", "far.away")
ERIN = account("erin", "5")
S10 = status("10", ALICE, "2024-05-01T10:00:00.000Z", mentions=[ERIN])
THREAD = [
    S10,
    status("11", BOB, "2024-05-01T11:00:00.000Z", reply_to="10", reply_to_account="1", mentions=[ALICE, CAROL]),
    status("12", CAROL, "2024-05-01T12:00:00.000Z", reblog=S10),
    status("13", DAVE, "2024-05-01T13:00:00.000Z", quote={"state": "accepted", "quoted_status": S10}),
    status("14", ALICE, "2024-05-01T14:00:00.000Z", reply_to="99", reply_to_account="3", mentions=[CAROL]),
    status("15", BOB, "2024-05-01T15:00:00.000Z", reply_to="98", reply_to_account="77"),
    status("16", ALICE, "2024-05-01T16:00:00.000Z", reply_to="14", reply_to_account="1"),
]


def post_id(s: dict) -> str:
    return "mastodon:" + s["uri"]


def write_lines(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_every_interaction_kind_by_hand(store, tmp_path):
    report = wb.load(store, write_lines(tmp_path / "statuses.jsonl", THREAD))
    assert (report.records_read, report.records_loaded, report.records_rejected) == (7, 7, 0)
    alice, bob, carol, dave, erin = (f"mastodon:{u}" for u in (
        "alice@example.social", "bob@other.host", "carol@example.social", "dave@far.away", "erin@example.social"))
    s = {x["id"]: post_id(x) for x in THREAD}
    assert interactions(store, "reply") == {(s["11"], bob, alice), (s["14"], alice, carol), (s["16"], alice, alice)}
    # bob's mention of alice is the mention every reply to alice carries: not counted
    assert interactions(store, "mention") == {(s["10"], alice, erin), (s["11"], bob, carol)}
    assert interactions(store, "share") == {(s["10"], carol, alice)}
    assert interactions(store, "quote") == {(s["13"], dave, alice)}
    assert report.unresolved == 1  # status 15 answers account 77, which the file does not know
    kinds = dict(store.sql("SELECT post_id, kind FROM posts").fetchall())
    assert kinds == {s["10"]: "post", s["11"]: "reply", s["12"]: "share", s["13"]: "quote",
                     s["14"]: "reply", s["15"]: "reply", s["16"]: "reply"}
    parents = dict(store.sql("SELECT post_id, parent_post_id FROM posts").fetchall())
    assert parents[s["11"]] == s["10"] and parents[s["16"]] == s["14"]
    # parent 99 is not in the file, but its author carol lives on the serving instance
    assert parents[s["14"]] == "mastodon:https://example.social/users/carol/statuses/99"
    assert parents[s["15"]] is None
    assert store.scalar("SELECT count(*) FROM accounts") == 5
    row = store.sql("SELECT handle, display_name, followers, following, posts_count, created_at, seen_at "
                    "FROM accounts WHERE account_id = $a", {"a": alice}).fetchone()
    assert row[:5] == ("Alice@example.social", "Alice", 10, 5, 7)
    assert str(row[5]) == "2022-01-01 00:00:00+00:00"
    assert str(row[6]) == "2024-05-01 16:00:00+00:00"  # the newest status of hers in the file
    assert store.scalar("SELECT handle FROM accounts WHERE account_id = $a", {"a": erin}) == "erin@example.social"
    post = store.sql("SELECT author_id, created_at, text, lang, like_count, share_count, reply_count, collected "
                     "FROM posts WHERE post_id = $p", {"p": s["10"]}).fetchone()
    assert post[0] == alice and str(post[1]) == "2024-05-01 10:00:00+00:00"
    assert post[2:] == ("<p>hi</p>", "en", 3, 2, 1, True)


def test_quoted_and_reblogged_statuses_become_context(store, tmp_path):
    other = status("20", BOB, "2024-04-01T00:00:00.000Z", mentions=[CAROL])
    records = [status("21", CAROL, "2024-05-02T00:00:00.000Z", reblog=other),
               status("22", DAVE, "2024-05-02T01:00:00.000Z", quote={"state": "accepted", "quoted_status": S10})]
    wb.load(store, write_lines(tmp_path / "ctx.jsonl", records))
    rows = store.sql("SELECT post_id, collected FROM posts ORDER BY post_id").fetchall()
    assert rows == sorted([(post_id(S10), False), (post_id(other), False),
                           (post_id(records[0]), True), (post_id(records[1]), True)])
    # context posts make no interactions: bob's mention of carol inside the reblog is not loaded
    assert interactions(store, "mention") == set()
    assert {k for (k,) in store.sql("SELECT DISTINCT kind FROM interactions").fetchall()} == {"share", "quote"}


def test_pending_quote_is_not_a_quote(store, tmp_path):
    record = status("30", DAVE, "2024-05-02T00:00:00.000Z", quote={"state": "pending", "quoted_status": None})
    wb.load(store, write_lines(tmp_path / "pending.jsonl", [record]))
    assert store.scalar("SELECT kind FROM posts") == "post"
    assert store.scalar("SELECT count(*) FROM interactions") == 0


def test_wrappers_give_shares_likes_and_follows(store, tmp_path):
    wb.load(store, write_lines(tmp_path / "statuses.jsonl", THREAD))
    wrapper = {"status": S10, "reblogged_by": [CAROL, DAVE], "favourited_by": [BOB]}
    report = wb.load(store, write_lines(tmp_path / "engagement.jsonl", [wrapper]))
    assert (report.records_read, report.records_rejected) == (4, 0)
    alice = "mastodon:alice@example.social"
    # carol's boost was already known from her reblog status: the same interaction, not a second one
    assert interactions(store, "share") == {(post_id(S10), "mastodon:carol@example.social", alice),
                                            (post_id(S10), "mastodon:dave@far.away", alice)}
    assert interactions(store, "like") == {(post_id(S10), "mastodon:bob@other.host", alice)}

    by_url = {"status": "https://example.social/@Alice/10", "favourited_by": [ERIN]}
    remote = {"status": "https://example.social/@dave@far.away/13", "favourited_by": [ERIN]}
    wb.load(store, write_lines(tmp_path / "by_url.jsonl", [by_url, remote]))
    likes = interactions(store, "like")
    assert (post_id(S10), "mastodon:erin@example.social", alice) in likes
    assert ("mastodon:https://example.social/@dave@far.away/13", "mastodon:erin@example.social",
            "mastodon:dave@far.away") in likes

    follows = {"account": ALICE, "followers": [BOB, CAROL], "following": [DAVE]}
    path = tmp_path / "follows.json"
    path.write_text(json.dumps(follows, indent=2), encoding="utf-8")  # pretty-printed: a document
    report = wb.load(store, path)
    assert (report.records_read, report.records_rejected) == (4, 0)
    assert {(s, t) for _, s, t in interactions(store, "follow")} == {
        ("mastodon:bob@other.host", alice), ("mastodon:carol@example.social", alice), (alice, "mastodon:dave@far.away")}
    assert store.scalar("SELECT count(*) FROM interactions WHERE kind = 'follow' AND post_id IS NOT NULL") == 0


def test_context_document_pretty_printed(store, tmp_path):
    path = tmp_path / "context.json"
    path.write_text(json.dumps({"ancestors": [S10], "descendants": THREAD[1:2] + THREAD[5:]}, indent=2),
                    encoding="utf-8")
    assert mastodon.layout(read_sample(next(expand(path)))) == "document"
    report = wb.load(store, path)
    assert (report.records_read, report.records_loaded) == (4, 4)
    assert store.scalar("SELECT count(*) FROM interactions WHERE kind = 'reply'") == 2


def test_reload_changes_nothing(store, tmp_path):
    path = write_lines(tmp_path / "statuses.jsonl", THREAD)
    wb.load(store, path)
    before = store.counts()
    tables = {t: store.sql(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in ("accounts", "posts", "interactions")}
    again = wb.load(store, path)
    assert again.files[0].already_loaded_as is not None
    assert store.counts() == before
    assert {t: store.sql(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables} == tables


BAD_LINES = [
    json.dumps(THREAD[0]),
    "{not json",
    "",
    json.dumps({key: value for key, value in THREAD[1].items() if key != "id"}),
    "42",
    json.dumps({**THREAD[2], "created_at": "yesterday"}),
    json.dumps({"foo": 1}),
    json.dumps({**THREAD[3], "account": {"id": "9", "acct": "nohost", "username": "nohost"}}),
    json.dumps(THREAD[4]),
]


def test_bad_lines_become_rejects_with_line_numbers(store, tmp_path):
    report, rows = load_rejecting(store, write_jsonl(tmp_path / "bad.jsonl", BAD_LINES))
    assert (report.records_read, report.records_loaded, report.records_rejected) == (8, 2, 6)
    assert rows == [
        (2, "invalid JSON"),
        (4, "missing id"),
        (5, "expected a JSON object or array, got a number: 42"),
        (6, "invalid created_at yesterday"),
        (7, "expected a Mastodon Status, Account, Context {ancestors, descendants} or a list of them; "
            "got an object with keys foo"),
        (8, "cannot tell the instance of account nohost: it has no \"@host\" and no url"),
    ]
    assert store.scalar("SELECT raw FROM rejects WHERE line_no = 2") == "{not json"
    assert store.scalar("SELECT count(*) FROM posts") == 2


def test_bad_element_of_a_document_names_its_position(store, tmp_path):
    path = tmp_path / "list.json"
    bad = {**THREAD[1], "account": {"id": "2"}}
    path.write_text(json.dumps([THREAD[0], bad, "x"]), encoding="utf-8")
    report = wb.load(store, path)
    assert report.records_read == 3
    rows = store.sql("SELECT line_no, reason, raw FROM rejects ORDER BY reason").fetchall()
    assert [(line, reason) for line, reason, _ in rows] == [
        (1, "item 2: missing account.acct"),
        (1, "item 3: expected a Status or Account object, got a string"),
    ]
    assert json.loads(rows[0][2])["id"] == "11"  # raw holds the element, not the whole document


def test_wrapper_without_status_is_rejected(store, tmp_path):
    path = write_lines(tmp_path / "w.jsonl", [THREAD[0], {"reblogged_by": [BOB]},
                                              {"status": "not a url", "favourited_by": [BOB]}])
    report = wb.load(store, path)
    reasons = dict(store.sql("SELECT line_no, reason FROM rejects").fetchall())
    assert reasons[2] == 'a reblogged_by/favourited_by list needs "status": the Status object or its URL'
    assert reasons[3].startswith("status: cannot read the status URL not a url")
    assert report.unresolved == 1  # bob's like on line 3 has no author to point at


def test_strict_mode_loads_nothing(store, tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", BAD_LINES)
    with pytest.raises(StrictModeError, match=r"bad\.jsonl line 2: invalid JSON"):
        wb.load(store, path, strict=True)
    assert store.scalar("SELECT count(*) FROM posts") == 0
    assert store.scalar("SELECT count(*) FROM accounts") == 0


def test_platform_override_prefixes_every_id(store, tmp_path):
    wb.load(store, write_lines(tmp_path / "statuses.jsonl", THREAD), platform="fedi")
    for table, column in (("accounts", "account_id"), ("posts", "post_id"), ("posts", "author_id"),
                          ("interactions", "source_id"), ("interactions", "target_id")):
        assert store.scalar(f"SELECT count(*) FROM {table} WHERE NOT starts_with({column}, 'fedi:')") == 0
    assert store.scalar("SELECT count(*) FROM posts WHERE platform <> 'fedi'") == 0


@pytest.mark.parametrize("record", [
    {"data": [{"id": "1", "author_id": "2"}], "includes": {}},
    {"id_str": "1", "user": {"screen_name": "a"}, "text": "x"},
    {"id": "c1", "subreddit": "x", "parent_id": "t3_a", "link_id": "t3_a"},
    {"uri": "at://did:plc:a/app.bsky.feed.post/1", "author": {"did": "did:plc:a"}, "record": {}},
    {"guild": {}, "channel": {}, "messages": []},
])
def test_sniff_does_not_claim_other_formats(tmp_path, record):
    path = write_lines(tmp_path / "other.jsonl", [record])
    assert not mastodon.sniff(read_sample(next(expand(path))))


def test_hand_written_files_are_detected(tmp_path):
    for name, content in (("a.jsonl", [THREAD[1]]), ("b.json", [[ALICE, BOB]]),
                          ("c.json", [{"status": S10, "favourited_by": []}])):
        path = write_lines(tmp_path / name, content)
        assert detect_format(next(expand(path))) == "mastodon", name
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(THREAD * 40, indent=2), encoding="utf-8")  # longer than the 64 KB sample
    assert pretty.stat().st_size > 64 << 10
    assert detect_format(next(expand(pretty))) == "mastodon"


# -- the layout does not change what is loaded ------------------------------------------------------

def _tables(store) -> dict:
    return {t: store.sql(f"SELECT * EXCLUDE (load_id) FROM {t} ORDER BY ALL").fetchall()
            for t in ("posts", "interactions")} | {
            "accounts": store.sql("SELECT * FROM accounts ORDER BY ALL").fetchall()}


POOL = [ALICE, BOB, CAROL, DAVE, ERIN]


@st.composite
def timelines(draw):
    n = draw(st.integers(1, 8))
    records, boosts = [], set()
    for i in range(n):
        author = draw(st.sampled_from(POOL))
        at = f"2024-05-01T{i:02d}:00:00.000Z"
        mentioned = draw(st.lists(st.sampled_from(POOL), max_size=2, unique_by=lambda a: a["id"]))
        choice = draw(st.integers(0, 2)) if records else 0
        if choice == 1:
            parent = draw(st.sampled_from(records))
            records.append(status(str(100 + i), author, at, reply_to=parent["id"],
                                  reply_to_account=parent["account"]["id"], mentions=mentioned))
        elif choice == 2 and (author["id"], (shared := draw(st.sampled_from(records)))["id"]) not in boosts:
            boosts.add((author["id"], shared["id"]))  # Mastodon lets an account boost a status once
            records.append(status(str(100 + i), author, at, reblog=shared))
        else:
            records.append(status(str(100 + i), author, at, mentions=mentioned))
    return records


@pytest.mark.slow  # a few seconds: left out of make test-fast, run by make test
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=timelines())
def test_lines_and_documents_load_the_same(tmp_path, records):
    layouts = {
        "lines.jsonl": "".join(json.dumps(r) + "\n" for r in records),
        "oneline.json": json.dumps(records),
        "pretty.json": json.dumps(records, indent=2),
    }
    results = []
    for name, text in layouts.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with wb.open(":memory:") as workspace:
            report = wb.load(workspace, path)
            assert report.records_read == len(records)
            results.append(_tables(workspace))
    assert results[0] == results[1] == results[2]
    assert len(results[0]["posts"]) == len(records)


def test_rejected_status_brings_no_context(store, tmp_path):
    other = status("40", BOB, "2024-04-01T00:00:00.000Z")
    bad_reblog = {**status("41", CAROL, "2024-05-01T00:00:00.000Z", reblog=other), "created_at": "soon"}
    report = wb.load(store, write_lines(tmp_path / "r.jsonl", [THREAD[0], bad_reblog]))
    assert (report.records_read, report.records_rejected) == (2, 1)
    assert {p for (p,) in store.sql("SELECT post_id FROM posts").fetchall()} == {post_id(THREAD[0])}
    assert store.scalar("SELECT count(*) FROM interactions WHERE kind = 'share'") == 0
