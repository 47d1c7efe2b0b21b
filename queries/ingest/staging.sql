-- name: kept_lines
-- The table of rejected lines kept while a streaming format parses its blocks (for rejects.raw).
CREATE OR REPLACE TEMP TABLE kept_lines (line_no BIGINT, line VARCHAR, member VARCHAR);
DROP TABLE IF EXISTS temp.raw_lines;

-- name: keep_rejected_lines
-- Keep the lines of the current block (raw_lines) that the format rejected without their text.
INSERT INTO kept_lines
SELECT l.line_no, left(l.line, 10000), l.member
FROM raw_lines AS l
WHERE l.line_no IN (SELECT line_no FROM stage_rejects
                    WHERE line_no BETWEEN $first AND $last AND raw IS NULL);

-- name: kept_as_raw_lines
-- After the last block: raw_lines becomes the kept rejected lines (what save_rejects reads).
CREATE OR REPLACE TEMP TABLE raw_lines AS SELECT line_no, line, member FROM kept_lines;
DROP TABLE kept_lines;

-- name: rejects_by_member
-- The files of a zip loaded as one load: a reject's line number in the load becomes its file (member) and the line in that file.
UPDATE stage_rejects SET raw = left(l.line, 10000)
FROM raw_lines AS l
WHERE stage_rejects.raw IS NULL AND stage_rejects.member IS NULL AND l.member IS NULL
  AND l.line_no = stage_rejects.line_no;
UPDATE stage_rejects SET member = m.member, line_no = stage_rejects.line_no - m.first_line + 1
FROM member_lines AS m
WHERE stage_rejects.member IS NULL AND stage_rejects.line_no BETWEEN m.first_line AND m.last_line;

-- name: block_lines
-- The temp table raw_lines, empty, for the next block of a streaming format.
CREATE OR REPLACE TEMP TABLE raw_lines (line_no BIGINT, line VARCHAR, member VARCHAR);

-- name: no_block_lines
-- No raw_lines table while a format that reads the block's Arrow lines in place parses it (the name is the block's then).
DROP TABLE IF EXISTS temp.raw_lines;
