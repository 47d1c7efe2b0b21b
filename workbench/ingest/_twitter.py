"""What the two Twitter loaders share: finishing a load from the twitter work tables.

Both ``twitter-v2`` and ``twitter-v1`` parse their records into three TEMP work
tables with native ids (``tw_posts``, ``tw_accounts``, ``tw_mentions``; see
``queries/ingest/twitter.sql``); :func:`finish` turns them into staged
accounts, posts and interactions with the targets resolved, and sets the
load's record and unresolved counts.
"""

from __future__ import annotations

from typing import Any

__all__ = ["finish", "rejected_lines", "keep_block", "finish_blocks", "WORK_TABLES"]

WORK_TABLES = ("tw_posts", "tw_accounts", "tw_mentions", "tw_unresolved", "tw_extra_records")


def keep_block(ctx: Any) -> None:
    """A streaming load, after a block's parse: add its work tables to the file's (``tw_*_file``)."""
    first = not ctx.state.get("kept")
    ctx.run("ingest.twitter_keep_first_block" if first else "ingest.twitter_keep_block")
    ctx.state["kept"] = True


def finish_blocks(ctx: Any) -> None:
    """A streaming load, after the last block: stage the file's work tables (:func:`finish`).

    The lines rejected while reading (bad bytes, too long) were rejected before the format saw
    them: ``ctx.reading_rejects`` of them, which :func:`finish` must not count again.
    """
    ctx.run("ingest.twitter_file_tables")
    finish(ctx, rejected_before=ctx.reading_rejects)


def rejected_lines(ctx: Any) -> int:
    """Lines in ``stage_rejects`` so far (staging's own rejects, e.g. invalid UTF-8, come first)."""
    return int(ctx.scalar("SELECT count(DISTINCT line_no) FROM stage_rejects WHERE member IS NULL"))


def finish(ctx: Any, *, rejected_before: int = 0) -> None:
    """Stage the work tables and count records; drop the work tables.

    ``ctx.records_read`` becomes the number of collected tweets (plus user
    records of a users lookup and other records counted in ``tw_extra_records``)
    plus the number of lines the loader rejected (not those staging rejected
    before, ``rejected_before``, which the framework counts itself), so that
    ``records_loaded`` (read minus rejected) is the number of good records.
    """
    ctx.run("ingest.twitter_stage_common")
    ctx.unresolved += int(ctx.scalar("SELECT n FROM tw_unresolved"))
    collected = int(ctx.scalar("SELECT count(*) FROM tw_posts WHERE collected"))
    extra = int(ctx.scalar("SELECT coalesce(sum(n), 0)::BIGINT FROM tw_extra_records"))
    ctx.records_read = collected + extra + rejected_lines(ctx) - rejected_before
    ctx.run("ingest.twitter_cleanup")  # drops WORK_TABLES
