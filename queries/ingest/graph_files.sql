-- name: graph_file_stage
-- A parsed graph file (temp tables graph_nodes, graph_node_attributes, graph_edges) into staging: accounts, interactions, account attributes.
--
-- graph_nodes(node_index, id_text, label): every node, with the file's own id and its label (NULL
-- when it has none); graph_node_attributes(node_index, name, value): its other attributes as text;
-- graph_edges(edge_index, source_index, target_index, weight): every edge in file order.
--
-- A node's account is `<platform>:<label>` when every node has a label and no two share one, else
-- `<platform>:<id>`; the other of the two is kept as an attribute (`id` or `label`). An edge of
-- positive whole weight w stands for w interactions when every weighted edge of the file has such a
-- weight (at most $weight_cap), as in edge lists; otherwise each edge is one interaction. Every
-- interaction has the load's kind ($default_kind) and the post id an edge list would give it
-- (`<platform>:edge:<md5 of source, target>:<occurrence>`), so the same network loads alike as a
-- graph file and as an edge list.
CREATE OR REPLACE TEMP TABLE graph_keys AS
WITH labelled AS (
    SELECT count(*) = count(DISTINCT label) AND bool_and(coalesce(label, '') <> '') AS by_label
    FROM graph_nodes
)
SELECT n.node_index,
       CASE WHEN l.by_label THEN n.label ELSE n.id_text END AS key,
       CASE WHEN l.by_label THEN 'id' ELSE 'label' END AS other_name,
       CASE WHEN l.by_label THEN n.id_text ELSE n.label END AS other_value
FROM graph_nodes AS n, labelled AS l;

INSERT INTO stage_accounts (account_id, platform, handle, is_focal)
SELECT $platform || ':' || key, $platform, key, false
FROM graph_keys;

INSERT INTO stage_attributes (account_id, name, value, line_no)
SELECT $platform || ':' || k.key, lower(a.name), a.value, NULL
FROM graph_node_attributes AS a JOIN graph_keys AS k USING (node_index)
WHERE coalesce(a.value, '') <> '' AND lower(a.name) NOT IN ('id', 'label')
UNION ALL
SELECT $platform || ':' || key, other_name, other_value, NULL
FROM graph_keys
WHERE coalesce(other_value, '') <> '';

INSERT INTO stage_interactions
WITH whole AS (
    SELECT coalesce(bool_and(weight = floor(weight) AND weight >= 1 AND weight <= $weight_cap), true) AS weighted
    FROM graph_edges
    WHERE weight IS NOT NULL
),
expanded AS (
    SELECT e.edge_index, s.key AS source, t.key AS target, copy
    FROM graph_edges AS e
    JOIN graph_keys AS s ON s.node_index = e.source_index
    JOIN graph_keys AS t ON t.node_index = e.target_index,
    whole AS w,
    generate_series(1, CASE WHEN w.weighted THEN coalesce(e.weight, 1)::BIGINT ELSE 1 END) AS g(copy)
),
numbered AS (
    SELECT *, row_number() OVER (PARTITION BY source, target ORDER BY edge_index, copy) AS occurrence
    FROM expanded
)
SELECT $platform || ':' || source,
       $platform || ':' || target,
       $default_kind,
       $platform || ':edge:' || md5(source || chr(31) || target || chr(31)) || ':' || occurrence,
       NULL::TIMESTAMPTZ,
       $platform
FROM numbered;

-- name: graph_file_facts
-- What the staged graph file held, for the load summary: nodes, edges, interactions, repeated pairs, weights left out.
SELECT (SELECT count(*) FROM graph_nodes)::BIGINT AS nodes,
       (SELECT count(*) FROM graph_edges)::BIGINT AS edges,
       (SELECT count(*) FROM stage_interactions)::BIGINT AS interactions,
       (SELECT count(*) - CASE WHEN $directed THEN count(DISTINCT (source_index, target_index))
                               ELSE count(DISTINCT (least(source_index, target_index),
                                                    greatest(source_index, target_index))) END
        FROM graph_edges)::BIGINT AS repeated_pairs,
       (SELECT count(*) FILTER (WHERE weight IS NOT NULL)
               - count(*) FILTER (WHERE weight = floor(weight) AND weight >= 1 AND weight <= $weight_cap)
        FROM graph_edges)::BIGINT AS odd_weights,
       (SELECT min(weight) FILTER (WHERE NOT (weight = floor(weight) AND weight >= 1 AND weight <= $weight_cap))
        FROM graph_edges) AS odd_weight_example;

-- name: graph_file_cleanup
-- Drop the graph-file loader's own temporary tables.
DROP TABLE IF EXISTS graph_keys;
DROP TABLE IF EXISTS graph_edges;
DROP TABLE IF EXISTS graph_node_attributes;
DROP TABLE IF EXISTS graph_nodes;

-- name: graph_file_copy_nodes
-- The nodes of a graph file parsed in Python (registered as _graph_part) into graph_nodes.
CREATE OR REPLACE TEMP TABLE graph_nodes AS
SELECT node_index::BIGINT AS node_index, id_text::VARCHAR AS id_text, label::VARCHAR AS label FROM _graph_part;

-- name: graph_file_copy_node_attributes
-- The node attributes of a graph file parsed in Python (registered as _graph_part) into graph_node_attributes.
CREATE OR REPLACE TEMP TABLE graph_node_attributes AS
SELECT node_index::BIGINT AS node_index, name::VARCHAR AS name, value::VARCHAR AS value FROM _graph_part;

-- name: graph_file_copy_edges
-- The edges of a graph file parsed in Python (registered as _graph_part) into graph_edges.
CREATE OR REPLACE TEMP TABLE graph_edges AS
SELECT edge_index::BIGINT AS edge_index, source_index::BIGINT AS source_index,
       target_index::BIGINT AS target_index, weight::DOUBLE AS weight
FROM _graph_part;
