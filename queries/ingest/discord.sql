-- DiscordChatExporter JSON (one document per channel export: guild, channel, dateRange, exportedAt,
-- messages[], messageCount), staged from the single raw_lines row of the document layout.
--
-- Ids: accounts `<platform>:<user id>`, posts `<platform>:<message id>` (Discord snowflakes are unique
-- across channels and servers). channel = `<guild name>/<channel name>`.

-- name: discord_stage
-- Stage one DiscordChatExporter export: messages -> posts, authors/mentions/reactors -> accounts, interactions.
CREATE OR REPLACE TEMP VIEW discord_doc AS
SELECT line AS doc FROM raw_lines WHERE line_no = 1 AND member IS NULL;

-- The header, parsed once; `messages` must be an array.
CREATE OR REPLACE TEMP TABLE discord_export AS
SELECT valid,
       CASE WHEN valid THEN json_type(doc) END AS doc_type,
       CASE WHEN valid THEN json_extract_string(doc, '$.guild.name') END AS guild_name,
       CASE WHEN valid THEN json_extract_string(doc, '$.channel.name') END AS channel_name,
       CASE WHEN valid THEN json_type(doc, '$.messages') END AS messages_type
FROM (SELECT doc, json_valid(doc) AS valid FROM discord_doc);

CREATE OR REPLACE TEMP VIEW chat_invalid_docs AS
SELECT NULL::VARCHAR AS member, d.doc FROM discord_doc AS d, discord_export AS x WHERE NOT x.valid;

CREATE OR REPLACE TEMP TABLE discord_elements AS
SELECT unnest(elements) AS value, generate_subscripts(elements, 1) AS idx
FROM (SELECT json_extract(d.doc, '$.messages[*]') AS elements
      FROM discord_doc AS d, discord_export AS x WHERE x.messages_type = 'ARRAY');

CREATE OR REPLACE TEMP VIEW chat_docs AS
SELECT NULL::VARCHAR AS member, d.doc, 2 AS depth, (SELECT count(*) FROM discord_elements) AS n_elements
FROM discord_doc AS d, discord_export AS x WHERE x.messages_type = 'ARRAY';

CREATE OR REPLACE TEMP TABLE discord_parsed AS
SELECT e.idx, e.value, json_type(e.value) AS value_type,
       json_transform(e.value, '{
           "id": "VARCHAR", "type": "VARCHAR", "timestamp": "VARCHAR", "content": "VARCHAR",
           "author": {"id": "VARCHAR", "name": "VARCHAR", "discriminator": "VARCHAR", "nickname": "VARCHAR"},
           "reference": {"messageId": "VARCHAR"},
           "mentions": [{"id": "VARCHAR", "name": "VARCHAR", "discriminator": "VARCHAR", "nickname": "VARCHAR"}],
           "reactions": [{"count": "BIGINT",
                          "users": [{"id": "VARCHAR", "name": "VARCHAR", "discriminator": "VARCHAR",
                                     "nickname": "VARCHAR"}]}]
       }') AS m
FROM discord_elements AS e;

CREATE OR REPLACE TEMP TABLE chat_bad_records AS
SELECT NULL::VARCHAR AS member, idx, reason, left(value, 2000) AS raw
FROM (
    SELECT idx, value,
           CASE
               WHEN value_type <> 'OBJECT' THEN 'expected a message object, got ' || chat_json_kind(value_type)
               WHEN coalesce(trim(m.id), '') = '' THEN 'missing id'
               WHEN coalesce(trim(m.author.id), '') = '' THEN 'missing author.id'
               WHEN m.timestamp IS NULL THEN 'missing timestamp'
               WHEN try_cast(m.timestamp AS TIMESTAMPTZ) IS NULL
                   THEN 'invalid timestamp ' || to_json(m.timestamp)::VARCHAR
           END AS reason
    FROM discord_parsed
)
WHERE reason IS NOT NULL;

-- A document that is JSON but not an export: one reject for the whole file.
INSERT INTO chat_bad_records
SELECT NULL, NULL, CASE WHEN x.doc_type <> 'OBJECT' THEN 'expected a DiscordChatExporter export (a JSON object), got '
                                                        || chat_json_kind(x.doc_type)
                        ELSE 'expected a DiscordChatExporter export: no "messages" array' END,
       left(d.doc, 2000)
FROM discord_doc AS d, discord_export AS x
WHERE x.valid AND x.messages_type IS DISTINCT FROM 'ARRAY';

-- A multi-file export (a Slack folder) given with --format discord: each of its files is refused.
INSERT INTO chat_bad_records
SELECT member, NULL, 'expected a DiscordChatExporter JSON file, not a member of a multi-file export', NULL
FROM raw_lines
WHERE member IS NOT NULL;

