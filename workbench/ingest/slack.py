"""Slack workspace exports (format ``slack``): a folder or a zip, loaded as one.

Slack's "Export data" gives ``users.json``, ``channels.json`` (and, in fuller
exports, ``groups.json``, ``mpims.json``, ``dms.json``) and one folder per
channel holding one JSON array of messages per day (``general/2016-01-14.json``).
:mod:`workbench.ingest.sources` recognises the layout and hands the whole
export over as one source; staging puts each member file in one ``raw_lines``
row (``line_no`` 1, ``member`` = its path inside the export), and
``queries/ingest/slack.sql`` does the rest in DuckDB.

What the store receives:

- accounts ``slack:<user id>`` from ``users.json`` (``handle`` = ``name``,
  ``display_name`` = ``real_name``, else ``profile.display_name``); a message
  without ``user`` belongs to its bot, ``slack:<bot_id>`` (handle = the
  message's ``username``, else ``bot_profile.name``, else the bot id;
  ``slack:bot:<username>`` for old webhook messages without ``bot_id``); a
  ``file_comment`` without ``user`` belongs to ``comment.user``;
- posts ``slack:<channel id>:<ts>`` (a ``ts`` is unique only within its
  channel) with ``channel`` = the folder name, ``created_at`` from ``ts``,
  ``kind`` ``reply`` for thread replies (``thread_ts`` other than ``ts``;
  ``parent_post_id`` = the thread's root) else ``post``, ``conversation_id`` =
  the thread's root, ``reply_count`` as exported and ``like_count`` = the total
  count of reactions (Slack has no likes; reactions are its applause). Every
  message is a post, channel joins and bot notices included;
- interactions: ``reply`` (author -> ``parent_user_id``, else the author of the
  thread's root in this export or an earlier load, else unresolved),
  ``mention`` (author -> each ``<@U…>`` in ``text``, once per message),
  ``reaction`` (each user listed under ``reactions`` -> the message's author,
  at the message's time since the reaction's own is not exported).

Records read are the messages and the ``users.json`` entries (plus one per
used member file that is not a JSON array); a bad one is rejected with its
member's path and the line where it starts.

Examples
--------
>>> sniff(Sample("export", "", None, ("channels.json", "general/2016-01-14.json", "users.json")))
True
>>> sniff(Sample("2016-01-14.json", "[]", []))
False
"""

from __future__ import annotations

from workbench.ingest import chat, entities
from workbench.ingest.detect import Sample
from workbench.ingest.sources import is_slack_layout

__all__ = ["NAME", "PLATFORM", "LAYOUT", "sniff", "stage", "resolve"]

NAME = "slack"
PLATFORM = "slack"
LAYOUT = "document"


def sniff(sample: Sample) -> bool:
    """A multi-file export whose top level holds ``users.json`` and ``channels.json``."""
    return bool(sample.member_names) and is_slack_layout(list(sample.member_names))


def stage(ctx) -> None:
    """Fill the staging tables from the export's member files in ``raw_lines``."""
    chat.prepare(ctx)
    ctx.run("ingest.slack_stage")
    entities.stage_from_text(ctx)
    chat.reject_bad_records(ctx)
    ctx.records_read = int(ctx.run("ingest.slack_records").fetchone()[0])
    ctx.run("ingest.slack_cleanup")


def resolve(ctx) -> None:
    """Thread replies from earlier loads whose root message came in this load get their interaction."""
    chat.resolve_replies(ctx)
