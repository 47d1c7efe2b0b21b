-- Mastodon API JSON (workbench/ingest/mastodon.py explains the accepted shapes and the id scheme).
-- Every statement reads raw_lines or the mastodon_* temp tables built before it and fills the stage
-- tables of the loader contract. Account ids: $platform:user@host (lower case); post ids: $platform:<status uri>.
-- Status and account "id" values are local to the instance that served the file, so they are only
-- used to resolve references inside one file, never as ids in the workspace.

-- name: mastodon_items
-- Parse each raw line and split it into records: statuses, accounts and the members of wrapper lists.
CREATE OR REPLACE TEMP MACRO mastodon_host(url) AS
    nullif(lower(regexp_extract(url, '^[A-Za-z][A-Za-z0-9+.-]*://([^/:?#@]+)', 1)), '');
-- acct as the serving instance gives it ("alice" for its own users, "bob@other.host" for remote ones),
-- qualified with the host of the account's url (or ActivityPub uri) when it has no host.
CREATE OR REPLACE TEMP MACRO mastodon_acct(acct, url) AS
    CASE WHEN nullif(ltrim(acct, '@'), '') IS NULL THEN NULL
         WHEN contains(ltrim(acct, '@'), '@') THEN ltrim(acct, '@')
         WHEN mastodon_host(url) IS NULL THEN NULL
         ELSE ltrim(acct, '@') || '@' || mastodon_host(url) END;
-- what a JSON value is, for messages
CREATE OR REPLACE TEMP MACRO mastodon_kind(j) AS
    CASE json_type(j) WHEN 'OBJECT' THEN 'an object' WHEN 'ARRAY' THEN 'an array' WHEN 'VARCHAR' THEN 'a string'
                      WHEN 'BOOLEAN' THEN 'a boolean' WHEN 'NULL' THEN 'null' ELSE 'a number' END;
CREATE OR REPLACE TEMP MACRO mastodon_keys(doc) AS
    CASE WHEN len(json_keys(doc)) = 0 THEN '(none)'
         ELSE array_to_string(list_slice(json_keys(doc), 1, 6), ', ')
              || CASE WHEN len(json_keys(doc)) > 6 THEN ', ...' ELSE '' END END;

CREATE OR REPLACE TEMP TABLE mastodon_docs AS
SELECT line_no,
       CASE WHEN json_valid(line) THEN line::JSON END AS doc
FROM raw_lines;

CREATE OR REPLACE TEMP TABLE mastodon_shapes AS
SELECT line_no, doc,
       CASE
           WHEN doc IS NULL THEN 'invalid'
           WHEN doc_type = 'ARRAY' THEN 'list'
           WHEN doc_type <> 'OBJECT' THEN 'scalar'
           WHEN list_has_any(keys, ['reblogged_by', 'favourited_by', 'followers', 'following'])
                AND NOT list_has_any(keys, ['content', 'reblog', 'acct']) THEN 'wrapper'
           WHEN list_has_any(keys, ['ancestors', 'descendants']) THEN 'context'
           WHEN list_has_any(keys, ['account', 'content', 'reblog']) THEN 'status'
           WHEN list_contains(keys, 'acct') THEN 'account'
           ELSE 'unknown'
       END AS shape
FROM (SELECT line_no, doc, json_type(doc) AS doc_type,
             CASE WHEN json_type(doc) = 'OBJECT' THEN json_keys(doc) END AS keys
      FROM mastodon_docs);

INSERT INTO stage_rejects (line_no, reason)
SELECT line_no,
       CASE shape
           WHEN 'invalid' THEN 'invalid JSON'
           WHEN 'scalar' THEN 'expected a JSON object or array, got ' || mastodon_kind(doc) || ': ' || left(doc::VARCHAR, 40)
           ELSE 'expected a Mastodon Status, Account, Context {ancestors, descendants} or a list of them; '
                || 'got an object with keys ' || mastodon_keys(doc)
       END
FROM mastodon_shapes
WHERE shape IN ('invalid', 'scalar', 'unknown');

