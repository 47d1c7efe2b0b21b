-- The interaction graph (workbench/graphs.py): interactions aggregated into weighted edges between
-- dense integer vertex ids, so that igraph receives integer arrays and never account-id strings.
--
-- Parameters (all bound): $kinds VARCHAR[] (interaction kinds to keep), $since / $until TIMESTAMPTZ
-- or NULL (created_at in [since, until); NULL is an open bound), $directed BOOLEAN (false: the two
-- directions of a pair are one edge whose weight is the sum of both), $self_loops BOOLEAN (keep
-- interactions of an account with itself), $min_weight BIGINT (keep edges with at least this many
-- interactions). Vertices are the accounts at either end of a kept edge, numbered 0.. in account_id
-- order, so that the same workspace and options always give the same vertex ids.

-- name: edges
-- Edges (src, dst, weight) and vertices (vertex, account_id, handle) side by side, NULL past the shorter.
-- The two tables come from one aggregation in one result (POSITIONAL JOIN pastes them row by row, with
-- no relation between an edge and the vertex on its row): two queries would aggregate twice. Edge
-- order is left to the caller (workbench.graphs sorts by src, dst), vertices come in vertex order.
WITH pairs AS MATERIALIZED (
    SELECT CASE WHEN $directed OR source_id <= target_id THEN source_id ELSE target_id END AS a,
           CASE WHEN $directed OR source_id <= target_id THEN target_id ELSE source_id END AS b,
           count(*) AS weight
    FROM interactions
    WHERE list_contains(CAST($kinds AS VARCHAR[]), kind)
      AND (CAST($since AS TIMESTAMPTZ) IS NULL OR created_at >= CAST($since AS TIMESTAMPTZ))
      AND (CAST($until AS TIMESTAMPTZ) IS NULL OR created_at < CAST($until AS TIMESTAMPTZ))
      AND ($self_loops OR source_id <> target_id)
    GROUP BY 1, 2
    HAVING count(*) >= $min_weight
),
vertices AS MATERIALIZED (
    SELECT account_id, CAST(row_number() OVER (ORDER BY account_id) - 1 AS BIGINT) AS vertex
    FROM (SELECT a AS account_id FROM pairs UNION SELECT b FROM pairs)
),
edge_rows AS (
    SELECT s.vertex AS src, t.vertex AS dst, CAST(p.weight AS BIGINT) AS weight
    FROM pairs p
    JOIN vertices s ON s.account_id = p.a
    JOIN vertices t ON t.account_id = p.b
),
vertex_rows AS (
    SELECT v.vertex, v.account_id, a.handle
    FROM vertices v
    LEFT JOIN accounts a ON a.account_id = v.account_id
    ORDER BY v.vertex
)
SELECT * FROM edge_rows POSITIONAL JOIN vertex_rows;

-- name: time_range
-- First and last created_at of the interactions of the given kinds (NULLs when there are none).
-- default: kinds = DEFAULT_KINDS
SELECT min(created_at) AS first, max(created_at) AS last
FROM interactions
WHERE list_contains(CAST($kinds AS VARCHAR[]), kind) AND created_at IS NOT NULL;
