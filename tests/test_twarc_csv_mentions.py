"""twarc-csv mentions on real data: 2sets.jsonl written as twarc-csv writes it, loaded, counted.

twarc-csv itself cannot run here (0.7.2 calls ``DataFrame.applymap``, gone in pandas 3), so
:func:`twarc_csv_rows` below writes the rows the way its ``DataFrameConverter`` does with its
defaults: one row per tweet of ``data``, a retweet merged with the retweeted tweet's text and
entities, ``retweeted_user_id`` / ``quoted_user_id`` / ``in_reply_to_username`` from the referenced
tweets, mentions as ``["@handle", ...]`` (or, with ``--no-process-entities``, the mention objects
with their ids), newlines as ``\\n``. Run with twarc-csv 0.7.2 (and pandas 2.0) on 2sets.jsonl,
the real converter gave 200 rows, 63 of them with mentions, 93 mentions in all; the rows here
give the same, which the first test checks.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

import twarc_csv_rows
import workbench as wb
from conftest import shared_file
from workbench.cli import main


def twarc_csv_rows_of(path: Path, *, objects: bool = False) -> list[dict]:
    """The twarc-csv rows of a twarc2 file of API pages (see the module docstring)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        page = json.loads(line)
        users = {u["id"]: u for u in page.get("includes", {}).get("users", [])}
        included = {t["id"]: t for t in page.get("includes", {}).get("tweets", [])}
        for tweet in page.get("data", []):
            refs = {r["type"]: r["id"] for r in tweet.get("referenced_tweets", [])}
            author = users.get(tweet["author_id"], {})
            row = {"id": tweet["id"], "author_id": tweet["author_id"], "created_at": tweet["created_at"],
                   "conversation_id": tweet.get("conversation_id"), "lang": tweet.get("lang"),
                   "in_reply_to_user_id": tweet.get("in_reply_to_user_id"),
                   "referenced_tweets.replied_to.id": refs.get("replied_to"),
                   "referenced_tweets.retweeted.id": refs.get("retweeted"),
                   "referenced_tweets.quoted.id": refs.get("quoted"),
                   "author.id": author.get("id"), "author.username": author.get("username"),
                   "author.name": author.get("name")}
            text, entities = tweet.get("text", ""), tweet.get("entities", {})
            for kind, prefix in (("retweeted", "retweeted"), ("quoted", "quoted"), ("replied_to", "in_reply_to")):
                referenced = included.get(refs.get(kind, ""))
                if referenced is None or "author_id" not in referenced:
                    continue
                referenced_author = users.get(referenced["author_id"], {})
                if kind != "replied_to":
                    row[f"{prefix}_user_id"] = referenced["author_id"]
                if "username" in referenced_author:
                    row[f"{prefix}_username"] = referenced_author["username"]
                if kind == "retweeted":  # merge retweets: the original's text and entities
                    text, entities = referenced.get("text", text), referenced.get("entities", entities)
            row["text"] = text.replace("\r", "").replace("\n", "\\n")
            mentions = entities.get("mentions", [])
            if mentions:
                row["entities.mentions"] = json.dumps(
                    [{"start": m["start"], "end": m["end"], "username": m["username"], "id": m["id"]} for m in mentions]
                    if objects else ["@" + m["username"] for m in mentions])
            rows.append({k: v for k, v in row.items() if v is not None})
    return rows


def expected_mentions(rows: list[dict]) -> Counter:
    """(tweet id, mentioned handle in lower case) by the loader's documented rule, in plain Python: each
    mentioned handle once per tweet, without a reply's leading @handles or an unmerged "RT @x:"."""
    found = Counter()
    for row in rows:
        handles = [h.lstrip("@") if isinstance(h, str) else h["username"]
                   for h in json.loads(row.get("entities.mentions", "[]"))]
        if row.get("referenced_tweets.retweeted.id"):
            lead = re.match(r"RT @\w+", row["text"])
        elif row.get("referenced_tweets.replied_to.id") or row.get("in_reply_to_user_id"):
            lead = re.match(r"(?:@\w+\s*)+", row["text"])
        else:
            lead = None
        auto = {h.lower() for h in re.findall(r"@(\w+)", lead.group(0))} if lead else set()
        for handle in {h.lower() for h in handles} - auto:
            found[(row["id"], handle)] += 1
    return found


