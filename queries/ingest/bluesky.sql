-- Bluesky / AT Protocol (app.bsky) XRPC responses (workbench/ingest/bluesky.py explains the shapes).
-- Account ids: $platform:<did>; post ids: $platform:<at:// uri>. Every statement reads raw_lines or
-- the bluesky_* temp tables built before it and fills the stage tables of the loader contract.

-- name: bluesky_items
-- Parse each raw line and split it into records: feed items, post views, thread posts, notifications, repo records, list members.
-- what a JSON value is, for messages
CREATE OR REPLACE TEMP MACRO bluesky_kind(j) AS
    CASE json_type(j) WHEN 'OBJECT' THEN 'an object' WHEN 'ARRAY' THEN 'an array' WHEN 'VARCHAR' THEN 'a string'
                      WHEN 'BOOLEAN' THEN 'a boolean' WHEN 'NULL' THEN 'null' ELSE 'a number' END;
CREATE OR REPLACE TEMP MACRO bluesky_keys(doc) AS
    CASE WHEN len(json_keys(doc)) = 0 THEN '(none)'
         ELSE array_to_string(list_slice(json_keys(doc), 1, 6), ', ')
              || CASE WHEN len(json_keys(doc)) > 6 THEN ', ...' ELSE '' END END;
-- the repository (account) of an at:// uri: at://did:plc:abc/app.bsky.feed.post/xyz -> did:plc:abc
CREATE OR REPLACE TEMP MACRO bluesky_repo(uri) AS nullif(regexp_extract(uri, '^at://([^/]+)', 1), '');
CREATE OR REPLACE TEMP MACRO bluesky_collection(uri) AS nullif(regexp_extract(uri, '^at://[^/]+/([^/]+)', 1), '');
CREATE OR REPLACE TEMP MACRO bluesky_has(doc, key) AS list_contains(json_keys(doc), key);

CREATE OR REPLACE TEMP TABLE bluesky_docs AS
SELECT line_no, CASE WHEN json_valid(line) THEN line::JSON END AS doc FROM raw_lines;

CREATE OR REPLACE TEMP TABLE bluesky_shapes AS
SELECT line_no, doc,
       CASE
           WHEN doc IS NULL THEN 'invalid'
           WHEN json_type(doc) = 'ARRAY' THEN 'list'
           WHEN json_type(doc) <> 'OBJECT' THEN 'scalar'
           WHEN json_type(doc -> 'feed') = 'ARRAY' THEN 'feed'                    -- getAuthorFeed, getTimeline, getFeed, getListFeed, getActorLikes
           WHEN json_type(doc -> 'posts') = 'ARRAY' THEN 'posts'                  -- searchPosts, getPosts, getQuotes
           WHEN json_type(doc -> 'thread') = 'OBJECT' THEN 'thread'               -- getPostThread
           WHEN json_type(doc -> 'likes') = 'ARRAY' THEN 'likes'                  -- getLikes
           WHEN json_type(doc -> 'repostedBy') = 'ARRAY' THEN 'repostedBy'        -- getRepostedBy
           WHEN json_type(doc -> 'followers') = 'ARRAY' THEN 'followers'          -- getFollowers
           WHEN json_type(doc -> 'follows') = 'ARRAY' THEN 'follows'              -- getFollows
           WHEN json_type(doc -> 'notifications') = 'ARRAY' THEN 'notifications'  -- listNotifications
           WHEN json_type(doc -> 'records') = 'ARRAY' THEN 'records'              -- com.atproto.repo.listRecords
           ELSE 'item'                                                            -- one item per line
       END AS shape
FROM bluesky_docs;

INSERT INTO stage_rejects (line_no, reason)
SELECT line_no,
       CASE shape WHEN 'invalid' THEN 'invalid JSON'
                  ELSE 'expected a JSON object or array, got ' || bluesky_kind(doc) || ': ' || left(doc::VARCHAR, 40) END
