"""Reddit: Pushshift / Arctic Shift dumps of comments (``RC_*``) and submissions (``RS_*``).

One JSON object per line, plain, ``.gz`` or ``.zst`` (the 2005-2006 Pushshift dumps need a 2 GiB zstd
window; :mod:`workbench.ingest.sources` opens them). A record with ``parent_id`` or ``link_id`` is a
comment, any other a submission.

What a record becomes
---------------------
- **Ids.** A submission is ``reddit:t3_<id>``, a comment ``reddit:t1_<id>``: Reddit's own "fullname"
  prefixes, so ``parent_id`` and ``link_id`` (fullnames already) are post ids once the platform is
  put in front. Accounts are ``reddit:<author>``.
- **Posts.** ``kind`` is ``post`` for submissions and ``comment`` for comments; ``subreddit`` ->
  ``channel``; ``parent_post_id`` is the comment's ``parent_id`` (the parent comment, or the
  submission for a top-level comment) and ``conversation_id`` its ``link_id`` (a submission is its own
  conversation). A submission's text is its title, followed by a blank line and its ``selftext``
  when that is not empty.
- **Counters.** ``score`` -> ``like_count``: Reddit's net score (upvotes minus downvotes, may be
  negative) is the platform's own approval counter, the nearest thing to likes the dumps keep.
  For submissions ``num_comments`` -> ``reply_count`` and ``num_crossposts`` -> ``share_count``
  (a crosspost re-shares a submission into another subreddit). Comments carry no such counters.
- **Interactions.** Each comment makes one ``comment`` interaction: commenter -> author of the
  parent comment or submission, resolved by a join inside DuckDB against this file and everything
  loaded before. A comment whose parent is not known yet is counted as unresolved; when a later load
  brings the parent (say the submissions after their comments), :func:`resolve` adds the missing
  interactions, stamped with that later load's id.
- **Authors that are not accounts** (:data:`EXCLUDED_AUTHORS`): ``[deleted]`` and ``[removed]``
  (placeholders, not users) and automated accounts whose replies would otherwise make them the
  best-connected members of every subreddit they serve. Their posts are kept with a NULL author;
  no interaction goes from or to them, and a comment replying to one is not unresolved (its parent
  is known; it just has no account to point at).

Unresolved counts comments by real accounts whose parent post is not (yet) in the workspace.
"""

from __future__ import annotations

from typing import Any

from workbench.ingest import entities, staging

__all__ = ["NAME", "PLATFORM", "LAYOUT", "EXCLUDED_AUTHORS", "READS_BLOCK", "READS_FILE", "APPENDS", "sniff",
           "prepare", "parse", "parse_file", "finish", "stage", "resolve"]

NAME = "reddit"
PLATFORM = "reddit"
LAYOUT = "lines"

#: Authors that are not accounts, in lower case (Reddit user names are unique regardless of case).
#: ``[deleted]`` / ``[removed]``: placeholders for deleted accounts and removed content.
#: ``automoderator``: Reddit's rule bot, present in most subreddits.
#: The others are service bots that answer on request or on keywords across thousands of subreddits
#: (reminders, Wikipedia summaries, subreddit previews, repost checks, video links, haiku detection,
#: ban-evasion checks); each says it is a bot in its replies.
EXCLUDED_AUTHORS: tuple[str, ...] = (
    "[deleted]",
    "[removed]",
    "automoderator",
    "remindmebot",
    "wikitextbot",
    "sneakpeekbot",
    "repostsleuthbot",
    "savevideo",
    "vredditdownloader",
    "haikusbot",
    "botdefense",
)

