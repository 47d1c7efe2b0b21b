"""The Slack loader (workspace export folder or zip, loaded as one).

The real export from the real test data (slack-export-viewer's test archive) is checked against its
SOURCE.md counts and against a reading made here with plain Python json and re; a small export
written by the tests covers each rule (threads, mentions, reactions, bots, rejects).
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import workbench as wb
from conftest import shared_file
from workbench.errors import EmptyExportError, StrictModeError
from workbench.ingest import slack
from workbench.ingest.detect import detect_format, read_sample
from workbench.ingest.sources import expand

ARCHIVE = ("slack_export_viewer_testarchive", "testarchive.zip")
MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
DAY_FILE = re.compile(r"^([^/]+)/\d{4}-\d{2}-\d{2}\.json$")


# -- the real export ---------------------------------------------------------------------------------

def read_export(path) -> dict[str, object]:
    """Every JSON member of a zip, by name."""
    with zipfile.ZipFile(path) as archive:
        return {name: json.loads(archive.read(name)) for name in archive.namelist() if name.endswith(".json")}


def author_of(message: dict) -> str:
    """The loader's attribution rule, restated: user, else bot_id, else comment.user, else bot:username."""
    for key in (message.get("user"), message.get("bot_id"), (message.get("comment") or {}).get("user")):
        if key:
            return key
    return "bot:" + message["username"]


@pytest.fixture(scope="module")
def archive(shared_data):
    path = shared_file(shared_data, *ARCHIVE)
    members = read_export(path)
    channel_ids = {c["name"]: c["id"] for c in members["channels.json"]}
    messages = [(DAY_FILE.match(name).group(1), m) for name, day in sorted(members.items())
                if DAY_FILE.match(name) for m in day]
    return path, members, channel_ids, messages


@pytest.fixture(scope="module")
def loaded(archive):
    path = archive[0]
    with wb.open(":memory:") as store:
        report = wb.load(store, path)
        yield store, report


def test_archive_matches_source_md(archive, loaded):
    _, members, _, messages = archive
    store, report = loaded
    # SOURCE.md: 2 channels, 17 day files, 158 messages, 4 users, 27 <@U…> mentions
    assert len(members["channels.json"]) == 2 and len(members["users.json"]) == 4
    assert sum(1 for name in members if DAY_FILE.match(name)) == 17
    assert len(messages) == 158
    assert sum(len(MENTION.findall(m.get("text", ""))) for _, m in messages) == 27
    # SOURCE.md's "5 distinct user ids" counts the 95 messages without one as a fifth value
    assert len({m.get("user") for _, m in messages}) == 5
    assert sum(1 for _, m in messages if "user" not in m) == 95

    file = report.files[0]
    assert (file.format, file.path) == ("slack", str(archive[0]))
    assert (report.records_read, report.records_loaded, report.records_rejected) == (158 + 4, 162, 0)
    assert store.scalar("SELECT count(*) FROM posts") == 158
    assert store.scalar("SELECT count(*) FROM loads") == 1  # the whole zip is one load


def test_archive_posts_per_channel_and_author(archive, loaded):
    _, _, _, messages = archive
    store, _ = loaded
    by_channel = dict(store.sql("SELECT channel, count(*) FROM posts GROUP BY channel").fetchall())
    assert by_channel == {"enrique": sum(1 for c, _ in messages if c == "enrique"),
                          "traveling-sailor": sum(1 for c, _ in messages if c == "traveling-sailor")}
    by_author = dict(store.sql("SELECT author_id, count(*) FROM posts GROUP BY author_id").fetchall())
    expected: dict[str, int] = {}
    for _, m in messages:
        expected[f"slack:{author_of(m)}"] = expected.get(f"slack:{author_of(m)}", 0) + 1
    assert by_author == expected
    bots = {k for k in expected if k.startswith("slack:B")}
    assert len(bots) == 3 and sum(expected[b] for b in bots) == 94  # 93 bot_message + 1 with reactions
    assert store.scalar("SELECT count(*) FROM posts WHERE kind <> 'post'") == 0  # no threads in this archive


