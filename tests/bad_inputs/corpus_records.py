"""Valid records of each export format, and what a kind of bad input is (:class:`Kind`).

The builders make small, valid records whose ids the baseline workspace of ``tests/test_bad_inputs.py``
never uses; the corpus modules (``corpus_files.py``, ``corpus_values.py``) break them in one way
each, and ``tests/test_fuzz_loaders.py`` breaks them at random.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

__all__ = ["tweet_v2", "tweet_v1", "comment", "submission", "mastodon_status", "bluesky_post", "discord_export",
           "discord_message", "lines", "Kind", "text_file", "files"]


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


# -- a kind of bad input --------------------------------------------------------------------------

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


def text_file(name: str, content: str | bytes) -> Callable[[Path], None]:
    """A writer of one file ``name`` holding ``content``."""
    data = content.encode("utf-8") if isinstance(content, str) else content

    def write(folder: Path) -> None:
        (folder / name).write_bytes(data)
    return write


def files(files: dict[str, str | bytes]) -> Callable[[Path], None]:
    """A writer of several files (relative names, folders created)."""
    def write(folder: Path) -> None:
        for name, content in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return write