#: Each block's Arrow lines are parsed in place (``ctx.block``): nothing of a block is copied into
#: DuckDB, and nothing of it stays in the load's transaction (a table dropped or replaced within a
#: transaction is kept until it ends, so a per-block copy would keep the whole file). Its record
#: batches of a few thousand lines are parsed on every core.
READS_BLOCK = True
#: A dump on disk (plain, ``.zst`` or ``.gz``) is read and parsed by DuckDB's own ``read_json`` on every core
#: (:func:`parse_file`, :mod:`workbench.ingest.direct`) rather than decompressed and split into lines in
#: Python and parsed block by block; a file with a reject is read by lines (:func:`parse`), which names each
#: reject's line. On a month of 10M comments: 27.8 s against 35.4 s in the same run (50 s of CPU against 63).
#: Off: every file is read by lines (tests compare the two).
READS_FILE = True
#: The fewest bytes a line that DuckDB's reader turned into a row can have, beside its text: ``{"id":""}``
#: and its line end. With the texts' bytes, a lower bound of what it decompressed (the expansion limit).
_LINE_BYTES_AT_LEAST = 10
#: Rows per record batch of a block's parsed rows (``reddit_parsed``): several batches, so that the
#: statements over them run on every core (DuckDB scans an Arrow table batch by batch).
_PARSED_BATCH_ROWS = 16_384
#: Parsed rows written at once (some 200 MB of Arrow). Each insert costs a fixed amount, less in whole
#: row groups: on a month of 10M comments, 500,000 and 750,000 rows at a time took 30.5 and 30.4 s
#: (55 s of CPU), for a peak of 1.43 and 1.61 GB. (In batches of 16,384 rows, 750,000 took 35-36 s
#: against 47 s for 250,000.)
_WRITE_ROWS = 500_000
#: Authors kept (one row per author and write) before they are folded into one row per author: some 40 MB
#: of Arrow. Folding after every write of a month of 10M comments took 1.2 s.
_FOLD_ROWS = 1_000_000
#: Posts are appended to the workspace as they are parsed when none of them is in it (checked at the end:
#: a file that holds an id twice, or one an earlier load holds, goes back to the merge). Off: every load is
#: staged whole and merged (tests compare the two). A later month merged took 1.5x the CPU time of the
#: same month appended (10M comments: 134 s against 87 s), at the same peak.
APPENDS = True

_COMMENT_KEYS = ("parent_id", "link_id")
_SUBMISSION_KEYS = ("num_comments", "title", "selftext", "permalink")


def sniff(sample: Any) -> bool:
    """Whether ``sample`` is a Pushshift-style dump: ``subreddit`` and ``id``, plus comment or submission keys.

    Parameters
    ----------
    sample : workbench.ingest.detect.Sample
        The start of the file; only ``sample.first`` (its first JSON value) is looked at.

    Returns
    -------
    bool

    Examples
    --------
    >>> from types import SimpleNamespace as S
    >>> sniff(S(first={"id": "c1", "subreddit": "AskWomen", "parent_id": "t3_x", "link_id": "t3_x"}))
    True
    >>> sniff(S(first={"id": "1", "text": "hello"}))
    False
    """
    record = getattr(sample, "first", None)
    if not isinstance(record, dict) or "subreddit" not in record or "id" not in record:
        return False
    return any(key in record for key in _COMMENT_KEYS + _SUBMISSION_KEYS)


def prepare(ctx: Any) -> None:
    """Before the first block (DuckDB): the view ``reddit_rows`` that parses ``raw_lines``, and whether
    the load's posts are appended block by block (see :func:`parse`): always in the first load of the
    platform (``first_load_of_platform``); in a later one (the next month) when its first rows name no
    post the workspace holds (decided at the first write: ``reddit_ids_known``), unless :data:`APPENDS`
    is off.

    Parameters
    ----------
    ctx : workbench.ingest.pipeline.StageContext
    """
    _define_rows(ctx)
    first = bool(ctx.run("ingest.first_load_of_platform").fetchall()[0][0])
    ctx.state.update(first_load=first, append=(True if first else None) if APPENDS else False)


def _define_rows(ctx: Any) -> None:
    ctx.run("ingest.reddit_settings", excluded_authors=list(EXCLUDED_AUTHORS))
    ctx.run("ingest.block_lines")  # the view binds raw_lines when it is created; each parse binds it anew
    ctx.run("ingest.reddit_line_records")
    ctx.run("ingest.reddit_rows")


def parse(ctx: Any) -> None:
    """One block of lines (``ctx.block``, Arrow) parsed by the view ``reddit_rows`` into Arrow rows
    (``reddit_parsed``): its rejects into ``stage_rejects`` at once (the block's rejected lines are
    left in ``raw_lines``, see the loader contract), its rows, with those of the next blocks, into
    ``stage_posts`` and ``stage_post_entities`` some :data:`_WRITE_ROWS` at a time, and their authors
    into the file's authors, which :func:`finish` stages (``queries/ingest/reddit.sql``).

    In a first load of the platform, or a later one whose first rows name no known post (:func:`prepare`),
    the posts go straight into the workspace's ``posts`` instead (``reddit_append_posts``): no post of
    the workspace is to be merged with them, so the file's posts are written once rather than held
    whole in staging until the merge (a Pushshift month is tens of gigabytes). :func:`finish` checks
    that, and hands them back to the merge if not.

    Parameters
    ----------
    ctx : workbench.ingest.pipeline.StageContext
        The load's context; ``ctx.block`` holds the block's lines.
    """
    import pyarrow.compute as pc

    # without a block (a file of blank lines only), the lines are the table raw_lines (empty then)
    lines = ctx.block if ctx.block is not None else ctx.con.table("raw_lines").to_arrow_table()
    parsed = ctx.run_over_lines("ingest.reddit_block_rows", lines).to_arrow_table(batch_size=_PARSED_BATCH_ROWS)
    if pc.any(pc.is_valid(parsed["reject_reason"])).as_py():
        ctx.run_over("ingest.reddit_rejects", parsed, "reddit_parsed")
        ctx.run_over("ingest.reddit_rejected_lines", parsed, "reddit_parsed")
        ctx.run("ingest.reddit_rejected_as_raw_lines")
    else:
        ctx.run("ingest.block_lines")  # no line of the block to keep
    _gather(ctx, parsed)
    if sum(table.num_rows for table in ctx.state["parsed"]) >= _WRITE_ROWS:
        _write_parsed(ctx)


