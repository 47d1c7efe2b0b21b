-- Slack workspace export (a folder or zip staged as ONE load): raw_lines holds one row per member file
-- (line_no 1, the whole text, `member` = its path inside the export). Members used:
--   users.json                                   accounts
--   channels.json, groups.json, mpims.json, dms.json   folder name -> channel id
--   <channel folder>/YYYY-MM-DD.json             that day's messages (a JSON array)
-- Other members (integration_logs.json, canvases, ...) are ignored.
--
-- Ids: accounts `<platform>:<user id>`; a message without `user` is the bot's: `<platform>:<bot_id>`
-- (`<platform>:bot:<username>` for old webhook messages without bot_id); posts
-- `<platform>:<channel id>:<ts>` (ts is unique only within a channel; the folder name stands in for the id
-- when the channel is in none of the channel lists). channel = the folder name.

-- name: slack_stage
-- Stage one Slack export: users -> accounts; messages -> posts, replies, mentions, reactions.
-- The used member files: their role, channel folder and JSON type (the text stays in raw_lines).
CREATE OR REPLACE TEMP TABLE slack_docs AS
SELECT member, role, folder, valid, CASE WHEN valid THEN json_type(line) END AS doc_type
FROM (
    SELECT member, line, json_valid(line) AS valid,
           CASE WHEN member = 'users.json' THEN 'users'
                WHEN member IN ('channels.json', 'groups.json', 'mpims.json', 'dms.json') THEN 'channels'
                WHEN regexp_full_match(member, '[^/]+/[0-9]{4}-[0-9]{2}-[0-9]{2}\.json') THEN 'day'
           END AS role,
           regexp_extract(member, '^([^/]+)/', 1) AS folder
    FROM raw_lines
    WHERE member IS NOT NULL AND line_no = 1
)
WHERE role IS NOT NULL;

CREATE OR REPLACE TEMP VIEW chat_invalid_docs AS
SELECT d.member, r.line AS doc
FROM slack_docs AS d JOIN raw_lines AS r ON r.member = d.member AND r.line_no = 1
WHERE NOT d.valid;

CREATE OR REPLACE TEMP TABLE slack_elements AS
SELECT member, role, folder, unnest(elements) AS value, generate_subscripts(elements, 1) AS idx
FROM (SELECT d.member, d.role, d.folder, json_extract(r.line, '$[*]') AS elements
      FROM slack_docs AS d JOIN raw_lines AS r ON r.member = d.member AND r.line_no = 1
      WHERE d.doc_type = 'ARRAY' AND d.role IN ('users', 'day'));

CREATE OR REPLACE TEMP VIEW chat_docs AS
SELECT d.member, r.line AS doc, 1 AS depth, coalesce(n.n_elements, 0) AS n_elements
FROM slack_docs AS d
JOIN raw_lines AS r ON r.member = d.member AND r.line_no = 1
LEFT JOIN (SELECT member, count(*) AS n_elements FROM slack_elements GROUP BY member) AS n ON n.member = d.member
WHERE d.doc_type = 'ARRAY' AND d.role IN ('users', 'day');

-- Folder name -> channel id, from every channel list the export has (dms.json entries have no name:
-- their folder is the id).
CREATE OR REPLACE TEMP TABLE slack_channels AS
SELECT DISTINCT ON (folder) folder, channel_id
FROM (
    SELECT coalesce(nullif(c.name, ''), c.id) AS folder, c.id AS channel_id
    FROM (SELECT json_transform(value, '{"id": "VARCHAR", "name": "VARCHAR"}') AS c
          FROM (SELECT unnest(json_extract(r.line, '$[*]')) AS value
                FROM slack_docs AS d JOIN raw_lines AS r ON r.member = d.member AND r.line_no = 1
                WHERE d.role = 'channels' AND d.doc_type = 'ARRAY'))
)
WHERE folder IS NOT NULL AND coalesce(channel_id, '') <> ''
ORDER BY folder, channel_id;

CREATE OR REPLACE TEMP TABLE slack_users AS
SELECT member, idx, value, json_type(value) AS value_type,
       json_transform(value, '{"id": "VARCHAR", "name": "VARCHAR", "real_name": "VARCHAR", "updated": "DOUBLE",
                               "profile": {"real_name": "VARCHAR", "display_name": "VARCHAR"}}') AS u
FROM slack_elements
WHERE role = 'users';

CREATE OR REPLACE TEMP TABLE slack_parsed AS
SELECT member, folder, idx, value, json_type(value) AS value_type,
       json_transform(value, '{"ts": "VARCHAR", "user": "VARCHAR", "bot_id": "VARCHAR", "username": "VARCHAR",
                               "text": "VARCHAR", "thread_ts": "VARCHAR", "parent_user_id": "VARCHAR",
                               "reply_count": "BIGINT", "bot_profile": {"name": "VARCHAR"},
                               "comment": {"user": "VARCHAR"},
                               "reactions": [{"name": "VARCHAR", "count": "BIGINT", "users": ["VARCHAR"]}]}') AS m
