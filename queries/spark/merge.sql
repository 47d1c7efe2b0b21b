-- The merge of a Spark batch load (workbench/spark/ingest.py), written in DuckDB's dialect and
-- transpiled for Spark with sqlglot like the format queries.
--
-- Why a second formulation of ingest.merge_*: the DuckDB merge is incremental (one load after the
-- other, INSERT ... ON CONFLICT, UPDATE ... FROM, ANTI JOIN against the workspace), and Parquet
-- written by Spark cannot be updated in place. These queries merge all loads of a batch at once,
-- reading batch_accounts / batch_posts / batch_interactions (the staging tables of every load, with
-- its load_id) and give what loading the files one after the other gives: within a load the same
-- row is picked as by ingest.merge_* (their ORDER BYs, per load); across loads the first load keeps
-- a post (a later copy only fills empty fields, collected wins), an account's fields come from the
-- newest observation that has them, an interaction belongs to the first load that brought it.

-- name: merge_accounts
-- One row per account over all loads of the batch: per field the newest observation's value that is not NULL.
WITH per_load AS (
    SELECT *
    FROM (SELECT *, row_number() OVER (PARTITION BY load_id, account_id
                                       ORDER BY seen_at DESC NULLS LAST, followers DESC NULLS LAST,
                                                handle NULLS LAST) AS pick
          FROM batch_accounts
          WHERE account_id IS NOT NULL)
    WHERE pick = 1
),
ranked AS (
    SELECT account_id,
           first_value(platform) OVER (PARTITION BY account_id ORDER BY load_id) AS platform,
           first_value(handle IGNORE NULLS) OVER newest AS handle,
           first_value(display_name IGNORE NULLS) OVER newest AS display_name,
           first_value(followers IGNORE NULLS) OVER newest AS followers,
           first_value(following IGNORE NULLS) OVER newest AS following,
           first_value(posts_count IGNORE NULLS) OVER newest AS posts_count,
           first_value(created_at IGNORE NULLS) OVER oldest_load AS created_at,
           bool_or(coalesce(is_focal, false)) OVER (PARTITION BY account_id) AS is_focal,
           max(seen_at) OVER (PARTITION BY account_id) AS seen_at,
           row_number() OVER (PARTITION BY account_id ORDER BY load_id) AS pick
    FROM per_load
    WINDOW newest AS (PARTITION BY account_id ORDER BY seen_at DESC NULLS LAST, load_id DESC
                      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
           oldest_load AS (PARTITION BY account_id ORDER BY load_id
                           ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT account_id, platform, handle, display_name, followers, following, posts_count, created_at, is_focal, seen_at
FROM ranked
WHERE pick = 1;

-- name: post_copies
-- Each load's copy of each post: the one ingest.merge_posts keeps within a load (collected first, then the first line).
SELECT *
FROM (SELECT *, row_number() OVER (PARTITION BY load_id, post_id ORDER BY collected DESC NULLS LAST, line_no) AS pick
      FROM batch_posts
      WHERE post_id IS NOT NULL)
WHERE pick = 1;

-- name: merge_posts
-- One row per post over all loads of the batch: the first load's copy, its empty fields filled from later loads.
WITH per_load AS (SELECT * FROM batch_post_copies),
ranked AS (
    SELECT post_id, platform, kind, load_id,
           first_value(author_id IGNORE NULLS) OVER first_load AS author_id,
           first_value(created_at IGNORE NULLS) OVER first_load AS created_at,
           first_value(text IGNORE NULLS) OVER first_load AS text,
           first_value(lang IGNORE NULLS) OVER first_load AS lang,
           first_value(parent_post_id IGNORE NULLS) OVER first_load AS parent_post_id,
           first_value(conversation_id IGNORE NULLS) OVER first_load AS conversation_id,
           first_value(channel IGNORE NULLS) OVER first_load AS channel,
           first_value(like_count IGNORE NULLS) OVER first_load AS like_count,
           first_value(share_count IGNORE NULLS) OVER first_load AS share_count,
           first_value(reply_count IGNORE NULLS) OVER first_load AS reply_count,
           first_value(quote_count IGNORE NULLS) OVER first_load AS quote_count,
           bool_or(coalesce(collected, false)) OVER (PARTITION BY post_id) AS collected,
           row_number() OVER (PARTITION BY post_id ORDER BY load_id) AS pick
    FROM per_load
    WINDOW first_load AS (PARTITION BY post_id ORDER BY load_id
                          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT post_id, platform, author_id, created_at, text, lang, parent_post_id, conversation_id, channel, kind,
       like_count, share_count, reply_count, quote_count, collected, load_id
FROM ranked
WHERE pick = 1;

-- name: merge_interactions
-- One row per (post_id, kind, source_id, target_id) over all loads of the batch, from the first load that brought it.
WITH firsts AS (
    SELECT *
    FROM (SELECT *, row_number() OVER (PARTITION BY post_id, kind, source_id, target_id
                                       ORDER BY load_id, created_at NULLS LAST) AS pick
          FROM batch_interactions
          WHERE target_id IS NOT NULL AND source_id IS NOT NULL)
    WHERE pick = 1
)
-- as in ingest.merge_interactions: a reply, mention, quote or comment is made by its post's author
SELECT s.source_id, s.target_id, s.kind, s.post_id, s.created_at, s.platform, s.load_id
FROM firsts AS s
LEFT JOIN merged_posts AS p ON p.post_id = s.post_id
WHERE NOT (s.kind IN ('reply', 'mention', 'quote', 'comment')
           AND p.author_id IS NOT NULL AND p.author_id <> s.source_id);