FROM bluesky_shapes WHERE shape IN ('invalid', 'scalar');

-- A list response must say whose post or account its members belong to.
INSERT INTO stage_rejects (line_no, reason)
SELECT line_no,
       CASE WHEN shape IN ('likes', 'repostedBy')
            THEN 'a ' || shape || ' list needs "uri": the at:// uri of the post it belongs to'
            ELSE 'a ' || shape || ' list needs "subject": the profile it belongs to' END
FROM bluesky_shapes
WHERE (shape IN ('likes', 'repostedBy') AND NOT starts_with(coalesce(doc ->> 'uri', ''), 'at://'))
   OR (shape IN ('followers', 'follows') AND coalesce(doc -> 'subject' ->> 'did', '') = '');

CREATE OR REPLACE TEMP TABLE bluesky_lists AS
SELECT line_no, doc, shape,
       CASE WHEN shape IN ('likes', 'repostedBy') THEN doc ->> 'uri' END AS subject_uri,
       CASE WHEN shape IN ('followers', 'follows') THEN doc -> 'subject' END AS subject_profile
FROM bluesky_shapes
WHERE shape NOT IN ('invalid', 'scalar')
  AND line_no NOT IN (SELECT line_no FROM stage_rejects WHERE line_no IS NOT NULL);

-- getPostThread: the anchor post, its parents (up) and its replies (down), to any depth.
CREATE OR REPLACE TEMP TABLE bluesky_thread_nodes AS
WITH RECURSIVE nodes(line_no, node, direction, depth, path) AS (
    SELECT line_no, doc -> 'thread', 'anchor', 0, 'thread'
    FROM bluesky_lists WHERE shape = 'thread'
    UNION ALL
    SELECT line_no, child.node, child.direction, depth + 1, path || child.step
    FROM (SELECT n.line_no, n.depth, n.path,
                 unnest(list_concat(
                     CASE WHEN n.direction IN ('anchor', 'up') AND json_type(n.node -> 'parent') = 'OBJECT'
                          THEN [{'node': n.node -> 'parent', 'direction': 'up', 'step': '.parent'}] ELSE [] END,
                     CASE WHEN n.direction IN ('anchor', 'down')
                          THEN list_transform(coalesce(json_extract(n.node, '$.replies[*]'), []),
                                              lambda x, i: {'node': x, 'direction': 'down', 'step': '.replies[' || i || ']'})
                          ELSE [] END)) AS child
          FROM nodes AS n WHERE n.depth < 1000)
)
SELECT line_no, node, path FROM nodes;

