-- name: platforms
-- Accounts, posts (collected and context) and interactions per platform.
WITH a AS (SELECT platform, count(*)::BIGINT AS accounts FROM accounts GROUP BY platform),
     p AS (SELECT platform, count(*) FILTER (WHERE collected)::BIGINT AS posts,
                  count(*) FILTER (WHERE NOT collected)::BIGINT AS context_posts,
                  min(created_at) FILTER (WHERE collected) AS first_post,
                  max(created_at) FILTER (WHERE collected) AS last_post
           FROM posts GROUP BY platform),
     i AS (SELECT platform, count(*)::BIGINT AS interactions,
                  min(created_at) AS first_interaction, max(created_at) AS last_interaction
           FROM interactions GROUP BY platform),
     names AS (SELECT platform FROM a UNION SELECT platform FROM p UNION SELECT platform FROM i)
SELECT names.platform,
       coalesce(a.accounts, 0) AS accounts,
       coalesce(p.posts, 0) AS posts,
       coalesce(p.context_posts, 0) AS context_posts,
       coalesce(i.interactions, 0) AS interactions,
       least(p.first_post, i.first_interaction) AS first_seen,
       greatest(p.last_post, i.last_interaction) AS last_seen
FROM names LEFT JOIN a USING (platform) LEFT JOIN p USING (platform) LEFT JOIN i USING (platform)
ORDER BY names.platform;

-- name: interaction_kinds
-- Interactions per platform and kind.
SELECT platform, kind, count(*)::BIGINT AS interactions
FROM interactions
GROUP BY platform, kind
ORDER BY platform, interactions DESC;

-- name: last_loads
-- The most recent loads, newest first.
-- default: limit = 10
SELECT load_id, path, format, status, records_read, records_loaded, records_rejected,
       interactions_loaded, unresolved, started_at, finished_at, message
FROM loads
ORDER BY load_id DESC
LIMIT $limit;