FROM slack_elements
WHERE role = 'day';

CREATE OR REPLACE TEMP TABLE chat_bad_records AS
SELECT member, idx, reason, left(value, 2000) AS raw
FROM (
    SELECT member, idx, value,
           CASE
               WHEN value_type <> 'OBJECT' THEN 'expected a message object, got ' || chat_json_kind(value_type)
               WHEN m.ts IS NULL THEN 'missing ts'
               WHEN NOT regexp_full_match(m.ts, '[0-9]{1,12}(\.[0-9]+)?') THEN 'invalid ts ' || to_json(m.ts)::VARCHAR
               WHEN coalesce(nullif(m.user, ''), nullif(m.bot_id, ''), nullif(m.comment.user, ''),
                             nullif(m.username, '')) IS NULL
                   THEN 'no author: none of user, bot_id, comment.user or username'
           END AS reason
    FROM slack_parsed
    UNION ALL
    SELECT member, idx, value,
           CASE
               WHEN value_type <> 'OBJECT' THEN 'expected a user object, got ' || chat_json_kind(value_type)
               WHEN coalesce(trim(u.id), '') = '' THEN 'missing id'
           END
    FROM slack_users
    UNION ALL
    SELECT d.member, NULL, r.line,
           'expected a JSON array, got ' || chat_json_kind(d.doc_type)
    FROM slack_docs AS d JOIN raw_lines AS r ON r.member = d.member AND r.line_no = 1
    WHERE d.valid AND d.doc_type <> 'ARRAY'
)
WHERE reason IS NOT NULL;

-- A single file given with --format slack: the format needs the whole export.
INSERT INTO chat_bad_records
SELECT NULL, NULL, 'not a Slack workspace export: expected a folder or zip holding users.json, channels.json '
                   || 'and <channel>/YYYY-MM-DD.json files', NULL
FROM (SELECT 1 FROM raw_lines WHERE member IS NULL LIMIT 1);

CREATE OR REPLACE TEMP TABLE slack_messages AS
WITH keyed AS (
    SELECT p.member, p.idx, p.folder, p.m,
           coalesce(c.channel_id, p.folder) AS channel_key,
           CASE WHEN nullif(p.m.user, '') IS NOT NULL THEN p.m.user
                WHEN nullif(p.m.bot_id, '') IS NOT NULL THEN p.m.bot_id
                WHEN nullif(p.m.comment.user, '') IS NOT NULL THEN p.m.comment.user
                ELSE 'bot:' || p.m.username END AS author_key,
           nullif(p.m.user, '') IS NULL AND nullif(p.m.comment.user, '') IS NULL AS by_bot
    FROM slack_parsed AS p
    LEFT JOIN slack_channels AS c ON c.folder = p.folder
    WHERE NOT EXISTS (SELECT 1 FROM chat_bad_records AS b WHERE b.member = p.member AND b.idx = p.idx)
)
SELECT member, idx, folder AS channel, author_key, by_bot, m.ts AS ts,
       $platform || ':' || author_key AS author_id,
       $platform || ':' || channel_key || ':' || m.ts AS post_id,
       CASE WHEN coalesce(m.thread_ts, '') NOT IN ('', m.ts)
            THEN $platform || ':' || channel_key || ':' || m.thread_ts END AS parent_post_id,
       CASE WHEN coalesce(m.thread_ts, '') <> ''
            THEN $platform || ':' || channel_key || ':' || m.thread_ts END AS conversation_id,
       nullif(m.parent_user_id, '') AS parent_user_id,
       -- try_cast: a bad ts was rejected above, but DuckDB may compute this before that filter
       to_timestamp(try_cast(split_part(m.ts, '.', 1) AS BIGINT))
           + to_microseconds(try_cast(left(rpad(split_part(m.ts, '.', 2), 6, '0'), 6) AS BIGINT)) AS created_at,
       m.text AS text,
       m.reply_count AS reply_count,
       coalesce(m.reactions, []) AS reactions,
       coalesce(list_sum(list_transform(m.reactions, lambda r: r.count)), 0) AS reaction_count,
       coalesce(nullif(m.username, ''), nullif(m.bot_profile.name, ''), nullif(m.bot_id, '')) AS bot_handle,
       coalesce(nullif(m.bot_profile.name, ''), nullif(m.username, '')) AS bot_name
FROM keyed;