def test_archive_accounts(archive, loaded):
    _, members, _, messages = archive
    store, _ = loaded
    accounts = {row[0]: row[1:] for row in store.sql(
        "SELECT account_id, handle, display_name FROM accounts").fetchall()}
    users = {f"slack:{u['id']}": (u["name"], u["real_name"]) for u in members["users.json"]}
    bots = {f"slack:{author_of(m)}" for _, m in messages if not m.get("user") and "comment" not in m}
    assert set(accounts) == set(users) | bots
    for account_id, (handle, real_name) in users.items():
        assert accounts[account_id] == (handle, real_name)
    assert accounts["slack:U0BMYT2FL"] == ("abilinski", "Harry Potter")
    assert all(accounts[b][0] == b.removeprefix("slack:") for b in bots)  # no username: the bot id


def test_archive_interactions(archive, loaded):
    _, _, channel_ids, messages = archive
    store, report = loaded
    expected = set()
    for channel, m in messages:
        post_id = f"slack:{channel_ids[channel]}:{m['ts']}"
        source = f"slack:{author_of(m)}"
        expected |= {("mention", source, f"slack:{target}", post_id) for target in MENTION.findall(m.get("text", ""))}
        for r in m.get("reactions", []):
            expected |= {("reaction", f"slack:{u}", source, post_id) for u in r["users"]}
    loaded_rows = set(store.sql("SELECT kind, source_id, target_id, post_id FROM interactions").fetchall())
    assert loaded_rows == expected
    assert sum(1 for row in expected if row[0] == "mention") == 26  # 27 mentions, one repeated in a message
    assert {row for row in expected if row[0] == "reaction"} == {
        ("reaction", "slack:U0BMYT2FL", "slack:B0JL6RASU", "slack:C0JGLMMNX:1459154014.000018")}
    assert report.unresolved == 0


def test_archive_times_are_utc_from_ts(loaded):
    store, _ = loaded
    first = store.sql("SELECT created_at FROM posts WHERE post_id = 'slack:C0JGLMMNX:1452837318.000002'").fetchone()
    assert first[0] == datetime(2016, 1, 15, 5, 55, 18, 2, tzinfo=timezone.utc)


def test_archive_as_folder_and_nested_zip_load_the_same(archive, loaded, tmp_path):
    path = archive[0]
    store, _ = loaded
    expected = store.counts()
    folder = tmp_path / "workspace"
    with zipfile.ZipFile(path) as zipped:
        zipped.extractall(folder)
    nested = tmp_path / "nested.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(nested, "w") as target:
        for name in source.namelist():
            target.writestr(f"My Workspace Slack export/{name}", source.read(name))
    for variant in (folder, nested):
        with wb.open(":memory:") as other:
            report = wb.load(other, variant)
            assert len(report.files) == 1 and report.files[0].format == "slack"
            counts = other.counts()
            assert {k: counts[k] for k in ("accounts", "posts", "interactions")} == \
                {k: expected[k] for k in ("accounts", "posts", "interactions")}


# -- a small export written here ---------------------------------------------------------------------

USERS = [
    {"id": "U1", "name": "alice", "real_name": "Alice Archer", "updated": 1577000000,
     "profile": {"real_name": "Alice Archer", "display_name": "ali"}},
    {"id": "U2", "name": "bob", "real_name": "", "profile": {"real_name": "", "display_name": "Bobby"}},
    {"id": "U3", "name": "carol", "profile": {"real_name": "Carol Cole", "display_name": ""}},
]
CHANNELS = [{"id": "C1", "name": "general", "members": ["U1", "U2", "U3"]},
            {"id": "C2", "name": "random", "members": ["U1", "U2"]}]
ROOT = "1577872800.000100"
GENERAL = [
    {"type": "message", "user": "U1", "text": "Welcome <@U2> and <@U3|carol>!", "ts": ROOT, "thread_ts": ROOT,
     "reply_count": 3, "reactions": [{"name": "wave", "users": ["U2", "U3"], "count": 2},
                                     {"name": "+1", "users": ["U2"], "count": 3}]},
    {"type": "message", "user": "U2", "text": "thanks!", "ts": "1577872860.000200", "thread_ts": ROOT,
     "parent_user_id": "U1"},
    {"type": "message", "user": "U3", "text": "me too <@U1>", "ts": "1577872920.000300", "thread_ts": ROOT},
    {"type": "message", "subtype": "bot_message", "bot_id": "B1", "username": "deploybot",
     "text": "deployed by <@U2>", "ts": "1577873000.000400"},
    {"type": "message", "user": "U2", "text": "about last year's thread", "ts": "1577873100.000500",
     "thread_ts": "1546300800.000100"},
]
RANDOM = [
    {"type": "message", "user": "U2", "text": "<@U1> lunch?", "ts": "1577959200.000100",
     "reactions": [{"name": "pizza", "users": ["U1"], "count": 1}]},
    {"type": "message", "subtype": "bot_message", "bot_id": "B2", "bot_profile": {"id": "B2", "name": "Reminder"},
     "text": "standup in 5", "ts": "1577959300.000200"},
    {"type": "message", "subtype": "file_comment", "text": "<@U3> commented on <@U2>'s file",
     "comment": {"id": "Fc1", "user": "U3", "comment": "nice"}, "ts": "1577959400.000300"},
]


