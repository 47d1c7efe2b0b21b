-- name: prepare
-- The definitions the metric queries share, as temporary macros (one connection; created when a workspace is opened).
-- Other queries that report a metric over their own windows (campaigns) call the same macros, so each definition
-- is written once:
--   metric_seen()         an account is *seen* at each collected post it authors and each interaction it takes
--                         part in, on either side (growth: new and active members);
--   metric_acts()         an account *acts* with a collected post or an interaction it makes with someone else
--                         (retention, churn, a campaign's recruits still active);
--   metric_seen_periods(unit, since_at, until_at), metric_acts_periods(unit, since_at, until_at)
--                         each account once a period (date_trunc(unit), UTC) it is seen / acts in, within
--                         [since_at, until_at) (NULL: unbounded): the rows growth, retention and churn count;
--   metric_rated_posts()  the posts that rates count: collected, not shares (a share's counters mirror the
--                         original's), with a time;
--   metric_*_rate(...)    the engagement rates from sums of the platform counters over those posts (Kaushik 2011).
CREATE OR REPLACE TEMP MACRO metric_seen() AS TABLE
    SELECT source_id AS account_id, created_at FROM interactions WHERE created_at IS NOT NULL
    UNION ALL SELECT target_id, created_at FROM interactions WHERE created_at IS NOT NULL
    UNION ALL SELECT author_id, created_at FROM posts WHERE collected AND author_id IS NOT NULL AND created_at IS NOT NULL;
CREATE OR REPLACE TEMP MACRO metric_acts() AS TABLE
    SELECT source_id AS account_id, created_at FROM interactions WHERE source_id <> target_id AND created_at IS NOT NULL
    UNION ALL SELECT author_id, created_at FROM posts WHERE collected AND author_id IS NOT NULL AND created_at IS NOT NULL;
CREATE OR REPLACE TEMP MACRO metric_in_window(moment, since_at, until_at) AS
    (since_at::TIMESTAMPTZ IS NULL OR moment >= since_at::TIMESTAMPTZ) AND (until_at::TIMESTAMPTZ IS NULL OR moment < until_at::TIMESTAMPTZ);
CREATE OR REPLACE TEMP MACRO metric_seen_periods(unit, since_at, until_at) AS TABLE
    SELECT DISTINCT account_id, date_trunc(unit, created_at AT TIME ZONE 'UTC') AS period
    FROM metric_seen() WHERE metric_in_window(created_at, since_at, until_at);
CREATE OR REPLACE TEMP MACRO metric_acts_periods(unit, since_at, until_at) AS TABLE
    SELECT DISTINCT account_id, date_trunc(unit, created_at AT TIME ZONE 'UTC') AS period
    FROM metric_acts() WHERE metric_in_window(created_at, since_at, until_at);
CREATE OR REPLACE TEMP MACRO metric_rated_posts() AS TABLE
    SELECT author_id, created_at, like_count, share_count, quote_count, reply_count
    FROM posts WHERE collected AND kind <> 'share' AND created_at IS NOT NULL;
-- A rate is NULL when no post has its counter(s): a post without a counter adds nothing to a sum.
CREATE OR REPLACE TEMP MACRO metric_applause_rate(likes, posts) AS likes / posts;
CREATE OR REPLACE TEMP MACRO metric_amplification_rate(shares, quotes, posts) AS
    CASE WHEN shares IS NULL AND quotes IS NULL THEN NULL ELSE (coalesce(shares, 0) + coalesce(quotes, 0)) / posts END;
CREATE OR REPLACE TEMP MACRO metric_conversation_rate(replies, posts) AS replies / posts;
CREATE OR REPLACE TEMP MACRO metric_engagement_per_post(shares, replies, posts) AS
    CASE WHEN shares IS NULL AND replies IS NULL THEN NULL ELSE (coalesce(shares, 0) + coalesce(replies, 0)) / posts END;
-- metric_actions(): what a community does, one row per action: every collected post (shares included) and every
-- interaction that no collected post carries (edge lists, likes, follows). Campaign detection and comparison count these.
CREATE OR REPLACE TEMP MACRO metric_actions() AS TABLE
    SELECT author_id AS account_id, created_at, text FROM posts WHERE collected AND created_at IS NOT NULL
    UNION ALL
    SELECT i.source_id, i.created_at, NULL FROM interactions i
    WHERE i.created_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.post_id = i.post_id AND p.collected);