-- One row per record; role says what it is, place names it in messages.
CREATE OR REPLACE TEMP TABLE bluesky_items AS
WITH arrays AS (
    -- unnested in the select list from a subquery without the document: a lateral join would carry
    -- the whole document along with each of its elements
    SELECT line_no, shape,
           CASE shape
               WHEN 'list' THEN json_extract(doc, '$[*]')
               WHEN 'feed' THEN json_extract(doc, '$.feed[*]')
               WHEN 'posts' THEN json_extract(doc, '$.posts[*]')
               WHEN 'likes' THEN json_extract(doc, '$.likes[*]')
               WHEN 'repostedBy' THEN json_extract(doc, '$.repostedBy[*]')
               WHEN 'followers' THEN json_extract(doc, '$.followers[*]')
               WHEN 'follows' THEN json_extract(doc, '$.follows[*]')
               WHEN 'notifications' THEN json_extract(doc, '$.notifications[*]')
               WHEN 'records' THEN json_extract(doc, '$.records[*]')
           END AS items
    FROM bluesky_lists WHERE shape NOT IN ('thread', 'item')
),
elements AS (
    SELECT line_no, shape, unnest(items) AS item, generate_subscripts(items, 1) AS pos FROM arrays
    UNION ALL
    SELECT line_no, shape, doc, NULL FROM bluesky_lists WHERE shape = 'item'
),
typed AS (
    SELECT e.line_no, CASE WHEN e.pos IS NOT NULL THEN e.shape || ' item ' || e.pos END AS place, e.item,
           CASE
               WHEN e.shape IN ('likes', 'repostedBy', 'followers', 'follows') THEN e.shape
               WHEN json_type(e.item) <> 'OBJECT' THEN 'bad'
               WHEN e.shape = 'feed' OR bluesky_has(e.item, 'post') THEN 'feed_item'
               WHEN e.shape = 'notifications' OR (bluesky_has(e.item, 'reason') AND bluesky_has(e.item, 'isRead'))
                   THEN 'notification'
               WHEN e.shape = 'records' OR (bluesky_has(e.item, 'value') AND NOT bluesky_has(e.item, 'author')) THEN 'record'
               WHEN e.shape = 'posts' OR (bluesky_has(e.item, 'record') AND (bluesky_has(e.item, 'uri') OR bluesky_has(e.item, 'author')))
                   THEN 'post'
               ELSE 'bad'
           END AS role,
           l.subject_uri, l.subject_profile
    FROM elements AS e JOIN bluesky_lists AS l ON l.line_no = e.line_no
)
SELECT * FROM typed
UNION ALL
SELECT line_no, path, node -> 'post', 'post', NULL, NULL
FROM bluesky_thread_nodes WHERE json_type(node -> 'post') = 'OBJECT';  -- notFoundPost / blockedPost nodes hold none

INSERT INTO stage_rejects (line_no, reason, raw)
SELECT line_no, coalesce(place || ': ', '')
       || CASE WHEN json_type(item) = 'OBJECT'
               THEN 'expected an app.bsky response (feed, posts, thread, likes, repostedBy, followers, follows, '
                    || 'notifications, records), a feed item or a post view; got an object with keys ' || bluesky_keys(item)
               ELSE 'expected an object, got ' || bluesky_kind(item) END,
       item::VARCHAR
FROM bluesky_items WHERE role = 'bad';

-- name: bluesky_views
-- Normalise every record that has a uri, an author and an app.bsky record (collected or context).
CREATE OR REPLACE TEMP TABLE bluesky_view_json AS
-- collected: feed posts, post views, thread posts, notifications, repo records
SELECT line_no, place, role, true AS collected,
       CASE WHEN role = 'feed_item' THEN item -> 'post' ELSE item END AS view
FROM bluesky_items WHERE role IN ('feed_item', 'post', 'notification', 'record')
UNION ALL
-- context: the root and parent a feed item shows with a reply
SELECT line_no, place, 'context', false, item -> 'reply' -> 'root' FROM bluesky_items
WHERE role = 'feed_item' AND json_type(item -> 'reply' -> 'root' -> 'author') = 'OBJECT'
UNION ALL
SELECT line_no, place, 'context', false, item -> 'reply' -> 'parent' FROM bluesky_items
WHERE role = 'feed_item' AND json_type(item -> 'reply' -> 'parent' -> 'author') = 'OBJECT';