def loaded_mentions(store) -> Counter:
    """(tweet id, the target's handle in lower case) of every mention interaction."""
    rows = store.sql("SELECT substr(i.post_id, 9), lower(a.handle) FROM interactions AS i "
                     "JOIN accounts AS a ON a.account_id = i.target_id WHERE i.kind = 'mention'").fetchall()
    return Counter(rows)


@pytest.fixture
def two_sets(shared_data) -> Path:
    return shared_file(shared_data, "twitter_v2_twarc_csv_testdata", "2sets.jsonl")


def test_the_rows_are_those_twarc_csv_writes(two_sets):
    rows = twarc_csv_rows_of(two_sets)
    with_mentions = [json.loads(r["entities.mentions"]) for r in rows if "entities.mentions" in r]
    assert (len(rows), len(with_mentions), sum(map(len, with_mentions))) == (200, 63, 93)


@pytest.mark.parametrize("objects", [False, True], ids=["handles", "mention-objects"])
def test_2sets_as_twarc_csv_keeps_every_mention(store, two_sets, tmp_path, objects):
    rows = twarc_csv_rows_of(two_sets, objects=objects)
    expected = expected_mentions(rows)
    assert sum(expected.values()) == 77
    path = twarc_csv_rows.write(tmp_path / "2sets.csv", rows)
    report = wb.load(store, path)
    assert (report.records_read, report.records_rejected, report.unresolved) == (200, 0, 0)
    assert loaded_mentions(store) == expected  # was 5 of 77 with bare handles: only authors' handles resolved
    by_handle_only = store.scalar("SELECT count(*) FROM accounts WHERE starts_with(account_id, 'twitter:@')")
    if objects:
        assert by_handle_only == 0  # every mention object carries its id
    else:
        assert by_handle_only > 0
        # a handle the file ties to an id (an author, a retweeted, quoted or replied-to user) gets that id
        tied = {r["author.username"].lower(): r["author_id"] for r in rows if r.get("author.username")}
        for prefix in ("retweeted", "quoted", "in_reply_to"):
            tied.update({r[f"{prefix}_username"].lower(): r[f"{prefix}_user_id"] for r in rows
                         if f"{prefix}_username" in r and f"{prefix}_user_id" in r})
        targets = dict(store.sql("SELECT lower(a.handle), i.target_id FROM interactions AS i JOIN accounts AS a "
                                 "ON a.account_id = i.target_id WHERE i.kind = 'mention'").fetchall())
        for handle, target in targets.items():
            assert target == (f"twitter:{tied[handle]}" if handle in tied else f"twitter:@{handle}")


def test_2sets_twarc_csv_through_the_cli(two_sets, tmp_path, capsys):
    path = twarc_csv_rows.write(tmp_path / "2sets.csv", twarc_csv_rows_of(two_sets))
    db = str(tmp_path / "2sets.duckdb")
    assert main(["load", str(path), "--db", db]) == 0
    assert main(["communities", "--db", db]) == 0
    assert main(["roles", "--db", db]) == 0
    assert main(["export", "--db", db, "--to", str(tmp_path / "2sets.graphml")]) == 0
    capsys.readouterr()
    with wb.open(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM interactions WHERE kind = 'mention'") == 77
        assert store.scalar("SELECT count(*) FROM account_scores") == store.counts()["accounts"] == 292
        assert store.scalar("SELECT count(*) FROM memberships") > 200  # accounts with an interaction
