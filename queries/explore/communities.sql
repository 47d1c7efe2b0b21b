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
WITH tags AS (
    SELECT p.community, lower(unnest(regexp_extract_all(t.text, '#(\w+)', 1))) AS tag
    FROM posts t
    JOIN partition_frame p ON p.account_id = t.author_id
    WHERE t.collected AND t.kind <> 'share' AND t.text IS NOT NULL
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
-- The $n most posted links (posted at least twice) in each community's own posts (shares excluded; needs a registered partition_frame).
WITH links AS (
    SELECT p.community, unnest(regexp_extract_all(t.text, 'https?://[^\s]+')) AS link
    FROM posts t
    JOIN partition_frame p ON p.account_id = t.author_id
    WHERE t.collected AND t.kind <> 'share' AND t.text IS NOT NULL
), counted AS (
    -- a link posted once (every t.co short link) says nothing about a community
    SELECT community, link, count(*)::BIGINT AS uses FROM links GROUP BY ALL HAVING count(*) > 1
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY community ORDER BY uses DESC, link) AS rank FROM counted
)
SELECT community, rank, link, uses
FROM ranked
WHERE rank <= $n
ORDER BY community, rank;