-- A wrapper must say whose status or account its lists belong to.
INSERT INTO stage_rejects (line_no, reason)
SELECT line_no,
       CASE WHEN list_has_any(json_keys(doc), ['reblogged_by', 'favourited_by'])
                 AND coalesce(json_type(doc -> 'status'), 'NULL') NOT IN ('OBJECT', 'VARCHAR')
            THEN 'a reblogged_by/favourited_by list needs "status": the Status object or its URL'
            ELSE 'a followers/following list needs "account": the Account object' END
FROM mastodon_shapes
WHERE shape = 'wrapper'
  AND ((list_has_any(json_keys(doc), ['reblogged_by', 'favourited_by'])
        AND coalesce(json_type(doc -> 'status'), 'NULL') NOT IN ('OBJECT', 'VARCHAR'))
    OR (list_has_any(json_keys(doc), ['followers', 'following'])
        AND coalesce(json_type(doc -> 'account'), 'NULL') <> 'OBJECT'));

CREATE OR REPLACE TEMP TABLE mastodon_good_wrappers AS
SELECT line_no, doc FROM mastodon_shapes
WHERE shape = 'wrapper' AND line_no NOT IN (SELECT line_no FROM stage_rejects WHERE line_no IS NOT NULL);

-- One row per record. role: status, account (plain list or single Account), or the wrapper list it
-- belongs to (reblogged_by, favourited_by, followers, following); place names it in messages.
-- Arrays are unnested in the select list from a subquery that no longer holds the document: a
-- lateral join would carry the whole document along with each of its elements.
CREATE OR REPLACE TEMP TABLE mastodon_items AS
WITH arrays AS (
    SELECT line_no, 'item ' AS prefix, NULL AS role, json_extract(doc, '$[*]') AS items
    FROM mastodon_shapes WHERE shape = 'list'
    UNION ALL
    SELECT line_no, 'ancestors item ', 'status', json_extract(doc, '$.ancestors[*]')
    FROM mastodon_shapes WHERE shape = 'context'
    UNION ALL
    SELECT line_no, 'descendants item ', 'status', json_extract(doc, '$.descendants[*]')
    FROM mastodon_shapes WHERE shape = 'context'
    UNION ALL
    SELECT line_no, 'reblogged_by item ', 'reblogged_by', json_extract(doc, '$.reblogged_by[*]') FROM mastodon_good_wrappers
    UNION ALL
    SELECT line_no, 'favourited_by item ', 'favourited_by', json_extract(doc, '$.favourited_by[*]') FROM mastodon_good_wrappers
    UNION ALL
    SELECT line_no, 'followers item ', 'followers', json_extract(doc, '$.followers[*]') FROM mastodon_good_wrappers
    UNION ALL
    SELECT line_no, 'following item ', 'following', json_extract(doc, '$.following[*]') FROM mastodon_good_wrappers
),
elements AS (
    SELECT line_no, prefix, role, unnest(items) AS item, generate_subscripts(items, 1) AS pos
    FROM arrays WHERE items IS NOT NULL
)
SELECT line_no, prefix || pos AS place, item,
       coalesce(role,
                CASE WHEN json_type(item) = 'OBJECT' AND list_has_any(json_keys(item), ['account', 'content', 'reblog'])
                     THEN 'status'
                     WHEN json_type(item) = 'OBJECT' AND list_contains(json_keys(item), 'acct') THEN 'account'
                     ELSE 'bad' END) AS role
FROM elements
UNION ALL
SELECT line_no, NULL, doc, shape FROM mastodon_shapes WHERE shape IN ('status', 'account')
UNION ALL
SELECT line_no, 'status', doc -> 'status', 'status'
FROM mastodon_good_wrappers WHERE json_type(doc -> 'status') = 'OBJECT'
UNION ALL
SELECT line_no, 'account', doc -> 'account', 'account'
FROM mastodon_good_wrappers WHERE json_type(doc -> 'account') = 'OBJECT';

INSERT INTO stage_rejects (line_no, reason, raw)
SELECT line_no, coalesce(place || ': ', '') || 'expected a Status or Account object, got '
       || CASE WHEN json_type(item) = 'OBJECT' THEN 'an object with keys ' || mastodon_keys(item)
               ELSE mastodon_kind(item) END,
       item::VARCHAR
FROM mastodon_items WHERE role = 'bad';

