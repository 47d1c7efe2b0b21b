"""Bluesky: app.bsky XRPC responses (AT Protocol), as JSON documents or JSON lines.

Accepted shapes, one response per file or one per line (a line may also hold a single feed item,
post view, notification or repo record; a JSON array of those works too):

- feeds ``{"feed": [{post, reply?, reason?}]}``: ``getAuthorFeed``, ``getTimeline``, ``getFeed``,
  ``getListFeed``, ``getActorLikes``;
- post lists ``{"posts": [postView]}``: ``searchPosts``, ``getPosts``, ``getQuotes``;
- threads ``{"thread": threadViewPost}`` (``getPostThread``): the anchor, its parents and all replies;
- ``{"uri", "likes": [{actor, createdAt}]}`` (``getLikes``), ``{"uri", "repostedBy": [profile]}``
  (``getRepostedBy``), ``{"subject", "followers": [...]}`` / ``{"subject", "follows": [...]}``
  (``getFollowers`` / ``getFollows``);
- ``{"notifications": [...]}`` (``listNotifications``) and ``{"records": [{uri, value}]}``
  (``com.atproto.repo.listRecords``): records of type post, like, repost and follow.

What a record becomes
---------------------
- **Accounts** are ``bluesky:<did>`` (``did:plc:...`` / ``did:web:...``, the permanent id; handles
  change), ``handle`` the handle, ``display_name`` the displayName, counters when the view has them
  (``followersCount``, ``followsCount``, ``postsCount``). Views are as of retrieval, which the body
  does not say: ``seen_at`` is the newest time found in the file, a lower bound for it.
- **Posts** are ``bluesky:<at:// uri>`` of ``app.bsky.feed.post`` records; ``record.text`` is the
  text, ``record.langs[0]`` the lang, ``record.createdAt`` the time (``indexedAt`` when it is not a
  valid time); ``parent_post_id`` is ``record.reply.parent.uri``, ``conversation_id`` the reply
  root (a post that is no reply is its own root); counters ``likeCount``, ``repostCount``,
  ``replyCount``, ``quoteCount``. ``kind``: ``reply``, ``quote`` (an embedded post, also inside
  ``recordWithMedia``) or ``post``. The root and parent shown with a feed item and the posts
  shown inside quote embeds are context posts (``collected`` false).
- **Interactions** (from collected records): ``reply`` author -> the repository (did) of the
  parent uri; ``mention`` author -> each ``app.bsky.richtext.facet#mention`` did; ``quote`` author
  -> the repository of the embedded post's uri; ``share`` reposter -> post author, for feed items
  with ``reason`` ``#reasonRepost``, ``getRepostedBy`` and repost records; ``like`` liker -> post
  author for ``getLikes`` and like records; ``follow`` follower -> followed for ``getFollowers``,
  ``getFollows`` and follow records. Shares and likes carry the post that was reposted or liked as
  ``post_id`` (so a repost seen in a feed and in getRepostedBy is one interaction); follows have no
  post.

Not used: the ``viewer`` state of views (what the account that fetched the data liked, reposted or
follows): it describes the collector, not the community, and differs with who collects. An
``getActorLikes`` feed is loaded as posts only, since the response does not name the actor.
"""

from __future__ import annotations

import re
from typing import Any

from workbench.ingest.mastodon import layout  # the same JSON document / JSON lines choice

__all__ = ["NAME", "PLATFORM", "LAYOUT", "sniff", "layout", "stage"]

NAME = "bluesky"
PLATFORM = "bluesky"
LAYOUT = "document"  # the default; :func:`layout` picks "lines" for JSON lines files

_RESPONSE_KEYS = ("feed", "posts", "thread", "likes", "repostedBy", "notifications", "records")
_AT_URI_TEXT = re.compile(r'"(?:uri|did)"\s*:\s*"(?:at://|did:(?:plc|web):)')


def _is_view(value: Any) -> bool:
    return isinstance(value, dict) and str(value.get("uri", "")).startswith("at://")


def _claims(value: Any) -> bool:
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, dict)), None)
    if not isinstance(value, dict):
        return False
    if _is_view(value) or _is_view(value.get("post")):
        return True
    if isinstance(value.get("thread"), dict):
        return _is_view(value["thread"].get("post")) or "$type" in value["thread"]
    for key in ("followers", "follows"):
        if isinstance(value.get(key), list) and isinstance(value.get("subject"), dict):
            return str(value["subject"].get("did", "")).startswith("did:")
    for key in _RESPONSE_KEYS:
        items = value.get(key)
        if isinstance(items, list):
            first = next((item for item in items if isinstance(item, dict)), None)
            if first is None:  # an empty page: claim it only with a Bluesky cursor / uri beside it
                return str(value.get("uri", "")).startswith("at://")
            return (_is_view(first) or _is_view(first.get("post"))
                    or str(first.get("did", "")).startswith("did:")
                    or str((first.get("actor") or {}).get("did", "")).startswith("did:"))
    return False


def sniff(sample: Any) -> bool:
    """An app.bsky response or view: ``at://`` uris, ``did:`` accounts.

    >>> from types import SimpleNamespace as S
    >>> sniff(S(first={"posts": [{"uri": "at://did:plc:a/app.bsky.feed.post/1", "author": {"did": "did:plc:a"}}]}, text=""))
    True
    >>> sniff(S(first={"id": "1", "account": {"acct": "alice"}, "reblog": None}, text=""))
    False
    """
    first = getattr(sample, "first", None)
    if first is not None:
        return _claims(first)
    # a pretty-printed document longer than the sample does not parse: look for at:// uris / dids
    return bool(_AT_URI_TEXT.search(getattr(sample, "text", "")))


def stage(ctx: Any) -> None:
    """Fill the staging tables from ``raw_lines`` (``queries/ingest/bluesky.sql``).

    ``records_read`` counts feed items, posts, thread posts, notifications, repo records and list
    members, plus lines that held none.
    """
    ctx.run("ingest.bluesky_items")
    ctx.run("ingest.bluesky_views")
    ctx.run("ingest.bluesky_stage")
    ctx.records_read = int(ctx.run("ingest.bluesky_records").fetchone()[0])
    ctx.run("ingest.bluesky_cleanup")
