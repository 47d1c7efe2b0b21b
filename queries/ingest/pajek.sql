-- name: pajek_parse
-- A Pajek .net file from raw_lines into graph_nodes, graph_node_attributes and graph_edges (and rejects).
--
-- Sections start with a `*` line: `*Vertices N` (then `id ["label"] [x y z] [drawing options]` per
-- line), `*Arcs` / `*Edges` (`source target [weight]`), `*Arcslist` / `*Edgeslist` (`source target
-- target ...`); `*Network` names the network. Lines starting with `%` are comments. Vertices are
-- numbered 1..N; all N are nodes, listed or not. Rejected lines: a vertex or edge naming a number
-- outside 1..N or that is not a number, a vertex listed twice, a line before `*Vertices`, the lines
-- of a section that is not read (`*Matrix`, `*Partition`, ...).
CREATE OR REPLACE TEMP TABLE pajek_lines AS
WITH lines AS (
    SELECT line_no, trim(line) AS line, starts_with(trim(line), '*') AS is_section
    FROM raw_lines
    WHERE NOT regexp_matches(line, '^\s*%') AND trim(line) <> ''
),
placed AS (
    SELECT *, max(CASE WHEN is_section THEN line_no END) OVER (ORDER BY line_no ROWS UNBOUNDED PRECEDING) AS section_line
    FROM lines
)
SELECT p.line_no, p.line, p.is_section,
       lower(regexp_extract(s.line, '^\*([A-Za-z]+)', 1)) AS section,
       list_filter(regexp_split_to_array(p.line, '\s+'), lambda x: x <> '') AS tokens
FROM placed AS p LEFT JOIN lines AS s ON s.line_no = p.section_line;

CREATE OR REPLACE TEMP TABLE pajek_size AS
SELECT (SELECT try_cast(regexp_extract(line, '^\*[Vv][Ee][Rr][Tt][Ii][Cc][Ee][Ss]\s+([0-9]+)', 1) AS BIGINT)
        FROM pajek_lines WHERE is_section AND section = 'vertices' ORDER BY line_no LIMIT 1) AS n_vertices,
       (SELECT count(*) FROM pajek_lines WHERE is_section AND section IN ('arcs', 'arcslist')) > 0 AS directed;