-- name: mastodon_statuses
-- Normalise the statuses (collected ones at depth 0, reblogged and quoted ones as context) and the accounts.
CREATE OR REPLACE TEMP TABLE mastodon_status_json AS
WITH top AS (
    SELECT line_no, place, item FROM mastodon_items WHERE role = 'status'
),
reblogged AS (
    SELECT line_no, place, item -> 'reblog' AS item FROM top WHERE json_type(item -> 'reblog') = 'OBJECT'
),
quoted AS (
    -- Mastodon 4.5 Quote {state, quoted_status}, or forks that put the quoted Status itself in "quote"
    SELECT line_no, place,
           CASE WHEN json_type(item -> 'quote' -> 'quoted_status') = 'OBJECT' THEN item -> 'quote' -> 'quoted_status'
                ELSE item -> 'quote' END AS item
    FROM (SELECT * FROM top UNION ALL SELECT * FROM reblogged)
    WHERE json_type(item -> 'quote' -> 'quoted_status') = 'OBJECT'
       OR (json_type(item -> 'quote') = 'OBJECT' AND json_type(item -> 'quote' -> 'account') = 'OBJECT')
)
SELECT line_no, place, 0 AS depth, item FROM top
UNION ALL SELECT line_no, place, 1, item FROM reblogged
UNION ALL SELECT line_no, place, 1, item FROM quoted;

CREATE OR REPLACE TEMP TABLE mastodon_statuses AS
WITH parsed AS (
    SELECT line_no, place, depth, item,
           json_transform(item, '{
             "id": "VARCHAR", "uri": "VARCHAR", "created_at": "VARCHAR",
             "in_reply_to_id": "VARCHAR", "in_reply_to_account_id": "VARCHAR",
             "language": "VARCHAR", "content": "VARCHAR",
             "tags": [{"name": "VARCHAR"}], "card": {"url": "VARCHAR"},
             "replies_count": "BIGINT", "reblogs_count": "BIGINT", "favourites_count": "BIGINT", "quotes_count": "BIGINT",
             "account": {"id": "VARCHAR", "username": "VARCHAR", "acct": "VARCHAR", "display_name": "VARCHAR",
                         "url": "VARCHAR", "uri": "VARCHAR", "followers_count": "BIGINT",
                         "following_count": "BIGINT", "statuses_count": "BIGINT",
                         "created_at": "VARCHAR", "last_status_at": "VARCHAR"},
             "mentions": [{"id": "VARCHAR", "username": "VARCHAR", "acct": "VARCHAR", "url": "VARCHAR"}],
             "reblog": {"id": "VARCHAR", "uri": "VARCHAR",
                        "account": {"id": "VARCHAR", "acct": "VARCHAR", "url": "VARCHAR", "uri": "VARCHAR"}},
             "quote": {"state": "VARCHAR", "quoted_status_id": "VARCHAR", "uri": "VARCHAR",
                       "account": {"acct": "VARCHAR", "url": "VARCHAR", "uri": "VARCHAR"},
                       "quoted_status": {"uri": "VARCHAR",
                                         "account": {"acct": "VARCHAR", "url": "VARCHAR", "uri": "VARCHAR"}}}
           }') AS s,
           json_type(item -> 'id') AS id_type
    FROM mastodon_status_json
)
SELECT row_number() OVER () AS sid, line_no, place, depth, item,
       s.id AS local_id, s.uri, s.in_reply_to_id, s.in_reply_to_account_id, s.language, s.content,
       s.replies_count, s.reblogs_count, s.favourites_count, s.quotes_count, s.account, s.mentions,
       s.reblog, s.quote, s.tags, s.card,
       try_cast(s.created_at AS TIMESTAMPTZ) AS created_at,
       mastodon_acct(s.account.acct, coalesce(s.account.url, s.account.uri)) AS acct,
       CASE
           WHEN json_type(item) <> 'OBJECT' THEN 'expected a Status object, got ' || mastodon_kind(item)
           WHEN s.id IS NULL OR id_type NOT IN ('VARCHAR', 'BIGINT', 'UBIGINT') THEN 'missing id'
           WHEN s.account IS NULL OR s.account.acct IS NULL THEN 'missing account.acct'
           WHEN mastodon_acct(s.account.acct, coalesce(s.account.url, s.account.uri)) IS NULL
               THEN 'cannot tell the instance of account ' || s.account.acct || ': it has no "@host" and no url'
           WHEN s.uri IS NULL THEN 'missing uri'
           WHEN s.created_at IS NULL THEN 'missing created_at'
           WHEN try_cast(s.created_at AS TIMESTAMPTZ) IS NULL THEN 'invalid created_at ' || s.created_at
       END AS problem
