"""DiscordChatExporter JSON exports (format ``discord``).

DiscordChatExporter (Tyrrrz) writes one JSON document per exported channel:
``guild``, ``channel``, ``dateRange``, ``exportedAt``, ``messages`` (one object
per message: ``id``, ``type``, ``timestamp``, ``content``, ``author``,
``reactions``, ``mentions``, ``reference``, ...) and ``messageCount``. The
whole file is staged as one row and taken apart in DuckDB
(``queries/ingest/discord.sql``).

What the store receives:

- accounts ``discord:<user id>`` for authors, mentioned and reacting users;
  ``handle`` is the user name (``name#1234`` for a legacy discriminator),
  ``display_name`` the server nickname, ``created_at`` decoded from the
  snowflake id;
- posts ``discord:<message id>`` with ``channel`` = ``<guild>/<channel>``,
  ``kind`` ``reply`` for messages of type ``Reply`` (``parent_post_id`` from
  ``reference.messageId``) else ``post``, and ``like_count`` = the total count of
  reactions (Discord has no likes; reactions are its applause);
- interactions: ``reply`` (author -> author of the referenced message, found in
  the same export or in an earlier load, else unresolved; a later load that
  brings the parent adds it in :func:`resolve`), ``mention`` (author -> each
  user in ``mentions``, without the replied-to author, whom Discord lists in
  ``mentions`` when a reply pings; kept when the parent is unknown because it
  cannot be told apart), ``reaction`` (each user listed under a reaction ->
  the author; exports made without reaction users give none).

A message that is not an object, or lacks ``id``, ``author.id`` or a valid
``timestamp``, is rejected at the line where it starts in the file.

Examples
--------
>>> sniff(Sample("general.json", '{\\n  "guild": {"id": "1"},\\n  "channel": {"id": "2"},\\n  "messages": ['))
True
"""

from __future__ import annotations

import re

from workbench.ingest import chat, entities
from workbench.ingest.detect import Sample

__all__ = ["NAME", "PLATFORM", "LAYOUT", "sniff", "stage", "resolve"]

NAME = "discord"
PLATFORM = "discord"
LAYOUT = "document"

_KEYS = tuple(re.compile(rf'"{key}"\s*:\s*{opening}') for key, opening in
              (("guild", r"\{"), ("channel", r"\{"), ("messages", r"\[")))


def sniff(sample: Sample) -> bool:
    """A JSON object with ``guild`` and ``channel`` objects and a ``messages`` array near its start."""
    first = sample.first
    if isinstance(first, dict):
        return isinstance(first.get("guild"), dict) and isinstance(first.get("channel"), dict) \
            and isinstance(first.get("messages"), list)
    text = sample.text.lstrip()
    return text.startswith("{") and all(key.search(text) for key in _KEYS)


def stage(ctx) -> None:
    """Fill the staging tables from the export in ``raw_lines`` (see the module docstring)."""
    chat.prepare(ctx)
    ctx.run("ingest.discord_stage")
    entities.stage_from_text(ctx)
    chat.reject_bad_records(ctx)
    ctx.records_read = int(ctx.run("ingest.discord_records").fetchone()[0])
    ctx.run("ingest.discord_cleanup")


def resolve(ctx) -> None:
    """Replies from earlier loads whose parent message came in this load get their interaction."""
    chat.resolve_replies(ctx)
