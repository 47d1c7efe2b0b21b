-- Defaults of the parameters left out (workbench/sql.py): no community run (run_id NULL), no time bound.
-- default: period = 'week'
-- default: run_id = NULL
-- default: since = NULL
-- default: until = NULL

-- name: growth
-- New and cumulative members per period (and community): an account is seen first at its first collected post or interaction, on either side.
WITH windowed AS (
    SELECT * FROM metric_seen_periods($period, $since, $until)
),
firsts AS (
    SELECT account_id, min(period) AS first_period FROM windowed GROUP BY account_id
),
labelled AS (
    SELECT w.period, m.community, w.account_id, (w.period = f.first_period) AS is_new
    FROM windowed w
    JOIN firsts f USING (account_id)
    LEFT JOIN memberships m ON m.run_id = $run_id AND m.account_id = w.account_id
),
counted AS (
    SELECT period, community, count(*)::BIGINT AS active_members,
           count(*) FILTER (WHERE is_new)::BIGINT AS new_members
    FROM labelled GROUP BY ALL
)
SELECT period, community, new_members,
       sum(new_members) OVER (PARTITION BY community ORDER BY period)::BIGINT AS cumulative_members,
       active_members
FROM counted
ORDER BY period, community NULLS LAST;