FROM parsed;

INSERT INTO stage_rejects (line_no, reason, raw)
SELECT line_no, coalesce(place || ': ', '') || problem, item::VARCHAR
FROM mastodon_statuses WHERE depth = 0 AND problem IS NOT NULL;

-- a rejected status brings no context either (its reblogged or quoted status)
DELETE FROM mastodon_statuses AS n
WHERE n.depth > 0
  AND EXISTS (SELECT 1 FROM mastodon_statuses AS bad
              WHERE bad.depth = 0 AND bad.problem IS NOT NULL
                AND bad.line_no = n.line_no AND bad.place IS NOT DISTINCT FROM n.place);

DELETE FROM mastodon_statuses WHERE problem IS NOT NULL;

-- Accounts that come as Account objects outside statuses (lists, wrapper subjects, single accounts).
CREATE OR REPLACE TEMP TABLE mastodon_list_accounts AS
WITH parsed AS (
    SELECT line_no, place, role, item,
           json_transform(item, '{"id": "VARCHAR", "username": "VARCHAR", "acct": "VARCHAR",
                                  "display_name": "VARCHAR", "url": "VARCHAR", "uri": "VARCHAR",
                                  "followers_count": "BIGINT", "following_count": "BIGINT",
                                  "statuses_count": "BIGINT", "created_at": "VARCHAR",
                                  "last_status_at": "VARCHAR"}') AS a
    FROM mastodon_items
    WHERE role IN ('account', 'reblogged_by', 'favourited_by', 'followers', 'following')
)
SELECT line_no, place, role, item, a,
       mastodon_acct(a.acct, coalesce(a.url, a.uri)) AS acct,
       CASE WHEN json_type(item) <> 'OBJECT' THEN 'expected an Account object, got ' || mastodon_kind(item)
            WHEN a.acct IS NULL THEN 'missing acct'
            WHEN mastodon_acct(a.acct, coalesce(a.url, a.uri)) IS NULL
                THEN 'cannot tell the instance of account ' || a.acct || ': it has no "@host" and no url'
       END AS problem
FROM parsed;

INSERT INTO stage_rejects (line_no, reason, raw)
SELECT line_no, coalesce(place || ': ', '') || problem, item::VARCHAR
FROM mastodon_list_accounts WHERE problem IS NOT NULL;

DELETE FROM mastodon_list_accounts WHERE problem IS NOT NULL;

-- Every account observation of the file. local_id is the serving instance's id (NULL when unknown);
-- is_local: the serving instance gave acct without a host (the account lives there).
CREATE OR REPLACE TEMP TABLE mastodon_seen AS
SELECT a.id AS local_id, acct, NOT contains(ltrim(a.acct, '@'), '@') AS is_local, a.username,
       a.uri AS ap_uri, a.display_name, a.followers_count, a.following_count, a.statuses_count,
       try_cast(a.created_at AS TIMESTAMPTZ) AS created_at,
       try_cast(a.last_status_at AS TIMESTAMPTZ) AS seen_at, true AS full_entity
FROM mastodon_list_accounts
UNION ALL
SELECT account.id, acct, NOT contains(ltrim(account.acct, '@'), '@'), account.username,
       account.uri, account.display_name, account.followers_count, account.following_count,
       account.statuses_count, try_cast(account.created_at AS TIMESTAMPTZ),
       -- counters are as of retrieval; the newest of the account's last_status_at and this status bounds it
       greatest(try_cast(account.last_status_at AS TIMESTAMPTZ), created_at), true
FROM mastodon_statuses
UNION ALL
SELECT m.id, mastodon_acct(m.acct, m.url), NOT contains(ltrim(m.acct, '@'), '@'), m.username,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, false
FROM (SELECT unnest(mentions) AS m FROM mastodon_statuses)
WHERE mastodon_acct(m.acct, m.url) IS NOT NULL;

