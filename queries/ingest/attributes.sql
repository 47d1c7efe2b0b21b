-- name: attributes_layout
-- The layout of an account-attribute file, read from its first line that is not a comment (`%`, `#`).
--
-- Delimiter: the first of `,`, tab, `;` the line contains, else runs of whitespace. The line is a
-- header when $id_column is given, or when its first field is not a number and names no
-- account of the workspace (by id, raw id or handle; within $platform when given); otherwise the
-- file is header-less: `id value` per line (SNAP / cdlib label files).
CREATE OR REPLACE TEMP TABLE attr_layout AS
WITH first_line AS (
    SELECT line_no, line
    FROM raw_lines
    WHERE NOT regexp_matches(line, '^\s*[%#]')
    ORDER BY line_no
    LIMIT 1
),
delimited AS (
    SELECT line_no, line,
           CASE WHEN contains(line, ',') THEN ','
                WHEN contains(line, chr(9)) THEN chr(9)
                WHEN contains(line, ';') THEN ';'
                ELSE 'whitespace' END AS delimiter
    FROM first_line
),
split AS (
    -- fields as data lines are split (a quoted field may hold the delimiter), then unquoted
    SELECT line_no, delimiter,
           list_transform(
               CASE delimiter
                    WHEN 'whitespace' THEN list_filter(regexp_split_to_array(trim(line), '\s+'), lambda x: x <> '')
                    WHEN ',' THEN regexp_extract_all(',' || line, ',( *"(?:[^"]|"")*" *|[^,"]*)', 1)
                    WHEN ';' THEN regexp_extract_all(';' || line, ';( *"(?:[^"]|"")*" *|[^;"]*)', 1)
                    ELSE regexp_extract_all(chr(9) || line, '\t( *"(?:[^"]|"")*" *|[^\t"]*)', 1) END,
               lambda x: CASE WHEN regexp_matches(x, '^ *".*" *$')
                              THEN replace(regexp_extract(x, '^ *"(.*)" *$', 1), '""', '"')
                              ELSE trim(x, ' ' || chr(9)) END) AS fields
    FROM delimited
),
known AS (
    SELECT s.*,
           EXISTS (SELECT 1 FROM accounts AS a
                   WHERE ($platform IS NULL OR a.platform = $platform)
                     AND (a.account_id = s.fields[1] OR a.account_id = a.platform || ':' || s.fields[1]
                          OR a.handle = s.fields[1])) AS first_is_account
    FROM split AS s
)
SELECT line_no AS first_line_no, delimiter, fields,
       $id_column IS NOT NULL
       OR (NOT regexp_matches(fields[1], '^[+-]?[0-9]+(\.[0-9]*)?$') AND NOT first_is_account) AS has_header,
       list_transform(fields, lambda x: lower(x)) AS names
FROM known;

-- name: attributes_stage
-- Account attributes from raw_lines into stage_attributes (one row per account, name and value).
--
-- With a header, the id column is $id_column (default: the first) and every other column is an
-- attribute named by its header (lower case; an empty name becomes `column_<n>`); without one, each
-- line is `id value` and the attribute is $attribute_name. Ids are matched to accounts in this order: the
-- account id itself (`csv:12`), the platform's raw id (`12` -> `<platform>:12`), the handle; a value
-- that matches two accounts at its best rank is ambiguous. Empty cells set nothing.
CREATE OR REPLACE TEMP TABLE attr_rows AS
WITH data_lines AS (
    SELECT r.line_no, r.line, l.delimiter
    FROM raw_lines AS r, attr_layout AS l
    WHERE NOT regexp_matches(r.line, '^\s*[%#]')
      AND NOT (l.has_header AND r.line_no <= l.first_line_no)
)
SELECT line_no, line,
       CASE delimiter
            WHEN 'whitespace' THEN list_filter(regexp_split_to_array(trim(line), '\s+'), lambda x: x <> '')
            WHEN ',' THEN regexp_extract_all(',' || line, ',( *"(?:[^"]|"")*" *|[^,"]*)', 1)
            WHEN ';' THEN regexp_extract_all(';' || line, ';( *"(?:[^"]|"")*" *|[^;"]*)', 1)
            ELSE regexp_extract_all(chr(9) || line, '\t( *"(?:[^"]|"")*" *|[^\t"]*)', 1) END AS fields,
       CASE delimiter WHEN 'whitespace' THEN true
                      WHEN ',' THEN array_to_string(fields, ',') = line
                      WHEN ';' THEN array_to_string(fields, ';') = line
                      ELSE array_to_string(fields, chr(9)) = line END AS well_formed
FROM data_lines;