def parse_file(ctx: Any, file: Any) -> int:
    """The whole file, read by DuckDB (``file``: a :class:`~workbench.ingest.direct.FileReader`): the view
    ``reddit_rows`` over ``reddit_file_records`` (``read_json`` of the file, on the reader's private
    connection) streamed as Arrow, its rows written as :func:`parse` writes a block's (:func:`_gather`,
    :func:`_write_parsed`). Returns the number of records.

    Raises :class:`~workbench.ingest.direct.ReadByLines` at the first reject or error of the reader (the
    pipeline then reads the file line by line, which names each reject's line): the rows carry no line
    number (DuckDB's reader skips blank lines), only their order in the file, which is what the merge's
    "first copy wins" needs (``line_no``).
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from workbench.ingest.direct import ReadByLines

    rows = seen = 0
    file.run("ingest.reddit_settings", platform=ctx.platform, load_id=ctx.load_id,
             excluded_authors=list(EXCLUDED_AUTHORS))
    file.run("ingest.reddit_file_records")
    file.run("ingest.reddit_rows")
    for parsed in file.rows("ingest.reddit_block_rows"):
        if pc.any(pc.is_valid(parsed["reject_reason"])).as_py():
            raise ReadByLines(f"{ctx.path}: a record after record {rows} is rejected")
        n = parsed.num_rows
        seen += n * _LINE_BYTES_AT_LEAST + (pc.sum(pc.binary_length(parsed["text"])).as_py() or 0)
        file.check_expansion(seen)
        order = np.arange(rows + 1, rows + n + 1, dtype=np.int64)  # the records' order (see the docstring)
        parsed = parsed.set_column(parsed.schema.get_field_index("line_no"), "line_no",
                                   pa.Array.from_buffers(pa.int64(), n, [None, pa.py_buffer(order)]))
        rows += n
        _gather(ctx, parsed)
        if sum(table.num_rows for table in ctx.state["parsed"]) >= _WRITE_ROWS:
            _write_parsed(ctx)
    if rows == 0:  # an empty file, or blank lines only: the line reader says which
        raise ReadByLines(f"{ctx.path}: no record")
    return rows


def _gather(ctx: Any, parsed: Any) -> None:
    """Keep a block's parsed rows until they are written: in record batches of whole row groups
    (``ctx.state["parsed"]``, see :func:`~workbench.ingest.staging.in_row_groups`; DuckDB's own Arrow
    batches of a query's rows are of some 34,000 rows, whatever the batch size asked for), and the rows
    past the last whole group as they came (``ctx.state["tail"]``). Each row group is copied once, when
    it is complete, rather than a whole write's rows at once (a write's worth of memory more at the peak)."""
    import pyarrow as pa

    ready, tail = ctx.state.setdefault("parsed", []), ctx.state.setdefault("tail", [])
    tail.append(parsed)
    rows = sum(table.num_rows for table in tail)
    if rows >= staging.ROW_GROUP_ROWS:
        grouped = staging.in_row_groups(pa.concat_tables(tail))
        whole = rows - rows % staging.ROW_GROUP_ROWS
        ready.append(grouped.slice(0, whole))
        tail[:] = [grouped.slice(whole)] if whole < rows else []


def _write_parsed(ctx: Any, *, last: bool = False) -> None:
    """The parsed rows gathered (:func:`_gather`) into ``stage_post_entities`` and ``posts`` (a load that
    appends, see :func:`prepare`) or ``stage_posts``, and their authors into the file's (:func:`_fold_authors`):
    the whole row groups, and after the ``last`` block the rest too."""
    import pyarrow as pa
    import pyarrow.compute as pc

    pending = ctx.state.pop("parsed", [])
    if last:
        pending += ctx.state.pop("tail", [])
    if not pending:
        return
    parsed = pa.concat_tables(pending)  # the gathered batches as they are, not copied again
    if ctx.state.get("append") is None:  # a later load of the platform: a reload or an overlapping dump merges
        ctx.state["append"] = not ctx.run_over("ingest.reddit_ids_known", parsed, "reddit_parsed").fetchall()[0][0]
    _fold_authors(ctx, ctx.run_over("ingest.reddit_block_authors", parsed, "reddit_parsed").to_arrow_table())
    ctx.run_over("ingest.reddit_append_posts" if ctx.state.get("append") else "ingest.reddit_stage_posts",
                 parsed, "reddit_parsed")
    if pc.any(pc.is_valid(parsed["link_url"])).as_py():
        ctx.run_over("ingest.reddit_links", parsed, "reddit_parsed")


def _fold_authors(ctx: Any, authors: Any) -> None:
    """Add a few blocks' authors (Arrow, one row per author) to those of the file so far (``ctx.state["authors"]``,
    Arrow tables), kept outside the load's transaction until :func:`finish` stages them (a temp table would
    keep every block's rows in memory until the load commits). When the tables not yet folded hold
    :data:`_FOLD_ROWS` rows, all become one row per author (``reddit_fold_authors``)."""
    import pyarrow as pa

    tables = ctx.state.setdefault("authors", [])
    tables.append(authors)
    if sum(table.num_rows for table in tables[1:]) >= _FOLD_ROWS:
        ctx.state["authors"] = [ctx.run_over("ingest.reddit_fold_authors", pa.concat_tables(tables),
                                             "reddit_authors").to_arrow_table()]


def finish(ctx: Any) -> None:
    """After the last block: the comment interactions of the whole file (``reddit_finish``): a comment's
    parent may be anywhere in the file or in an earlier load; then the links and hashtags of the staged
    texts (:func:`workbench.ingest.entities.stage_from_text`), once for the whole file.

    After appended blocks (:func:`parse`): if the file holds no id twice and (in a later load of the
    platform) no id an earlier load holds (``appended_posts_collide``), the interactions go straight
    into ``interactions`` (``reddit_finish_appended``: the parent may be in this file or an earlier
    load; the comments whose parent is not known are counted as unresolved) and the links and hashtags
    come from the appended texts that may hold one (``reddit_entity_texts``); else the appended posts
    return to staging (``unappend_posts``) and the load goes on as any other, so that the merge keeps
    each id's first copy and fills in what the workspace's copy lacks.
    """
    _write_parsed(ctx, last=True)  # the last blocks' rows (none on Spark: stage staged them whole)
    if ctx.state.get("authors"):  # a streaming load's authors
        import pyarrow as pa

        ctx.run_over("ingest.reddit_stage_authors", pa.concat_tables(ctx.state.pop("authors")), "reddit_authors")
    ctx.accounts_unique = True  # one staged row per author (reddit_stage_authors, or reddit_accounts on Spark)
    if ctx.state.get("append"):
        merge = bool(ctx.run("ingest.appended_duplicate_posts").fetchone()[0]) or (
            not ctx.state["first_load"] and bool(ctx.run("ingest.appended_posts_collide", format=NAME).fetchone()[0]))
        if not merge:
            resolved = int(ctx.run("ingest.reddit_finish_appended").fetchone()[0])  # rows inserted
            ctx.unresolved += int(ctx.run("ingest.reddit_unresolved_appended", resolved=resolved).fetchone()[0])
            ctx.run("ingest.reddit_entity_texts")
            entities.stage_from_text(ctx)
            ctx.run("ingest.empty_stage_posts")
            ctx.state["appended"] = True
            return
        ctx.run("ingest.unappend_posts")
    ctx.run("ingest.reddit_finish")
    entities.stage_from_text(ctx)


def stage(ctx: Any) -> None:
    """The whole file at once (``raw_lines`` holds every line; the Spark engine): its rows parsed as
    the table ``reddit_parsed``, staged for the merge, then :func:`finish`."""
    ctx.run("ingest.reddit_settings", excluded_authors=list(EXCLUDED_AUTHORS))
    ctx.run("ingest.reddit_line_records")
    ctx.run("ingest.reddit_rows")
    ctx.run("ingest.reddit_parsed_table")
    for name in ("ingest.reddit_rejects", "ingest.reddit_links", "ingest.reddit_accounts", "ingest.reddit_stage_posts"):
        ctx.run(name)
    finish(ctx)


def resolve(ctx: Any) -> None:
    """After the merge: add the comment interactions of earlier loads whose parent this load brought.

    Inserts only interactions the workspace does not hold (``reddit_resolve``, or
    ``reddit_resolve_appended`` when this load's posts were appended rather than staged; a first load
    of the platform has no earlier comments); they carry this load's id.

    Parameters
    ----------
    ctx : workbench.ingest.pipeline.StageContext
    """
    if ctx.state.get("appended"):
        if not ctx.state["first_load"]:
            ctx.run("ingest.reddit_resolve_appended")
        return
    ctx.run("ingest.reddit_resolve")