-- Local account id -> account, where the file is unambiguous about it.
CREATE OR REPLACE TEMP TABLE mastodon_account_ids AS
SELECT local_id, min(acct) AS acct, bool_or(is_local) AS is_local, min(username) AS username,
       min(ap_uri) AS ap_uri
FROM mastodon_seen
WHERE local_id IS NOT NULL
GROUP BY local_id
HAVING count(DISTINCT lower(acct)) = 1;

-- Local status id -> post id and author, where unambiguous.
CREATE OR REPLACE TEMP TABLE mastodon_status_ids AS
SELECT local_id, min(uri) AS uri, min(acct) AS acct
FROM mastodon_statuses
GROUP BY local_id
HAVING count(DISTINCT uri) = 1;

-- Replies: whom the status answers. The status's own mentions first (the reply names the account it
-- answers), then the file's accounts, then the author of the parent status when the file holds it.
CREATE OR REPLACE TEMP TABLE mastodon_replies AS
WITH own_mention AS (
    SELECT s.sid, any_value(mastodon_acct(m.acct, m.url)) AS acct,
           any_value(NOT contains(ltrim(m.acct, '@'), '@')) AS is_local, any_value(m.username) AS username
    FROM (SELECT sid, in_reply_to_account_id, unnest(mentions) AS m FROM mastodon_statuses
          WHERE in_reply_to_account_id IS NOT NULL) AS s
    WHERE s.m.id = s.in_reply_to_account_id
    GROUP BY s.sid
)
SELECT s.sid,
       coalesce(o.acct, CASE WHEN s.account.id = s.in_reply_to_account_id THEN s.acct END, k.acct, p.acct) AS target_acct,
       p.uri AS parent_uri,
       -- a parent outside the file: Mastodon's status URI is <account uri>/statuses/<id> for the
       -- instance's own accounts, the only ones whose status ids the instance shares
       CASE WHEN coalesce(o.is_local, k.is_local) THEN
                coalesce(k.ap_uri,
                         'https://' || split_part(coalesce(o.acct, k.acct), '@', -1) || '/users/'
                         || coalesce(o.username, k.username))
                || '/statuses/' || s.in_reply_to_id END AS built_parent_uri
FROM mastodon_statuses AS s
LEFT JOIN own_mention AS o ON o.sid = s.sid
LEFT JOIN mastodon_account_ids AS k ON k.local_id = s.in_reply_to_account_id
LEFT JOIN mastodon_status_ids AS p ON p.local_id = s.in_reply_to_id
-- in_reply_to_id alone is NULL when the parent was deleted: still a reply to in_reply_to_account_id
WHERE s.in_reply_to_id IS NOT NULL OR s.in_reply_to_account_id IS NOT NULL;

-- name: mastodon_stage
-- Fill stage_accounts, stage_posts and stage_interactions from the normalised statuses and accounts.
INSERT INTO stage_accounts (account_id, platform, handle, display_name, followers, following, posts_count,
                            created_at, is_focal, seen_at)
SELECT $platform || ':' || lower(acct), $platform, acct, display_name, followers_count, following_count,
       statuses_count, created_at, false, seen_at
FROM mastodon_seen;

-- Authors of statuses named only by URL in a reblogged_by/favourited_by wrapper.
CREATE OR REPLACE TEMP TABLE mastodon_subjects AS
WITH url_status AS (
    SELECT line_no, doc ->> 'status' AS url,
           regexp_extract(doc ->> 'status', '^https?://([^/]+)/@([^/@]+)(?:@([^/]+))?/([^/?#]+)/?$',
                          ['host', 'user', 'domain', 'id']) AS web,
           regexp_extract(doc ->> 'status', '^https?://([^/]+)/users/([^/]+)/statuses/([^/?#]+)/?$',
                          ['host', 'user', 'id']) AS ap
    FROM mastodon_good_wrappers WHERE json_type(doc -> 'status') = 'VARCHAR'
)
SELECT line_no,
       CASE WHEN web.user <> '' THEN web.user || '@' || lower(coalesce(nullif(web.domain, ''), web.host))
            WHEN ap.user <> '' THEN ap.user || '@' || lower(ap.host) END AS acct,
       CASE WHEN web.user <> '' AND web.domain = '' THEN 'https://' || web.host || '/users/' || web.user || '/statuses/' || web.id
            WHEN ap.user <> '' THEN url
            WHEN web.user <> '' THEN url END AS uri
