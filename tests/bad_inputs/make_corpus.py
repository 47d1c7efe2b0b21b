"""Write the bad-input corpus: one small folder of hostile or malformed exports per kind.

Usage::

    python tests/bad_inputs/make_corpus.py OUT_DIR          # write every kind into OUT_DIR/<kind>/
    python tests/bad_inputs/make_corpus.py --table          # print the README table of kinds and outcomes

The output is deterministic (no clock, no randomness): the same bytes on every run. Nothing it
writes is committed; ``tests/test_bad_inputs.py`` generates the corpus into a temporary folder and
runs every kind through ``workbench load``, asserting the outcome stated here in :data:`KINDS`:
the exit code, the one-line error message (exit 2), the report's read / loaded / rejected counts,
every row of the ``rejects`` table (path, line, reason), the new rows and the ``loads`` statuses.

Ids in the corpus never collide with the test's baseline workspace (the bundled tiny export and a
three-row edge list), so "the earlier data is unchanged" can be checked row by row.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

__all__ = ["Kind", "KINDS", "write_corpus", "readme_table", "HUGE_LINE_BYTES"]

#: Size of the body of the over-long record of the ``huge_line`` kind.
HUGE_LINE_BYTES = 50 << 20


# -- records of each format (small, valid, with ids that the baseline does not use) -------------------

def tweet_v2(i: int, **changes) -> dict:
    """A flattened twarc2 tweet (author inlined), id ``70<i>``, by one of three authors ``71..73``."""
    author = str(71 + i % 3)
    value = {"id": str(7000 + i), "author_id": author, "text": f"tweet number {i}",
             "created_at": "2022-05-02T10:00:00.000Z", "lang": "en", "conversation_id": str(7000 + i),
             "public_metrics": {"like_count": i, "retweet_count": 0, "reply_count": 0, "quote_count": 0},
             "author": {"id": author, "username": f"bird{author}", "name": f"Bird {author}",
                        "public_metrics": {"followers_count": 5, "following_count": 5, "tweet_count": 9}}}
    value.update(changes)
    return value


def tweet_v1(i: int, **changes) -> dict:
    """A classic v1.1 tweet, id ``50<i>``, by one of three users ``51..53``."""
    user = str(51 + i % 3)
    value = {"id_str": str(5000 + i), "id": 5000 + i, "created_at": "Mon May 02 10:00:00 +0000 2022",
             "text": f"classic {i}", "lang": "en", "user": {"id_str": user, "screen_name": f"old{user}"}}
    value.update(changes)
    return value


def comment(i: int, **changes) -> dict:
    """A Pushshift comment on submission ``t3_bads1``, id ``badc<i>``."""
    value = {"id": f"badc{i}", "author": f"redditor{i % 3}", "subreddit": "badinputs", "parent_id": "t3_bads1",
             "link_id": "t3_bads1", "body": f"comment {i}", "created_utc": 1651485600 + i, "score": 1}
    value.update(changes)
    return value


def submission(**changes) -> dict:
    value = {"id": "bads1", "author": "op_user", "subreddit": "badinputs", "title": "A thread", "selftext": "",
             "num_comments": 3, "created_utc": 1651485000, "score": 10}
    value.update(changes)
    return value


def mastodon_status(i: int, **changes) -> dict:
    """A Mastodon Status served by bad.example, by one of two local accounts."""
    user = f"tooter{i % 2}"
    account = {"id": str(i % 2 + 1), "username": user, "acct": user, "display_name": user.title(),
               "url": f"https://bad.example/@{user}", "uri": f"https://bad.example/users/{user}",
               "followers_count": 3, "following_count": 4, "statuses_count": 5,
               "created_at": "2022-01-01T00:00:00.000Z", "last_status_at": "2024-05-01"}
    uri = f"https://bad.example/users/{user}/statuses/{900 + i}"
    value = {"id": str(900 + i), "created_at": "2024-05-01T10:00:00.000Z", "in_reply_to_id": None,
             "in_reply_to_account_id": None, "language": "en", "uri": uri, "url": uri, "replies_count": 0,
             "reblogs_count": 0, "favourites_count": 1, "content": f"<p>toot {i}</p>", "reblog": None,
             "account": account, "mentions": [], "quote": None}
    value.update(changes)
    return value


def bluesky_post(i: int, **changes) -> dict:
    """An app.bsky post view by one of two accounts ``did:plc:badN``."""
    did = f"did:plc:bad{i % 2}"
    value = {"uri": f"at://{did}/app.bsky.feed.post/k{i}", "cid": "c",
             "author": {"did": did, "handle": f"bad{i % 2}.test"},
             "record": {"$type": "app.bsky.feed.post", "createdAt": "2025-01-02T10:00:00.000Z", "text": f"skeet {i}",
                        "langs": ["en"]},
             "replyCount": 0, "repostCount": 0, "likeCount": 1, "quoteCount": 0,
             "indexedAt": "2025-01-02T10:00:00.000Z"}
    value.update(changes)
    return value


def discord_export(messages: list) -> dict:
    return {"guild": {"id": "4001", "name": "Bad Guild"},
            "channel": {"id": "4002", "type": "GuildTextChat", "name": "general", "topic": None},
            "dateRange": {"after": None, "before": None}, "exportedAt": "2024-01-01T00:00:00.000+00:00",
            "messages": messages, "messageCount": len(messages)}


def discord_message(i: int, **changes) -> dict:
    value = {"id": str(4100 + i), "type": "Default", "timestamp": "2024-01-01T10:00:00.000+00:00",
             "content": f"message {i}", "author": {"id": str(4200 + i % 2), "name": f"gamer{i % 2}",
                                                  "discriminator": "0000", "nickname": None, "isBot": False},
             "reactions": [], "mentions": []}
    value.update(changes)
    return value


def lines(records) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


# -- the kinds --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    """One kind of bad input and the outcome ``workbench load`` must give for it.

    Attributes
    ----------
    name, formats, what : str
        The kind's folder name, the formats it exercises, and the bad input in words.
    write : callable
        ``write(folder)`` creates the kind's files in its folder.
    paths : tuple of str
        The paths given to ``workbench load``, relative to the kind's folder.
    args : tuple of str
        Further command-line arguments (``--format``, ``--strict``).
    exit : int
        The expected exit code: 0, or 2 for a user error.
    message : str, optional
        For exit 2: a regular expression the single stderr line must match in full, with
        ``{dir}`` standing for the kind's folder (escaped when substituted).
    counts : tuple of int, optional
        ``(records_read, records_loaded, records_rejected)`` of the whole load, when it succeeds.
    rejects : tuple
        Every row the load adds to ``rejects``: ``(path relative to the folder, line_no, reason)``.
    new : tuple of int
        New rows in ``(accounts, posts, interactions)``.
    loads : tuple of str
        Statuses of the ``loads`` rows the command adds, in order.
    outcome : str
        The expected outcome in words, for the README table.
    facts : tuple
        ``(sql, rows)`` pairs: after the load, ``sql`` (``$dir`` bound to the kind's folder) returns
        exactly ``rows``.
    """

    name: str
    formats: str
    what: str
    write: Callable[[Path], None]
    paths: tuple[str, ...]
    outcome: str
    args: tuple[str, ...] = ()
    exit: int = 0
    message: str | None = None
    counts: tuple[int, int, int] | None = None
    rejects: tuple[tuple[str, int, str], ...] = ()
    new: tuple[int, int, int] = (0, 0, 0)
    loads: tuple[str, ...] = ()
    facts: tuple[tuple[str, list], ...] = ()
    extra: dict = field(default_factory=dict)


def _text(name: str, content: str | bytes) -> Callable[[Path], None]:
    data = content.encode("utf-8") if isinstance(content, str) else content

    def write(folder: Path) -> None:
        (folder / name).write_bytes(data)
    return write


def _files(files: dict[str, str | bytes]) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        for name, content in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return write


# truncated line: the writer of the export died in the middle of the last record
_TRUNCATED = lines([tweet_v2(1), tweet_v2(2)]) + json.dumps(tweet_v2(3))[:70]

# a DiscordChatExporter document cut in the middle (pretty-printed, as the exporter writes it)
_DISCORD_FULL = json.dumps(discord_export([discord_message(i) for i in range(3)]), indent=2)
_DISCORD_CUT = _DISCORD_FULL[: _DISCORD_FULL.index('"message 1"') + 5]
_DISCORD_CUT_LINE = _DISCORD_CUT.count("\n") + 1  # JSON parsing fails on the last line, inside a string

# one comment's body with a byte that is not UTF-8 (Latin-1 é)
_INVALID_UTF8 = (lines([submission(), comment(1)]).encode()
                 + json.dumps(comment(2, body="caf#")).encode().replace(b"#", b"\xe9") + b"\n"
                 + lines([comment(3)]).encode())
_INVALID_UTF8_BYTE = json.dumps(comment(2, body="caf#")).index("#")

# a pretty-printed Mastodon list with a Latin-1 byte on its 14th line
_MASTODON_DOC = json.dumps([mastodon_status(1), mastodon_status(2)], indent=2)
_MASTODON_LATIN1 = _MASTODON_DOC.replace("toot 1", "caf#").encode().replace(b"#", b"\xe9")
_LATIN1_BYTE = _MASTODON_LATIN1.index(b"\xe9")
_LATIN1_LINE = _MASTODON_LATIN1[:_LATIN1_BYTE].count(b"\n") + 1

_BOM = b"\xef\xbb\xbf"

_CSV = "source,target,kind,timestamp\nann,bea,mention,2024-01-01T10:00:00Z\nbea,cai,reply,2024-01-02T10:00:00Z\n"

_NUL = (lines([tweet_v1(1)]).encode() + json.dumps(tweet_v1(2, text="nul#here")).encode().replace(b"#", b"\x00")
        + b"\n" + lines([tweet_v1(3)]).encode())
_NUL_BYTE = json.dumps(tweet_v1(2, text="nul#here")).index("#")


def _write_huge(folder: Path) -> None:
    # streamed to disk: the generator itself must not hold 50 MB twice
    with open(folder / "huge.jsonl", "w", encoding="utf-8") as out:
        out.write(json.dumps(comment(1)) + "\n")
        head, tail = json.dumps(comment(2, body="#")).split("#")
        out.write(head)
        block = "x" * (1 << 20)
        for _ in range(HUGE_LINE_BYTES >> 20):
            out.write(block)
        out.write(tail + "\n")
        out.write(json.dumps(comment(3)) + "\n")


_HUGE_LINE_LEN = len(json.dumps(comment(2, body=""))) + HUGE_LINE_BYTES

_ID_TYPES = lines([tweet_v2(1), tweet_v2(2, id=7002), tweet_v2(3, id="7002", text="the same tweet, id as a string")])
_ID_WRONG = lines([tweet_v2(1), tweet_v2(2, id=True), tweet_v2(3, id=[7003]), tweet_v2(4, id={"n": 7004}),
                   tweet_v2(5, id=7.5)])
_ID_WRONG_V1 = lines([tweet_v1(1), tweet_v1(2, id_str=True, id=True), tweet_v1(3, id_str=[5003], id=[5003]),
                      tweet_v1(4, id_str={"n": 5004}, id={"n": 5004}), tweet_v1(5, id_str=5005.5, id=5005.5)])

_MISSING_IDS = {
    "reddit.jsonl": lines([submission(), {k: v for k, v in comment(1).items() if k != "id"}, comment(2),
                           comment(3, id="")]),
    "twitter_v1.jsonl": lines([tweet_v1(1), {k: v for k, v in tweet_v1(2).items() if k not in ("id", "id_str")},
                               tweet_v1(3, user={"screen_name": "nobody"})]),
    "bluesky.jsonl": lines([bluesky_post(1), {k: v for k, v in bluesky_post(2).items() if k != "uri"},
                            bluesky_post(3)]),
}

_DUPLICATES = lines([submission(), comment(1), comment(2),
                     comment(1, body="a different body", author="impostor", created_utc=1700000000)])

_TIMES_V2 = lines([tweet_v2(1, created_at="2099-12-31T23:59:59.000Z"), tweet_v2(2, created_at="2038-01-19T03:14:08.000Z"),
                   tweet_v2(3)])
_TIMES_OLD = lines([submission(created_utc=0), comment(1, created_utc=946684800), comment(2, created_utc=-86400),
                    comment(3, created_utc="1995-08-09T12:00:00Z")])

_EPOCHS = ("source,target,timestamp\n"
           "ep_a,ep_b,1651485600\n"          # seconds: 2022-05-02 10:00 UTC
           "ep_a,ep_c,1651485600000\n"       # the same instant in milliseconds
           "ep_b,ep_c,1651485600.5\n"        # fractional seconds
           "ep_c,ep_a,1651485600000000\n")   # microseconds

_EMPTY_DISCORD = json.dumps(discord_export([]), indent=2)

_ARRAY_REDDIT = json.dumps([comment(1), comment(2)], indent=2)

_RAGGED = ("source,target,timestamp\n"
           "rg_a,rg_b,2024-01-01\n"
           "rg_a,rg_c,2024-01-02,extra\n"
           "rg_b\n"
           "rg_c,rg_a,2024-01-03\n")

_BIG_TEXT = lines([tweet_v2(i, text="padding " * 40) for i in range(400)]).encode()


def _corrupt_gzip() -> bytes:
    data = bytearray(gzip.compress(_BIG_TEXT, mtime=0))
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(64)  # zeros in the middle of the deflate stream
    return bytes(data)


def _truncated_zstd() -> bytes:
    import zstandard

    data = zstandard.ZstdCompressor(level=3).compress(_BIG_TEXT)
    return data[: len(data) // 2]


def _zip_bytes(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            archive.writestr(info, content)
    return buffer.getvalue()


def _write_symlink(folder: Path) -> None:
    (folder / "real").mkdir()
    (folder / "real" / "tweets.jsonl").write_text(lines([tweet_v2(1), tweet_v2(2)]), encoding="utf-8")
    os.symlink(Path("real") / "tweets.jsonl", folder / "link.jsonl")


def _write_broken_symlink(folder: Path) -> None:
    os.symlink("no-such-target.jsonl", folder / "dangling.jsonl")


def _write_symlink_loop(folder: Path) -> None:
    (folder / "export").mkdir()
    (folder / "export" / "tweets.jsonl").write_text(lines([tweet_v2(1)]), encoding="utf-8")
    os.symlink(".", folder / "export" / "again")  # export/again/again/... forever, if followed


def _write_fifo(folder: Path) -> None:
    os.mkfifo(folder / "pipe.jsonl")


def _write_empty_folder(folder: Path) -> None:
    (folder / "nothing").mkdir()
    (folder / "nothing" / ".hidden.jsonl").write_text(lines([tweet_v2(1)]), encoding="utf-8")


_MIXED = {
    "mixed/a_reddit.jsonl": lines([submission(), comment(1)]),
    "mixed/b_tweets.jsonl.gz": gzip.compress(lines([tweet_v2(1), tweet_v2(2)]).encode(), mtime=0),
    "mixed/c_edges.csv": _CSV,
    "mixed/d_mastodon.json": json.dumps([mastodon_status(1)], indent=2),
    "mixed/e_bluesky.json": json.dumps({"posts": [bluesky_post(1)]}),
    "mixed/f_notes.txt": "Collected on a Tuesday; ask Sam about the rest.\n",
}

_SLACK = {
    "slack/users.json": json.dumps([{"id": "UB1", "name": "sam", "real_name": "Sam"},
                                    {"id": "UB2", "name": "kim", "real_name": "Kim"}], indent=4),
    "slack/channels.json": json.dumps([{"id": "CB1", "name": "general", "members": ["UB1", "UB2"]}], indent=4),
    "slack/general/2024-01-01.json": json.dumps([
        {"type": "message", "user": "UB1", "text": "hello <@UB2>", "ts": "1704103200.000100"},
        {"type": "message", "user": "UB2", "text": "hi", "ts": "1704103260.000200"}], indent=4),
    "slack/general/2024-01-02.json": '[\n    {\n        "type": "message",\n        "user": "UB1"\n        "ts": "1"\n    }\n]\n',
}

_DEEP = ("[" * 100_000) + ("]" * 100_000)

_SCALARS = lines([tweet_v1(1), 42, "a string", [tweet_v1(2)], None, True])

_COUNTERS = lines([tweet_v2(1, public_metrics={"like_count": 10**30, "retweet_count": -3, "reply_count": "many",
                                               "quote_count": 2.5}), tweet_v2(2)])

_SURROGATE = (lines([tweet_v2(1)])
              + json.dumps(tweet_v2(2)).replace('"tweet number 2"', '"half a pair \\ud800"') + "\n"
              + json.dumps(tweet_v2(3)).replace('"like_count": 3', '"like_count": NaN') + "\n")

_QUOTED_NEWLINE = 'source,target,note\nqn_a,qn_b,"one line"\nqn_a,qn_c,"two\nlines"\nqn_b,qn_c,ok\n'


_CSV_EDGES = ("SELECT source_id, target_id, kind FROM interactions WHERE source_id IN ('csv:ann', 'csv:bea') ORDER BY 1",
              [("csv:ann", "csv:bea", "mention"), ("csv:bea", "csv:cai", "reply")])
_TIMES_SQL = "SELECT post_id, strftime(created_at, '%Y-%m-%d %H:%M:%S') FROM posts WHERE {where} ORDER BY 1"


def _kinds() -> list[Kind]:
    K = Kind
    return [
        K("truncated_line", "twitter-v2", "JSON lines whose last record is cut off mid-way (no final newline)",
          _text("tweets.jsonl", _TRUNCATED), ("tweets.jsonl",),
          "loads the whole records; the cut one is rejected",
          counts=(3, 2, 1), rejects=(("tweets.jsonl", 3, "invalid JSON (a truncated or malformed line)"),),
          new=(2, 2, 0), loads=("ok",)),
        K("truncated_document", "discord", "a pretty-printed DiscordChatExporter document cut in the middle",
          _text("general.json", _DISCORD_CUT), ("general.json",),
          "exit 2: no record could be read; the line where JSON parsing fails is named",
          exit=2, message=r"workbench load: error: {dir}/general\.json: no record could be read \(1 rejected; "
                          rf"first at line {_DISCORD_CUT_LINE}: invalid JSON: Unterminated string starting at column \d+\)",
          loads=("failed",)),
        K("invalid_utf8_line", "reddit", "one line holds a byte that is not UTF-8 (Latin-1 é)",
          _text("RC_bad.jsonl", _INVALID_UTF8), ("RC_bad.jsonl",),
          "that line is rejected (with the byte offset), the rest loads",
          counts=(4, 3, 1), rejects=(("RC_bad.jsonl", 3, f"invalid UTF-8 at byte {_INVALID_UTF8_BYTE} of the line"),),
          new=(3, 3, 2), loads=("ok",)),
        K("invalid_utf8_document", "mastodon", "a pretty-printed JSON document with a Latin-1 byte",
          _text("statuses.json", _MASTODON_LATIN1), ("statuses.json",),
          "exit 2: the document is one record, rejected for its bad byte (line and byte named)",
          exit=2, message=r"workbench load: error: {dir}/statuses\.json: no record could be read \(1 rejected; "
                          rf"first at line {_LATIN1_LINE}: invalid UTF-8 at byte {_LATIN1_BYTE}\)",
          loads=("failed",)),
        K("bom_jsonl", "mastodon", "JSON lines starting with a UTF-8 byte-order mark",
          _text("statuses.jsonl", _BOM + lines([mastodon_status(1), mastodon_status(2)]).encode()),
          ("statuses.jsonl",), "loads normally (the BOM is dropped)",
          counts=(2, 2, 0), new=(2, 2, 0), loads=("ok",)),
        K("bom_csv", "edges-csv", "an edge list whose header starts with a byte-order mark (Excel's UTF-8 CSV)",
          _text("edges.csv", _BOM + _CSV.encode()), ("edges.csv",),
          "loads normally: the header is recognised",
          counts=(2, 2, 0), new=(3, 0, 2), loads=("ok",), facts=(_CSV_EDGES,)),
        K("crlf_jsonl", "reddit", "JSON lines with Windows line ends (CRLF)",
          _text("RC_crlf.jsonl", lines([submission(), comment(1), comment(2)]).replace("\n", "\r\n")),
          ("RC_crlf.jsonl",), "loads normally",
          counts=(3, 3, 0), new=(3, 3, 2), loads=("ok",),
          facts=(("SELECT count(*) FROM posts WHERE channel = 'badinputs' AND contains(text, chr(13))", [(0,)]),)),
        K("crlf_csv", "edges-csv", "an edge list with CRLF line ends",
          _text("edges.csv", _CSV.replace("\n", "\r\n")), ("edges.csv",), "loads normally; no CR in any value",
          counts=(2, 2, 0), new=(3, 0, 2), loads=("ok",), facts=(_CSV_EDGES,)),
        K("nul_bytes", "twitter-v1", "a NUL byte inside a record",
          _text("stream.jsonl", _NUL), ("stream.jsonl",), "that line is rejected (a raw NUL is no JSON or CSV text), the rest loads",
          counts=(3, 2, 1), rejects=(("stream.jsonl", 2, f"a NUL byte at byte {_NUL_BYTE} of the line (not text)"),),
          new=(2, 2, 0), loads=("ok",)),
        K("huge_line", "reddit", "a 50 MB single line (one comment with a 50 MB body)",
          _write_huge, ("huge.jsonl",),
          "that line is rejected as too long, skipped while streaming (memory stays bounded); the rest loads",
          counts=(3, 2, 1),
          rejects=(("huge.jsonl", 2, f"line too long: {_HUGE_LINE_LEN:,} bytes, more than the 16,777,216 bytes "
                                     "one record may have; not loaded"),),
          new=(2, 2, 0), loads=("ok",),
          facts=(("SELECT strlen(raw) FROM rejects WHERE path = $dir || '/huge.jsonl'", [(2000,)]),)),
        K("id_number_vs_string", "twitter-v2", "a tweet id given as a JSON number, and again as a string",
          _text("tweets.jsonl", _ID_TYPES), ("tweets.jsonl",),
          "loads: a number id is its digits, so both lines are the same tweet (first line wins)",
          counts=(3, 3, 0), new=(3, 2, 0), loads=("ok",),
          facts=(("SELECT text FROM posts WHERE post_id = 'twitter:7002'", [("tweet number 2",)]),)),
        K("id_wrong_type", "twitter-v2, twitter-v1", "tweet ids that are a boolean, an array, an object, a fraction",
          _files({"v2.jsonl": _ID_WRONG, "v1.jsonl": _ID_WRONG_V1}), ("v1.jsonl", "v2.jsonl"),
          "those records are rejected (an id is a string or a whole number), the rest loads",
          counts=(10, 2, 8),
          rejects=tuple((name, line, "an id must be a string or a whole number")
                        for name in ("v1.jsonl", "v2.jsonl") for line in (2, 3, 4, 5)),
          new=(2, 2, 0), loads=("ok", "ok"),
          extra={"any_reason": True,
                 "xfail": "the twitter loaders take any JSON value as an id: true, [7003], {\"n\": 7004} and 7.5 "
                          "become post ids twitter:true, twitter:[7003], ... (queries/ingest/twitter_v1.sql, "
                          "twitter_v2.sql)"}),
        K("missing_ids", "reddit, twitter-v1, bluesky", "records without their id (or with an empty one, or no user)",
          _files(_MISSING_IDS), ("bluesky.jsonl", "reddit.jsonl", "twitter_v1.jsonl"),
          "each such record is rejected with the reason, the rest loads",
          counts=(10, 5, 5),
          rejects=(("bluesky.jsonl", 2, "missing uri"),
                   ("reddit.jsonl", 2, "missing id"), ("reddit.jsonl", 4, "missing id"),
                   ("twitter_v1.jsonl", 2, 'not a tweet: no "id_str" (or "id") and no "statuses"'),
                   ("twitter_v1.jsonl", 3, 'tweet 5003 has no "user"')),
          new=(4, 5, 1), loads=("ok", "ok", "ok")),
        K("duplicate_conflicting", "reddit", "the same comment id twice, with another author, body and time",
          _text("RC_dup.jsonl", _DUPLICATES), ("RC_dup.jsonl",),
          "one post: the first line's author, body and time win; the later copy is read, not rejected; its "
          "author is an account but gets no interaction for a post that posts gives to someone else",
          counts=(4, 4, 0), new=(4, 3, 2), loads=("ok",),
          facts=(("SELECT author_id, text, epoch(created_at)::BIGINT FROM posts WHERE post_id = 'reddit:t1_badc1'",
                  [("reddit:redditor1", "comment 1", 1651485601)]),
                 ("SELECT source_id, target_id FROM interactions WHERE post_id = 'reddit:t1_badc1'",
                  [("reddit:redditor1", "reddit:op_user")]))),
        K("future_timestamps", "twitter-v2", "tweets dated 2099 and just after 2038-01-19 (32-bit overflow)",
          _text("tweets.jsonl", _TIMES_V2), ("tweets.jsonl",), "loaded as given (a time is data, not a check)",
          counts=(3, 3, 0), new=(3, 3, 0), loads=("ok",),
          facts=((_TIMES_SQL.format(where="post_id IN ('twitter:7001', 'twitter:7002')"),
                  [("twitter:7001", "2099-12-31 23:59:59"), ("twitter:7002", "2038-01-19 03:14:08")]),)),
        K("pre_2006_timestamps", "reddit", "created_utc 0 (1970), 2000-01-01, before 1970 (negative), an ISO 1995 date",
          _text("RS_old.jsonl", _TIMES_OLD), ("RS_old.jsonl",), "loaded as given",
          counts=(4, 4, 0), new=(4, 4, 3), loads=("ok",),
          facts=((_TIMES_SQL.format(where="channel = 'badinputs'"),
                  [("reddit:t1_badc1", "2000-01-01 00:00:00"), ("reddit:t1_badc2", "1969-12-31 00:00:00"),
                   ("reddit:t1_badc3", "1995-08-09 12:00:00"), ("reddit:t3_bads1", "1970-01-01 00:00:00")]),)),
        K("epoch_ms_vs_s", "edges-csv", "Unix times in seconds, fractional seconds, milliseconds and microseconds",
          _text("edges.csv", _EPOCHS), ("edges.csv",),
          "seconds (also fractional) load; milliseconds and microseconds are rejected: the edge-list format "
          "documents epoch seconds, and a 13-digit number read as seconds would be the year 54,000",
          counts=(4, 2, 2),
          rejects=(("edges.csv", 3, "unparsable timestamp '1651485600000' (expected ISO 8601 or Unix epoch seconds)"),
                   ("edges.csv", 5, "unparsable timestamp '1651485600000000' (expected ISO 8601 or Unix epoch "
                                    "seconds)")),
          new=(3, 0, 2), loads=("ok",),
          facts=(("SELECT target_id, strftime(created_at, '%Y-%m-%d %H:%M:%S.%f') FROM interactions "
                  "WHERE source_id IN ('csv:ep_a', 'csv:ep_b') ORDER BY 1",
                  [("csv:ep_b", "2022-05-02 10:00:00.000000"), ("csv:ep_c", "2022-05-02 10:00:00.500000")]),)),
        K("empty_array_discord", "discord", 'a channel export whose "messages" is an empty array',
          _text("empty.json", _EMPTY_DISCORD), ("empty.json",),
          "exit 2: the file holds no records",
          exit=2, message=r"workbench load: error: {dir}/empty\.json: the file holds no records to load "
                          r"\(an empty list or export\)",
          loads=("failed",)),
        K("empty_array_mastodon", "mastodon", "a file holding only [] (an empty timeline), --format mastodon",
          _text("timeline.json", "[]\n"), ("timeline.json",),
          "exit 2: the file holds no records", args=("--format", "mastodon"),
          exit=2, message=r"workbench load: error: {dir}/timeline\.json: the file holds no records to load "
                          r"\(an empty list or export\)",
          loads=("failed",)),
        K("json_array_not_lines", "reddit", "a pretty-printed JSON array of comments instead of JSON lines",
          _text("comments.json", _ARRAY_REDDIT), ("comments.json",),
          "exit 2: the format cannot be told, and the message says what the file starts with",
          exit=2, message=r"workbench load: error: {dir}/comments\.json: cannot tell the export format "
                          r"\(first line starts '\['\); pass --format with one of .*"),
        K("json_array_forced", "reddit", "the same array, loaded with --format reddit",
          _text("comments.json", json.dumps([comment(1), comment(2)])), ("comments.json",),
          "exit 2: its one line is not a JSON object", args=("--format", "reddit"),
          exit=2, message=r"workbench load: error: {dir}/comments\.json: no record could be read \(1 rejected; "
                          r"first at line 1: expected a JSON object, got an array\)",
          loads=("failed",)),
        K("csv_ragged_rows", "edges-csv", "rows with one field too many and too few",
          _text("edges.csv", _RAGGED), ("edges.csv",), "those rows are rejected, the rest loads",
          counts=(4, 2, 2),
          rejects=(("edges.csv", 3, "expected 3 fields as in the header, got 4"),
                   ("edges.csv", 4, "expected 3 fields as in the header, got 1")),
          new=(3, 0, 2), loads=("ok",)),
        K("csv_ragged_strict", "edges-csv", "the ragged rows again, with --strict",
          _text("edges.csv", _RAGGED), ("edges.csv",), "exit 2 naming the first bad line; nothing loaded",
          args=("--strict",), exit=2,
          message=r"workbench load: error: {dir}/edges\.csv line 3: expected 3 fields as in the header, got 4 "
                  r"\(strict mode: nothing was loaded; 2 bad record\(s\) in all\)",
          loads=("failed",)),
        K("csv_quoted_newline", "edges-csv", "a quoted field that spans two lines",
          _text("edges.csv", _QUOTED_NEWLINE), ("edges.csv",), "both halves are rejected as malformed CSV",
          counts=(4, 2, 2),
          rejects=(("edges.csv", 3, "malformed CSV: a quote inside an unquoted field or a quoted field not closed "
                                    "on this line"),
                   ("edges.csv", 4, "malformed CSV: a quote inside an unquoted field or a quoted field not closed "
                                    "on this line")),
          new=(3, 0, 2), loads=("ok",)),
        K("corrupt_gzip", "twitter-v2", "a .gz with 64 zero bytes in the middle of its deflate stream",
          _text("tweets.jsonl.gz", _corrupt_gzip()), ("tweets.jsonl.gz",),
          "exit 2: the compressed data is corrupt; nothing of the file is loaded",
          exit=2, message=r"workbench load: error: {dir}/tweets\.jsonl\.gz line 1: the compressed data is corrupt "
                          r"or truncated \(.+\)",
          loads=("failed",)),
        K("truncated_zstd", "twitter-v2", "a .zst cut in half", _text("tweets.jsonl.zst", _truncated_zstd()),
          ("tweets.jsonl.zst",), "exit 2: the file ends inside a zstd frame; nothing of the file is loaded",
          exit=2, message=r"workbench load: error: {dir}/tweets\.jsonl\.zst line 1: the compressed data is corrupt "
                          r"or truncated \(ZstdError: the file ends inside a zstd frame \(truncated\)\)"),
        K("not_really_gzip", "twitter-v2", "plain JSON lines named .gz",
          _text("tweets.jsonl.gz", lines([tweet_v2(1)])), ("tweets.jsonl.gz",),
          "exit 2 before anything is read into the workspace",
          exit=2, message=r"workbench load: error: {dir}/tweets\.jsonl\.gz line 1: the compressed data is corrupt "
                          r"or truncated \(BadGzipFile: Not a gzipped file .*\)"),
        K("gzip_of_nothing", "any", "a valid .gz of zero bytes", _text("empty.jsonl.gz", gzip.compress(b"", mtime=0)),
          ("empty.jsonl.gz",), "exit 2: the file is empty",
          exit=2, message=r"workbench load: error: {dir}/empty\.jsonl\.gz: the file is empty: no record to load"),
        K("zip_path_traversal", "zip", "a zip with a good member and one named ../escape.jsonl",
          _text("evil.zip", _zip_bytes({"good.jsonl": lines([tweet_v2(1)]), "../escape.jsonl": lines([tweet_v2(2)])})),
          ("evil.zip",), "exit 2: the whole zip is refused, nothing is extracted or loaded",
          exit=2, message=r"workbench load: error: {dir}/evil\.zip: unsafe member name '\.\./escape\.jsonl' "
                          r"\(absolute or leaving the archive\); the zip is not loaded"),
        K("zip_absolute_path", "zip", "a zip member named /tmp/abs.jsonl",
          _text("abs.zip", _zip_bytes({"/tmp/abs.jsonl": lines([tweet_v2(1)])})), ("abs.zip",),
          "exit 2: the zip is refused",
          exit=2, message=r"workbench load: error: {dir}/abs\.zip: unsafe member name '/tmp/abs\.jsonl' "
                          r"\(absolute or leaving the archive\); the zip is not loaded"),
        K("corrupt_zip", "zip", "a file named .zip that is not a zip", _text("broken.zip", b"PK\x03\x04 not really"),
          ("broken.zip",), "exit 2",
          exit=2, message=r"workbench load: error: {dir}/broken\.zip: not a readable zip archive \(.+\)"),
        K("symlink_to_export", "twitter-v2", "a symbolic link to an export", _write_symlink, ("link.jsonl",),
          "loads through the link; loads.path is the link's path",
          counts=(2, 2, 0), new=(2, 2, 0), loads=("ok",),
          facts=(("SELECT count(*) FROM loads WHERE status = 'ok' AND path = $dir || '/link.jsonl'", [(1,)]),)),
        K("broken_symlink", "any", "a symbolic link to nothing", _write_broken_symlink, ("dangling.jsonl",),
          "exit 2",
          exit=2, message=r"workbench load: error: {dir}/dangling\.jsonl: no such file or directory "
                          r"\(a broken symbolic link\)"),
        K("symlink_loop_folder", "twitter-v2", "a folder holding a link to itself (export/again -> .)",
          _write_symlink_loop, ("export",), "the file loads once; the loop is not followed",
          counts=(1, 1, 0), new=(1, 1, 0), loads=("ok",)),
        K("fifo", "any", "a named pipe instead of a file", _write_fifo, ("pipe.jsonl",),
          "exit 2 without blocking on the pipe",
          exit=2, message=r"workbench load: error: {dir}/pipe\.jsonl: not a regular file or folder"),
        K("path_too_long", "any", "a path whose name exceeds the file system's limit", lambda folder: None,
          ("n" * 300 + ".jsonl",), "exit 2",
          exit=2, message=r"workbench load: error: {dir}/n{300}\.jsonl: cannot use this path \(File name too long\)"),
        K("empty_folder", "any", "a folder with nothing but a hidden file", _write_empty_folder, ("nothing",),
          "exit 2", exit=2, message=r"workbench load: error: {dir}/nothing: the folder holds no files to load"),
        K("mixed_folder", "reddit, twitter-v2 (.gz), edges-csv, mastodon, bluesky, text",
          "a folder of five exports in five formats and a notes file",
          _files(_MIXED), ("mixed",),
          "each export is detected and loaded as its own load; the notes file fails alone: exit 2 naming it",
          exit=2, message=r"workbench load: error: {dir}/mixed/f_notes\.txt: cannot tell the export format "
                          r"\(first line starts 'Collected on a Tuesday; ask Sam about the rest\.'\); "
                          r"pass --format with one of .*",
          new=(2 + 2 + 3 + 1 + 1, 2 + 2 + 1 + 1, 1 + 2), loads=("ok", "ok", "ok", "ok", "ok"),
          facts=(("SELECT format FROM loads WHERE starts_with(path, $dir) ORDER BY path",
                  [("reddit",), ("twitter-v2",), ("edges-csv",), ("mastodon",), ("bluesky",)]),)),
        K("slack_bad_member", "slack", "a Slack export folder with one day file that is not valid JSON",
          _files(_SLACK), ("slack",), "that file is one reject naming its member path and line; the rest loads",
          counts=(5, 4, 1),
          rejects=(("slack/general/2024-01-02.json", 5,
                    "invalid JSON: Expecting ',' delimiter (column 9)"),),
          new=(2, 2, 1), loads=("ok",)),
        K("deep_nesting_record", "twitter-v2", "a record nested 100,000 arrays deep after a good line",
          _text("tweets.jsonl", lines([tweet_v2(1)]) + _DEEP + "\n" + lines([tweet_v2(2)])), ("tweets.jsonl",),
          "that line is rejected; no RecursionError", counts=(3, 2, 1),
          rejects=(("tweets.jsonl", 2, "expected a JSON object (a twarc2 page or tweet), got ["),),
          new=(2, 2, 0), loads=("ok",)),
        K("deep_nesting_first_line", "mastodon", "a first line nested 20,000 deep (under the 64 KB sample), "
          "--format mastodon", _text("statuses.jsonl", "[" * 20_000 + "]" * 20_000 + "\n"
                                     + lines([mastodon_status(1)])), ("statuses.jsonl",),
          "the first line is rejected, the status loads; detection and layout do not crash",
          args=("--format", "mastodon"), counts=(2, 1, 1),
          rejects=(("statuses.jsonl", 1, "item 1: expected a Status or Account object, got an array"),),
          new=(1, 1, 0), loads=("ok",)),
        K("json_scalars", "twitter-v1", "lines that are a number, a string, null, true (and an array of tweets)",
          _text("stream.jsonl", _SCALARS), ("stream.jsonl",),
          "each scalar is rejected with what it is; the array of tweets is a v1 timeline and loads",
          counts=(6, 2, 4),
          rejects=(("stream.jsonl", 2, "expected a JSON object (a tweet), got 4"),
                   ("stream.jsonl", 3, 'expected a JSON object (a tweet), got "'),
                   ("stream.jsonl", 5, "invalid JSON (a truncated or malformed line)"),
                   ("stream.jsonl", 6, "expected a JSON object (a tweet), got t")),
          new=(2, 2, 0), loads=("ok",)),
        K("counter_types", "twitter-v2", "counters that overflow BIGINT, are negative, a string, a fraction",
          _text("tweets.jsonl", _COUNTERS), ("tweets.jsonl",),
          "loads; a counter beyond BIGINT or a string becomes NULL (the tweet is kept)",
          counts=(2, 2, 0), new=(2, 2, 0), loads=("ok",),
          facts=(("SELECT like_count, reply_count FROM posts WHERE post_id = 'twitter:7001'", [(None, None)]),)),
        K("lone_surrogate_and_nan", "twitter-v2", r"a string with a lone \ud800 escape; a NaN counter",
          _text("tweets.jsonl", _SURROGATE), ("tweets.jsonl",),
          "the surrogate line is rejected as invalid JSON; NaN (accepted by DuckDB's reader) loads as NULL",
          counts=(3, 2, 1), rejects=(("tweets.jsonl", 2, "invalid JSON (a truncated or malformed line)"),),
          new=(2, 2, 0), loads=("ok",),
          facts=(("SELECT like_count FROM posts WHERE post_id = 'twitter:7003'", [(None,)]),)),
        K("not_an_export", "any", "a plain text file", _text("notes.txt", "just some notes\nnothing to see\n"),
          ("notes.txt",), "exit 2: cannot tell the format",
          exit=2, message=r"workbench load: error: {dir}/notes\.txt: cannot tell the export format "
                          r"\(first line starts 'just some notes'\); pass --format with one of .*"),
        K("empty_file", "any", "a file of zero bytes", _text("empty.jsonl", ""), ("empty.jsonl",),
          "exit 2", exit=2, message=r"workbench load: error: {dir}/empty\.jsonl: the file is empty: no record to load"),
        K("changes_while_read", "twitter-v2", "a file that changes while it is read: the test appends one and a "
          "half records after the first 4 KB block, or cuts the file to 10,000 bytes (mid-record)",
          _text("growing.jsonl", lines([tweet_v2(i) for i in range(200)])), ("growing.jsonl",),
          "the load is what was read: loads.sha256 and bytes are those of the bytes read; the cut line is "
          "rejected, never half loaded", extra={"special": True}),
    ]


KINDS: list[Kind] = _kinds()


def write_corpus(out: str | os.PathLike, *, names: list[str] | None = None) -> Path:
    """Write every kind (or those in ``names``) into ``out/<kind>/``; return ``out``."""
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        if names is not None and kind.name not in names:
            continue
        folder = root / kind.name
        folder.mkdir(exist_ok=True)
        kind.write(folder)
    return root


def _readable(pattern: str) -> str:
    """A message pattern as a person reads it: the folder dropped, regex escapes undone."""
    import re

    text = pattern.replace(r"workbench load: error: {dir}/", "").replace("{dir}/", "")
    text = text.replace(r"\d+", "N").replace(".*", "…").replace(".+", "…")
    text = re.sub(r"n\{(\d+)\}", lambda m: "n" * 3 + f"…({m.group(1)} n)", text)
    return re.sub(r"\\(.)", r"\1", text)


def readme_table() -> str:
    """The Markdown table of kinds and expected outcomes (the one in README.md)."""
    rows = ["| kind | formats | bad input | expected outcome | exit | message (exit 2) or rejects (line: reason) |",
            "|---|---|---|---|---|---|"]
    for kind in KINDS:
        outcome = kind.outcome
        if kind.extra.get("xfail"):
            outcome += " (**fails today**: " + kind.extra["xfail"] + ")"
        if kind.extra.get("any_reason"):
            outcome += " (the reason's wording is the loader's choice)"
        if kind.message:
            detail = f"`{_readable(kind.message)}`"
        else:
            detail = "<br>".join(f"{path} {line}: `{reason}`" for path, line, reason in kind.rejects) or "none"
        exit_code = "0" if kind.exit == 0 else str(kind.exit)
        if kind.extra.get("special"):
            exit_code, detail = "0", "the cut line: `invalid JSON (a truncated or malformed line)`"
        cells = [f"`{kind.name}`", kind.formats, kind.what, outcome, exit_code, detail]
        rows.append("| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |")
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", help="folder to write the corpus into")
    parser.add_argument("--table", action="store_true", help="print the README table of kinds and outcomes")
    args = parser.parse_args(argv)
    if args.table:
        sys.stdout.write(readme_table())
        return 0
    if not args.out:
        parser.error("give an output folder, or --table")
    write_corpus(args.out)
    print(f"wrote {len(KINDS)} kinds into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