-- context: quoted posts shown inside views (app.bsky.embed.record#view, recordWithMedia#view)
INSERT INTO bluesky_view_json
SELECT line_no, place, 'embed', false,
       CASE WHEN json_type(view -> 'embed' -> 'record' -> 'record' -> 'author') = 'OBJECT'
            THEN view -> 'embed' -> 'record' -> 'record' ELSE view -> 'embed' -> 'record' END
FROM bluesky_view_json
WHERE json_type(view -> 'embed' -> 'record' -> 'author') = 'OBJECT'
   OR json_type(view -> 'embed' -> 'record' -> 'record' -> 'author') = 'OBJECT';

CREATE OR REPLACE TEMP TABLE bluesky_views AS
WITH parsed AS (
    SELECT line_no, place, role, collected, view,
           json_transform(view, '{
             "uri": "VARCHAR", "indexedAt": "VARCHAR",
             "author": {"did": "VARCHAR", "handle": "VARCHAR", "displayName": "VARCHAR",
                        "followersCount": "BIGINT", "followsCount": "BIGINT", "postsCount": "BIGINT",
                        "createdAt": "VARCHAR"},
             "replyCount": "BIGINT", "repostCount": "BIGINT", "likeCount": "BIGINT", "quoteCount": "BIGINT"
           }') AS v,
           CASE WHEN json_type(view -> 'record') = 'OBJECT' THEN view -> 'record'
                WHEN json_type(view -> 'value') = 'OBJECT' THEN view -> 'value' END AS record_json
    FROM bluesky_view_json
)
SELECT row_number() OVER () AS vid, line_no, place, role, collected, view, v.uri,
       coalesce(v.author.did, CASE WHEN role = 'record' AND starts_with(bluesky_repo(v.uri), 'did:') THEN bluesky_repo(v.uri) END) AS did,
       v.author, v.replyCount, v.repostCount, v.likeCount, v.quoteCount,
       try_cast(v.indexedAt AS TIMESTAMPTZ) AS indexed_at,
       json_transform(record_json, '{
         "$type": "VARCHAR", "text": "VARCHAR", "createdAt": "VARCHAR", "langs": ["VARCHAR"],
         "reply": {"root": {"uri": "VARCHAR"}, "parent": {"uri": "VARCHAR"}},
         "embed": {"$type": "VARCHAR", "record": {"uri": "VARCHAR", "record": {"uri": "VARCHAR"}},
                   "external": {"uri": "VARCHAR"}, "media": {"external": {"uri": "VARCHAR"}}},
         "facets": [{"features": [{"$type": "VARCHAR", "did": "VARCHAR", "uri": "VARCHAR", "tag": "VARCHAR"}]}],
         "subject": {"uri": "VARCHAR"}
       }') AS r,
       CASE WHEN json_type(record_json -> 'subject') = 'VARCHAR' THEN record_json ->> 'subject' END AS subject_did,
       CASE
           WHEN json_type(view) <> 'OBJECT' THEN 'expected a post view object, got ' || coalesce(bluesky_kind(view), 'nothing')
           WHEN v.uri IS NULL THEN 'missing uri'
           WHEN NOT starts_with(v.uri, 'at://') THEN 'uri is not an at:// uri: ' || left(v.uri, 80)
           WHEN coalesce(v.author.did, CASE WHEN role = 'record' AND starts_with(bluesky_repo(v.uri), 'did:') THEN bluesky_repo(v.uri) END) IS NULL
               THEN 'missing author.did'
           WHEN record_json IS NULL THEN 'missing ' || CASE WHEN role = 'record' THEN 'value' ELSE 'record' END
       END AS problem
FROM parsed;

INSERT INTO stage_rejects (line_no, reason, raw)
SELECT line_no, coalesce(place || ': ', '') || CASE WHEN role = 'feed_item' AND json_type(view) IS NULL THEN 'missing post'
                                                     ELSE problem END,
       view::VARCHAR
FROM bluesky_views WHERE collected AND problem IS NOT NULL;

-- a rejected record brings no context either
DELETE FROM bluesky_views AS v
WHERE NOT v.collected
  AND EXISTS (SELECT 1 FROM bluesky_views AS bad
              WHERE bad.collected AND bad.problem IS NOT NULL
                AND bad.line_no = v.line_no AND bad.place IS NOT DISTINCT FROM v.place);

DELETE FROM bluesky_views WHERE problem IS NOT NULL;

ALTER TABLE bluesky_views ADD COLUMN created_at TIMESTAMPTZ;
UPDATE bluesky_views SET created_at = coalesce(try_cast(r.createdAt AS TIMESTAMPTZ), indexed_at);

-- Members of getLikes / getRepostedBy / getFollowers / getFollows lists.
CREATE OR REPLACE TEMP TABLE bluesky_members AS
WITH parsed AS (
    SELECT line_no, place, role, item, subject_uri,
           json_transform(subject_profile, '{"did": "VARCHAR", "handle": "VARCHAR", "displayName": "VARCHAR",
                          "followersCount": "BIGINT", "followsCount": "BIGINT", "postsCount": "BIGINT",
                          "createdAt": "VARCHAR"}') AS subject,
           json_transform(CASE WHEN role = 'likes' THEN item -> 'actor' ELSE item END,
                          '{"did": "VARCHAR", "handle": "VARCHAR", "displayName": "VARCHAR",
                            "followersCount": "BIGINT", "followsCount": "BIGINT", "postsCount": "BIGINT",
                            "createdAt": "VARCHAR"}') AS profile,
           try_cast(CASE WHEN role = 'likes' THEN coalesce(item ->> 'createdAt', item ->> 'indexedAt') END AS TIMESTAMPTZ) AS acted_at
    FROM bluesky_items WHERE role IN ('likes', 'repostedBy', 'followers', 'follows')
)
SELECT *, CASE WHEN json_type(item) <> 'OBJECT' THEN 'expected an object, got ' || bluesky_kind(item)
               WHEN profile.did IS NULL THEN CASE WHEN role = 'likes' THEN 'missing actor.did' ELSE 'missing did' END
          END AS problem
FROM parsed;

INSERT INTO stage_rejects (line_no, reason, raw)
SELECT line_no, place || ': ' || problem, item::VARCHAR FROM bluesky_members WHERE problem IS NOT NULL;

DELETE FROM bluesky_members WHERE problem IS NOT NULL;

-- name: bluesky_stage
-- Fill stage_accounts, stage_posts and stage_interactions from the normalised views and list members.
-- Profiles are as of retrieval; the newest time in the file is the best lower bound for it.
CREATE OR REPLACE TEMP TABLE bluesky_file_time AS
SELECT greatest((SELECT max(greatest(indexed_at, created_at)) FROM bluesky_views),
                (SELECT max(acted_at) FROM bluesky_members)) AS seen_at;

INSERT INTO stage_accounts (account_id, platform, handle, display_name, followers, following, posts_count,
                            created_at, is_focal, seen_at)
SELECT $platform || ':' || p.did, $platform, p.handle, p.displayName, p.followersCount, p.followsCount,
       p.postsCount, try_cast(p.createdAt AS TIMESTAMPTZ), false, (SELECT seen_at FROM bluesky_file_time)
FROM (SELECT author AS p FROM bluesky_views WHERE author.did IS NOT NULL
      UNION ALL SELECT profile FROM bluesky_members
      UNION ALL SELECT subject FROM bluesky_members WHERE subject.did IS NOT NULL
      UNION ALL SELECT json_transform(item -> 'reason' -> 'by', '{"did": "VARCHAR", "handle": "VARCHAR",
                           "displayName": "VARCHAR", "followersCount": "BIGINT", "followsCount": "BIGINT",
                           "postsCount": "BIGINT", "createdAt": "VARCHAR"}')
                FROM bluesky_items WHERE role = 'feed_item' AND (item -> 'reason' -> 'by' ->> 'did') IS NOT NULL);

-- Authors named only in records (repo records without a profile): the did alone.
INSERT INTO stage_accounts (account_id, platform, is_focal)
SELECT DISTINCT $platform || ':' || did, $platform, false FROM bluesky_views WHERE author.did IS NULL;

-- Handles of the file, to resolve the rare at:// uri written with a handle instead of a did.
CREATE OR REPLACE TEMP TABLE bluesky_handles AS
SELECT handle, min(did) AS did FROM (
    SELECT author.handle AS handle, author.did AS did FROM bluesky_views
    UNION ALL SELECT profile.handle, profile.did FROM bluesky_members
) WHERE handle IS NOT NULL AND did IS NOT NULL
GROUP BY handle HAVING count(DISTINCT did) = 1;

CREATE OR REPLACE TEMP MACRO bluesky_uri_did(uri) AS
    CASE WHEN starts_with(bluesky_repo(uri), 'did:') THEN bluesky_repo(uri)
         ELSE (SELECT h.did FROM bluesky_handles AS h WHERE h.handle = bluesky_repo(uri)) END;

CREATE OR REPLACE TEMP TABLE bluesky_posts AS
SELECT *,
       CASE WHEN r."embed"."$type" = 'app.bsky.embed.record' THEN r."embed"."record".uri
            WHEN r."embed"."$type" = 'app.bsky.embed.recordWithMedia' THEN r."embed"."record"."record".uri
       END AS embedded_uri
FROM bluesky_views
WHERE r."$type" = 'app.bsky.feed.post';

INSERT INTO stage_posts (post_id, platform, author_id, created_at, text, lang, parent_post_id, conversation_id,
                         channel, kind, like_count, share_count, reply_count, quote_count, collected, line_no)
SELECT $platform || ':' || uri, $platform, $platform || ':' || did, created_at, r.text, r.langs[1],
       $platform || ':' || r.reply.parent.uri, $platform || ':' || coalesce(r.reply.root.uri, uri), NULL,
       CASE WHEN r.reply.parent.uri IS NOT NULL THEN 'reply'
            WHEN bluesky_collection(embedded_uri) = 'app.bsky.feed.post' THEN 'quote'
            ELSE 'post' END,
       likeCount, repostCount, replyCount, quoteCount, collected, line_no
FROM bluesky_posts;

-- Links and hashtags (workbench/ingest/entities.py): the facets' #link URIs and #tag tags, and the URI
-- of an external embed (a link card, also beside media).
INSERT INTO stage_post_entities (post_id, entity, value)
SELECT DISTINCT $platform || ':' || uri,
       CASE WHEN feature."$type" = 'app.bsky.richtext.facet#link' THEN 'link' ELSE 'hashtag' END,
       CASE WHEN feature."$type" = 'app.bsky.richtext.facet#link' THEN feature.uri ELSE lower(feature.tag) END
FROM (SELECT uri, unnest(facet.features) AS feature
      FROM (SELECT uri, unnest(r.facets) AS facet FROM bluesky_posts WHERE r.facets IS NOT NULL))
WHERE (feature."$type" = 'app.bsky.richtext.facet#link' AND regexp_matches(feature.uri, '^https?://'))
   OR (feature."$type" = 'app.bsky.richtext.facet#tag' AND coalesce(feature.tag, '') <> '')
UNION ALL
SELECT DISTINCT $platform || ':' || uri, 'link', coalesce(r."embed".external.uri, r."embed".media.external.uri)
FROM bluesky_posts
WHERE regexp_matches(coalesce(r."embed".external.uri, r."embed".media.external.uri), '^https?://');

-- Replies: author -> author of the parent post (the repository of its uri).
INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT $platform || ':' || did, $platform || ':' || bluesky_uri_did(r.reply.parent.uri), 'reply',
       $platform || ':' || uri, created_at, $platform
FROM bluesky_posts WHERE collected AND r.reply.parent.uri IS NOT NULL;

-- Mentions: author -> each app.bsky.richtext.facet#mention did.
INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT $platform || ':' || did, $platform || ':' || feature.did, 'mention', $platform || ':' || uri, created_at, $platform
FROM (SELECT did, uri, created_at, unnest(facet.features) AS feature
      FROM (SELECT did, uri, created_at, unnest(r.facets) AS facet FROM bluesky_posts WHERE collected))
WHERE feature."$type" = 'app.bsky.richtext.facet#mention';

-- Quotes: author -> author of the embedded post (app.bsky.embed.record or recordWithMedia).
INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT $platform || ':' || did, $platform || ':' || bluesky_uri_did(embedded_uri), 'quote',
       $platform || ':' || uri, created_at, $platform
FROM bluesky_posts WHERE collected AND bluesky_collection(embedded_uri) = 'app.bsky.feed.post';

-- Reposts in feeds (reason #reasonRepost): reposter -> author of the post, on the reposted post.
INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT $platform || ':' || (i.item -> 'reason' -> 'by' ->> 'did'), $platform || ':' || v.did, 'share',
       $platform || ':' || v.uri,
       try_cast(coalesce(i.item -> 'reason' ->> 'indexedAt', i.item -> 'reason' ->> 'createdAt') AS TIMESTAMPTZ), $platform
FROM bluesky_items AS i
JOIN bluesky_views AS v ON v.line_no = i.line_no AND v.place IS NOT DISTINCT FROM i.place AND v.role = 'feed_item'
WHERE i.role = 'feed_item'
  AND (i.item -> 'reason' ->> '$."$type"') = 'app.bsky.feed.defs#reasonRepost'
  AND (i.item -> 'reason' -> 'by' ->> 'did') IS NOT NULL;

-- Like, repost and follow records (notifications, listRecords): author -> subject's author / subject.
INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT $platform || ':' || did,
       $platform || ':' || CASE WHEN r."$type" = 'app.bsky.graph.follow' THEN subject_did
                                ELSE bluesky_uri_did(r.subject.uri) END,
       CASE r."$type" WHEN 'app.bsky.feed.like' THEN 'like' WHEN 'app.bsky.feed.repost' THEN 'share' ELSE 'follow' END,
       CASE WHEN r."$type" <> 'app.bsky.graph.follow' THEN $platform || ':' || r.subject.uri END,
       created_at, $platform
FROM bluesky_views
WHERE collected AND r."$type" IN ('app.bsky.feed.like', 'app.bsky.feed.repost', 'app.bsky.graph.follow');

-- getLikes / getRepostedBy: each actor -> author of the post; getFollowers / getFollows: follows.
INSERT INTO stage_interactions (source_id, target_id, kind, post_id, created_at, platform)
SELECT $platform || ':' || CASE WHEN role = 'follows' THEN subject.did ELSE profile.did END,
       $platform || ':' || CASE role WHEN 'follows' THEN profile.did WHEN 'followers' THEN subject.did
                                     ELSE bluesky_uri_did(subject_uri) END,
       CASE role WHEN 'likes' THEN 'like' WHEN 'repostedBy' THEN 'share' ELSE 'follow' END,
       CASE WHEN role IN ('likes', 'repostedBy') THEN $platform || ':' || subject_uri END,
       acted_at, $platform
FROM bluesky_members;

-- name: bluesky_records
-- Records read: every feed item, post, thread post, notification, repo record and list member, plus lines that held none.
SELECT (SELECT count(*) FROM bluesky_items)
     + (SELECT count(*) FROM bluesky_shapes WHERE shape IN ('invalid', 'scalar'))
     + (SELECT count(*) FROM bluesky_shapes WHERE shape NOT IN ('invalid', 'scalar'))
     - (SELECT count(*) FROM bluesky_lists) AS records;

-- name: bluesky_cleanup
-- Drop the temp tables of a Bluesky load.
DROP TABLE IF EXISTS bluesky_docs;
DROP TABLE IF EXISTS bluesky_shapes;
DROP TABLE IF EXISTS bluesky_lists;
DROP TABLE IF EXISTS bluesky_thread_nodes;
DROP TABLE IF EXISTS bluesky_items;
DROP TABLE IF EXISTS bluesky_view_json;
DROP TABLE IF EXISTS bluesky_views;
DROP TABLE IF EXISTS bluesky_members;
DROP TABLE IF EXISTS bluesky_file_time;
DROP TABLE IF EXISTS bluesky_handles;
DROP TABLE IF EXISTS bluesky_posts;
