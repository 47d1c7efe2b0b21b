-- name: reddit_settings
-- The load's platform, id and excluded authors as a one-row table, for the view reddit_rows and the statements over its rows (a view binds no parameters).
CREATE OR REPLACE TEMP TABLE reddit_settings AS
SELECT $platform AS platform, $load_id AS load_id, $excluded_authors AS excluded_authors;

-- name: reddit_line_records
-- The lines of raw_lines parsed as JSON: the view reddit_records that reddit_rows reads (the records of a file read line by line).
-- A view, defined once: a streaming load scans it over each block's Arrow lines in place (raw_lines
-- is that block for the one statement; nothing of the block stays in the transaction); the whole file
-- (Spark) scans it over raw_lines, every line.
-- One JSON parse per line: json_transform reads the fields we use into a struct (try(): NULL when the
-- line is not JSON); id and created_utc come through as JSON text, as their JSON type decides rejects.
-- Only lines that are not objects are parsed again (in reddit_rows), to name what they are. (A pattern,
-- not ltrim, finds the `{`: no copy of the line.) The fields are those of reddit_file_records.
CREATE OR REPLACE TEMP VIEW reddit_records AS
WITH shapes AS (
    SELECT line_no, line, member, regexp_matches(line, '^[ \t]*[{]') AS looks_like_object
    FROM raw_lines
)
SELECT line_no,
       line,
       member,
       looks_like_object,
       CASE WHEN looks_like_object THEN try(json_transform(line, '{
           "id": "JSON", "author": "VARCHAR", "created_utc": "JSON",
           "subreddit": "VARCHAR", "parent_id": "VARCHAR", "link_id": "VARCHAR",
           "body": "VARCHAR", "title": "VARCHAR", "selftext": "VARCHAR",
           "score": "BIGINT", "num_comments": "BIGINT", "num_crossposts": "BIGINT",
           "author_created_utc": "DOUBLE", "url": "VARCHAR", "is_self": "BOOLEAN"
       }')) END AS r
FROM shapes;

-- name: reddit_file_records
-- The whole file read by DuckDB's read_json (getvariable('file_path'), its compression getvariable('file_compression')): the view reddit_records that reddit_rows reads, on the private connection of workbench.ingest.direct.
-- The fast path of a file without a reject (see reddit.parse_file): DuckDB decompresses and parses
-- the file on every core, with the same fields and types as reddit_line_records' json_transform. It
-- stops at a line it cannot read (malformed JSON, invalid UTF-8, a value of the wrong type), and it
-- skips blank lines, so its rows carry no line number or text: a file with any reject is read line by
-- line instead, which names each reject's line.
CREATE OR REPLACE TEMP VIEW reddit_records AS
SELECT NULL::BIGINT AS line_no,
       NULL::VARCHAR AS line,
       NULL::VARCHAR AS member,
       true AS looks_like_object,
       {'id': id, 'author': author, 'created_utc': created_utc, 'subreddit': subreddit, 'parent_id': parent_id,
        'link_id': link_id, 'body': body, 'title': title, 'selftext': selftext, 'score': score,
        'num_comments': num_comments, 'num_crossposts': num_crossposts,
        'author_created_utc': author_created_utc, 'url': url, 'is_self': is_self} AS r
FROM read_json(getvariable('file_path'), format = 'newline_delimited', records = true,
               compression = getvariable('file_compression'),
               columns = {id: 'JSON', author: 'VARCHAR', created_utc: 'JSON',
                          subreddit: 'VARCHAR', parent_id: 'VARCHAR', link_id: 'VARCHAR',
                          body: 'VARCHAR', title: 'VARCHAR', selftext: 'VARCHAR',
                          score: 'BIGINT', num_comments: 'BIGINT', num_crossposts: 'BIGINT',
                          author_created_utc: 'DOUBLE', url: 'VARCHAR', is_self: 'BOOLEAN'});

-- name: reddit_rows
-- Pushshift / Arctic Shift comments (RC_*) and submissions (RS_*): the view reddit_rows, the records of reddit_records (reddit_line_records or reddit_file_records) as staged rows (reddit_settings: the load's platform and excluded authors).
--
-- A streaming load keeps its rows as Arrow (reddit_parsed) for reddit_rejects, reddit_links,
-- reddit_block_authors and reddit_append_posts or reddit_stage_posts; the whole file (Spark) makes
-- reddit_parsed a table (reddit_parsed_table).
-- The rows carry the columns of stage_posts as they are staged, so that either step is a plain copy.
-- Ids: a submission is `<platform>:t3_<id>`, a comment `<platform>:t1_<id>` (Reddit's own "fullname"
-- prefixes, so that `parent_id` / `link_id`, which are fullnames already, become post ids by prefixing
-- the platform alone). Accounts are `<platform>:<author>`; authors in excluded_authors (compared in
-- lower case: Reddit user names are unique regardless of case) are not accounts: their posts keep a
-- NULL author and no interaction goes from or to them.
-- A JSON field that is null or absent is told by json_type (NULL, or 'NULL' where the field is a
-- VARIANT null on Spark), not IS NULL. (Each value is computed once.)
-- A rejected line's text is kept (rejected_line, member) for rejects.raw; no other line's.
CREATE OR REPLACE TEMP VIEW reddit_rows AS
WITH kinds AS (  -- the JSON types and texts of id and created_utc, once (each is tested several times below)
    SELECT line_no, line, member, looks_like_object, r,
           coalesce(json_type(r.id), 'NULL') AS id_type,
           r.id ->> '$' AS id_text,
           coalesce(json_type(r.created_utc), 'NULL') AS created_type,
           r.created_utc ->> '$' AS created_text
    FROM reddit_records
),
numbers AS (
    SELECT *, try_cast(created_text AS DOUBLE) AS created_number FROM kinds
),
typed AS (
    SELECT line_no,
           line,
           member,
           r,
           id_type,
           created_type,
           s.platform,
           CASE WHEN r IS NOT NULL THEN 'OBJECT'
                WHEN looks_like_object OR NOT json_valid(line) THEN NULL
                ELSE json_type(line::JSON) END AS doc_type,
           -- the id without a fullname prefix (t1_ or t3_), if it has one
           CASE WHEN id_type IN ('VARCHAR', 'UBIGINT', 'BIGINT')
                THEN CASE WHEN starts_with(id_text, 't1_') OR starts_with(id_text, 't3_') THEN substr(id_text, 4)
                          ELSE id_text END END AS native_id,
           -- Unix seconds (a number, or a string of one) within the years 1 to 9999, or an ISO 8601 string
           CASE WHEN created_type IN ('UBIGINT', 'BIGINT', 'DOUBLE', 'VARCHAR')
                 AND created_number BETWEEN -62135596800 AND 253402300799
                THEN to_timestamp(created_number)
                WHEN created_type = 'VARCHAR' AND isfinite(try_cast(created_text AS TIMESTAMPTZ))
                THEN try_cast(created_text AS TIMESTAMPTZ) END AS created_at,
           -- a comment points at its parent (parent_id) and its submission (link_id); a submission at neither
           (r.parent_id IS NOT NULL OR r.link_id IS NOT NULL) AS is_comment,
           CASE WHEN r.author IS NULL OR list_contains(s.excluded_authors, lower(r.author)) THEN NULL
                ELSE s.platform || ':' || r.author END AS author_id
    FROM numbers CROSS JOIN reddit_settings AS s
),
checked AS (
    SELECT *,
           CASE WHEN doc_type IS NULL THEN 'invalid JSON'
                WHEN doc_type <> 'OBJECT' THEN 'expected a JSON object, got ' ||
                     CASE doc_type WHEN 'ARRAY' THEN 'an array' WHEN 'VARCHAR' THEN 'a string'
                                   WHEN 'NULL' THEN 'null' WHEN 'BOOLEAN' THEN 'a boolean' ELSE 'a number' END
                WHEN id_type = 'NULL' OR native_id = '' THEN 'missing id'
                WHEN native_id IS NULL THEN 'id must be a string, got ' || lower(id_type)
                WHEN created_type <> 'NULL' AND created_at IS NULL
                THEN 'created_utc is not a Unix time or ISO 8601 timestamp: ' || left(to_json(r.created_utc), 40)
           END AS reject_reason
    FROM typed
)
SELECT line_no,
       reject_reason,
       CASE WHEN reject_reason IS NOT NULL THEN line END AS rejected_line,
       member,
       is_comment,
       platform || ':' || CASE WHEN is_comment THEN 't1_' ELSE 't3_' END || native_id AS post_id,
       author_id,
       created_at,
       CASE WHEN is_comment THEN r.body
            WHEN coalesce(r.selftext, '') = '' THEN r.title
            ELSE coalesce(r.title, '') || chr(10) || chr(10) || r.selftext END AS text,
       CASE WHEN is_comment THEN platform || ':' || coalesce(r.parent_id, r.link_id) END AS parent_post_id,
       platform || ':' || CASE WHEN is_comment THEN r.link_id ELSE 't3_' || native_id END AS conversation_id,
       r.subreddit AS channel,
       CASE WHEN is_comment THEN 'comment' ELSE 'post' END AS kind,
       -- score is Reddit's net score (upvotes minus downvotes, may be negative): the platform's own
       -- approval counter, so it goes to like_count. num_comments -> reply_count and num_crossposts ->
       -- share_count for submissions; comments have no such counters in the dumps (NULL).
       r.score AS like_count,
       CASE WHEN NOT is_comment THEN r.num_crossposts END AS share_count,
       CASE WHEN NOT is_comment THEN r.num_comments END AS reply_count,
       CASE WHEN r.author_created_utc BETWEEN -62135596800 AND 253402300799
            THEN to_timestamp(r.author_created_utc) END AS author_created_at,
       -- a link submission's url (a self post's url is its own page)
       CASE WHEN NOT is_comment AND NOT coalesce(r.is_self, false) AND regexp_matches(r.url, '^https?://')
                 AND NOT contains(r.url, '/comments/' || native_id)
            THEN replace(r.url, '&amp;', '&') END AS link_url
FROM checked;

-- name: reddit_parsed_table
-- The whole file's lines parsed (the view reddit_rows over raw_lines, every line) as the table reddit_parsed (Spark: a cached view).
CREATE OR REPLACE TEMP TABLE reddit_parsed AS SELECT * FROM reddit_rows;

-- name: reddit_rejects
-- The rejected lines of reddit_parsed (the rows of reddit_rows) into stage_rejects.
INSERT INTO stage_rejects (line_no, reason)
SELECT line_no, reject_reason FROM reddit_parsed WHERE reject_reason IS NOT NULL;

-- name: reddit_links
-- The link a submission of reddit_parsed points to (the links and hashtags of the text: ingest.text_entities).
INSERT INTO stage_post_entities (post_id, entity, value)
SELECT post_id, 'link', link_url FROM reddit_parsed WHERE reject_reason IS NULL AND link_url IS NOT NULL;

-- name: reddit_accounts
-- The authors of reddit_parsed into stage_accounts, one row per author (the whole file at once: the Spark engine).
-- The name is the author_id's (the author as written); the account's creation time (author_created_utc,
-- one per account) and the time it was seen at (its newest post) are the latest the file gives.
INSERT INTO stage_accounts (account_id, platform, handle, created_at, is_focal, seen_at)
SELECT author_id, s.platform, substr(author_id, length(s.platform) + 2), max(author_created_at), false, max(created_at)
FROM reddit_parsed CROSS JOIN reddit_settings AS s
WHERE reject_reason IS NULL AND author_id IS NOT NULL
GROUP BY author_id, s.platform;

-- name: reddit_block_authors
-- The authors of reddit_parsed (a few blocks' rows), one row per author: its latest creation time (author_created_utc) and newest post.
SELECT author_id, max(author_created_at) AS created_at, max(created_at) AS seen_at
FROM reddit_parsed
WHERE reject_reason IS NULL AND author_id IS NOT NULL
GROUP BY author_id;

-- name: reddit_fold_authors
-- The authors of the file so far (reddit_authors: the earlier blocks' with the latest blocks'), one row per author.
-- A streaming load keeps them as Arrow, outside the load's transaction: a temp table written block
-- after block would hold every block's authors in memory until the load commits (10M comments: half a
-- gigabyte of the 1 GB memory limit, which then spilled the posts the load writes).
SELECT author_id, max(created_at) AS created_at, max(seen_at) AS seen_at
FROM reddit_authors
GROUP BY author_id;

-- name: reddit_stage_authors
-- The authors of the file (reddit_authors, as reddit_fold_authors reads them) into stage_accounts, one row per author.
INSERT INTO stage_accounts (account_id, platform, handle, created_at, is_focal, seen_at)
SELECT author_id, s.platform, substr(author_id, length(s.platform) + 2), max(created_at), false, max(seen_at)
FROM reddit_authors CROSS JOIN reddit_settings AS s
GROUP BY author_id, s.platform;

-- name: reddit_rejected_lines
-- The lines of reddit_parsed that were rejected (the block's, in a streaming load), for rejects.raw; then renamed raw_lines (reddit_rejected_as_raw_lines).
CREATE OR REPLACE TEMP TABLE reddit_rejected_lines AS
SELECT line_no, rejected_line AS line, member FROM reddit_parsed WHERE reject_reason IS NOT NULL;

-- name: reddit_rejected_as_raw_lines
-- The block's rejected lines become the table raw_lines, which the pipeline's keep_rejected_lines reads (DuckDB only).
ALTER TABLE reddit_rejected_lines RENAME TO raw_lines;

-- name: reddit_stage_posts
-- The posts of reddit_parsed (the rows of reddit_rows) into stage_posts, for the merge.
INSERT INTO stage_posts (post_id, platform, author_id, created_at, text, lang, parent_post_id, conversation_id,
                         channel, kind, like_count, share_count, reply_count, quote_count, collected, line_no)
SELECT post_id, s.platform, author_id, created_at, text, NULL, parent_post_id, conversation_id, channel, kind,
       like_count, share_count, reply_count, NULL, true, line_no
FROM reddit_parsed CROSS JOIN reddit_settings AS s
WHERE reject_reason IS NULL;

-- name: reddit_append_posts
-- The posts of reddit_parsed (a few blocks' rows) straight into posts: a load whose posts are not in the workspace (see first_load_of_platform, reddit_ids_known).
-- What merge_posts would insert when no staged id is in the workspace and each is staged once (if the
-- file holds an id twice, unappend_posts hands its posts back to the merge); the file's posts are then
-- written once, to the workspace, rather than staged whole, spilled and copied.
INSERT INTO posts (post_id, platform, author_id, created_at, text, lang, parent_post_id, conversation_id, channel,
                   kind, like_count, share_count, reply_count, quote_count, collected, load_id)
SELECT post_id, s.platform, author_id, created_at, text, NULL, parent_post_id, conversation_id, channel, kind,
       like_count, share_count, reply_count, NULL, true, s.load_id
FROM reddit_parsed CROSS JOIN reddit_settings AS s
WHERE reject_reason IS NULL;

-- name: reddit_finish
-- After the last block: the comment interactions of the whole file, from stage_posts and the workspace's posts.
-- Comment -> author of the parent comment or submission. The parent may be in this file or in an
-- earlier load (the canonical posts table; as in the merge, its author wins unless it is NULL). A parent
-- that is known but has no account author ([deleted], AutoModerator, ...) makes no row; a parent not
-- known yet makes a row with a NULL target (counted as unresolved; a later load completes it, see
-- reddit_resolve). Every staged post is a good record of this file (rejected lines stage none).
INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
WITH comments AS (
    SELECT post_id, author_id, parent_post_id, created_at
    FROM stage_posts
    WHERE kind = 'comment' AND author_id IS NOT NULL
),
staged_parents AS (
    SELECT post_id, max(author_id) AS author_id
    FROM stage_posts
    WHERE post_id IN (SELECT parent_post_id FROM comments)
    GROUP BY post_id
)
SELECT c.author_id, coalesce(p.author_id, s.author_id), 'comment', c.post_id, c.created_at, $platform
FROM comments AS c
LEFT JOIN posts AS p ON p.post_id = c.parent_post_id
LEFT JOIN staged_parents AS s ON s.post_id = c.parent_post_id
WHERE (p.post_id IS NULL AND s.post_id IS NULL)      -- parent not known yet: unresolved
   OR coalesce(p.author_id, s.author_id) IS NOT NULL  -- known, with an account as author
;

-- name: reddit_resolve
-- After the merge: comment interactions whose parent became known in this load (it is among the
-- posts staged now) but whose comment came in an earlier load; inserts only interactions not present.
INSERT INTO interactions (source_id, target_id, kind, post_id, created_at, platform, load_id)
WITH new_parents AS (
    SELECT p.post_id, p.author_id
    FROM posts AS p
    WHERE p.post_id IN (SELECT post_id FROM stage_posts) AND p.author_id IS NOT NULL
),
completed AS (
    SELECT DISTINCT c.author_id AS source_id, n.author_id AS target_id, c.post_id, c.created_at
    FROM posts AS c
    JOIN new_parents AS n ON c.parent_post_id = n.post_id
    WHERE c.platform = $platform AND c.kind = 'comment' AND c.collected AND c.author_id IS NOT NULL
      AND c.load_id <> $load_id  -- comments new in this load were resolved when staged
)
SELECT x.source_id, x.target_id, 'comment', x.post_id, x.created_at, $platform, $load_id
FROM completed AS x
WHERE NOT EXISTS (
    SELECT 1 FROM interactions AS i
    WHERE i.post_id = x.post_id AND i.kind = 'comment'
      AND i.source_id = x.source_id AND i.target_id = x.target_id
);

-- name: reddit_finish_appended
-- reddit_finish for a load whose posts were appended (each id once, none an earlier load's): the comment interactions, straight into interactions.
-- The parent is among this load's posts, an earlier load's, or not known at all; each post id is in
-- posts once (appended_duplicate_posts, appended_posts_collide), so one join finds its author. What
-- the merge would add, each comment once: no interaction of the workspace has this load's post ids.
INSERT INTO interactions (source_id, target_id, kind, post_id, created_at, platform, load_id)
SELECT c.author_id, p.author_id, 'comment', c.post_id, c.created_at, $platform, $load_id
FROM posts AS c
JOIN posts AS p ON p.post_id = c.parent_post_id
WHERE c.load_id = $load_id AND c.kind = 'comment' AND c.author_id IS NOT NULL
  AND p.author_id IS NOT NULL;

-- name: reddit_unresolved_appended
-- The comments of an appended load whose parent is not known (staged_unresolved for reddit_finish_appended, which made $resolved interactions).
-- A comment by an account has a parent with an account author (one of the $resolved), a parent without
-- one ([deleted], AutoModerator, ...: no interaction), or none known; only the few posts of the
-- platform without an account author are looked up, not every post.
SELECT count(*) - count(p.post_id) - $resolved AS unresolved
FROM posts AS c
LEFT JOIN (SELECT post_id FROM posts WHERE author_id IS NULL AND starts_with(post_id, $platform || ':')) AS p
       ON p.post_id = c.parent_post_id
WHERE c.load_id = $load_id AND c.kind = 'comment' AND c.author_id IS NOT NULL;

-- name: reddit_resolve_appended
-- reddit_resolve for a load whose posts were appended: earlier loads' comments whose parent is among this load's posts.
-- (reddit_resolve finds this load's posts by the staged ids; an appended load stages none.) The
-- earlier comments' parents were unknown until now, so their interactions are new (unless another
-- format's load made the same one, which is left out as reddit_resolve leaves it out).
INSERT INTO interactions (source_id, target_id, kind, post_id, created_at, platform, load_id)
SELECT c.author_id, p.author_id, 'comment', c.post_id, c.created_at, $platform, $load_id
FROM posts AS c
JOIN posts AS p ON p.post_id = c.parent_post_id
WHERE p.load_id = $load_id AND p.author_id IS NOT NULL
  AND c.load_id IS DISTINCT FROM $load_id AND c.platform = $platform
  AND c.kind = 'comment' AND c.collected AND c.author_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM interactions AS i
                  WHERE i.post_id = c.post_id AND i.kind = 'comment'
                    AND i.source_id = c.author_id AND i.target_id = p.author_id);

-- name: reddit_ids_known
-- Whether a post id of reddit_parsed (the first rows a later load of the platform would append) is in the workspace: if so the load goes to the merge (a reload, an overlapping dump).
SELECT EXISTS (SELECT 1 FROM reddit_parsed AS r JOIN posts AS p ON p.post_id = r.post_id
               WHERE r.reject_reason IS NULL) AS known;

-- name: reddit_entity_texts
-- The texts of an appended load that may hold a link or a hashtag, into stage_posts for text_entities (which reads only those).
INSERT INTO stage_posts (post_id, text)
SELECT post_id, text
FROM posts
WHERE load_id = $load_id AND text IS NOT NULL AND (contains(text, '://') OR contains(text, '#'));

-- name: reddit_block_rows
-- The rows of the view reddit_rows for the lines in raw_lines (a streaming load: one block's Arrow lines, fetched as Arrow).
SELECT * FROM reddit_rows;
