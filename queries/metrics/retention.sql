-- Defaults of the parameters left out (workbench/sql.py): no community run (run_id NULL), no time bound.
-- default: period = 'week'
-- default: run_id = NULL
-- default: since = NULL
-- default: until = NULL

-- name: retention
-- Cohort table: accounts whose first own action (collected post, or interaction as source) falls in a period, and how many act again k periods later.
WITH active AS (
    SELECT * FROM metric_acts_periods($period, $since, $until)
),
cohorts AS (
    SELECT a.account_id, min(a.period) AS cohort, any_value(m.community) AS community
    FROM active a LEFT JOIN memberships m ON m.run_id = $run_id AND m.account_id = a.account_id
    GROUP BY a.account_id
),
sizes AS (
    SELECT cohort, community, count(*)::BIGINT AS cohort_size FROM cohorts GROUP BY ALL
),
periods AS (
    SELECT DISTINCT period FROM active
),
grid AS (
    -- every cohort against every later period with activity, so that a period nobody returns in shows 0
    SELECT s.cohort, s.community, s.cohort_size, p.period
    FROM sizes s JOIN periods p ON p.period >= s.cohort
),
returned AS (
    SELECT c.cohort, c.community, a.period, count(*)::BIGINT AS retained
    FROM cohorts c JOIN active a USING (account_id)
    GROUP BY ALL
)
SELECT g.cohort, g.community, date_diff($period, g.cohort, g.period)::BIGINT AS "offset", g.period,
       g.cohort_size, coalesce(r.retained, 0)::BIGINT AS retained,
       (coalesce(r.retained, 0) / g.cohort_size)::DOUBLE AS retention_rate
FROM grid g
LEFT JOIN returned r ON r.cohort = g.cohort AND r.period = g.period AND r.community IS NOT DISTINCT FROM g.community
ORDER BY g.cohort, g.community NULLS LAST, "offset";

-- name: churn
-- Per period: accounts that acted, how many act again in the next period, and the churn rate (NULL for the last period, whose next is unknown).
WITH active AS (
    SELECT * FROM metric_acts_periods($period, $since, $until)
),
stepped AS (
    SELECT a.account_id, a.period, m.community,
           a.period + CASE $period WHEN 'minute' THEN INTERVAL 1 MINUTE WHEN 'hour' THEN INTERVAL 1 HOUR
                               WHEN 'day' THEN INTERVAL 1 DAY WHEN 'week' THEN INTERVAL 7 DAY
                               ELSE INTERVAL 1 MONTH END AS next_period
    FROM active a LEFT JOIN memberships m ON m.run_id = $run_id AND m.account_id = a.account_id
),
last_period AS (SELECT max(period) AS period FROM active)
SELECT s.period, s.community, count(*)::BIGINT AS active_members,
       CASE WHEN s.period < (SELECT period FROM last_period) THEN count(n.account_id) END::BIGINT AS retained_next,
       CASE WHEN s.period < (SELECT period FROM last_period) THEN count(*) - count(n.account_id) END::BIGINT AS churned,
       CASE WHEN s.period < (SELECT period FROM last_period)
            THEN ((count(*) - count(n.account_id)) / count(*)) END::DOUBLE AS churn_rate
FROM stepped s
LEFT JOIN active n ON n.account_id = s.account_id AND n.period = s.next_period
GROUP BY s.period, s.community
ORDER BY s.period, s.community NULLS LAST;
