-- Defaults of the parameters left out (workbench/sql.py): no community run (run_id NULL), no time bound.
-- default: period = 'week'
-- default: run_id = NULL
-- default: since = NULL
-- default: until = NULL
-- default: kinds = DEFAULT_KINDS

-- name: density
-- Social density per period (and community): distinct directed pairs over possible pairs n(n-1), and interactions per member.
-- Members are the accounts in an interaction of the period (either side); with a run, only links inside one community count
-- and accounts outside the run are left out. Self-interactions are excluded.
WITH selected AS (
    SELECT date_trunc($period, i.created_at AT TIME ZONE 'UTC') AS period,
           i.source_id, i.target_id, ms.community AS source_community, mt.community AS target_community
    FROM interactions i
    LEFT JOIN memberships ms ON ms.run_id = $run_id AND ms.account_id = i.source_id
    LEFT JOIN memberships mt ON mt.run_id = $run_id AND mt.account_id = i.target_id
    WHERE i.source_id <> i.target_id AND i.created_at IS NOT NULL AND list_contains($kinds, i.kind)
      AND ($since::TIMESTAMPTZ IS NULL OR i.created_at >= $since::TIMESTAMPTZ)
      AND ($until::TIMESTAMPTZ IS NULL OR i.created_at < $until::TIMESTAMPTZ)
),
members AS (
    SELECT period, community, count(*)::BIGINT AS members FROM (
        SELECT period, source_community AS community, source_id AS account_id FROM selected
        UNION SELECT period, target_community, target_id FROM selected
    )
    WHERE $run_id IS NULL OR community IS NOT NULL
    GROUP BY ALL
),
links AS (
    SELECT period, source_community AS community, count(*)::BIGINT AS interactions,
           count(DISTINCT (source_id, target_id))::BIGINT AS pairs
    FROM selected
    WHERE source_community IS NOT DISTINCT FROM target_community
      AND ($run_id IS NULL OR source_community IS NOT NULL)
    GROUP BY ALL
)
SELECT m.period, m.community, m.members, coalesce(l.interactions, 0)::BIGINT AS interactions,
       coalesce(l.pairs, 0)::BIGINT AS pairs,
       (coalesce(l.pairs, 0) / nullif(m.members * (m.members - 1), 0))::DOUBLE AS density,
       (coalesce(l.interactions, 0) / m.members)::DOUBLE AS interactions_per_member
FROM members m
LEFT JOIN links l ON l.period = m.period AND l.community IS NOT DISTINCT FROM m.community
ORDER BY m.period, m.community NULLS LAST;
