-- Defaults of the parameters left out (workbench/sql.py):
-- default: n = 10
-- default: kinds = DEFAULT_KINDS

-- name: community_top_accounts
-- The $n accounts of each community that received the most interactions of the given kinds (needs a registered partition_frame(account_id, community)).
WITH received AS (
    SELECT target_id AS account_id, count(*)::BIGINT AS received
    FROM interactions
    WHERE list_contains(CAST($kinds AS VARCHAR[]), kind) AND source_id <> target_id
    GROUP BY target_id
), ranked AS (
    SELECT p.community, p.account_id, coalesce(a.handle, p.account_id) AS handle,
           coalesce(r.received, 0)::BIGINT AS received,
           row_number() OVER (PARTITION BY p.community ORDER BY coalesce(r.received, 0) DESC, p.account_id) AS rank
    FROM partition_frame p
    LEFT JOIN accounts a USING (account_id)
    LEFT JOIN received r USING (account_id)
)
SELECT community, rank, handle, account_id, received
FROM ranked
WHERE rank <= $n
ORDER BY community, rank;

-- name: community_hashtags
-- The $n most used hashtags in each community's own posts (shares excluded; needs a registered partition_frame).
-- Hashtags come from post_entities (the export's own entities, or the text outside URLs: never a URL's fragment).
WITH tags AS (
    SELECT p.community, e.value AS tag
    FROM post_entities e
    JOIN posts t ON t.post_id = e.post_id
    JOIN partition_frame p ON p.account_id = t.author_id
    WHERE e.entity = 'hashtag' AND t.collected AND t.kind <> 'share'
), counted AS (
    SELECT community, tag, count(*)::BIGINT AS uses FROM tags GROUP BY ALL
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY community ORDER BY uses DESC, tag) AS rank FROM counted
)
SELECT community, rank, tag, uses
FROM ranked
WHERE rank <= $n
ORDER BY community, rank;

-- name: community_links
-- The $n most posted links in each community's own posts (shares excluded; needs a registered partition_frame).
-- Links come from post_entities: expanded URLs where the export has them (Twitter's t.co resolved), else the text's.
WITH links AS (
    SELECT p.community, e.value AS link
    FROM post_entities e
    JOIN posts t ON t.post_id = e.post_id
    JOIN partition_frame p ON p.account_id = t.author_id
    WHERE e.entity = 'link' AND t.collected AND t.kind <> 'share'
), counted AS (
    SELECT community, link, count(*)::BIGINT AS uses FROM links GROUP BY ALL
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY community ORDER BY uses DESC, link) AS rank FROM counted
)
SELECT community, rank, link, uses
FROM ranked
WHERE rank <= $n
ORDER BY community, rank;