FROM url_status
UNION ALL
SELECT line_no, acct, uri FROM mastodon_statuses WHERE depth = 0 AND place = 'status'
UNION ALL
SELECT line_no, acct, NULL FROM mastodon_list_accounts WHERE role = 'account' AND place = 'account';

INSERT INTO stage_rejects (line_no, reason)
SELECT line_no, 'status: cannot read the status URL ' || (doc ->> 'status')
       || ' (expected https://host/@user/ID or https://host/users/user/statuses/ID)'
FROM mastodon_good_wrappers
WHERE json_type(doc -> 'status') = 'VARCHAR'
  AND line_no NOT IN (SELECT line_no FROM mastodon_subjects WHERE acct IS NOT NULL);

INSERT INTO stage_accounts (account_id, platform, handle, is_focal)
SELECT $platform || ':' || lower(acct), $platform, acct, false
FROM mastodon_subjects WHERE acct IS NOT NULL;

INSERT INTO stage_posts (post_id, platform, author_id, created_at, text, lang, parent_post_id, conversation_id,
                         channel, kind, like_count, share_count, reply_count, quote_count, collected, line_no)
SELECT $platform || ':' || s.uri, $platform, $platform || ':' || lower(s.acct), s.created_at, s.content, s.language,
       $platform || ':' || coalesce(r.parent_uri, r.built_parent_uri), NULL, NULL,
       CASE WHEN s.reblog IS NOT NULL AND s.reblog.uri IS NOT NULL THEN 'share'
            WHEN s.in_reply_to_id IS NOT NULL OR s.in_reply_to_account_id IS NOT NULL THEN 'reply'
            WHEN s.quote.quoted_status.uri IS NOT NULL OR s.quote.account.acct IS NOT NULL
                 OR (s.quote.quoted_status_id IS NOT NULL AND coalesce(s.quote.state, 'accepted') = 'accepted')
                THEN 'quote'
            ELSE 'post' END,
       s.favourites_count, s.reblogs_count, s.replies_count, s.quotes_count, s.depth = 0, s.line_no
FROM mastodon_statuses AS s
LEFT JOIN mastodon_replies AS r ON r.sid = s.sid;

-- Links and hashtags (workbench/ingest/entities.py): the status's tags; the href of each link of the
-- HTML content that is not a mention or a hashtag (Mastodon marks both with the class "mention"); the
-- URL of its preview card.
INSERT INTO stage_post_entities (post_id, entity, value)
SELECT DISTINCT $platform || ':' || uri, 'hashtag', lower(tag.name)
FROM (SELECT uri, unnest(tags) AS tag FROM mastodon_statuses WHERE tags IS NOT NULL)
WHERE coalesce(tag.name, '') <> ''
UNION ALL
SELECT DISTINCT $platform || ':' || uri, 'link', replace(regexp_extract(anchor, 'href="([^"]+)"', 1), '&amp;', '&')
FROM (SELECT uri, unnest(regexp_extract_all(content, '<a\s[^>]*>')) AS anchor
      FROM mastodon_statuses WHERE content IS NOT NULL AND contains(content, '<a'))
WHERE regexp_matches(anchor, 'href="https?://') AND NOT regexp_matches(anchor, 'class="[^"]*\bmention\b')
UNION ALL
SELECT DISTINCT $platform || ':' || uri, 'link', card.url
FROM mastodon_statuses WHERE regexp_matches(card.url, '^https?://');

-- Replies (author -> the account answered).
INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT $platform || ':' || lower(s.acct), $platform || ':' || lower(r.target_acct), 'reply',
       $platform || ':' || s.uri, s.created_at, $platform
FROM mastodon_statuses AS s JOIN mastodon_replies AS r ON r.sid = s.sid
WHERE s.depth = 0;

-- Mentions (author -> each mentioned account), except the mention of the account a reply answers,
-- which Mastodon clients insert on their own (the auto-mention of a reply is not a mention, as for Twitter replies).
INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT $platform || ':' || lower(t.acct), $platform || ':' || lower(mastodon_acct(t.mention.acct, t.mention.url)),
       'mention', $platform || ':' || t.uri, t.created_at, $platform
