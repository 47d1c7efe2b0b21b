-- Before, during and after a campaign. Windows arrive as three parallel lists ($names, $starts, $ends: half-open
-- [start, end) in UTC); the campaign's *recruits* are the accounts first seen in [$recruit_since, $recruit_until).
-- Every figure reuses a metric definition (queries/metrics/prepare.sql): seen (growth), acts (retention), rated posts
-- and the engagement rates (engagement), actions (campaign detection). With $run_id the rows are split by the
-- community of the account concerned (the member, the post's author, the recruit); accounts outside the run fall
-- in community NULL; without it, community is NULL throughout.

-- name: windows
-- Per window (and community): actions, active and new members, growth, rated posts and engagement rates, and the share of the recruits that act in the window.
-- The window named 'before' precedes the recruits' arrival: its recruit columns are NULL.
WITH windows AS (
    SELECT unnest($names::VARCHAR[]) AS "window", unnest($starts::TIMESTAMPTZ[]) AS since,
           unnest($ends::TIMESTAMPTZ[]) AS until
),
community AS (
    SELECT account_id, community FROM memberships WHERE run_id = $run_id
),
communities AS (
    SELECT DISTINCT community FROM community UNION ALL SELECT NULL
),
grid AS (
    SELECT w."window", w.since, w.until, c.community FROM windows w CROSS JOIN communities c
),
span AS (  -- rows outside every window are dropped before the range joins below
    SELECT min(since) AS lo, max(until) AS hi FROM windows
),
seen AS (
    SELECT account_id, created_at FROM metric_seen()
),
firsts AS (
    SELECT s.account_id, min(s.created_at) AS first_seen, any_value(c.community) AS community
    FROM seen s LEFT JOIN community c USING (account_id)
    GROUP BY s.account_id
),
members AS (
    SELECT DISTINCT w."window", s.account_id
    FROM (SELECT s.* FROM seen s, span WHERE s.created_at >= span.lo AND s.created_at < span.hi) s
    JOIN windows w ON s.created_at >= w.since AND s.created_at < w.until
),
member_counts AS (
    SELECT m."window", f.community, count(*)::BIGINT AS active_members,
           count(*) FILTER (WHERE f.first_seen >= w.since AND f.first_seen < w.until)::BIGINT AS new_members
    FROM members m JOIN windows w USING ("window") JOIN firsts f USING (account_id)
    GROUP BY ALL
),
members_before AS (
    SELECT w."window", f.community, count(*)::BIGINT AS members_before
    FROM firsts f JOIN windows w ON f.first_seen < w.since
    GROUP BY ALL
),
action_counts AS (
    SELECT w."window", c.community, count(*)::BIGINT AS actions
    FROM (SELECT a.* FROM metric_actions() a, span WHERE a.created_at >= span.lo AND a.created_at < span.hi) a
    JOIN windows w ON a.created_at >= w.since AND a.created_at < w.until
    LEFT JOIN community c USING (account_id)
    GROUP BY ALL
),
post_sums AS (
    SELECT w."window", c.community, count(*)::BIGINT AS posts,
           sum(p.like_count)::BIGINT AS likes, sum(p.share_count)::BIGINT AS shares,
           sum(p.quote_count)::BIGINT AS quotes, sum(p.reply_count)::BIGINT AS replies
    FROM (SELECT p.* FROM metric_rated_posts() p, span WHERE p.created_at >= span.lo AND p.created_at < span.hi) p
    JOIN windows w ON p.created_at >= w.since AND p.created_at < w.until
    LEFT JOIN community c ON c.account_id = p.author_id
    GROUP BY ALL
),
recruits AS (
    SELECT account_id, community FROM firsts
    WHERE first_seen >= $recruit_since::TIMESTAMPTZ AND first_seen < $recruit_until::TIMESTAMPTZ
),
recruit_sizes AS (
    SELECT community, count(*)::BIGINT AS recruits FROM recruits GROUP BY ALL
),
recruits_active AS (
    SELECT w."window", r.community, count(DISTINCT r.account_id)::BIGINT AS recruits_active
    FROM (SELECT a.* FROM metric_acts() a, span WHERE a.created_at >= span.lo AND a.created_at < span.hi) a
    JOIN recruits r USING (account_id)
    JOIN windows w ON a.created_at >= w.since AND a.created_at < w.until
    GROUP BY ALL
)
SELECT g."window", g.community, g.since AS start_at, g.until AS end_at,
       coalesce(a.actions, 0)::BIGINT AS actions,
       coalesce(m.active_members, 0)::BIGINT AS active_members,
       coalesce(m.new_members, 0)::BIGINT AS new_members,
       coalesce(b.members_before, 0)::BIGINT AS members_before,
       (coalesce(m.new_members, 0) / nullif(b.members_before, 0))::DOUBLE AS growth,
       coalesce(p.posts, 0)::BIGINT AS posts, p.likes, p.shares, p.quotes, p.replies,
       metric_applause_rate(p.likes, p.posts)::DOUBLE AS applause_rate,
       metric_amplification_rate(p.shares, p.quotes, p.posts)::DOUBLE AS amplification_rate,
       metric_conversation_rate(p.replies, p.posts)::DOUBLE AS conversation_rate,
       CASE WHEN g."window" <> 'before' THEN coalesce(rs.recruits, 0) END::BIGINT AS recruits,
       coalesce(ra.recruits_active, 0)::BIGINT AS recruits_active,
       CASE WHEN g."window" <> 'before' THEN coalesce(ra.recruits_active, 0) / nullif(rs.recruits, 0) END::DOUBLE
           AS recruits_retained
FROM grid g
LEFT JOIN member_counts m ON m."window" = g."window" AND m.community IS NOT DISTINCT FROM g.community
LEFT JOIN members_before b ON b."window" = g."window" AND b.community IS NOT DISTINCT FROM g.community
LEFT JOIN action_counts a ON a."window" = g."window" AND a.community IS NOT DISTINCT FROM g.community
LEFT JOIN post_sums p ON p."window" = g."window" AND p.community IS NOT DISTINCT FROM g.community
LEFT JOIN recruit_sizes rs ON rs.community IS NOT DISTINCT FROM g.community
LEFT JOIN recruits_active ra ON ra."window" = g."window" AND ra.community IS NOT DISTINCT FROM g.community
WHERE $run_id IS NOT NULL OR g.community IS NULL
ORDER BY g.since, g.community NULLS LAST;

-- name: recruits_weekly
-- The recruits (first seen in [$recruit_since, $recruit_until)) that act in each of $weeks weeks after $recruit_until, per community: the plateau.
WITH community AS (
    SELECT account_id, community FROM memberships WHERE run_id = $run_id
),
firsts AS (
    SELECT s.account_id, min(s.created_at) AS first_seen, any_value(c.community) AS community
    FROM metric_seen() s LEFT JOIN community c USING (account_id)
    GROUP BY s.account_id
),
recruits AS (
    SELECT account_id, community FROM firsts
    WHERE first_seen >= $recruit_since::TIMESTAMPTZ AND first_seen < $recruit_until::TIMESTAMPTZ
),
sizes AS (
    SELECT community, count(*)::BIGINT AS recruits FROM recruits GROUP BY ALL
),
weeks AS (
    SELECT unnest(range(1, $weeks::BIGINT + 1)) AS week
),
active AS (
    SELECT DISTINCT r.community, r.account_id,
           1 + floor((epoch(a.created_at) - epoch($recruit_until::TIMESTAMPTZ)) / 604800)::BIGINT AS week
    FROM metric_acts() a JOIN recruits r USING (account_id)
    WHERE a.created_at >= $recruit_until::TIMESTAMPTZ
      AND a.created_at < $recruit_until::TIMESTAMPTZ + to_days(7 * $weeks::INTEGER)
),
counted AS (
    SELECT community, week, count(*)::BIGINT AS recruits_active FROM active GROUP BY ALL
)
SELECT w.week, $recruit_until::TIMESTAMPTZ + to_days(7 * (w.week::INTEGER - 1)) AS week_start, s.community, s.recruits,
       coalesce(c.recruits_active, 0)::BIGINT AS recruits_active,
       (coalesce(c.recruits_active, 0) / s.recruits)::DOUBLE AS recruits_retained
FROM weeks w CROSS JOIN sizes s
LEFT JOIN counted c ON c.week = w.week AND c.community IS NOT DISTINCT FROM s.community
ORDER BY w.week, s.community NULLS LAST;

-- name: span
-- The first and last action of the workspace (the span a window can be observed in).
SELECT min(created_at) AS first_at, max(created_at) AS last_at FROM metric_actions();
