-- Defaults of the parameters left out (workbench/sql.py):
-- default: period = 'week'
-- default: since = NULL
-- default: until = NULL
-- default: kinds = DEFAULT_KINDS
-- default: n = 10

-- name: activity
-- Collected posts per period (UTC; weeks start Monday) and kind, within [$since, $until).
SELECT date_trunc($period, created_at) AS period, kind, count(*)::BIGINT AS posts
FROM posts
WHERE collected AND created_at IS NOT NULL
  AND (CAST($since AS TIMESTAMPTZ) IS NULL OR created_at >= CAST($since AS TIMESTAMPTZ))
  AND (CAST($until AS TIMESTAMPTZ) IS NULL OR created_at < CAST($until AS TIMESTAMPTZ))
GROUP BY ALL
ORDER BY period, kind;

-- name: interactions_over_time
-- Interactions of the given kinds per period and kind, within [$since, $until).
SELECT date_trunc($period, created_at) AS period, kind, count(*)::BIGINT AS interactions
FROM interactions
WHERE created_at IS NOT NULL AND list_contains(CAST($kinds AS VARCHAR[]), kind)
  AND (CAST($since AS TIMESTAMPTZ) IS NULL OR created_at >= CAST($since AS TIMESTAMPTZ))
  AND (CAST($until AS TIMESTAMPTZ) IS NULL OR created_at < CAST($until AS TIMESTAMPTZ))
GROUP BY ALL
ORDER BY period, kind;

-- name: top_accounts
-- The $n accounts that received the most interactions of the given kinds, with what they authored.
WITH received AS (
    SELECT target_id AS account_id, count(*)::BIGINT AS received,
           count(*) FILTER (WHERE kind = 'mention')::BIGINT AS mentions,
           count(*) FILTER (WHERE kind = 'reply')::BIGINT AS replies,
           count(*) FILTER (WHERE kind = 'share')::BIGINT AS shares,
           count(*) FILTER (WHERE kind = 'quote')::BIGINT AS quotes,
           count(DISTINCT source_id)::BIGINT AS distinct_sources
    FROM interactions
    WHERE list_contains(CAST($kinds AS VARCHAR[]), kind) AND source_id <> target_id
      AND (CAST($since AS TIMESTAMPTZ) IS NULL OR created_at >= CAST($since AS TIMESTAMPTZ))
      AND (CAST($until AS TIMESTAMPTZ) IS NULL OR created_at < CAST($until AS TIMESTAMPTZ))
    GROUP BY target_id
), authored AS (
    SELECT author_id AS account_id, count(*)::BIGINT AS posts
    FROM posts
    WHERE collected
      AND (CAST($since AS TIMESTAMPTZ) IS NULL OR created_at >= CAST($since AS TIMESTAMPTZ))
      AND (CAST($until AS TIMESTAMPTZ) IS NULL OR created_at < CAST($until AS TIMESTAMPTZ))
    GROUP BY author_id
)
SELECT a.account_id, coalesce(a.handle, a.account_id) AS handle, a.display_name, a.platform, a.followers,
       coalesce(w.posts, 0)::BIGINT AS posts, r.received, r.mentions, r.replies, r.shares, r.quotes,
       r.distinct_sources
FROM received r
JOIN accounts a USING (account_id)
LEFT JOIN authored w USING (account_id)
ORDER BY r.received DESC, a.account_id
LIMIT $n;

-- name: loads
-- Provenance of every load: file, format, checksum, counts and status, oldest first.
SELECT load_id, path, format, status, sha256, bytes, records_read, records_loaded, records_rejected,
       interactions_loaded, unresolved, started_at, finished_at
FROM loads
ORDER BY load_id;

-- name: reject_reasons
-- Rejected records per load and reason.
SELECT load_id, reason, count(*)::BIGINT AS records
FROM rejects
GROUP BY ALL
ORDER BY load_id, records DESC;

-- name: span
-- First and last time of a collected post or an interaction of the given kinds within [$since, $until) (NULLs when none).
WITH times AS (
    SELECT created_at FROM posts WHERE collected AND created_at IS NOT NULL
    UNION ALL
    SELECT created_at FROM interactions WHERE created_at IS NOT NULL AND list_contains(CAST($kinds AS VARCHAR[]), kind)
)
SELECT min(created_at) AS first_at, max(created_at) AS last_at
FROM times
WHERE (CAST($since AS TIMESTAMPTZ) IS NULL OR created_at >= CAST($since AS TIMESTAMPTZ))
  AND (CAST($until AS TIMESTAMPTZ) IS NULL OR created_at < CAST($until AS TIMESTAMPTZ));
