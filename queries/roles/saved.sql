-- name: runs
-- Saved scoring runs, newest first, with their community run, account count and parameters.
SELECT run_id, any_value(community_run_id) AS community_run_id, count(*)::BIGINT AS accounts,
       count(*) FILTER (WHERE role = 'influencer')::BIGINT AS influencers,
       count(*) FILTER (WHERE role = 'networker')::BIGINT AS networkers,
       count(*) FILTER (WHERE role = 'hub')::BIGINT AS hubs,
       any_value(params) AS params, min(created_at) AS created_at
FROM account_scores
GROUP BY run_id
ORDER BY run_id DESC;

-- name: scores
-- The saved scores of one scoring run, with handles, most influential first.
SELECT s.* EXCLUDE (params), a.handle
FROM account_scores s LEFT JOIN accounts a USING (account_id)
WHERE s.run_id = $run_id
ORDER BY s.influence DESC, s.account_id;

-- name: community_run
-- One community run by id (empty when there is none).
SELECT run_id, method, n_communities FROM community_runs WHERE run_id = $run_id;
