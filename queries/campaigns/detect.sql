-- name: daily_actions
-- Actions per UTC day over every day of the workspace's span (zero-filled), the series campaign detection reads.
-- $mode: 'all' counts every action (metric_actions); 'hashtag' the collected posts whose text matches the regular
-- expression $pattern; 'focal' the interactions of others with the accounts $focal_ids (mentions, replies, shares, ...).
-- The span runs from the first to the last day with any action, within [$since, $until).
WITH counted AS (
    SELECT created_at,
           CASE $mode WHEN 'all' THEN true
                      WHEN 'hashtag' THEN text IS NOT NULL AND regexp_matches(text, $pattern)
                      ELSE false END AS counted
    FROM metric_actions()
    UNION ALL
    SELECT created_at, true FROM interactions
    WHERE $mode = 'focal' AND created_at IS NOT NULL AND list_contains($focal_ids::VARCHAR[], target_id)
      AND source_id <> target_id
),
daily AS (
    SELECT (created_at AT TIME ZONE 'UTC')::DATE AS day, count(*) FILTER (WHERE counted)::BIGINT AS actions
    FROM counted
    WHERE ($since::TIMESTAMPTZ IS NULL OR created_at >= $since::TIMESTAMPTZ)
      AND ($until::TIMESTAMPTZ IS NULL OR created_at < $until::TIMESTAMPTZ)
    GROUP BY ALL
),
days AS (
    SELECT unnest(generate_series(min(day)::TIMESTAMP, max(day)::TIMESTAMP, INTERVAL 1 DAY))::DATE AS day FROM daily
)
SELECT d.day, coalesce(a.actions, 0)::BIGINT AS actions
FROM days d LEFT JOIN daily a USING (day)
ORDER BY d.day;