-- The thread parent's author: parent_user_id, else the root message in this export or an earlier load.
CREATE OR REPLACE TEMP TABLE slack_replies AS
SELECT c.post_id, c.author_id, c.created_at,
       coalesce($platform || ':' || c.parent_user_id, first(p.author_id), first(k.author_id)) AS target_id
FROM slack_messages AS c
LEFT JOIN slack_messages AS p ON p.post_id = c.parent_post_id
LEFT JOIN posts AS k ON k.post_id = c.parent_post_id
WHERE c.parent_post_id IS NOT NULL
GROUP BY c.post_id, c.author_id, c.created_at, c.parent_user_id;

INSERT INTO stage_posts (post_id, platform, author_id, created_at, text, lang, parent_post_id, conversation_id,
                         channel, kind, like_count, share_count, reply_count, quote_count, collected, line_no)
SELECT post_id, $platform, author_id, created_at, text, NULL, parent_post_id, conversation_id,
       channel, CASE WHEN parent_post_id IS NOT NULL THEN 'reply' ELSE 'post' END,
       reaction_count, NULL, reply_count, NULL, true, idx
FROM slack_messages;

-- Accounts: users.json (handle = name; display name = real name, else the profile's display name);
-- bots as seen on their messages; and a bare row for every other id the messages name, so that each
-- interaction's ends are accounts (the merge keeps the fuller row).
INSERT INTO stage_accounts (account_id, platform, handle, display_name, followers, following, posts_count,
                            created_at, is_focal, seen_at)
SELECT $platform || ':' || trim(u.id), $platform, nullif(u.name, ''),
       coalesce(nullif(u.real_name, ''), nullif(u.profile.real_name, ''), nullif(u.profile.display_name, '')),
       NULL, NULL, NULL, NULL, false, to_timestamp(u.updated)
FROM slack_users
WHERE value_type = 'OBJECT' AND coalesce(trim(u.id), '') <> ''
UNION ALL
SELECT author_id, $platform, bot_handle, bot_name, NULL, NULL, NULL, NULL, false, created_at
FROM slack_messages
WHERE by_bot
UNION ALL
SELECT DISTINCT $platform || ':' || id, $platform, NULL, NULL, NULL, NULL, NULL, NULL, false, NULL::TIMESTAMPTZ
FROM (
    SELECT author_key AS id FROM slack_messages WHERE NOT by_bot
    UNION ALL SELECT parent_user_id FROM slack_messages
    UNION ALL SELECT unnest(regexp_extract_all(text, '<@([A-Z0-9]+)(?:\|[^>]*)?>', 1)) FROM slack_messages
    UNION ALL SELECT unnest(r.users) FROM (SELECT unnest(reactions) AS r FROM slack_messages)
)
WHERE coalesce(id, '') <> '';

INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT author_id, target_id, 'reply', post_id, created_at, $platform FROM slack_replies;

-- Mentions: every <@U…> (or <@U…|name>) in the text, once per message and account.
INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT DISTINCT author_id, $platform || ':' || mentioned, 'mention', post_id, created_at, $platform
FROM (SELECT author_id, post_id, created_at,
             unnest(regexp_extract_all(text, '<@([A-Z0-9]+)(?:\|[^>]*)?>', 1)) AS mentioned
      FROM slack_messages);

-- Reactions: each reacting user -> the message's author (the reaction's own time is not exported).
INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT DISTINCT $platform || ':' || reactor, author_id, 'reaction', post_id, created_at, $platform
FROM (SELECT author_id, post_id, created_at, unnest(r.users) AS reactor
      FROM (SELECT author_id, post_id, created_at, unnest(reactions) AS r FROM slack_messages))
WHERE coalesce(reactor, '') <> '';

-- name: slack_records
-- Records read: messages and users.json entries, plus each used member file that is not a JSON array
-- (and the file itself when a single file was given).
SELECT (SELECT count(*) FROM slack_elements)
     + (SELECT count(*) FROM slack_docs WHERE NOT valid OR doc_type <> 'ARRAY')
     + (SELECT count(*) FROM (SELECT 1 FROM raw_lines WHERE member IS NULL LIMIT 1));

-- name: slack_cleanup
-- Drop the loader's own temp tables and views once the staging tables are filled (they hold the export).
DROP VIEW IF EXISTS chat_docs;
DROP VIEW IF EXISTS chat_invalid_docs;
DROP TABLE IF EXISTS chat_bad_records;
DROP TABLE IF EXISTS slack_replies;
DROP TABLE IF EXISTS slack_messages;
DROP TABLE IF EXISTS slack_parsed;
DROP TABLE IF EXISTS slack_users;
DROP TABLE IF EXISTS slack_channels;
DROP TABLE IF EXISTS slack_elements;
DROP TABLE IF EXISTS slack_docs;