def write_export(folder, days: dict[str, object], *, users=USERS, channels=CHANNELS, raw: dict[str, str] = ()):
    """A Slack export folder, indented like Slack's own files (four spaces)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "users.json").write_text(json.dumps(users, indent=4), encoding="utf-8")
    (folder / "channels.json").write_text(json.dumps(channels, indent=4), encoding="utf-8")
    (folder / "integration_logs.json").write_text("[]", encoding="utf-8")
    for name, content in days.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(json.dumps(content, indent=4), encoding="utf-8")
    for name, text in dict(raw).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def small(tmp_path):
    return write_export(tmp_path / "study", {"general/2020-01-01.json": GENERAL, "random/2020-01-02.json": RANDOM})


def rows(store, kind):
    return set(store.sql("SELECT source_id, target_id, post_id FROM interactions WHERE kind = $kind",
                         {"kind": kind}).fetchall())


def test_small_export_posts_and_accounts(store, small):
    report = wb.load(store, small)
    assert (report.records_read, report.records_loaded, report.records_rejected) == (8 + 3, 11, 0)
    posts = {r[0]: r[1:] for r in store.sql(
        "SELECT post_id, author_id, kind, parent_post_id, conversation_id, channel, like_count, reply_count "
        "FROM posts").fetchall()}
    root = f"slack:C1:{ROOT}"
    assert posts[root] == ("slack:U1", "post", None, root, "general", 5, 3)
    assert posts["slack:C1:1577872860.000200"] == ("slack:U2", "reply", root, root, "general", 0, None)
    assert posts["slack:C1:1577873000.000400"][0] == "slack:B1"
    assert posts["slack:C2:1577959300.000200"][0] == "slack:B2"
    assert posts["slack:C2:1577959400.000300"][0] == "slack:U3"  # a file comment is its commenter's
    accounts = {r[0]: r[1:] for r in store.sql("SELECT account_id, handle, display_name FROM accounts").fetchall()}
    assert accounts == {
        "slack:U1": ("alice", "Alice Archer"),
        "slack:U2": ("bob", "Bobby"),          # no real name: the profile's display name
        "slack:U3": ("carol", "Carol Cole"),   # real name only in the profile
        "slack:B1": ("deploybot", "deploybot"),
        "slack:B2": ("Reminder", "Reminder"),  # no username: the bot profile's name
    }


def test_small_export_thread_replies(store, small):
    report = wb.load(store, small)
    root = f"slack:C1:{ROOT}"
    assert rows(store, "reply") == {
        ("slack:U2", "slack:U1", "slack:C1:1577872860.000200"),  # parent_user_id
        ("slack:U3", "slack:U1", "slack:C1:1577872920.000300"),  # root found in the export
    }
    assert report.unresolved == 1  # the reply to a thread from last year
    assert store.scalar("SELECT parent_post_id FROM posts WHERE post_id = 'slack:C1:1577873100.000500'") == \
        "slack:C1:1546300800.000100"
    assert store.scalar("SELECT count(*) FROM posts WHERE conversation_id = $root", {"root": root}) == 3


def test_small_export_mentions_and_reactions(store, small):
    wb.load(store, small)
    assert rows(store, "mention") == {
        ("slack:U1", "slack:U2", f"slack:C1:{ROOT}"),
        ("slack:U1", "slack:U3", f"slack:C1:{ROOT}"),            # <@U3|carol>
        ("slack:U3", "slack:U1", "slack:C1:1577872920.000300"),
        ("slack:B1", "slack:U2", "slack:C1:1577873000.000400"),  # a bot mentions too
        ("slack:U2", "slack:U1", "slack:C2:1577959200.000100"),
        ("slack:U3", "slack:U3", "slack:C2:1577959400.000300"),
        ("slack:U3", "slack:U2", "slack:C2:1577959400.000300"),
    }
    assert rows(store, "reaction") == {
        ("slack:U2", "slack:U1", f"slack:C1:{ROOT}"),  # two emoji from bob: one interaction
        ("slack:U3", "slack:U1", f"slack:C1:{ROOT}"),
        ("slack:U1", "slack:U2", "slack:C2:1577959200.000100"),
    }


def test_thread_root_in_a_later_load_resolves_the_reply(store, tmp_path):
    reply = {"type": "message", "user": "U2", "text": "late answer", "ts": "1577880000.000100",
             "thread_ts": ROOT}
    early = write_export(tmp_path / "jan2", {"general/2020-01-02.json": [reply]})
    late = write_export(tmp_path / "jan1", {"general/2020-01-01.json": GENERAL[:1]})
    assert wb.load(store, early).unresolved == 1
    wb.load(store, late)
    assert ("slack:U2", "slack:U1", "slack:C1:1577880000.000100") in rows(store, "reply")


def test_channel_missing_from_channel_list_uses_folder_name(store, tmp_path):
    folder = write_export(tmp_path / "x", {"secret/2020-01-01.json": [{"user": "U1", "text": "hi", "ts": "1.5"}]})
    wb.load(store, folder)
    assert store.sql("SELECT post_id, channel FROM posts").fetchall() == [("slack:secret:1.5", "secret")]


def test_reload_changes_nothing(store, small):
    wb.load(store, small)
    before = store.counts()
    again = wb.load(store, small)
    assert again.files[0].already_loaded_as == 1
    assert store.counts() == before


BAD_DAY = [
    {"type": "message", "user": "U1", "text": "fine", "ts": "1577959200.000100"},
    {"type": "message", "user": "U1", "text": "no ts here"},
    7,
    {"type": "message", "text": "nobody", "ts": "1577959300.000100"},
    {"type": "message", "user": "U2", "text": "bad ts", "ts": "noon"},
]


def test_bad_records_are_rejected_naming_member_and_line(store, tmp_path):
    folder = write_export(tmp_path / "ws", {"general/2020-01-01.json": GENERAL, "random/2020-01-03.json": BAD_DAY},
                          users=USERS + [{"name": "nobody"}])
    text = (folder / "random" / "2020-01-03.json").read_text()
    starts = [n for n, line in enumerate(text.split("\n"), start=1) if line in ("    {", "    7,")]
    user_lines = [n for n, line in enumerate((folder / "users.json").read_text().split("\n"), start=1)
                  if line == "    {"]
    report = wb.load(store, folder)
    assert (report.records_read, report.records_rejected) == (5 + 5 + 4, 5)
    assert store.scalar("SELECT count(*) FROM posts") == 6
    rejects = store.sql("SELECT path, line_no, reason FROM rejects ORDER BY path, line_no").fetchall()
    day = f"{folder}/random/2020-01-03.json"
    assert rejects == [
        (day, starts[1], "missing ts"),
        (day, starts[2], "expected a message object, got a number"),
        (day, starts[3], "no author: none of user, bot_id, comment.user or username"),
        (day, starts[4], 'invalid ts "noon"'),
        (f"{folder}/users.json", user_lines[3], "missing id"),
    ]


def test_invalid_day_file_is_one_reject_and_the_rest_loads(store, tmp_path):
    broken = '[\n    {\n        "user": "U1",\n        "ts": "1.1"\n        "text": "x"\n    }\n]'
    folder = write_export(tmp_path / "ws", {"general/2020-01-01.json": GENERAL},
                          raw={"general/2020-01-02.json": broken, "random/2020-01-02.json": '{"ts": "1"}'})
    report = wb.load(store, folder)
    assert (report.records_read, report.records_loaded, report.records_rejected) == (5 + 3 + 2, 8, 2)
    assert store.sql("SELECT path, line_no, reason FROM rejects ORDER BY path").fetchall() == [
        (f"{folder}/general/2020-01-02.json", 5, "invalid JSON: Expecting ',' delimiter (column 9)"),
        (f"{folder}/random/2020-01-02.json", 1, "expected a JSON array, got an object"),
    ]


def test_strict_mode_names_member_and_line(store, tmp_path):
    folder = write_export(tmp_path / "ws", {"general/2020-01-01.json": GENERAL, "random/2020-01-03.json": BAD_DAY})
    line = [n for n, text in enumerate((folder / "random/2020-01-03.json").read_text().split("\n"), start=1)
            if text == "    {"][1]
    with pytest.raises(StrictModeError, match=rf"ws/random/2020-01-03\.json line {line}: missing ts"):
        wb.load(store, folder, strict=True)
    assert store.counts()["posts"] == 0 and store.counts()["rejects"] == 0


# -- detection ---------------------------------------------------------------------------------------

def test_detection(small, tmp_path):
    source = next(expand(small))
    assert source.members and detect_format(source) == "slack"
    assert slack.sniff(read_sample(source))
    zipped = shutil.make_archive(str(tmp_path / "study"), "zip", small)
    assert detect_format(next(expand(zipped))) == "slack"
    # a day file alone is no workspace export
    assert not slack.sniff(read_sample(next(expand(small / "general" / "2020-01-01.json"))))


# -- invariants on generated exports ------------------------------------------------------------------

PEOPLE = ["U1", "U2", "U3", "B9"]  # B9: a bot, posting without `user`
message_spec = st.fixed_dictionaries({
    "author": st.integers(0, 3),
    "thread": st.one_of(st.none(), st.integers(-1, 9)),  # -1: a thread whose root is not in the export
    "with_parent_user": st.booleans(),
    "mentions": st.lists(st.integers(0, 2), max_size=3),
    "reactors": st.lists(st.integers(0, 2), max_size=3, unique=True),
})


@pytest.mark.slow  # a few seconds: left out of make test-fast, run by make test
@settings(max_examples=30, deadline=None)
@given(specs=st.lists(message_spec, min_size=1, max_size=10))
def test_interactions_match_a_plain_python_reading(tmp_path_factory, specs):
    """Whatever the mix of threads, mentions, reactions and bots, the loader agrees with a direct reading."""
    stamps = [f"{1577872800 + 60 * i}.{i:06d}" for i in range(len(specs))]
    messages, authors = [], {}
    for i, spec in enumerate(specs):
        who = PEOPLE[spec["author"]]
        found = {"type": "message", "ts": stamps[i],
                 "text": " ".join(f"<@{PEOPLE[p]}>" for p in spec["mentions"]) or "plain"}
        found.update({"subtype": "bot_message", "bot_id": who} if who.startswith("B") else {"user": who})
        if spec["reactors"]:
            found["reactions"] = [{"name": "eyes", "users": [PEOPLE[r] for r in spec["reactors"]],
                                   "count": len(spec["reactors"])}]
        root = spec["thread"]
        if root is not None and (root < 0 or root < i):
            found["thread_ts"] = stamps[root] if root >= 0 else "1500000000.000001"
            if spec["with_parent_user"] and root >= 0:
                found["parent_user_id"] = PEOPLE[specs[root]["author"]]
        authors[stamps[i]] = who
        messages.append(found)
    expected, unresolved = set(), 0
    for m in messages:
        me, post_id = f"slack:{authors[m['ts']]}", f"slack:C1:{m['ts']}"
        if "thread_ts" in m:
            parent = m.get("parent_user_id") or authors.get(m["thread_ts"])
            if parent is None:
                unresolved += 1
            else:
                expected.add(("reply", me, f"slack:{parent}", post_id))
        expected |= {("mention", me, f"slack:{t}", post_id) for t in MENTION.findall(m["text"])}
        expected |= {("reaction", f"slack:{u}", me, post_id) for r in m.get("reactions", []) for u in r["users"]}
    folder = write_export(tmp_path_factory.mktemp("gen") / "ws", {"general/2020-01-01.json": messages})
    with wb.open(":memory:") as store:
        report = wb.load(store, folder)
        assert set(store.sql("SELECT kind, source_id, target_id, post_id FROM interactions").fetchall()) == expected
        assert report.unresolved == unresolved
        assert store.scalar("SELECT count(*) FROM posts") == len(messages)


def test_a_single_file_with_format_slack_is_refused(store, small):
    with pytest.raises(EmptyExportError, match="not a Slack workspace export"):
        wb.load(store, small / "general" / "2020-01-01.json", format="slack")
