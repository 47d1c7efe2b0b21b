-- Defaults of the parameters left out (workbench/sql.py): no community run (run_id NULL), no time bound.
-- default: period = 'week'
-- default: run_id = NULL
-- default: since = NULL
-- default: until = NULL

-- name: engagement
-- Applause, amplification and conversation rates per period (and community of the author) over collected posts that are not shares.
-- Rates are sums of the platform counters divided by the number of those posts (Kaushik 2011); a post without a counter
-- adds nothing to that sum, and a rate is NULL when no post of the period has its counter(s).
WITH selected AS (
    SELECT date_trunc($period, p.created_at AT TIME ZONE 'UTC') AS period,
           m.community, p.like_count, p.share_count, p.quote_count, p.reply_count
    FROM metric_rated_posts() p
    LEFT JOIN memberships m ON m.run_id = $run_id AND m.account_id = p.author_id
    WHERE ($since::TIMESTAMPTZ IS NULL OR p.created_at >= $since::TIMESTAMPTZ)
      AND ($until::TIMESTAMPTZ IS NULL OR p.created_at < $until::TIMESTAMPTZ)
),
sums AS (
    SELECT period, community, count(*)::BIGINT AS posts,
           sum(like_count)::BIGINT AS likes, sum(share_count)::BIGINT AS shares,
           sum(quote_count)::BIGINT AS quotes, sum(reply_count)::BIGINT AS replies
    FROM selected GROUP BY ALL
)
SELECT period, community, posts, likes, shares, quotes, replies,
       metric_applause_rate(likes, posts) AS applause_rate,
       metric_amplification_rate(shares, quotes, posts) AS amplification_rate,
       metric_conversation_rate(replies, posts) AS conversation_rate,
       metric_engagement_per_post(shares, replies, posts) AS engagement_per_post
FROM sums
ORDER BY period, community NULLS LAST;
