-- Defaults of the parameters left out (workbench/sql.py): no community run (run_id NULL), no time bound.
-- default: period = 'week'
-- default: run_id = NULL
-- default: since = NULL
-- default: until = NULL

-- name: activity
-- Weighted activity score per period (and community of the actor): sum of weight(kind) over interactions, self-interactions excluded.
-- Weights come as two parallel lists ($weight_kinds, $weight_values); a kind without a weight counts 0.
WITH weights AS (
    SELECT unnest($weight_kinds::VARCHAR[]) AS kind, unnest($weight_values::DOUBLE[]) AS weight
),
selected AS (
    SELECT date_trunc($period, i.created_at AT TIME ZONE 'UTC') AS period,
           m.community, i.source_id, i.kind
    FROM interactions i
    LEFT JOIN memberships m ON m.run_id = $run_id AND m.account_id = i.source_id
    WHERE i.source_id <> i.target_id AND i.created_at IS NOT NULL
      AND ($since::TIMESTAMPTZ IS NULL OR i.created_at >= $since::TIMESTAMPTZ)
      AND ($until::TIMESTAMPTZ IS NULL OR i.created_at < $until::TIMESTAMPTZ)
)
SELECT s.period, s.community,
       count(*)::BIGINT AS interactions,
       count(*) FILTER (WHERE s.kind = 'reply')::BIGINT AS replies,
       count(*) FILTER (WHERE s.kind = 'comment')::BIGINT AS comments,
       count(*) FILTER (WHERE s.kind = 'quote')::BIGINT AS quotes,
       count(*) FILTER (WHERE s.kind = 'share')::BIGINT AS shares,
       count(*) FILTER (WHERE s.kind = 'mention')::BIGINT AS mentions,
       count(*) FILTER (WHERE s.kind IN ('like', 'reaction'))::BIGINT AS likes,
       count(DISTINCT s.source_id)::BIGINT AS active_accounts,
       sum(coalesce(w.weight, 0))::DOUBLE AS activity_score,
       (sum(coalesce(w.weight, 0)) / count(DISTINCT s.source_id))::DOUBLE AS activity_per_account
FROM selected s LEFT JOIN weights w USING (kind)
GROUP BY ALL
ORDER BY s.period, s.community NULLS LAST;
