-- name: edges_csv_first_line
-- The first line of the block (raw_lines) that is not a comment (`%` or `#` in the first column), if any.
SELECT line_no, line
FROM raw_lines
WHERE NOT regexp_matches(line, '^\s*[%#]')
ORDER BY line_no
LIMIT 1;

-- name: edges_csv_layout
-- The layout of an edge list (CSV with a header, or header-less SNAP/KONECT list), from its first line that is not a comment.
--
-- The loader reads edge lists block by block: edges_csv_first_line finds the file's first line that
-- is not a comment, bound here as $first_line_no and $first_line; edges_csv_parse then parses each
-- block (the view edges_parsed, which takes the load's values from this table) into edges_good, and
-- edges_csv_finish stages its good rows.
-- The layout is read from the first line that is not a comment (`%` or `#` in the first column):
-- when its fields name a source and a target column it is a header (delimiter: the first of `,`,
-- tab, `;` that it contains, else runs of whitespace) and each column is found by name; otherwise the
-- file is a header-less list split on runs of whitespace (or on `,` when the first line has one),
-- read as `src dst [timestamp] [kind]`, or `src dst weight timestamp` (KONECT) when a fourth field
-- is a number, or `src dst kind` when a third and last field is a kind. In a header-less list every comment line is skipped; after a header every line is data.
CREATE OR REPLACE TEMP TABLE edges_layout AS
WITH first_line AS (
    SELECT CAST($first_line_no AS BIGINT) AS line_no, CAST($first_line AS VARCHAR) AS line
),
candidate AS (
    SELECT line_no, line,
           CASE WHEN contains(line, ',') THEN ','
                WHEN contains(line, chr(9)) THEN chr(9)
                WHEN contains(line, ';') THEN ';'
                ELSE 'whitespace' END AS delimiter
    FROM first_line
),
named AS (
    SELECT line_no, line, delimiter,
           list_transform(
               CASE WHEN delimiter = 'whitespace'
                    THEN list_filter(regexp_split_to_array(line, '\s+'), lambda x: x <> '')
                    ELSE string_split(line, delimiter) END,
               lambda x: lower(trim(x, ' "' || chr(9)))) AS names
    FROM candidate
),
roles AS (
    -- the first name of each bound list (in preference order) that the header has; NULL when none
    SELECT *,
           list_filter(list_transform($source_names, lambda n: list_position(names, n)), lambda p: p IS NOT NULL)[1] AS source_col,
           list_filter(list_transform($target_names, lambda n: list_position(names, n)), lambda p: p IS NOT NULL)[1] AS target_col
    FROM named
)
SELECT CASE WHEN source_col IS NOT NULL AND target_col IS NOT NULL THEN line_no END AS header_line_no,
       CASE WHEN source_col IS NOT NULL AND target_col IS NOT NULL THEN delimiter
            WHEN contains(line, ',') THEN ','
            ELSE 'whitespace' END AS delimiter,
       CASE WHEN source_col IS NOT NULL AND target_col IS NOT NULL THEN len(names) END AS n_columns,
       source_col,
       target_col,
       list_filter(list_transform($kind_names, lambda n: list_position(names, n)), lambda p: p IS NOT NULL)[1] AS kind_col,
       list_filter(list_transform($time_names, lambda n: list_position(names, n)), lambda p: p IS NOT NULL)[1] AS time_col,
       list_filter(list_transform($weight_names, lambda n: list_position(names, n)), lambda p: p IS NOT NULL)[1] AS weight_col,
       list_filter(list_transform($post_names, lambda n: list_position(names, n)), lambda p: p IS NOT NULL)[1] AS post_col,
       -- what the parse (the view edges_parsed, which cannot bind parameters) needs of the load's values
       CAST($kind_aliases AS VARCHAR[]) AS kind_aliases, CAST($kind_values AS VARCHAR[]) AS kind_values,
       CAST($kinds_expected AS VARCHAR) AS kinds_expected, CAST($weight_cap AS BIGINT) AS weight_cap,
       CAST($default_kind AS VARCHAR) AS default_kind
FROM roles;

-- name: edges_csv_parsed_view
-- The temp view edges_parsed: each data line of the block (raw_lines) with its fields by role, typed, the reason it cannot be used, and its identity.
-- One statement from the block's lines to its typed rows (the fields of a line are not kept in a
-- table of their own); a view (its values come from edges_layout), so that each block is written
-- once, into edges_good (edges_csv_parse), with its rejected rows among them. A CSV field is a quoted string (`""` escapes a quote; spaces around it
-- allowed) or a run without delimiter or quote; when the fields joined back do not give the line, a
-- quote was misplaced. A line without a quote is split as it is (no pattern to match: most lines of
-- most files), and a line without tab, CR or form feed is split on spaces alone.
CREATE OR REPLACE TEMP VIEW edges_parsed AS
WITH data_lines AS (
    SELECT r.line_no, r.line, l.delimiter, l.header_line_no
    FROM raw_lines AS r, edges_layout AS l
    WHERE CASE WHEN l.header_line_no IS NULL THEN NOT regexp_matches(r.line, '^\s*[%#]')
               ELSE r.line_no > l.header_line_no END
),
split AS (
    -- one row per data line with its fields, raw (quotes kept) as they appear between delimiters
    SELECT line_no, header_line_no,
           contains(line, '"') AS quoted,
           -- the fields of a delimited line may have spaces or tabs around them (trimmed below, when there are any)
           delimiter <> 'whitespace' AND (contains(line, ' ') OR contains(line, chr(9))) AS padded,
           CASE WHEN delimiter = 'whitespace'
                THEN CASE WHEN contains(line, chr(9)) OR contains(line, chr(11)) OR contains(line, chr(12))
                               OR contains(line, chr(13))
                          THEN list_filter(regexp_split_to_array(line, '\s+'), lambda x: x <> '')
                          ELSE list_filter(string_split(line, ' '), lambda x: x <> '') END
                WHEN NOT quoted THEN string_split(line, delimiter)
                WHEN delimiter = ',' THEN regexp_extract_all(',' || line, ',( *"(?:[^"]|"")*" *|[^,"]*)', 1)
                WHEN delimiter = ';' THEN regexp_extract_all(';' || line, ';( *"(?:[^"]|"")*" *|[^;"]*)', 1)
                ELSE regexp_extract_all(chr(9) || line, '\t( *"(?:[^"]|"")*" *|[^\t"]*)', 1) END AS fields,
           CASE WHEN delimiter = 'whitespace' OR NOT quoted THEN true
                WHEN delimiter = ',' THEN array_to_string(fields, ',') = line
                WHEN delimiter = ';' THEN array_to_string(fields, ';') = line
                ELSE array_to_string(fields, chr(9)) = line END AS well_formed
    FROM data_lines
),
-- field values by role (unquoted, trimmed), then the typed values and the reason a row cannot be used
cells AS (
    SELECT e.line_no, e.well_formed, len(e.fields) AS n_fields, l.n_columns,
           CASE WHEN e.quoted
                THEN list_transform(e.fields, lambda x: CASE WHEN regexp_matches(x, '^ *".*" *$')
                                                        THEN replace(regexp_extract(x, '^ *"(.*)" *$', 1), '""', '"')
                                                        ELSE trim(x, ' ' || chr(9)) END)
                WHEN e.padded THEN list_transform(e.fields, lambda x: trim(x, ' ' || chr(9)))
                ELSE e.fields END AS v,
           l.header_line_no IS NULL AS headerless,
           l.source_col, l.target_col, l.kind_col, l.time_col, l.weight_col, l.post_col,
           l.kind_aliases, l.kind_values, l.kinds_expected, l.weight_cap, l.default_kind
    FROM split AS e, edges_layout AS l
),
by_role AS (
    SELECT line_no, well_formed, n_fields, n_columns, headerless,
           kind_aliases, kind_values, kinds_expected, weight_cap, default_kind,
           CASE WHEN headerless THEN v[1] ELSE v[source_col] END AS source,
           CASE WHEN headerless THEN v[2] ELSE v[target_col] END AS target,
           -- header-less: `src dst ts kind`; KONECT `src dst weight ts` when the fourth field is a number;
           -- `src dst kind` when a third and last field is a kind rather than a time
           CASE WHEN NOT headerless THEN v[kind_col]
                WHEN n_fields = 4 AND NOT regexp_matches(v[4], '^[+-]?[0-9]+(\.[0-9]*)?$') THEN v[4]
                WHEN n_fields = 3 AND list_contains(kind_aliases, lower(v[3])) THEN v[3] END AS kind_text,
           CASE WHEN NOT headerless THEN v[time_col]
                WHEN n_fields = 4 AND regexp_matches(v[4], '^[+-]?[0-9]+(\.[0-9]*)?$') THEN v[4]
                WHEN n_fields = 3 AND list_contains(kind_aliases, lower(v[3])) THEN NULL
                ELSE v[3] END AS time_text,
           CASE WHEN NOT headerless THEN v[weight_col]
                WHEN n_fields = 4 AND regexp_matches(v[4], '^[+-]?[0-9]+(\.[0-9]*)?$') THEN v[3] END AS weight_text,
           CASE WHEN NOT headerless THEN v[post_col] END AS post_text
    FROM cells
),
numbers AS (
    SELECT *,
           CASE WHEN regexp_matches(time_text, '^[+-]?[0-9]+(\.[0-9]*)?$') THEN try_cast(time_text AS DOUBLE) END
               AS time_number
    FROM by_role
),
epochs AS (
    SELECT *,
           time_number / CASE WHEN abs(time_number) < 1e11 THEN 1
                              WHEN abs(time_number) < 1e14 THEN 1e3
                              WHEN abs(time_number) < 1e17 THEN 1e6
                              WHEN abs(time_number) < 1e20 THEN 1e9 END
               AS epoch_seconds
    FROM numbers
),
typed AS (
    SELECT *,
           -- empty -> the load's default kind (default_kind: mention unless the user chose one);
           -- else the canonical kind its alias (bound lists, lower case) stands for
           coalesce(kind_text, '') = '' AS kind_assumed,
           CASE WHEN coalesce(kind_text, '') = '' THEN default_kind
                ELSE kind_values[list_position(kind_aliases, lower(kind_text))] END AS kind,
           -- Unix epoch numbers in the unit their magnitude implies (|x| < 1e11 seconds, < 1e14
           -- milliseconds, < 1e17 microseconds, < 1e20 nanoseconds), between the years 1 and 9999;
           -- Netlytic's `yy-mm-dd` (which a plain cast would read as the year 15 AD); ISO 8601
           -- (no offset = UTC); RFC 2822 mail / RSS dates
           CASE WHEN coalesce(time_text, '') = '' THEN NULL
                WHEN time_number IS NOT NULL
                THEN CASE WHEN epoch_seconds BETWEEN -62135596800 AND 253402300799
                          THEN to_timestamp(epoch_seconds) END
                WHEN regexp_matches(time_text, '^[0-9]{2}-[0-9]{2}-[0-9]{2}$')
                THEN try_strptime(time_text, '%y-%m-%d')::TIMESTAMPTZ
                ELSE coalesce(CASE WHEN isfinite(try_cast(time_text AS TIMESTAMPTZ))
                                   THEN try_cast(time_text AS TIMESTAMPTZ) END,
                              try_strptime(time_text, '%a, %d %b %Y %H:%M:%S %z')) END AS created_at,
           CASE WHEN coalesce(weight_text, '') = '' THEN 1
                WHEN regexp_matches(weight_text, '^[0-9]{1,18}(\.0*)?$')
                THEN regexp_extract(weight_text, '^[0-9]+')::BIGINT END AS weight
    FROM epochs
),
checked AS (
    SELECT line_no, source, target, kind, kind_assumed, created_at, weight, nullif(post_text, '') AS post_text,
           CASE WHEN NOT well_formed
                THEN 'malformed CSV: a quote inside an unquoted field or a quoted field not closed on this line'
                WHEN NOT headerless AND n_fields <> n_columns
                THEN 'expected ' || n_columns || ' fields as in the header, got ' || n_fields
                WHEN headerless AND n_fields NOT BETWEEN 2 AND 4
                THEN 'expected 2 to 4 fields (src dst [timestamp] [kind]), got ' || n_fields
                WHEN coalesce(source, '') = '' THEN 'empty source'
                WHEN coalesce(target, '') = '' THEN 'empty target'
                WHEN kind IS NULL
                THEN 'unknown kind ''' || left(kind_text, 40) || ''' (expected ' || kinds_expected || ')'
                WHEN coalesce(time_text, '') <> '' AND created_at IS NULL
                THEN 'unparsable timestamp ''' || left(time_text, 40) || ''' (expected ISO 8601 or a Unix epoch in seconds, milliseconds, microseconds or nanoseconds)'
                WHEN weight IS NULL OR weight < 1
                THEN 'weight must be a positive whole number, got ''' || left(weight_text, 40) || ''''
                WHEN weight > weight_cap
                THEN 'weight ' || weight || ' is above the limit of ' || weight_cap || ' interactions per row'
                WHEN weight > 1 AND nullif(post_text, '') IS NOT NULL
                THEN 'weight must be 1 when the row names its post_id (one post is one interaction)'
           END AS reject_reason
    FROM typed
)
-- identity: a hash of what makes two rows the same interaction (source, target, kind, and the
-- post_id, else the instant; see edges_csv_finish)
SELECT line_no, source, target, kind, kind_assumed, created_at, weight, post_text, reject_reason,
       hash(source, target, kind, post_text, CASE WHEN post_text IS NULL THEN created_at END) AS identity
FROM checked;

-- name: edges_csv_good_table
-- The table edges_good, empty: the parsed rows of every block of an edge list (edges_csv_parse), rejected ones included.
CREATE OR REPLACE TEMP TABLE edges_good AS SELECT * FROM edges_parsed LIMIT 0;

-- name: edges_csv_parse
-- One block of an edge list (raw_lines, lines $first to $last) parsed into edges_good; its bad rows into stage_rejects.
INSERT INTO edges_good SELECT * FROM edges_parsed;

INSERT INTO stage_rejects (line_no, reason)
SELECT line_no, reject_reason FROM edges_good
WHERE line_no BETWEEN $first AND $last AND reject_reason IS NOT NULL;

-- name: edges_csv_parse_whole
-- The whole edge list at once (raw_lines holds every line; the Spark engine): edges_good and stage_rejects.
CREATE OR REPLACE TEMP TABLE edges_good AS SELECT * FROM edges_parsed;

INSERT INTO stage_rejects (line_no, reason)
SELECT line_no, reject_reason FROM edges_good WHERE reject_reason IS NOT NULL;

-- name: edges_csv_block
-- The first and last line of the block (raw_lines).
SELECT min(line_no) AS first, max(line_no) AS last FROM raw_lines;

-- name: edges_csv_finish
-- After the last block: the good rows of the whole edge list into stage_accounts, and the temp view edges_interactions of what goes into stage_interactions.
-- A row of weight w stands for w interactions. Without a post_id column, each interaction gets a
-- synthetic post id from its content, not from its line: md5 of (source, target, instant) plus the
-- occurrence index of the interaction among identical ones (same source, target, instant and kind).
-- Reloading the file, or loading another file with the same edge multiset (weight 3 or three equal
-- lines), then yields the same ids, and the merge's dedupe keeps one copy. Identical rows are
-- indistinguishable, so the occurrences are numbered per group of them (1 to the group's total
-- weight) rather than row by row in file order: the same ids, without ranking every row.
-- A row naming its post_id has weight 1 and its copies are one interaction, at the earliest of their
-- times. So every staged row is one (post_id, kind, source, target): the merge need not group them.
-- Two kinds of one event (higgs' `MT` and `RE` of one tweet) share the post id, as one tweet would.
-- Most rows of a real list are the only copy of their interaction, of weight 1: their occurrence is 1
-- and they are staged as they are. Only the rows whose identity (a 64-bit hash of the grouping key)
-- comes with a total weight above 1 are grouped by their values: grouping ten million hashes needs a
-- fraction of the memory of grouping ten million rows of text, and two rows whose hashes collide are
-- both grouped, so they still count apart.
-- The staged interactions are a view (a view cannot bind parameters: the platform is a one-row table):
-- edges_csv_stage stores them in stage_interactions, or edges_csv_stage_view lets the merge read them
-- as it inserts, so that ten million rows of ids are not written twice.
INSERT INTO stage_accounts (account_id, platform, handle, is_focal)
SELECT $platform || ':' || handle, $platform, handle, false
FROM (SELECT source AS handle FROM edges_good WHERE reject_reason IS NULL
      UNION
      SELECT target FROM edges_good WHERE reject_reason IS NULL);

CREATE OR REPLACE TEMP TABLE edges_platform AS SELECT CAST($platform AS VARCHAR) AS platform;

CREATE OR REPLACE TEMP TABLE edges_repeated AS
SELECT identity FROM edges_good WHERE reject_reason IS NULL GROUP BY identity HAVING sum(weight) > 1;

CREATE OR REPLACE TEMP VIEW edges_interactions AS
WITH single AS (
    SELECT source, target, kind, created_at, post_text, 1 AS occurrence
    FROM edges_good AS e
    WHERE e.reject_reason IS NULL AND NOT EXISTS (SELECT 1 FROM edges_repeated AS r WHERE r.identity = e.identity)
),
grouped AS (
    SELECT source, target, kind, min(created_at) AS created_at, post_text, CAST(sum(weight) AS BIGINT) AS copies
    FROM edges_good AS e
    WHERE e.reject_reason IS NULL AND EXISTS (SELECT 1 FROM edges_repeated AS r WHERE r.identity = e.identity)
    GROUP BY source, target, kind, post_text, CASE WHEN post_text IS NULL THEN created_at END
),
staged AS (
    SELECT * FROM single
    UNION ALL
    SELECT g.source, g.target, g.kind, g.created_at, g.post_text, s.occurrence
    FROM grouped AS g, generate_series(1, CASE WHEN g.post_text IS NULL THEN g.copies ELSE 1 END) AS s(occurrence)
)
-- each id is one concat (not a chain of ||, which builds every intermediate string: 1.4 s of CPU
-- time on ten million rows); the arguments are never NULL (concat would skip a NULL in DuckDB and
-- return NULL in Spark)
SELECT concat(p.platform, ':', s.source) AS source_id,
       concat(p.platform, ':', s.target) AS target_id,
       s.kind,
       CASE WHEN s.post_text IS NULL
            THEN concat(p.platform, ':edge:',
                        md5(concat(s.source, chr(31), s.target, chr(31),
                                   coalesce(CAST(epoch_us(s.created_at) AS VARCHAR), ''))),
                        ':', CAST(s.occurrence AS VARCHAR))
            ELSE concat(p.platform, ':', s.post_text) END AS post_id,
       s.created_at,
       p.platform
FROM staged AS s, edges_platform AS p;

-- name: edges_csv_stage
-- The staged interactions of an edge list (the view edges_interactions) into stage_interactions.
INSERT INTO stage_interactions SELECT * FROM edges_interactions;

-- name: edges_csv_stage_view
-- stage_interactions becomes a view of an edge list's staged interactions (DuckDB): the merge computes them as it inserts.
-- The view reads the edge loader's work tables, which therefore stay until the load ends (the load's
-- connection drops them).
DROP TABLE temp.stage_interactions;
CREATE TEMP VIEW stage_interactions AS SELECT * FROM edges_interactions;

-- name: edges_csv_records
-- Data rows of the parsed edge list (header and comment lines are not records), and its loaded rows that named no kind (no kind column, or an empty cell) and took the load's default kind.
SELECT count(*)::BIGINT AS records,
       count(*) FILTER (WHERE reject_reason IS NULL AND kind_assumed)::BIGINT AS assumed_kind
FROM edges_good;

-- name: edges_csv_cleanup
-- Drop the edge loader's own temporary tables.
DROP VIEW IF EXISTS edges_interactions;
DROP TABLE IF EXISTS edges_repeated;
DROP TABLE IF EXISTS edges_platform;
DROP TABLE IF EXISTS edges_good;
DROP VIEW IF EXISTS edges_parsed;
DROP TABLE IF EXISTS edges_layout;
