"""Build twarc2 records: Twitter API v2 tweet and user objects, response pages, JSONL files.

The shapes follow real twarc2 output (``twarc2 search`` writes one API response
page a line: ``data``, ``includes.users``, ``includes.tweets``, ``meta`` and
``__twarc``). Shared by the generated sample and the hand-written tiny fixture.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

#: Twitter's snowflake epoch (2010-11-04T01:42:54.657Z) in milliseconds.
SNOWFLAKE_EPOCH_MS = 1288834974657

EXPANSIONS = ("author_id,in_reply_to_user_id,referenced_tweets.id,referenced_tweets.id.author_id,"
              "entities.mentions.username")
TWEET_FIELDS = ("author_id,conversation_id,created_at,entities,id,in_reply_to_user_id,lang,"
                "public_metrics,text,possibly_sensitive,referenced_tweets,reply_settings,source")
USER_FIELDS = "created_at,description,id,name,protected,public_metrics,username,verified"

_MENTION = re.compile(r"(?<![\w@])@(\w{1,15})")
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
_URL = re.compile(r"https://t\.co/\w+")


def snowflake_ids(ms: np.ndarray, low_bits: np.ndarray) -> np.ndarray:
    """Snowflake ids from millisecond timestamps and 22 low bits (worker and sequence)."""
    ms = np.asarray(ms, dtype=np.int64)
    return ((ms - SNOWFLAKE_EPOCH_MS) << 22) | (np.asarray(low_bits, dtype=np.int64) & 0x3FFFFF)


def iso_times(seconds: np.ndarray) -> list[str]:
    """``2022-03-01T12:00:00.000Z`` strings for Unix seconds (the API's created_at form)."""
    stamps = np.datetime_as_string(np.asarray(seconds, dtype="datetime64[s]"), unit="s")
    return [s + ".000Z" for s in stamps.tolist()]


def entities_for(text: str, handle_ids: Mapping[str, str],
                 url_targets: Mapping[str, str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Entities of a text: mentions of known handles, hashtags and t.co links.

    Offsets are code-point indices with ``end`` exclusive and the ``@``/``#`` included,
    as in the API. ``handle_ids`` maps lower-cased handles to user ids.
    """
    entities: dict[str, list[dict[str, Any]]] = {}
    mentions = []
    for m in _MENTION.finditer(text):
        user_id = handle_ids.get(m.group(1).lower())
        if user_id is not None:
            mentions.append({"start": m.start(), "end": m.end(), "username": m.group(1), "id": user_id})
    if mentions:
        entities["mentions"] = mentions
    hashtags = [{"start": m.start(), "end": m.end(), "tag": m.group(1)} for m in _HASHTAG.finditer(text)]
    if hashtags:
        entities["hashtags"] = hashtags
    urls = []
    for m in _URL.finditer(text):
        expanded = (url_targets or {}).get(m.group(0), m.group(0))
        shown = expanded.removeprefix("https://")
        if len(shown) > 26:
            shown = shown[:26] + "\u2026"
        urls.append({"start": m.start(), "end": m.end(), "url": m.group(0),
                     "expanded_url": expanded, "display_url": shown})
    if urls:
        entities["urls"] = urls
    return entities


def retweet_text(handle: str, original_text: str, *, limit: int = 140) -> str:
    """``RT @handle: text``, cut at a word boundary with an ellipsis past ``limit`` characters."""
    text = f"RT @{handle}: {original_text}"
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[len(handle) + 5:]:
        cut = cut[: cut.rindex(" ")]
    return cut + "\u2026"


def tweet_record(*, tweet_id: str, text: str, author_id: str, created_at: str, conversation_id: str,
                 entities: dict, metrics: Mapping[str, int], referenced: Sequence[tuple[str, str]] = (),
                 in_reply_to_user_id: str | None = None, lang: str = "en",
                 source: str = "Twitter for iPhone") -> dict[str, Any]:
    """One API v2 tweet object (field order as twarc2 commonly writes it)."""
    record: dict[str, Any] = {"id": tweet_id, "text": text, "author_id": author_id,
                              "created_at": created_at, "conversation_id": conversation_id}
    if in_reply_to_user_id is not None:
        record["in_reply_to_user_id"] = in_reply_to_user_id
    if referenced:
        record["referenced_tweets"] = [{"type": kind, "id": ref} for kind, ref in referenced]
    if entities:
        record["entities"] = entities
    record["public_metrics"] = {"retweet_count": int(metrics["retweet_count"]),
                                "reply_count": int(metrics["reply_count"]),
                                "like_count": int(metrics["like_count"]),
                                "quote_count": int(metrics["quote_count"])}
    record["lang"] = lang
    record["source"] = source
    record["reply_settings"] = "everyone"
    record["possibly_sensitive"] = False
    return record


def user_record(*, user_id: str, username: str, name: str, created_at: str, followers: int,
                following: int, tweets: int, listed: int, description: str = "",
                verified: bool = False) -> dict[str, Any]:
    """One API v2 user object."""
    return {"id": user_id, "username": username, "name": name, "created_at": created_at,
            "description": description, "protected": False, "verified": verified,
            "public_metrics": {"followers_count": int(followers), "following_count": int(following),
                               "tweet_count": int(tweets), "listed_count": int(listed)}}


def _next_token(query: str, page_no: int) -> str:
    digest = hashlib.sha256(f"{query}|{page_no}".encode()).digest()
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    value = int.from_bytes(digest, "big")
    chars = []
    while len(chars) < 45:
        value, r = divmod(value, 36)
        chars.append(alphabet[r])
    return "".join(chars)


def build_pages(collected: Sequence[dict], tweets_by_id: Mapping[str, dict], users_by_id: Mapping[str, dict],
                *, query: str, start_time: str, end_time: str, retrieved_at: str,
                page_size: int = 100, twarc_version: str = "2.12.0") -> list[dict]:
    """Split collected tweets (newest first) into search/all response pages with their includes.

    Each page's ``includes.tweets`` holds every tweet its tweets reference (also when the
    referenced tweet is itself collected, as the API does), and ``includes.users`` every
    author, replied-to user and mentioned user of the page's tweets and of the included tweets' authors.
    """
    from urllib.parse import urlencode

    url = "https://api.twitter.com/2/tweets/search/all?" + urlencode(
        {"expansions": EXPANSIONS, "tweet.fields": TWEET_FIELDS, "user.fields": USER_FIELDS,
         "query": query, "start_time": start_time, "end_time": end_time, "max_results": page_size})
    pages = []
    n_pages = max(1, -(-len(collected) // page_size))
    for page_no in range(n_pages):
        chunk = list(collected[page_no * page_size:(page_no + 1) * page_size])
        ref_ids: dict[str, None] = {}
        user_ids: dict[str, None] = {}
        for tweet in chunk:
            user_ids[tweet["author_id"]] = None
            if "in_reply_to_user_id" in tweet:
                user_ids[tweet["in_reply_to_user_id"]] = None
            for mention in tweet.get("entities", {}).get("mentions", ()):
                user_ids[mention["id"]] = None
            for ref in tweet.get("referenced_tweets", ()):
                ref_ids[ref["id"]] = None
        included = [tweets_by_id[ref] for ref in ref_ids]
        for tweet in included:
            user_ids[tweet["author_id"]] = None
        includes: dict[str, list] = {"users": [users_by_id[u] for u in user_ids]}
        if included:
            includes["tweets"] = included
        meta: dict[str, Any] = {"newest_id": chunk[0]["id"], "oldest_id": chunk[-1]["id"],
                                "result_count": len(chunk)} if chunk else {"result_count": 0}
        if page_no + 1 < n_pages:
            meta["next_token"] = _next_token(query, page_no)
        page_url = url if page_no == 0 else url + "&next_token=" + _next_token(query, page_no - 1)
        pages.append({"data": chunk, "includes": includes, "meta": meta,
                      "__twarc": {"url": page_url, "version": twarc_version, "retrieved_at": retrieved_at}})
    return pages


def page_lines(pages: Iterable[dict]) -> Iterator[str]:
    """JSON lines as twarc2 writes them (``json.dumps`` defaults, one page a line)."""
    for page in pages:
        yield json.dumps(page) + "\n"


def write_jsonl(pages: Iterable[dict], path: str | Path, *, compress: bool | None = None) -> Path:
    """Write pages as JSONL; gzip when ``compress`` or when the name ends in ``.gz``.

    The gzip header carries no name and no time, so equal pages give byte-identical files.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if compress is None:
        compress = path.suffix == ".gz"
    payload = "".join(page_lines(pages)).encode("utf-8")
    if compress:
        buffer = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=6) as gz:
            gz.write(payload)
        payload = buffer.getvalue()
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(payload)
    tmp.replace(path)
    return path