CREATE OR REPLACE TEMP TABLE pajek_vertices AS
WITH listed AS (
    SELECT line_no,
           try_cast(tokens[1] AS BIGINT) AS vertex,
           tokens[1] AS vertex_text,
           CASE WHEN regexp_matches(line, '^\S+\s+"') THEN regexp_extract(line, '^\S+\s+"([^"]*)"', 1)
                ELSE tokens[2] END AS label
    FROM pajek_lines
    WHERE NOT is_section AND section = 'vertices'
)
SELECT l.*, min(line_no) OVER (PARTITION BY vertex) AS first_line_no,
       CASE WHEN l.vertex IS NULL OR l.vertex NOT BETWEEN 1 AND coalesce(z.n_vertices, 0)
            THEN 'vertex ''' || left(l.vertex_text, 40) || ''' is not a number from 1 to ' || coalesce(z.n_vertices, 0)
                 || ' (the count on *Vertices)'
       END AS reason
FROM listed AS l, pajek_size AS z;

CREATE OR REPLACE TEMP TABLE pajek_edges AS
WITH edge_lines AS (
    SELECT line_no, section, tokens
    FROM pajek_lines
    WHERE NOT is_section AND section IN ('arcs', 'edges', 'arcslist', 'edgeslist')
),
ends AS (
    -- *Arcs/*Edges: one target (then an optional weight); *Arcslist/*Edgeslist: every further token
    SELECT e.line_no, e.section, e.tokens[1] AS source_text, t.target_text, t.position,
           CASE WHEN e.section IN ('arcs', 'edges') THEN try_cast(e.tokens[3] AS DOUBLE) END AS weight,
           len(e.tokens) AS n_tokens
    FROM edge_lines AS e,
         LATERAL (SELECT unnest(CASE WHEN e.section IN ('arcs', 'edges') THEN e.tokens[2:2] ELSE e.tokens[2:] END)
                         AS target_text,
                         generate_subscripts(CASE WHEN e.section IN ('arcs', 'edges') THEN e.tokens[2:2]
                                                  ELSE e.tokens[2:] END, 1) AS position) AS t
    UNION ALL
    SELECT line_no, section, tokens[1], NULL, 1, NULL, len(tokens)
    FROM edge_lines
    WHERE len(tokens) < 2
)
SELECT e.*, try_cast(e.source_text AS BIGINT) AS source_vertex, try_cast(e.target_text AS BIGINT) AS target_vertex,
       CASE WHEN e.target_text IS NULL
            THEN 'expected a source and a target vertex, got ' || e.n_tokens || ' field(s)'
            WHEN try_cast(e.source_text AS BIGINT) IS NULL
                 OR try_cast(e.source_text AS BIGINT) NOT BETWEEN 1 AND coalesce(z.n_vertices, 0)
            THEN 'vertex ''' || left(e.source_text, 40) || ''' is not a number from 1 to ' || coalesce(z.n_vertices, 0)
                 || ' (the count on *Vertices)'
            WHEN try_cast(e.target_text AS BIGINT) IS NULL
                 OR try_cast(e.target_text AS BIGINT) NOT BETWEEN 1 AND coalesce(z.n_vertices, 0)
            THEN 'vertex ''' || left(e.target_text, 40) || ''' is not a number from 1 to ' || coalesce(z.n_vertices, 0)
                 || ' (the count on *Vertices)'
       END AS reason
FROM ends AS e, pajek_size AS z;

INSERT INTO stage_rejects (line_no, reason)
SELECT line_no, reason FROM pajek_vertices WHERE reason IS NOT NULL
UNION ALL
SELECT line_no, 'vertex ' || vertex || ' is listed twice (first at line ' || first_line_no || ')'
FROM pajek_vertices WHERE reason IS NULL AND line_no > first_line_no
UNION ALL
SELECT DISTINCT line_no, first(reason) OVER (PARTITION BY line_no ORDER BY position)
FROM pajek_edges WHERE reason IS NOT NULL
UNION ALL
SELECT line_no,
       CASE WHEN section IS NULL THEN 'a line before the first section (*Vertices N)'
            ELSE 'the lines of a *' || section || ' section are not read (give the network as *Vertices and '
                 || '*Arcs or *Edges)' END
FROM pajek_lines
WHERE NOT is_section AND coalesce(section, '') NOT IN ('vertices', 'arcs', 'edges', 'arcslist', 'edgeslist');

CREATE OR REPLACE TEMP TABLE graph_nodes AS
SELECT v.vertex AS node_index, v.vertex::VARCHAR AS id_text, nullif(l.label, '') AS label
FROM pajek_size AS z, generate_series(1, coalesce(z.n_vertices, 0)) AS v(vertex)
LEFT JOIN pajek_vertices AS l ON l.vertex = v.vertex AND l.reason IS NULL AND l.line_no = l.first_line_no;

CREATE OR REPLACE TEMP TABLE graph_node_attributes (node_index BIGINT, name VARCHAR, value VARCHAR);

-- An edge line with one bad vertex is rejected whole (a list line too). An undirected edge (*Edges,
-- *Edgeslist) goes from the lower vertex number to the higher, as igraph orders the undirected edges
-- of the other graph formats.
CREATE OR REPLACE TEMP TABLE graph_edges AS
SELECT row_number() OVER (ORDER BY line_no, position) AS edge_index,
       CASE WHEN section IN ('edges', 'edgeslist') THEN least(source_vertex, target_vertex)
            ELSE source_vertex END AS source_index,
       CASE WHEN section IN ('edges', 'edgeslist') THEN greatest(source_vertex, target_vertex)
            ELSE target_vertex END AS target_index,
       weight
FROM pajek_edges
WHERE line_no NOT IN (SELECT line_no FROM pajek_edges WHERE reason IS NOT NULL);

-- name: pajek_facts
-- The Pajek file's vertex count, whether it has arcs, and its data lines (not comments or section lines).
SELECT (SELECT n_vertices FROM pajek_size) AS n_vertices,
       (SELECT directed FROM pajek_size) AS directed,
       (SELECT count(*) FROM pajek_lines WHERE NOT is_section)::BIGINT AS data_lines;

-- name: pajek_cleanup
-- Drop the Pajek parser's own temporary tables.
DROP TABLE IF EXISTS pajek_edges;
DROP TABLE IF EXISTS pajek_vertices;
DROP TABLE IF EXISTS pajek_size;
DROP TABLE IF EXISTS pajek_lines;