CREATE OR REPLACE TEMP TABLE attr_cells AS
WITH cells AS (
    SELECT r.line_no, r.well_formed, len(r.fields) AS n_fields, l.has_header, len(l.names) AS n_columns,
           list_transform(r.fields, lambda x: CASE WHEN regexp_matches(x, '^ *".*" *$')
                                              THEN replace(regexp_extract(x, '^ *"(.*)" *$', 1), '""', '"')
                                              ELSE trim(x, ' ' || chr(9)) END) AS v,
           l.names,
           CASE WHEN l.has_header THEN coalesce(list_position(l.names, lower($id_column)), 1) ELSE 1 END AS id_col
    FROM attr_rows AS r, attr_layout AS l
)
SELECT line_no, v[id_col] AS id_text, well_formed, n_fields, n_columns, has_header,
       CASE WHEN has_header
            THEN list_filter(
                     list_transform(generate_series(1, len(names)),
                                    lambda i: {'name': CASE WHEN names[i] = '' THEN 'column_' || i ELSE names[i] END,
                                               'value': v[i], 'col': i}),
                     lambda c: c.col <> id_col)
            ELSE [{'name': $attribute_name, 'value': v[2], 'col': 2}] END AS pairs,
       CASE WHEN NOT well_formed
            THEN 'malformed CSV: a quote inside an unquoted field or a quoted field not closed on this line'
            WHEN has_header AND n_fields <> n_columns
            THEN 'expected ' || n_columns || ' fields as in the header, got ' || n_fields
            WHEN NOT has_header AND n_fields <> 2
            THEN 'expected 2 fields (id value) in a file without a header, got ' || n_fields
            WHEN coalesce(v[id_col], '') = '' THEN 'empty account id'
       END AS reason
FROM cells;

-- every candidate account of each id, ranked: 1 the account id, 2 the raw id on its platform, 3 the handle
CREATE OR REPLACE TEMP TABLE attr_matches AS
WITH ids AS (
    SELECT DISTINCT id_text FROM attr_cells WHERE reason IS NULL
),
platforms AS (
    SELECT DISTINCT platform FROM accounts WHERE $platform IS NULL OR platform = $platform
),
candidates AS (
    SELECT i.id_text, a.account_id, 1 AS rank
    FROM ids AS i JOIN accounts AS a ON a.account_id = i.id_text
    WHERE $platform IS NULL OR a.platform = $platform
    UNION ALL
    SELECT i.id_text, a.account_id, 2
    FROM ids AS i, platforms AS p JOIN accounts AS a ON a.account_id = p.platform || ':' || i.id_text
    UNION ALL
    SELECT i.id_text, a.account_id, 3
    FROM ids AS i JOIN accounts AS a ON a.handle = i.id_text
    WHERE $platform IS NULL OR a.platform = $platform
),
best AS (
    SELECT id_text, min(rank) AS rank FROM candidates GROUP BY id_text
)
SELECT b.id_text, list(DISTINCT c.account_id ORDER BY c.account_id) AS accounts
FROM best AS b JOIN candidates AS c ON c.id_text = b.id_text AND c.rank = b.rank
GROUP BY b.id_text;

CREATE OR REPLACE TEMP TABLE attr_values AS
WITH resolved AS (
    SELECT c.*, m.accounts,
           CASE WHEN c.reason IS NOT NULL THEN c.reason
                WHEN m.accounts IS NULL
                THEN 'no account ''' || left(c.id_text, 60) || ''' in the workspace'
                     || CASE WHEN $platform IS NULL THEN '' ELSE ' on platform ' || $platform END
                     || ' (by account id, raw id or handle); load the export first'
                WHEN len(m.accounts) > 1
                THEN 'ambiguous account ''' || left(c.id_text, 60) || ''': ' || array_to_string(m.accounts[:3], ', ')
                     || CASE WHEN len(m.accounts) > 3 THEN ', ...' ELSE '' END || ' (choose one with --platform)'
           END AS reject_reason
    FROM attr_cells AS c LEFT JOIN attr_matches AS m USING (id_text)
),
first_line AS (
    -- a second line for the same account: rejected, naming the first
    SELECT *, min(CASE WHEN reject_reason IS NULL THEN line_no END) OVER (PARTITION BY accounts[1]) AS first_line_no
    FROM resolved
)
SELECT line_no, accounts[1] AS account_id, pairs,
       coalesce(reject_reason,
                CASE WHEN line_no > first_line_no
                     THEN 'a second line for account ' || accounts[1] || ' (the first is line ' || first_line_no || ')'
                END) AS reject_reason
FROM first_line;

INSERT INTO stage_rejects (line_no, reason)
SELECT line_no, reject_reason FROM attr_values WHERE reject_reason IS NOT NULL;

INSERT INTO stage_attributes (account_id, name, value, line_no)
SELECT account_id, pair.name, pair.value, line_no
FROM (SELECT account_id, line_no, unnest(pairs) AS pair FROM attr_values WHERE reject_reason IS NULL)
WHERE coalesce(pair.value, '') <> '';

-- name: attributes_records
-- Data lines of the staged attribute file (header and comment lines are not records).
SELECT count(*)::BIGINT AS records FROM attr_rows;

-- name: attributes_cleanup
-- Drop the attribute loader's own temporary tables.
DROP TABLE IF EXISTS attr_values;
DROP TABLE IF EXISTS attr_matches;
DROP TABLE IF EXISTS attr_cells;
DROP TABLE IF EXISTS attr_rows;
DROP TABLE IF EXISTS attr_layout;
