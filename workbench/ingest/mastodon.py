"""Mastodon: statuses and accounts as the Mastodon REST API returns them.

Accepted shapes, as one JSON document per file or one per line (JSON lines):

- a list of Status entities (home / public / tag timelines, ``/api/v1/accounts/:id/statuses``),
  or one Status per line, or a single Status (``/api/v1/statuses/:id``);
- a Context entity ``{"ancestors": [...], "descendants": [...]}`` (``/api/v1/statuses/:id/context``);
- a wrapper that says whose status or account an Account list belongs to::

      {"status": <Status or its URL>, "reblogged_by": [<Account>, ...], "favourited_by": [<Account>, ...]}
      {"account": <Account>, "followers": [<Account>, ...], "following": [<Account>, ...]}

  The ``reblogged_by`` / ``favourited_by`` / ``followers`` / ``following`` endpoints return bare
  Account lists: the status or account they belong to is only in the request URL. Wrap the response
  in one of these objects (either key or both). ``status`` is the Status entity or the status's
  web URL as copied from a browser (``https://mastodon.social/@alice/1093...`` or
  ``https://host/users/alice/statuses/1093...``).
- a bare list of Accounts (or one Account per line): the accounts are loaded (handles, counters)
  but make no interaction, since nothing in the file says whose status they boosted or liked, or
  whom they follow; they are not counted as unresolved, because the list may as well be a search
  result. Wrap it as above to get the interactions.

What a record becomes
---------------------
- **Accounts** are ``mastodon:user@host`` in lower case (Mastodon user names and hosts are
  case-insensitive); ``handle`` keeps ``user@host`` as written. The API gives ``acct`` without host
  for the serving instance's own accounts; those are qualified with the host of the account's
  ``url``. Counters (``followers_count``, ``following_count``, ``statuses_count``) are the values at
  retrieval; ``seen_at`` is the later of the account's ``last_status_at`` and the status's time.
  Mentioned accounts are added with their handle only.
- **Posts** are ``mastodon:<status uri>``: the ActivityPub ``uri`` names a status the same way on
  every instance, whereas status ``id`` values are local to the instance that served the file (the
  same post fetched from two instances has two ids and one uri). ``content`` (HTML, as given) is
  the text, ``language`` the lang; ``favourites_count`` / ``reblogs_count`` / ``replies_count`` /
  ``quotes_count`` the counters. ``kind``: ``share`` for a reblog, ``reply`` when it answers a
  status (``in_reply_to_id`` set, or only ``in_reply_to_account_id`` when the parent was deleted),
  ``quote`` when it quotes one (a pending quote, not yet accepted, is no quote), else ``post``.
  Reblogged and quoted statuses are kept as context posts (``collected`` false).
- **Parents.** ``in_reply_to_id`` is a local id: it becomes the parent's post id when the parent is
  in the same file; otherwise, when the parent's author is an account of the serving instance, the
  parent uri is rebuilt with Mastodon's pattern ``<account uri>/statuses/<id>`` (the only case in
  which the instance shares the parent's id); else ``parent_post_id`` is NULL.
- **Interactions** (from collected statuses only):
  ``reply`` author -> the account answered (``in_reply_to_account_id`` resolved through the status's
  mentions, then the accounts of the file, then the parent status's author);
  ``mention`` author -> each mentioned account, except the account a reply answers, whose mention
  Mastodon clients insert by themselves (as for Twitter replies: the auto-mention is not a mention);
  ``share`` booster -> author of the reblogged status; ``quote`` author -> author of the quoted
  status (Mastodon 4.5 ``quote.quoted_status``, or forks that put the quoted Status in ``quote``);
  wrapper lists: ``share`` (reblogged_by) and ``like`` (favourited_by) towards the status's author,
  ``follow`` from each follower to the account and from the account to each account it follows.
  Boosts and likes carry the boosted or liked status as ``post_id`` (so a boost seen in a timeline
  and in a reblogged_by list is one interaction) and, for lists, no time (the API gives none).

Status and account ids are only used to resolve references inside one file, so a file should hold
the responses of one instance. A reply whose target cannot be resolved is counted as unresolved.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["NAME", "PLATFORM", "LAYOUT", "sniff", "layout", "stage"]

NAME = "mastodon"
PLATFORM = "mastodon"
LAYOUT = "document"  # the default; :func:`layout` picks "lines" for JSON lines files

_WRAPPER_LISTS = ("reblogged_by", "favourited_by", "followers", "following")
_ACCT_TEXT = re.compile(r'"acct"\s*:\s*"')
_MASTODON_KEYS_TEXT = re.compile(r'"(?:reblog|statuses_count|reblogged_by|favourited_by)"\s*:')


def _is_status(value: Any) -> bool:
    return (isinstance(value, dict) and "reblog" in value and isinstance(value.get("account"), dict)
            and "acct" in value["account"])


def _is_account(value: Any) -> bool:
    return (isinstance(value, dict) and "acct" in value and "username" in value
            and any(key in value for key in ("statuses_count", "followers_count", "locked")))


def _claims(value: Any) -> bool:
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, dict)), None)
    if not isinstance(value, dict):
        return False
    if _is_status(value) or _is_account(value):
        return True
    if isinstance(value.get("ancestors"), list) and isinstance(value.get("descendants"), list):
        return True
    lists = [value.get(key) for key in _WRAPPER_LISTS if key in value]
    return bool(lists) and all(isinstance(x, list) for x in lists) and ("status" in value or "account" in value)


def sniff(sample: Any) -> bool:
    """A Mastodon Status (``account.acct`` + ``reblog``), Account, Context or wrapper, or a list of them.

    >>> from types import SimpleNamespace as S
    >>> sniff(S(first=[{"id": "1", "reblog": None, "account": {"acct": "alice"}}], text=""))
    True
    >>> sniff(S(first={"ancestors": [], "descendants": []}, text=""))
    True
    >>> sniff(S(first={"id": "1", "user": {"screen_name": "a"}}, text=""))
    False
    """
    first = getattr(sample, "first", None)
    if first is not None:
        return _claims(first)
    # a pretty-printed document longer than the sample does not parse: look for Mastodon's keys
    text = getattr(sample, "text", "")
    return bool(_ACCT_TEXT.search(text)) and bool(_MASTODON_KEYS_TEXT.search(text))


def layout(sample: Any) -> str:
    """``"lines"`` for JSON lines (the first line is a JSON value on its own), else ``"document"``.

    A document on one line (as the API sends it) is read the same way in both layouts; a
    pretty-printed document needs ``"document"``. When the first line is not JSON, the second
    decides, so that one bad line does not turn a JSON lines file into one unreadable document.

    >>> from types import SimpleNamespace as S
    >>> layout(S(text='{"id": "1"}\\n{"id": "2"}\\n')), layout(S(text='[\\n  {\\n    "id": "1"\\n  }\\n]\\n'))
    ('lines', 'document')
    """
    lines = [line.strip() for line in getattr(sample, "text", "").lstrip("\ufeff").splitlines() if line.strip()]
    if len(lines) < 2 or _parses(lines[0]):
        return "lines"
    if lines[0] in ("[", "{") or not _parses(lines[1]):
        return "document"
    return "lines"


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def stage(ctx: Any) -> None:
    """Fill the staging tables from ``raw_lines`` (``queries/ingest/mastodon.sql``).

    ``records_read`` counts statuses and accounts (array elements, context entries, wrapper list
    members, a wrapper's status URL), plus lines that held none. A bad element of an array is
    rejected with the array's line and its position in the reason ("item 3: missing id").
    """
    ctx.run("ingest.mastodon_items")
    ctx.run("ingest.mastodon_statuses")
    ctx.run("ingest.mastodon_stage")
    ctx.records_read = int(ctx.run("ingest.mastodon_records").fetchone()[0])
    ctx.run("ingest.mastodon_cleanup")
