-- What a Gephi file carries beside the interaction graph (workbench/export_tables.py): per edge the interactions by
-- kind and their times, per account the time it first appears. Same options as graph.edges: $kinds VARCHAR[],
-- $since / $until TIMESTAMPTZ or NULL, $directed BOOLEAN (false: a pair's two directions are one edge, listed as
-- (smaller id, larger id)), $self_loops BOOLEAN. Times are UTC, written to the second (YYYY-MM-DDTHH:MM:SS).

-- name: edge_kinds
-- Interactions per edge and kind, with the first and last time of each (one row per edge and kind).
SELECT CASE WHEN $directed OR source_id <= target_id THEN source_id ELSE target_id END AS source_id,
       CASE WHEN $directed OR source_id <= target_id THEN target_id ELSE source_id END AS target_id,
       kind, count(*)::BIGINT AS interactions, min(created_at) AS first_at, max(created_at) AS last_at
FROM interactions
WHERE list_contains(CAST($kinds AS VARCHAR[]), kind)
  AND (CAST($since AS TIMESTAMPTZ) IS NULL OR created_at >= CAST($since AS TIMESTAMPTZ))
  AND (CAST($until AS TIMESTAMPTZ) IS NULL OR created_at < CAST($until AS TIMESTAMPTZ))
  AND ($self_loops OR source_id <> target_id)
GROUP BY ALL;

-- name: edge_spells
-- GEXF spells per edge: one <spell start=t end=t/> per distinct second at which the pair interacted, in time order.
WITH times AS (
    SELECT DISTINCT
           CASE WHEN $directed OR source_id <= target_id THEN source_id ELSE target_id END AS source_id,
           CASE WHEN $directed OR source_id <= target_id THEN target_id ELSE source_id END AS target_id,
           strftime(created_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S') AS at
    FROM interactions
    WHERE list_contains(CAST($kinds AS VARCHAR[]), kind) AND created_at IS NOT NULL
      AND (CAST($since AS TIMESTAMPTZ) IS NULL OR created_at >= CAST($since AS TIMESTAMPTZ))
      AND (CAST($until AS TIMESTAMPTZ) IS NULL OR created_at < CAST($until AS TIMESTAMPTZ))
      AND ($self_loops OR source_id <> target_id)
)
SELECT source_id, target_id, count(*)::BIGINT AS spells,
       string_agg('<spell start="' || at || '" end="' || at || '"/>', '' ORDER BY at) AS xml
FROM times
GROUP BY source_id, target_id;

-- name: node_first_seen
-- When each account first takes part in an interaction of the graph, and the last time of any (the end of every node's spell).
WITH ends AS (
    SELECT source_id AS account_id, created_at FROM interactions
    WHERE list_contains(CAST($kinds AS VARCHAR[]), kind) AND created_at IS NOT NULL
      AND (CAST($since AS TIMESTAMPTZ) IS NULL OR created_at >= CAST($since AS TIMESTAMPTZ))
      AND (CAST($until AS TIMESTAMPTZ) IS NULL OR created_at < CAST($until AS TIMESTAMPTZ))
      AND ($self_loops OR source_id <> target_id)
    UNION ALL
    SELECT target_id, created_at FROM interactions
    WHERE list_contains(CAST($kinds AS VARCHAR[]), kind) AND created_at IS NOT NULL
      AND (CAST($since AS TIMESTAMPTZ) IS NULL OR created_at >= CAST($since AS TIMESTAMPTZ))
      AND (CAST($until AS TIMESTAMPTZ) IS NULL OR created_at < CAST($until AS TIMESTAMPTZ))
      AND ($self_loops OR source_id <> target_id)
)
SELECT account_id, strftime(min(created_at) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S') AS first_seen,
       strftime(max(max(created_at)) OVER () AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S') AS data_end
FROM ends
GROUP BY account_id;
