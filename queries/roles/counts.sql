-- name: account_counts
-- Raw per-account inputs of visibility, influence, reach and activity over the prepared window (one row per account, by vid).
-- A response is a share, quote, reply or comment. Each is credited to the post it responds to: the parent of the responding
-- post when that parent is by the target, else the target's latest post or quote at or before it (exports that do not link
-- shares or quotes to their original), else the UTC day it happened (edge lists without posts). A post's pull is the number
-- of distinct accounts that responded to it. Authored posts: the account's own posts other than shares in the window, the
-- credited posts outside it, and (edge lists) the UTC days on which it acted other than by sharing or was responded to;
-- posts count when their kind is one of $unit_kinds (responses to other posts do not count toward influence).
-- The influence inputs are sums over the posts that drew a response of x = 2 sqrt(pull + 3/8) (Anscombe's transform; the
-- posts nobody responded to are added in Python) and of ln(1 + pull), their squares, the largest of each, and the
-- upper-trimmed sums: posts ranked by pull, the top $trim share of the account's n posts left out (fractionally at the edge).
WITH amp AS (
    SELECT source, target, created_at, parent_key, parent_at, parent_kind
    FROM _roles_ix WHERE kind IN ('share', 'quote', 'reply', 'comment')
),
target_posts AS (
    SELECT vid, post_key, created_at FROM _roles_own_posts WHERE kind IN ('post', 'quote') AND created_at IS NOT NULL
),
credited AS (
    SELECT source, target, parent_key AS unit_key, false AS unit_is_day, parent_at AS unit_at
    FROM amp WHERE parent_key IS NOT NULL AND list_contains($unit_kinds, parent_kind)  -- others answer a post that is no unit
    UNION ALL
    SELECT a.source, a.target,
           coalesce(tp.post_key, (epoch(a.created_at) // 86400)::UBIGINT) AS unit_key,
           tp.post_key IS NULL AS unit_is_day, tp.created_at AS unit_at
    FROM (SELECT source, target, created_at FROM amp WHERE parent_key IS NULL) a
    ASOF LEFT JOIN target_posts tp ON tp.vid = a.target AND a.created_at >= tp.created_at
),
unit_pull AS (
    SELECT target AS vid, unit_key, unit_is_day, any_value(unit_at) AS unit_at, count(DISTINCT source) AS pull
    FROM credited GROUP BY target, unit_key, unit_is_day
),
authored AS (
    SELECT vid, sum(n)::BIGINT AS posts_authored FROM (
        SELECT vid, count(*) AS n FROM _roles_own_posts
        WHERE list_contains($unit_kinds, kind)
          AND ($since::TIMESTAMPTZ IS NULL OR created_at >= $since::TIMESTAMPTZ)
          AND ($until::TIMESTAMPTZ IS NULL OR created_at < $until::TIMESTAMPTZ)
        GROUP BY vid
        UNION ALL
        SELECT vid, count(*) FROM unit_pull
        WHERE NOT unit_is_day AND (unit_at IS NULL
           OR ($since::TIMESTAMPTZ IS NOT NULL AND unit_at < $since::TIMESTAMPTZ)
           OR ($until::TIMESTAMPTZ IS NOT NULL AND unit_at >= $until::TIMESTAMPTZ))
        GROUP BY vid
        UNION ALL
        SELECT vid, count(*) FROM (
            SELECT vid, unit_key AS day FROM unit_pull WHERE unit_is_day
            UNION
            SELECT source, (epoch(created_at) // 86400)::UBIGINT FROM _roles_ix
            WHERE post_key IS NULL AND kind <> 'share'
        ) GROUP BY vid
    ) GROUP BY vid
),
ranked AS (
    SELECT u.vid, u.pull, 2 * sqrt(u.pull + 0.375) AS x, ln(1 + u.pull) AS lx,
           row_number() OVER (PARTITION BY u.vid ORDER BY u.pull DESC) AS position,  -- ties do not change h or the trim
           greatest(coalesce(au.posts_authored, 0), count(*) OVER (PARTITION BY u.vid)) AS n
    FROM unit_pull u LEFT JOIN authored au USING (vid)
),
pull AS (
    SELECT vid,
           max(position) FILTER (WHERE pull >= position) AS h_index,
           any_value(n) AS n,
           count(*) AS responded_posts,
           sum(pull) AS total_pull,
           sum(x) AS response_sum,
           sum(x * x) AS response_square_sum,
           max(x) AS top_response,
           -- a post at position p (1 = most responded) keeps the part of [p - 1, p) beyond the top $trim * n
           sum(x * least(greatest(position - $trim * n, 0), 1)) AS response_trimmed_sum,
           sum(lx) AS log_sum,
           sum(lx * lx) AS log_square_sum,
           max(lx) AS top_log,
           sum(lx * least(greatest(position - $trim * n, 0), 1)) AS log_trimmed_sum
    FROM ranked GROUP BY vid
),
received AS (
    SELECT target AS vid, sum(mentions) AS mentions_received, sum(replies) AS replies_received,
           sum(shares) AS shares_received, sum(quotes) AS quotes_received,
           sum(amplification) AS amplification_received,
           count(*) FILTER (WHERE amplification > 0) AS distinct_amplifiers,
           count(*) AS exposed_partners
    FROM _roles_pairs GROUP BY target
),
partners AS (
    SELECT source AS vid, count(*) AS unique_partners FROM _roles_pairs GROUP BY source
),
acts AS (
    -- an act is a collected post, or an interaction that no collected post carries (edge lists);
    -- the interactions of one post (a reply that also mentions) are one act
    SELECT author AS vid, created_at FROM _roles_posts
    UNION ALL
    SELECT source, min(created_at) FROM _roles_ix
    WHERE post_key IS NOT NULL AND NOT carried
    GROUP BY source, post_key
    UNION ALL
    SELECT source, created_at FROM _roles_ix WHERE post_key IS NULL
),
activity AS (
    SELECT vid, count(*) AS actions,
           count(DISTINCT (epoch(created_at) // 86400)::BIGINT) AS active_days
    FROM acts GROUP BY vid
)
SELECT a.vid, a.account_id, a.handle, a.is_focal,
       coalesce(r.mentions_received, 0)::BIGINT AS mentions_received,
       coalesce(r.replies_received, 0)::BIGINT AS replies_received,
       coalesce(r.shares_received, 0)::BIGINT AS shares_received,
       coalesce(r.quotes_received, 0)::BIGINT AS quotes_received,
       coalesce(r.amplification_received, 0)::BIGINT AS amplification_received,
       coalesce(p.n, au.posts_authored, 0)::BIGINT AS posts_authored,
       coalesce(p.total_pull / nullif(coalesce(p.n, au.posts_authored), 0), 0)::DOUBLE AS responders_per_post,
       coalesce(p.responded_posts, 0)::BIGINT AS responded_posts,
       coalesce(p.response_sum, 0)::DOUBLE AS response_sum,
       coalesce(p.response_square_sum, 0)::DOUBLE AS response_square_sum,
       coalesce(p.response_trimmed_sum, 0)::DOUBLE AS response_trimmed_sum,
       coalesce(p.top_response, 0)::DOUBLE AS top_response,
       coalesce(p.log_sum, 0)::DOUBLE AS log_sum,
       coalesce(p.log_square_sum, 0)::DOUBLE AS log_square_sum,
       coalesce(p.top_log, 0)::DOUBLE AS top_log,
       coalesce(p.log_trimmed_sum, 0)::DOUBLE AS log_trimmed_sum,
       coalesce(p.h_index, 0)::BIGINT AS amplification_h_index,
       coalesce(r.distinct_amplifiers, 0)::BIGINT AS distinct_amplifiers,
       a.followers::BIGINT AS followers,
       coalesce(r.exposed_partners, 0)::BIGINT AS exposed_partners,
       coalesce(pa.unique_partners, 0)::BIGINT AS unique_partners,
       coalesce(ac.actions, 0)::BIGINT AS actions,
       coalesce(ac.active_days, 0)::BIGINT AS active_days,
       coalesce(ac.actions / nullif(ac.active_days, 0), 0)::DOUBLE AS actions_per_active_day
FROM _roles_accounts a
LEFT JOIN received r USING (vid)
LEFT JOIN pull p USING (vid)
LEFT JOIN authored au USING (vid)
LEFT JOIN partners pa USING (vid)
LEFT JOIN activity ac USING (vid);

-- name: kinds_present
-- Interactions of the prepared window by kind, how many of its accounts have a follower count ('followers'), and how
-- many posts or quotes its accounts wrote in the window ('lead_posts').
SELECT kind, count(*)::BIGINT AS interactions FROM _roles_ix GROUP BY kind
UNION ALL
SELECT 'followers', count(*)::BIGINT FROM _roles_accounts WHERE followers IS NOT NULL
UNION ALL
SELECT 'lead_posts', count(*)::BIGINT FROM _roles_own_posts
WHERE kind IN ('post', 'quote')
  AND ($since::TIMESTAMPTZ IS NULL OR created_at >= $since::TIMESTAMPTZ)
  AND ($until::TIMESTAMPTZ IS NULL OR created_at < $until::TIMESTAMPTZ)
ORDER BY 1;

-- name: participation
-- Participation coefficient of each account's exposed audience (the accounts that acted on it) across the communities of a
-- run (Guimerà & Amaral 2005): 1 - sum over communities s of (k_s / k)^2, k_s = exposed accounts in s; accounts outside
-- the run are ignored.
WITH member AS (
    SELECT a.vid, m.community
    FROM _roles_accounts a JOIN memberships m ON m.run_id = $community_run_id AND m.account_id = a.account_id
),
per_community AS (
    SELECT r.target AS vid, m.community, count(*) AS k_s
    FROM _roles_pairs r JOIN member m ON m.vid = r.source
    GROUP BY ALL
),
totals AS (
    SELECT vid, sum(k_s) AS k FROM per_community GROUP BY vid
)
SELECT a.vid, coalesce(1 - sum((pc.k_s / t.k) ^ 2), 0)::DOUBLE AS participation
FROM _roles_accounts a
LEFT JOIN per_community pc USING (vid)
LEFT JOIN totals t USING (vid)
GROUP BY a.vid
ORDER BY a.vid;

-- name: advocacy
-- Interactions of each account toward the focal accounts (the focal accounts' own are not counted).
WITH focal AS (
    SELECT vid FROM _roles_accounts WHERE list_contains($focal_ids, account_id)
)
SELECT a.vid, coalesce(sum(p.interactions), 0)::BIGINT AS advocacy
FROM _roles_accounts a
LEFT JOIN _roles_pairs p ON p.source = a.vid AND p.target IN (SELECT vid FROM focal)
                         AND a.vid NOT IN (SELECT vid FROM focal)
GROUP BY a.vid
ORDER BY a.vid;
