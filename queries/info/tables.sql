-- name: tables
-- Row counts of the canonical tables.
SELECT 'accounts' AS "table", count(*)::BIGINT AS "rows" FROM accounts
UNION ALL SELECT 'posts', count(*)::BIGINT FROM posts
UNION ALL SELECT 'interactions', count(*)::BIGINT FROM interactions
UNION ALL SELECT 'loads', count(*)::BIGINT FROM loads
UNION ALL SELECT 'rejects', count(*)::BIGINT FROM rejects
UNION ALL SELECT 'community_runs', count(*)::BIGINT FROM community_runs
UNION ALL SELECT 'memberships', count(*)::BIGINT FROM memberships
UNION ALL SELECT 'hashtag_memberships', count(*)::BIGINT FROM hashtag_memberships
UNION ALL SELECT 'account_scores', count(*)::BIGINT FROM account_scores
UNION ALL SELECT 'account_attributes', count(*)::BIGINT FROM account_attributes
UNION ALL SELECT 'campaigns', count(*)::BIGINT FROM campaigns
UNION ALL SELECT 'post_entities', count(*)::BIGINT FROM post_entities
