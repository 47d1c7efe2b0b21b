-- The resolve step of the reddit loader (ingest.reddit_resolve) for a Spark batch, in DuckDB's dialect
-- and transpiled for Spark with sqlglot like the format queries.
--
-- Why a second formulation: on DuckDB, reddit_resolve runs after each load's merge and inserts into
-- the workspace's interactions; a Spark batch merges all loads at once (queries/spark/merge.sql).
-- This query gives what running reddit_resolve after each reddit load gives: for every reddit load L,
-- the comments first loaded before L whose parent post L staged (with an author, as the workspace held
-- it after L) become comment interactions stamped with L, unless the workspace had that interaction
-- already (an earlier load, or L's own merge). "As the workspace held it after L": each post's fields
-- are those of the loads up to L (the first non-NULL value, as merge_posts fills them in).

-- name: reddit_resolve
-- The batch's interactions: merged_interactions (spark.merge_interactions) plus the resolved comments.
-- Reads batch_post_copies (spark.post_copies: each load's copy of a post) and batch_loads (load_id, format, platform).
WITH per_load AS (SELECT * FROM batch_post_copies),  -- spark.post_copies
states AS (  -- a post as the workspace held it from load_id until next_load (exclusive)
    SELECT post_id, load_id,
           lead(load_id) OVER (PARTITION BY post_id ORDER BY load_id) AS next_load,
           min(load_id) OVER so_far AS first_load,
           first_value(platform) OVER so_far AS platform,
           first_value(kind) OVER so_far AS kind,
           first_value(author_id IGNORE NULLS) OVER so_far AS author_id,
           first_value(created_at IGNORE NULLS) OVER so_far AS created_at,
           first_value(parent_post_id IGNORE NULLS) OVER so_far AS parent_post_id,
           bool_or(coalesce(collected, false)) OVER so_far AS collected
    FROM per_load
    WINDOW so_far AS (PARTITION BY post_id ORDER BY load_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
new_parents AS (  -- per reddit load: the posts it staged, with an author
    SELECT s.load_id, b.platform, s.post_id, s.author_id
    FROM states AS s
    JOIN batch_loads AS b ON b.load_id = s.load_id
    WHERE b.format = 'reddit' AND s.author_id IS NOT NULL
),
completed AS (  -- comments of earlier loads pointing at them, as held after that load
    SELECT DISTINCT c.author_id AS source_id, n.author_id AS target_id, c.post_id, c.created_at,
                    n.platform, n.load_id
    FROM new_parents AS n
    JOIN states AS c ON c.parent_post_id = n.post_id AND c.load_id <= n.load_id
                    AND (c.next_load IS NULL OR c.next_load > n.load_id)
    WHERE c.platform = n.platform AND c.kind = 'comment' AND c.collected AND c.author_id IS NOT NULL
      AND c.first_load < n.load_id  -- comments new in that load were resolved when staged
),
candidates AS (  -- at one load, the merge ran before the resolve step
    SELECT source_id, target_id, kind, post_id, created_at, platform, load_id, 0 AS step
    FROM merged_interactions
    UNION ALL
    SELECT source_id, target_id, 'comment', post_id, created_at, platform, load_id, 1 AS step
    FROM completed
)
SELECT source_id, target_id, kind, post_id, created_at, platform, load_id
FROM (SELECT *, row_number() OVER (PARTITION BY post_id, kind, source_id, target_id ORDER BY load_id, step) AS pick
      FROM candidates)
WHERE pick = 1;
