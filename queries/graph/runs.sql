-- Defaults of the parameters left out (workbench/sql.py):
-- default: since = NULL
-- default: until = NULL
-- Saved community runs, read back for export and for comparing runs (workbench/export.py).

-- name: community_run
-- One saved community run (method, params and graph_spec as JSON text); empty when there is none.
SELECT run_id, method, CAST(params AS VARCHAR) AS params, CAST(graph_spec AS VARCHAR) AS graph_spec,
       created_at, modularity, n_communities
FROM community_runs
WHERE run_id = $run_id;

-- name: memberships
-- The community of every account in one saved community run, ordered by account_id.
SELECT account_id, community
FROM memberships
WHERE run_id = $run_id
ORDER BY account_id;

-- name: community_runs
-- Every saved community run, newest first.
SELECT run_id, method, CAST(params AS VARCHAR) AS params, CAST(graph_spec AS VARCHAR) AS graph_spec,
       created_at, modularity, n_communities
FROM community_runs
ORDER BY run_id DESC;

-- name: kinds_held
-- Interactions per kind in the workspace, and how many of them fall in [since, until) (self-interactions left out):
-- what an empty graph's error names.
SELECT kind, count(*) AS interactions,
       count(*) FILTER (WHERE (CAST($since AS TIMESTAMPTZ) IS NULL OR created_at >= CAST($since AS TIMESTAMPTZ))
                          AND (CAST($until AS TIMESTAMPTZ) IS NULL OR created_at < CAST($until AS TIMESTAMPTZ)))
           AS in_window
FROM interactions
WHERE source_id <> target_id
GROUP BY kind
ORDER BY interactions DESC, kind;

-- name: posts_held
-- Collected posts per platform (all, and in [since, until)) and their distinct authors: what an empty graph's
-- error says when the workspace has posts but no interactions between accounts.
SELECT platform, count(*) AS posts, count(DISTINCT author_id) AS authors,
       count(*) FILTER (WHERE in_window) AS in_window,
       count(DISTINCT author_id) FILTER (WHERE in_window) AS authors_in_window
FROM (SELECT platform, author_id,
             (CAST($since AS TIMESTAMPTZ) IS NULL OR created_at >= CAST($since AS TIMESTAMPTZ))
             AND (CAST($until AS TIMESTAMPTZ) IS NULL OR created_at < CAST($until AS TIMESTAMPTZ)) AS in_window
      FROM posts
      WHERE collected)
GROUP BY platform
ORDER BY posts DESC, platform;

-- name: self_interactions
-- Interactions of an account with itself, which graphs leave out by default.
SELECT count(*) AS self_interactions FROM interactions WHERE source_id = target_id;

-- name: save_memberships
-- The account and hashtag nodes of a new community run $run_id, from the registered frames _partition_frame
-- (account_id, community) and _hashtag_partition_frame (hashtag, community) (workbench/store.py: save_partition).
INSERT INTO memberships SELECT $run_id, account_id, community FROM _partition_frame;
INSERT INTO hashtag_memberships SELECT $run_id, hashtag, community FROM _hashtag_partition_frame;

-- name: latest_run
-- The newest community run with communities of $nodes ('accounts': rows in memberships; 'hashtags': rows in
-- hashtag_memberships), or NULL. A co-hashtag run has no account rows, so what wants accounts never picks it.
SELECT max(r.run_id) AS run_id
FROM community_runs r
WHERE CASE $nodes
          WHEN 'accounts' THEN EXISTS (SELECT 1 FROM memberships m WHERE m.run_id = r.run_id)
          WHEN 'hashtags' THEN EXISTS (SELECT 1 FROM hashtag_memberships h WHERE h.run_id = r.run_id)
      END;

-- name: run_nodes
-- One community run's graph (graph_spec ->> 'graph'; NULL for the interaction graph) and how many accounts and
-- hashtags it holds; empty when there is no such run.
SELECT r.run_id, r.graph_spec ->> 'graph' AS graph,
       (SELECT count(*) FROM memberships m WHERE m.run_id = r.run_id)::BIGINT AS accounts,
       (SELECT count(*) FROM hashtag_memberships h WHERE h.run_id = r.run_id)::BIGINT AS hashtags
FROM community_runs r
WHERE r.run_id = $run_id;

-- name: hashtag_memberships
-- The community of every hashtag in one saved community run, ordered by hashtag (lower case, without '#').
SELECT hashtag, community
FROM hashtag_memberships
WHERE run_id = $run_id
ORDER BY hashtag;