CREATE OR REPLACE TEMP TABLE discord_messages AS
SELECT p.idx,
       $platform || ':' || trim(m.id) AS post_id,
       $platform || ':' || trim(m.author.id) AS author_id,
       m.author AS author,
       try_cast(m.timestamp AS TIMESTAMPTZ) AS created_at,  -- valid: bad ones were rejected above
       m.content AS text,
       m.type = 'Reply' AS is_reply,
       CASE WHEN m.type = 'Reply' AND coalesce(trim(m.reference.messageId), '') <> ''
            THEN $platform || ':' || trim(m.reference.messageId) END AS parent_post_id,
       coalesce(m.mentions, []) AS mentions,
       coalesce(m.reactions, []) AS reactions,
       coalesce(list_sum(list_transform(m.reactions, lambda r: r.count)), 0) AS reaction_count,
       nullif(concat_ws('/', x.guild_name, x.channel_name), '') AS channel
FROM discord_parsed AS p, discord_export AS x
WHERE p.idx NOT IN (SELECT idx FROM chat_bad_records WHERE idx IS NOT NULL);

-- The replied-to author: from this export, else from a message loaded earlier; NULL = unresolved.
CREATE OR REPLACE TEMP TABLE discord_replies AS
SELECT c.post_id, c.author_id, c.created_at,
       coalesce(first(p.author_id), first(k.author_id)) AS target_id
FROM discord_messages AS c
LEFT JOIN discord_messages AS p ON p.post_id = c.parent_post_id
LEFT JOIN posts AS k ON k.post_id = c.parent_post_id
WHERE c.is_reply
GROUP BY c.post_id, c.author_id, c.created_at;

INSERT INTO stage_posts (post_id, platform, author_id, created_at, text, lang, parent_post_id, conversation_id,
                         channel, kind, like_count, share_count, reply_count, quote_count, collected, line_no)
SELECT post_id, $platform, author_id, created_at, text, NULL, parent_post_id, NULL,
       channel, CASE WHEN is_reply THEN 'reply' ELSE 'post' END, reaction_count, NULL, NULL, NULL, true, idx
FROM discord_messages;

-- Accounts: authors, mentioned users and reacting users, as seen at the message's time.
-- A legacy 4-digit discriminator is part of the handle (name#1234); "0000"/"0" mark new unique usernames.
-- created_at comes from the snowflake: milliseconds since 2015-01-01 in its upper 42 bits.
INSERT INTO stage_accounts (account_id, platform, handle, display_name, followers, following, posts_count,
                            created_at, is_focal, seen_at)
SELECT $platform || ':' || trim(u.id), $platform,
       CASE WHEN coalesce(u.discriminator, '') IN ('', '0', '0000') THEN u.name
            ELSE u.name || '#' || u.discriminator END,
       nullif(u.nickname, ''), NULL, NULL, NULL,
       to_timestamp(((try_cast(trim(u.id) AS UBIGINT) >> 22) + 1420070400000) / 1000.0),
       false, seen_at
FROM (
    SELECT author AS u, created_at AS seen_at FROM discord_messages
    UNION ALL
    SELECT unnest(mentions) AS u, created_at FROM discord_messages
    UNION ALL
    SELECT unnest(r.users) AS u, created_at
    FROM (SELECT unnest(reactions) AS r, created_at FROM discord_messages)
)
WHERE coalesce(trim(u.id), '') <> '';

INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT author_id, target_id, 'reply', post_id, created_at, $platform FROM discord_replies;

-- Mentions, without the replied-to author: Discord lists the author of the parent in `mentions` of a reply
-- that pings them; when the parent is not known that auto-mention cannot be told apart and is kept.
INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT DISTINCT m.author_id, $platform || ':' || trim(m.mentioned.id), 'mention', m.post_id, m.created_at, $platform
FROM (SELECT author_id, post_id, created_at, unnest(mentions) AS mentioned FROM discord_messages) AS m
LEFT JOIN discord_replies AS r ON r.post_id = m.post_id
WHERE coalesce(trim(m.mentioned.id), '') <> ''
  AND ($platform || ':' || trim(m.mentioned.id)) IS DISTINCT FROM r.target_id;

-- Reactions: each listed reacting user -> the message's author (older exports list no users: no rows).
INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT DISTINCT $platform || ':' || trim(u.id), author_id, 'reaction', post_id, created_at, $platform
FROM (SELECT author_id, post_id, created_at, unnest(r.users) AS u
      FROM (SELECT author_id, post_id, created_at, unnest(reactions) AS r FROM discord_messages))
WHERE coalesce(trim(u.id), '') <> '';

-- name: discord_records
-- Records read: the messages of the export, or 1 when the file is not a readable export.
SELECT CASE WHEN EXISTS (SELECT 1 FROM discord_export WHERE messages_type = 'ARRAY')
            THEN (SELECT count(*) FROM discord_elements)
            ELSE (SELECT count(*) FROM raw_lines) END;

-- name: discord_cleanup
-- Drop the loader's own temp tables and views once the staging tables are filled (they hold the export).
DROP VIEW IF EXISTS chat_docs;
DROP VIEW IF EXISTS chat_invalid_docs;
DROP TABLE IF EXISTS chat_bad_records;
DROP TABLE IF EXISTS discord_replies;
DROP TABLE IF EXISTS discord_messages;
DROP TABLE IF EXISTS discord_parsed;
DROP TABLE IF EXISTS discord_elements;
DROP TABLE IF EXISTS discord_export;
DROP VIEW IF EXISTS discord_doc;
