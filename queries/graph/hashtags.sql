-- Hashtag graphs (workbench/hashtag_graphs.py), from post_entities: hashtag co-occurrence and account x hashtag.
-- Posts are collected posts other than shares (a share repeats the original's hashtags) with
-- $since <= created_at < $until (TIMESTAMPTZ or NULL for an open bound). Hashtags are stored lower-case without '#';
-- a hashtag vertex's id is 'hashtag:#' || tag. Like graph.edges, the result pastes the edge rows (src, dst, weight)
-- and the vertex rows side by side (POSITIONAL JOIN), vertices numbered 0.. in id order.

-- name: hashtag_prepare
-- What both hashtag graphs share, as temporary table macros (this connection only; run before either query):
--   hashtag_tagged(since_at, until_at)  each (post, hashtag, author) of the counted posts in [since_at, until_at);
--   hashtag_vertices('pairs')           the nodes at either end of the rows (a, b, weight) of the query's CTE
--                                       named by the argument, numbered 0.. in node order (column node, vertex);
--   hashtag_edge_rows('pairs', 'vertices')  those rows as vertex numbers (src, dst, weight).
CREATE OR REPLACE TEMP MACRO hashtag_tagged(since_at, until_at) AS TABLE
    SELECT DISTINCT e.post_id, e.value AS tag, t.author_id
    FROM post_entities e
    JOIN posts t ON t.post_id = e.post_id
    WHERE e.entity = 'hashtag' AND t.collected AND t.kind <> 'share'
      AND (CAST(since_at AS TIMESTAMPTZ) IS NULL OR t.created_at >= CAST(since_at AS TIMESTAMPTZ))
      AND (CAST(until_at AS TIMESTAMPTZ) IS NULL OR t.created_at < CAST(until_at AS TIMESTAMPTZ));
CREATE OR REPLACE TEMP MACRO hashtag_vertices(pairs) AS TABLE
    SELECT node, CAST(row_number() OVER (ORDER BY node) - 1 AS BIGINT) AS vertex
    FROM (SELECT a AS node FROM query_table(pairs) UNION SELECT b FROM query_table(pairs));
CREATE OR REPLACE TEMP MACRO hashtag_edge_rows(pairs, vertices) AS TABLE
    SELECT s.vertex AS src, t.vertex AS dst, CAST(p.weight AS BIGINT) AS weight
    FROM query_table(pairs) p
    JOIN query_table(vertices) s ON s.node = p.a
    JOIN query_table(vertices) t ON t.node = p.b;

-- name: cohashtag
-- Hashtag co-occurrence: one edge per pair of hashtags used in the same post, weighted by the posts using both ($min_weight and more); vertices with the posts and distinct accounts using each tag.
WITH tagged AS MATERIALIZED (FROM hashtag_tagged($since, $until)),
pairs AS MATERIALIZED (
    SELECT a.tag AS a, b.tag AS b, count(*) AS weight
    FROM tagged a JOIN tagged b ON a.post_id = b.post_id AND a.tag < b.tag
    GROUP BY 1, 2
    HAVING count(*) >= $min_weight
),
vertices AS MATERIALIZED (FROM hashtag_vertices('pairs')),
vertex_rows AS (
    SELECT v.vertex, 'hashtag:#' || v.node AS account_id, '#' || v.node AS handle, 'hashtag' AS kind,
           count(DISTINCT g.post_id)::BIGINT AS uses, count(DISTINCT g.author_id)::BIGINT AS accounts
    FROM vertices v JOIN tagged g ON g.tag = v.node
    GROUP BY v.vertex, v.node
    ORDER BY v.vertex
)
SELECT * FROM hashtag_edge_rows('pairs', 'vertices') POSITIONAL JOIN vertex_rows;

-- name: account_hashtag
-- Account x hashtag (two-mode): one edge from an account to each hashtag it used, weighted by its posts using it ($min_weight and more); vertices are the accounts and the hashtags, with the posts and distinct accounts behind each.
WITH pairs AS MATERIALIZED (
    SELECT author_id AS a, 'hashtag:#' || tag AS b, count(*) AS weight
    FROM hashtag_tagged($since, $until) GROUP BY 1, 2
    HAVING count(*) >= $min_weight
),
vertices AS MATERIALIZED (FROM hashtag_vertices('pairs')),
usage AS (
    SELECT a AS node, sum(weight)::BIGINT AS uses, 1::BIGINT AS accounts FROM pairs GROUP BY a
    UNION ALL
    SELECT b, sum(weight)::BIGINT, count(*)::BIGINT FROM pairs GROUP BY b
),
vertex_rows AS (
    SELECT v.vertex, v.node AS account_id,
           CASE WHEN v.node LIKE 'hashtag:#%' THEN substr(v.node, 9) ELSE coalesce(a.handle, v.node) END AS handle,
           CASE WHEN v.node LIKE 'hashtag:#%' THEN 'hashtag' ELSE 'account' END AS kind,
           u.uses, u.accounts
    FROM vertices v
    JOIN usage u ON u.node = v.node
    LEFT JOIN accounts a ON a.account_id = v.node
    ORDER BY v.vertex
)
SELECT * FROM hashtag_edge_rows('pairs', 'vertices') POSITIONAL JOIN vertex_rows;