FROM (SELECT sid, acct, uri, created_at, unnest(mentions) AS mention FROM mastodon_statuses WHERE depth = 0) AS t
LEFT JOIN mastodon_replies AS r ON r.sid = t.sid
WHERE r.target_acct IS NULL
   OR lower(mastodon_acct(t.mention.acct, t.mention.url)) IS DISTINCT FROM lower(r.target_acct);

-- Reblogs (booster -> author of the reblogged status); post_id is the reblogged status, as for
-- reblogged_by lists, so that the same boost seen both ways is one interaction.
INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT $platform || ':' || lower(acct),
       $platform || ':' || lower(mastodon_acct(reblog.account.acct, coalesce(reblog.account.url, reblog.account.uri))),
       'share', $platform || ':' || reblog.uri, created_at, $platform
FROM mastodon_statuses
WHERE depth = 0 AND reblog IS NOT NULL AND reblog.uri IS NOT NULL;

-- Quotes (author -> author of the quoted status).
INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT $platform || ':' || lower(s.acct),
       $platform || ':' || lower(coalesce(
           mastodon_acct(s.quote.quoted_status.account.acct,
                         coalesce(s.quote.quoted_status.account.url, s.quote.quoted_status.account.uri)),
           mastodon_acct(s.quote.account.acct, coalesce(s.quote.account.url, s.quote.account.uri)),
           q.acct)),
       'quote', $platform || ':' || s.uri, s.created_at, $platform
FROM mastodon_statuses AS s
LEFT JOIN mastodon_status_ids AS q ON q.local_id = s.quote.quoted_status_id
WHERE s.depth = 0
  AND (s.quote.quoted_status.uri IS NOT NULL OR s.quote.account.acct IS NOT NULL
       OR (s.quote.quoted_status_id IS NOT NULL AND coalesce(s.quote.state, 'accepted') = 'accepted'));

-- Wrapper lists: boosters and favouriters act on the status author; followers follow the account;
-- the account follows each account of its following list.
INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT $platform || ':' || lower(CASE WHEN a.role = 'following' THEN w.acct ELSE a.acct END),
       $platform || ':' || lower(CASE WHEN a.role = 'following' THEN a.acct ELSE w.acct END),
       CASE a.role WHEN 'reblogged_by' THEN 'share' WHEN 'favourited_by' THEN 'like' ELSE 'follow' END,
       CASE WHEN a.role IN ('reblogged_by', 'favourited_by') THEN $platform || ':' || w.uri END,
       NULL, $platform
FROM mastodon_list_accounts AS a
LEFT JOIN (SELECT line_no, any_value(acct) AS acct, any_value(uri) AS uri FROM mastodon_subjects
           WHERE acct IS NOT NULL GROUP BY line_no) AS w ON w.line_no = a.line_no
WHERE a.role IN ('reblogged_by', 'favourited_by', 'followers', 'following');

-- name: mastodon_records
-- Records read: every status, account or list member of the file, plus the lines that held none.
SELECT (SELECT count(*) FROM mastodon_items)
     + (SELECT count(*) FROM mastodon_shapes WHERE shape IN ('invalid', 'scalar', 'unknown'))
     + (SELECT count(*) FROM mastodon_good_wrappers WHERE json_type(doc -> 'status') = 'VARCHAR')
     + (SELECT count(*) FROM mastodon_shapes WHERE shape = 'wrapper')
     - (SELECT count(*) FROM mastodon_good_wrappers) AS records;

-- name: mastodon_cleanup
-- Drop the temp tables of a Mastodon load.
DROP TABLE IF EXISTS mastodon_docs;
DROP TABLE IF EXISTS mastodon_shapes;
DROP TABLE IF EXISTS mastodon_good_wrappers;
DROP TABLE IF EXISTS mastodon_items;
DROP TABLE IF EXISTS mastodon_status_json;
DROP TABLE IF EXISTS mastodon_statuses;
DROP TABLE IF EXISTS mastodon_list_accounts;
DROP TABLE IF EXISTS mastodon_seen;
DROP TABLE IF EXISTS mastodon_account_ids;
DROP TABLE IF EXISTS mastodon_status_ids;
DROP TABLE IF EXISTS mastodon_replies;
DROP TABLE IF EXISTS mastodon_subjects;
