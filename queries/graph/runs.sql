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
