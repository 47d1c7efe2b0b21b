"""The Discord loader (DiscordChatExporter JSON).

No real DiscordChatExporter export is among the real test data, so these tests write their own:
:func:`dce_export` builds documents with the field names, nesting, value formats and 2-space
indentation that DiscordChatExporter's JSON writer produces (guild, channel, dateRange, exportedAt,
messages with author/reactions/mentions/reference, messageCount), written from its documented
format, with made-up users and messages. Expected values are computed here by hand or with plain
Python over the same dicts.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workbench as wb
from workbench.errors import EmptyExportError, StrictModeError
from workbench.ingest import discord
from workbench.ingest.detect import detect_format, read_sample
from workbench.ingest.sources import expand

DISCORD_EPOCH_MS = 1420070400000
T0 = datetime(2023, 5, 1, 10, 0, tzinfo=timezone.utc)


# -- a faithful DiscordChatExporter document ---------------------------------------------------------

def snowflake(moment: datetime, sequence: int = 0) -> str:
    """A Discord id minted at ``moment`` (milliseconds since 2015-01-01 in the upper 42 bits)."""
    return str((int(moment.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22 | sequence)


def user(uid: str, name: str, *, nickname: str | None = None, discriminator: str = "0000",
         is_bot: bool = False, roles: bool = True) -> dict:
    """A user object as the exporter writes it (reaction users carry no roles)."""
    found = {"id": uid, "name": name, "discriminator": discriminator, "nickname": nickname or name,
             "color": None, "isBot": is_bot}
    if roles:
        found["roles"] = []
    found["avatarUrl"] = f"https://cdn.discordapp.com/embed/avatars/{int(uid) % 5}.png"
    return found


def reaction(emoji: str, users: list[dict] | None, count: int | None = None) -> dict:
    """A reaction; ``users=None`` is an export made without reaction users (older exporter versions)."""
    found = {"emoji": {"id": "", "name": emoji, "code": "thumbsup", "isAnimated": False,
                       "imageUrl": "https://cdn.jsdelivr.net/gh/twitter/twemoji@latest/assets/svg/1f44d.svg"},
             "count": count if count is not None else len(users or [])}
    if users is not None:
        found["users"] = [{k: v for k, v in u.items() if k != "roles"} for u in users]
    return found


def message(mid: str, author: dict, content: str, when: datetime, *, kind: str = "Default",
            reactions: list[dict] = (), mentions: list[dict] = (), reply_to: str | None = None,
            offset: str = "+00:00") -> dict:
    """A message object; ``offset`` writes the local-time offset older exports used."""
    hours = int(offset[:3])
    local = when.astimezone(timezone(timedelta(hours=hours)))
    found = {
        "id": mid, "type": kind, "timestamp": local.isoformat(timespec="milliseconds"),
        "timestampEdited": None, "callEndedTimestamp": None, "isPinned": False, "content": content,
        "author": author, "attachments": [], "embeds": [], "stickers": [],
        "reactions": list(reactions), "mentions": list(mentions),
    }
    if reply_to is not None:
        found["reference"] = {"type": "Default", "messageId": reply_to, "channelId": CHANNEL_ID, "guildId": GUILD_ID}
    found["inlineEmojis"] = []
    return found


GUILD_ID = snowflake(datetime(2019, 1, 1, tzinfo=timezone.utc))
CHANNEL_ID = snowflake(datetime(2019, 1, 2, tzinfo=timezone.utc))


def dce_export(messages: list, *, guild: str = "Study Group", channel: str = "general") -> dict:
    return {
        "guild": {"id": GUILD_ID, "name": guild, "iconUrl": "https://cdn.discordapp.com/icons/1/a.png"},
        "channel": {"id": CHANNEL_ID, "type": "GuildTextChat", "categoryId": "1", "category": "Text Channels",
                    "name": channel, "topic": None},
        "dateRange": {"after": None, "before": None},
        "exportedAt": "2024-01-01T00:00:00.000+00:00",
        "messages": messages,
        "messageCount": len(messages),
    }


def write(path, document, *, indent: int | None = 2) -> str:
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return text


ALICE = user(snowflake(datetime(2016, 4, 30, 11, 18, 25, 796000, tzinfo=timezone.utc)), "alice", nickname="Alice A.")
BOB = user(snowflake(datetime(2018, 1, 1, tzinfo=timezone.utc)), "bob")
CAROL = user(snowflake(datetime(2017, 6, 1, tzinfo=timezone.utc)), "carol", discriminator="4321")
DAVE = user(snowflake(datetime(2020, 2, 2, tzinfo=timezone.utc)), "dave")
M = [snowflake(T0 + timedelta(minutes=i)) for i in range(10)]


def acc(u: dict) -> str:
    return f"discord:{u['id']}"


def post(mid: str) -> str:
    return f"discord:{mid}"


@pytest.fixture
def conversation(tmp_path):
    """Five messages: a post with reactions, a reply (with its auto-mention and a real one),
    a reply to a message outside the export, a self-reply, a plain post."""
    messages = [
        message(M[0], ALICE, "Anyone up for the exam review?", T0,
                reactions=[reaction("👍", [BOB, CAROL]), reaction("🎉", [BOB]), reaction("🔥", None, count=4)]),
        message(M[1], BOB, "@Alice A. yes, and @carol too", T0 + timedelta(minutes=1), kind="Reply",
                mentions=[ALICE, CAROL], reply_to=M[0], offset="+02:00"),
        message(M[2], CAROL, "as I said last week", T0 + timedelta(minutes=2), kind="Reply",
                mentions=[DAVE], reply_to=snowflake(datetime(2023, 4, 1, tzinfo=timezone.utc))),
        message(M[3], ALICE, "and one more thing", T0 + timedelta(minutes=3), kind="Reply",
                mentions=[ALICE], reply_to=M[0]),
        message(M[4], DAVE, "hello all", T0 + timedelta(minutes=4)),
    ]
    path = tmp_path / "Study Group - general [123].json"
    write(path, dce_export(messages))
    return path


def interactions(store, kind=None) -> set[tuple]:
    rows = store.sql("SELECT kind, source_id, target_id, post_id FROM interactions").fetchall()
    return {r[1:] if kind else r for r in rows if kind is None or r[0] == kind}


# -- each rule on a hand-written export ---------------------------------------------------------------

def test_posts_accounts_and_counts(store, conversation):
    report = wb.load(store, conversation)
    assert report.files[0].format == "discord"
    assert (report.records_read, report.records_loaded, report.records_rejected) == (5, 5, 0)
    posts = store.sql("SELECT post_id, author_id, kind, parent_post_id, channel, like_count, created_at, text "
                      "FROM posts ORDER BY post_id").fetchall()
    assert [p[0] for p in posts] == [post(m) for m in M[:5]]
    assert [p[2] for p in posts] == ["post", "reply", "reply", "reply", "post"]
    assert posts[1][3] == post(M[0]) and posts[0][3] is None
    assert {p[4] for p in posts} == {"Study Group/general"}
    assert [p[5] for p in posts] == [2 + 1 + 4, 0, 0, 0, 0]
    # +02:00 local time in the export, UTC in the store
    assert posts[1][6] == T0 + timedelta(minutes=1)
    assert posts[1][7] == "@Alice A. yes, and @carol too"

    accounts = {row[0]: row[1:] for row in store.sql(
        "SELECT account_id, handle, display_name, created_at FROM accounts").fetchall()}
    assert set(accounts) == {acc(ALICE), acc(BOB), acc(CAROL), acc(DAVE)}
    assert accounts[acc(ALICE)][:2] == ("alice", "Alice A.")
    assert accounts[acc(CAROL)][0] == "carol#4321"  # a legacy discriminator stays part of the handle
    # the account's creation time is in its snowflake
    assert accounts[acc(ALICE)][2] == datetime(2016, 4, 30, 11, 18, 25, 796000, tzinfo=timezone.utc)


def test_replies_resolve_in_the_export_and_count_unresolved(store, conversation):
    report = wb.load(store, conversation)
    assert interactions(store, "reply") == {
        (acc(BOB), acc(ALICE), post(M[1])),
        (acc(ALICE), acc(ALICE), post(M[3])),  # a self-reply is kept; graphs drop it by default
    }
    assert report.unresolved == 1  # carol's reply to a message outside the export
    assert store.scalar("SELECT unresolved FROM loads") == 1


def test_mentions_leave_out_the_reply_auto_mention(store, conversation):
    wb.load(store, conversation)
    assert interactions(store, "mention") == {
        (acc(BOB), acc(CAROL), post(M[1])),  # alice, the replied-to author, is the auto-mention
        (acc(CAROL), acc(DAVE), post(M[2])),  # parent unknown: nothing to leave out
    }


def test_reactions_come_from_listed_users_only(store, conversation):
    wb.load(store, conversation)
    # bob reacted twice to the same message: one interaction per (post, kind, source, target)
    assert interactions(store, "reaction") == {
        (acc(BOB), acc(ALICE), post(M[0])),
        (acc(CAROL), acc(ALICE), post(M[0])),
    }


def test_reload_changes_nothing(store, conversation):
    wb.load(store, conversation)
    before = store.counts()
    again = wb.load(store, conversation)
    assert again.files[0].already_loaded_as == 1
    assert store.counts() == before


def test_reply_and_parent_in_separate_loads_resolve_in_either_order(tmp_path):
    parent = message(M[0], ALICE, "question", T0)
    child = message(M[1], BOB, "answer", T0 + timedelta(minutes=1), kind="Reply", mentions=[ALICE], reply_to=M[0])
    first, second = tmp_path / "part1.json", tmp_path / "part2.json"
    write(first, dce_export([parent]))
    write(second, dce_export([child]))
    expected = {("reply", acc(BOB), acc(ALICE), post(M[1]))}
    for order in ((first, second), (second, first)):
        with wb.open(":memory:") as store:
            reports = [wb.load(store, path) for path in order]
            if order[0] == first:
                # the parent is known while staging the reply: resolved, and its auto-mention left out
                assert interactions(store) == expected
                assert [r.unresolved for r in reports] == [0, 0]
            else:
                # the reply came first: unresolved then, resolved by the parent's load; the auto-mention
                # could not be told from a real one when the reply was loaded, and stays
                assert interactions(store) == expected | {("mention", acc(BOB), acc(ALICE), post(M[1]))}
                assert [r.unresolved for r in reports] == [1, 0]
                assert store.scalar("SELECT load_id FROM interactions WHERE kind = 'reply'") == 2


def test_bad_records_are_rejected_at_the_line_they_start(store, tmp_path):
    messages = [
        message(M[0], ALICE, "fine", T0),
        {"id": M[1], "type": "Default", "timestamp": "yesterday", "content": "x", "author": BOB},
        message(M[2], BOB, "fine too", T0 + timedelta(minutes=2)),
        {"type": "Default", "timestamp": "2023-05-01T10:03:00+00:00", "author": BOB},
        "not a message",
        {"id": M[5], "timestamp": "2023-05-01T10:05:00+00:00", "author": {"name": "ghost"}},
    ]
    text = write(tmp_path / "general.json", dce_export(messages))
    # where each message starts: inside "messages", at four spaces of indentation
    lines = text.split("\n")
    opening, closing = lines.index('  "messages": ['), lines.index("  ],")
    starts = [n for n, line in enumerate(lines[opening:closing], start=opening + 1)
              if line.startswith("    ") and not line.startswith("     ") and line.strip() not in ("}", "},")]
    assert len(starts) == len(messages)
    report = wb.load(store, tmp_path / "general.json")
    assert (report.records_read, report.records_loaded, report.records_rejected) == (6, 2, 4)
    rejects = store.sql("SELECT line_no, reason, path, raw FROM rejects ORDER BY line_no").fetchall()
    assert [(r[0], r[1]) for r in rejects] == [
        (starts[1], 'invalid timestamp "yesterday"'),
        (starts[3], "missing id"),
        (starts[4], "expected a message object, got a string"),
        (starts[5], "missing author.id"),
    ]
    assert rejects[0][2] == str(tmp_path / "general.json")
    assert json.loads(rejects[2][3]) == "not a message"
    assert store.scalar("SELECT count(*) FROM posts") == 2


def test_compact_json_rejects_at_line_one(store, tmp_path):
    messages = [message(M[0], ALICE, "fine", T0), {"id": M[1]}]
    write(tmp_path / "compact.json", dce_export(messages), indent=None)
    report = wb.load(store, tmp_path / "compact.json")
    assert (report.records_loaded, report.records_rejected) == (1, 1)
    assert store.sql("SELECT line_no, reason FROM rejects").fetchall() == [(1, "missing author.id")]


def test_strict_mode_names_file_and_line_and_loads_nothing(store, tmp_path):
    text = write(tmp_path / "general.json", dce_export([message(M[0], ALICE, "fine", T0), {"id": M[1]}]))
    lines = text.split("\n")
    bad_line = [n for n, line in enumerate(lines, start=1) if line == "    {"][1]
    assert lines[bad_line] == f'      "id": "{M[1]}"'
    with pytest.raises(StrictModeError, match=rf"general\.json line {bad_line}: missing author\.id"):
        wb.load(store, tmp_path / "general.json", strict=True)
    assert store.scalar("SELECT count(*) FROM posts") == 0
    assert store.scalar("SELECT count(*) FROM rejects") == 0


def test_invalid_json_is_an_error_naming_the_line(store, tmp_path):
    text = json.dumps(dce_export([message(M[0], ALICE, "fine", T0)]), indent=2)
    lines = text.split("\n")
    lines[30] = lines[30].rstrip(",")  # drop one comma inside the message
    (tmp_path / "broken.json").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(EmptyExportError, match=r"at line 32: invalid JSON: Expecting ',' delimiter"):
        wb.load(store, tmp_path / "broken.json", format="discord")
    with pytest.raises(StrictModeError, match=r"broken\.json line 32: invalid JSON"):
        wb.load(store, tmp_path / "broken.json", format="discord", strict=True)


def test_json_that_is_no_export_is_refused(store, tmp_path):
    write(tmp_path / "other.json", {"guild": {"id": "1"}, "channel": {"id": "2"}, "messages": 3})
    with pytest.raises(EmptyExportError, match='no "messages" array'):
        wb.load(store, tmp_path / "other.json", format="discord")


def test_platform_option_prefixes_ids(store, conversation):
    wb.load(store, conversation, platform="guildchat")
    assert store.scalar("SELECT count(*) FROM posts WHERE post_id LIKE 'guildchat:%'") == 5
    assert store.scalar("SELECT count(*) FROM interactions WHERE source_id NOT LIKE 'guildchat:%'") == 0


# -- detection ---------------------------------------------------------------------------------------

def test_detection(tmp_path, conversation):
    assert detect_format(next(expand(conversation))) == "discord"
    # a long export: the sample holds only its start, which does not parse as JSON
    many = [message(snowflake(T0, i), ALICE, "x" * 200, T0 + timedelta(seconds=i)) for i in range(300)]
    write(tmp_path / "long.json", dce_export(many))
    source = next(expand(tmp_path / "long.json"))
    assert read_sample(source).first is None
    assert detect_format(source) == "discord"


@pytest.mark.parametrize("text", [
    '{"data": [{"id": "1", "text": "hi"}], "includes": {}}',
    '[{"guild": {}, "channel": {}, "messages": []}]',
    '{"channel": {"id": "1"}, "messages": []}',
    '{"id_str": "1", "user": {"screen_name": "guild"}, "text": "\\"channel\\": {\\"messages\\": ["}',
])
def test_sniff_refuses_other_json(tmp_path, text):
    (tmp_path / "x.json").write_text(text, encoding="utf-8")
    assert not discord.sniff(read_sample(next(expand(tmp_path / "x.json"))))


# -- invariants on generated exports ------------------------------------------------------------------

PEOPLE = [ALICE, BOB, CAROL, DAVE]
person = st.integers(0, len(PEOPLE) - 1)
message_spec = st.fixed_dictionaries({
    "author": person,
    "reply_to": st.one_of(st.none(), st.integers(-1, 11)),  # -1: a message outside the export
    "mentions": st.lists(person, max_size=3, unique=True),
    "reactors": st.one_of(st.none(), st.lists(person, max_size=4, unique=True)),
})


@pytest.mark.slow  # a few seconds: left out of make test-fast, run by make test
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(message_spec, min_size=1, max_size=12))
def test_interactions_match_a_plain_python_reading(tmp_path_factory, specs):
    """Whatever the mix of replies, mentions and reactions, the loader agrees with a direct reading."""
    outside = snowflake(datetime(2022, 1, 1, tzinfo=timezone.utc))
    ids = [snowflake(T0, i) for i in range(len(specs))]
    messages = []
    for i, spec in enumerate(specs):
        target = spec["reply_to"]
        reply_to = None if target is None else (ids[target] if 0 <= target < len(specs) else outside)
        reactions = [] if spec["reactors"] is None else [reaction("👍", [PEOPLE[r] for r in spec["reactors"]])]
        messages.append(message(ids[i], PEOPLE[spec["author"]], f"m{i}", T0 + timedelta(minutes=i),
                                kind="Reply" if reply_to else "Default", reply_to=reply_to,
                                mentions=[PEOPLE[p] for p in spec["mentions"]], reactions=reactions))
    author_of = {m["id"]: acc(m["author"]) for m in messages}
    expected = set()
    unresolved = 0
    for m in messages:
        me, pid = acc(m["author"]), post(m["id"])
        parent_author = None
        if "reference" in m:
            parent_author = author_of.get(m["reference"]["messageId"])
            if parent_author is None:
                unresolved += 1
            else:
                expected.add(("reply", me, parent_author, pid))
        expected |= {("mention", me, acc(u), pid) for u in m["mentions"] if acc(u) != parent_author}
        for r in m["reactions"]:
            expected |= {("reaction", acc(u), me, pid) for u in r.get("users", [])}
    path = tmp_path_factory.mktemp("gen") / "gen.json"
    write(path, dce_export(messages))
    with wb.open(":memory:") as store:
        report = wb.load(store, path)
        assert interactions(store) == expected
        assert report.unresolved == unresolved
        assert store.scalar("SELECT count(*) FROM posts") == len(messages)


def test_a_slack_folder_with_format_discord_is_refused(store, tmp_path):
    (tmp_path / "ws" / "general").mkdir(parents=True)
    for name, text in (("users.json", "[]"), ("channels.json", "[]"), ("general/2020-01-01.json", "[]")):
        (tmp_path / "ws" / name).write_text(text, encoding="utf-8")
    with pytest.raises(EmptyExportError, match="not a member of a multi-file export"):
        wb.load(store, tmp_path / "ws", format="discord")
