-- Shared steps of the chat-export loaders (discord, slack), whose files are JSON documents:
-- locating a bad record's line inside its document, and resolving replies across loads.
--
-- Inputs (tables or views) the format SQL creates before workbench.ingest.chat.reject_bad_records runs:
--   chat_invalid_docs(member VARCHAR, doc VARCHAR)
--       the documents that are not valid JSON (Python finds the line where parsing fails: a rare path).
--   chat_docs(member VARCHAR, doc VARCHAR, depth INTEGER, n_elements BIGINT)
--       one row per document whose records are the elements of one array; `depth` is the nesting depth
--       of those elements (1 for a top-level array, 2 for DiscordChatExporter's "messages"), `n_elements`
--       the array's length; `member` is NULL for a single-file export.
--   chat_bad_records(member VARCHAR, idx BIGINT, reason VARCHAR, raw VARCHAR)
--       one row per unusable record: its 1-based index in the array, why, and its JSON text.

-- name: chat_prepare
-- Macros of the chat loaders' SQL: chat_json_kind(json_type) names a JSON value's kind for a reject reason.
CREATE OR REPLACE TEMP MACRO chat_json_kind(json_type_name) AS
    CASE json_type_name
        WHEN 'OBJECT' THEN 'an object' WHEN 'ARRAY' THEN 'an array' WHEN 'VARCHAR' THEN 'a string'
        WHEN 'BOOLEAN' THEN 'a boolean' WHEN 'NULL' THEN 'null'
        ELSE 'a number'
    END;

-- name: chat_reject_records
-- Reject the records of chat_bad_records at the line where each starts in its (pretty-printed) document.
--
-- Both exporters pretty-print (DiscordChatExporter with 2 spaces, Slack with 4), so a line's indentation
-- tells its depth: the smallest indentation in the document is one level. The elements start on the
-- lines indented `depth` levels that are neither a closing bracket nor a `"key":` line. When the count
-- of such lines differs from the array's length (compact JSON, several elements on a line, uneven
-- indentation), the line is not knowable this way and 1 (the document) is used. Only documents that
-- hold a bad record are scanned.
INSERT INTO stage_rejects (line_no, reason, member, raw)
WITH docs AS (
    SELECT d.member, d.doc, d.depth, d.n_elements
    FROM chat_docs AS d
    WHERE EXISTS (SELECT 1 FROM chat_bad_records AS b WHERE b.member IS NOT DISTINCT FROM d.member)
), split AS (
    SELECT member, depth, n_elements, string_split(doc, chr(10)) AS lines FROM docs
), lines AS MATERIALIZED (
    SELECT member, depth, n_elements, line, line_no,
           length(line) - length(ltrim(line, ' ' || chr(9))) AS indent
    FROM (SELECT member, depth, n_elements, unnest(lines) AS line, generate_subscripts(lines, 1) AS line_no
          FROM split)
), units AS (
    SELECT member, min(indent) FILTER (WHERE indent > 0) AS unit FROM lines GROUP BY member
), starts AS (
    SELECT l.member, l.n_elements, l.line_no, row_number() OVER (PARTITION BY l.member ORDER BY l.line_no) AS idx
    FROM lines AS l
    JOIN units AS u ON u.member IS NOT DISTINCT FROM l.member
    WHERE l.indent = l.depth * u.unit
      AND NOT regexp_matches(l.line, '^\s*[\]}]')
      AND NOT regexp_matches(l.line, '^\s*"(?:[^"\\]|\\.)*"\s*:')
), usable AS (
    SELECT member, idx, line_no
    FROM starts
    QUALIFY count(*) OVER (PARTITION BY member) = n_elements
)
SELECT coalesce(u.line_no, 1), b.reason, b.member, b.raw
FROM chat_bad_records AS b
LEFT JOIN usable AS u ON u.member IS NOT DISTINCT FROM b.member AND u.idx = b.idx;

-- name: chat_resolve_replies
-- Replies loaded earlier whose parent message arrived in this load: add the reply interaction now.
INSERT INTO interactions (source_id, target_id, kind, post_id, created_at, platform, load_id)
SELECT DISTINCT child.author_id, parent.author_id, 'reply', child.post_id, child.created_at, child.platform, $load_id
FROM posts AS parent
JOIN posts AS child ON child.parent_post_id = parent.post_id
WHERE parent.load_id = $load_id
  AND parent.platform = $platform
  AND child.kind = 'reply' AND child.collected
  AND parent.author_id IS NOT NULL AND child.author_id IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM interactions AS i
      WHERE i.post_id = child.post_id AND i.kind = 'reply'
        AND i.source_id = child.author_id AND i.target_id = parent.author_id
  );
