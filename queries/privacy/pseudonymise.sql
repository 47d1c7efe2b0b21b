-- name: macros
-- The keyed hash as temporary macros of this connection (HMAC-SHA256, RFC 2104); the key is never part of them: each statement binds its pads.
CREATE OR REPLACE TEMP MACRO wb_keyed_hex(inner_pad, outer_pad, kind, value) AS
    sha256(outer_pad || unhex(sha256(inner_pad || encode(kind || ':' || value))));
-- prefix + the first 12 hex digits (privacy.keys.DIGEST_CHARS)
CREATE OR REPLACE TEMP MACRO wb_token(inner_pad, outer_pad, kind, prefix, value) AS
    CASE WHEN value IS NULL THEN NULL
         ELSE prefix || left(wb_keyed_hex(inner_pad, outer_pad, kind, value), 12) END;
-- a qualified id keeps its platform: twitter:783214 -> twitter:u_3f9a0c...
CREATE OR REPLACE TEMP MACRO wb_qualified(inner_pad, outer_pad, kind, prefix, value) AS
    CASE WHEN value IS NULL THEN NULL
         WHEN contains(value, ':') THEN split_part(value, ':', 1) || ':' || wb_token(inner_pad, outer_pad, kind, prefix, value)
         ELSE wb_token(inner_pad, outer_pad, kind, prefix, value) END;
-- two significant digits: 1,096,307 -> 1,100,000; below 100 a count says little and stays
CREATE OR REPLACE TEMP MACRO wb_rounded(n) AS
    CASE WHEN n IS NULL OR abs(n) < 100 THEN n
         ELSE round(n, (1 - floor(log10(abs(n))))::INTEGER)::BIGINT END;

-- name: strings
-- Every distinct free text that the pseudonymiser must read: post texts, channels, reject reasons, load messages, campaign names, notes and hashtags, attribute values, the links and hashtags of posts.
SELECT text AS raw FROM posts WHERE text IS NOT NULL
UNION SELECT channel FROM posts WHERE channel IS NOT NULL
UNION SELECT reason FROM rejects WHERE reason IS NOT NULL
UNION SELECT message FROM loads WHERE message IS NOT NULL
UNION SELECT name FROM campaigns
UNION SELECT note FROM campaigns WHERE note IS NOT NULL
UNION SELECT '#' || unnest(hashtags) FROM campaigns
UNION SELECT value FROM account_attributes
UNION SELECT CASE WHEN entity = 'hashtag' THEN '#' || value ELSE value END FROM post_entities;

-- name: paths
-- Every distinct path of a loaded file (loads and rejects).
SELECT path FROM loads UNION SELECT path FROM rejects ORDER BY 1;

-- name: accounts
-- The accounts with ids, handles and display names replaced by pseudonyms (display names wholly), counts rounded to two significant digits, creation times to the month.
SELECT wb_qualified($inner_pad, $outer_pad, 'account', 'u_', account_id) AS account_id,
       platform,
       wb_token($inner_pad, $outer_pad, 'account', 'u_', account_id) AS handle,
       CASE WHEN display_name IS NULL THEN NULL
            ELSE wb_token($inner_pad, $outer_pad, 'account', 'u_', account_id) END AS display_name,
       wb_rounded(followers) AS followers,
       wb_rounded(following) AS following,
       wb_rounded(posts_count) AS posts_count,
       date_trunc('month', created_at) AS created_at,
       is_focal,
       date_trunc('day', seen_at) AS seen_at
FROM accounts;

-- name: posts
-- The posts with post, author, parent and conversation ids pseudonymised and texts and channels as the pseudonymiser wrote them (registered privacy_strings(raw, shown)).
SELECT wb_qualified($inner_pad, $outer_pad, 'post', 'p_', p.post_id) AS post_id,
       p.platform,
       wb_qualified($inner_pad, $outer_pad, 'account', 'u_', p.author_id) AS author_id,
       p.created_at,
       t.shown AS text,
       p.lang,
       wb_qualified($inner_pad, $outer_pad, 'post', 'p_', p.parent_post_id) AS parent_post_id,
       wb_qualified($inner_pad, $outer_pad, 'post', 'p_', p.conversation_id) AS conversation_id,
       c.shown AS channel,
       p.kind, p.like_count, p.share_count, p.reply_count, p.quote_count, p.collected, p.load_id
FROM posts p
LEFT JOIN privacy_strings t ON t.raw = p.text
LEFT JOIN privacy_strings c ON c.raw = p.channel;

-- name: interactions
-- The interactions with both accounts and the post pseudonymised.
SELECT wb_qualified($inner_pad, $outer_pad, 'account', 'u_', source_id) AS source_id,
       wb_qualified($inner_pad, $outer_pad, 'account', 'u_', target_id) AS target_id,
       kind,
       wb_qualified($inner_pad, $outer_pad, 'post', 'p_', post_id) AS post_id,
       created_at, platform, load_id
FROM interactions;

-- name: loads
-- The loads with file names pseudonymised (registered privacy_paths(raw, shown)) and messages as the pseudonymiser wrote them.
SELECT l.load_id, f.shown AS path, l.format, l.sha256, l.bytes, l.started_at, l.finished_at, l.records_read,
       l.records_loaded, l.records_rejected, l.status, l.platform, l.interactions_loaded, l.unresolved,
       m.shown AS message
FROM loads l
LEFT JOIN privacy_paths f ON f.raw = l.path
LEFT JOIN privacy_strings m ON m.raw = l.message;

-- name: rejects
-- The rejects with file names pseudonymised, reasons as the pseudonymiser wrote them and the raw records withheld.
SELECT r.load_id, f.shown AS path, r.line_no, m.shown AS reason, NULL::VARCHAR AS raw
FROM rejects r
LEFT JOIN privacy_paths f ON f.raw = r.path
LEFT JOIN privacy_strings m ON m.raw = r.reason;

-- name: campaigns
-- The decision log with names, notes and hashtags as the pseudonymiser wrote them (a hashtag that names an account is replaced as in the posts).
WITH tags AS (
    SELECT campaign_id, unnest(hashtags) AS tag, generate_subscripts(hashtags, 1) AS position FROM campaigns
), shown_tags AS (
    SELECT t.campaign_id, list(ltrim(coalesce(s.shown, '#' || t.tag), '#') ORDER BY t.position) AS hashtags
    FROM tags t LEFT JOIN privacy_strings s ON s.raw = '#' || t.tag
    GROUP BY t.campaign_id
)
SELECT c.campaign_id, n.shown AS name, c.start_at, c.end_at, coalesce(h.hashtags, []::VARCHAR[]) AS hashtags,
       m.shown AS note, c.source, c.created_at
FROM campaigns c
LEFT JOIN shown_tags h USING (campaign_id)
LEFT JOIN privacy_strings n ON n.raw = c.name
LEFT JOIN privacy_strings m ON m.raw = c.note;

-- name: account_attributes
-- The account attributes with account ids pseudonymised and values as the pseudonymiser wrote them (a label can name an account).
SELECT wb_qualified($inner_pad, $outer_pad, 'account', 'u_', a.account_id) AS account_id, a.name, v.shown AS value,
       a.load_id
FROM account_attributes a
LEFT JOIN privacy_strings v ON v.raw = a.value;

-- name: post_entities
-- The links and hashtags of posts with post ids pseudonymised and values as the pseudonymiser wrote them (a link or a hashtag can name an account).
SELECT wb_qualified($inner_pad, $outer_pad, 'post', 'p_', e.post_id) AS post_id, e.entity,
       CASE WHEN e.entity = 'hashtag' THEN lower(ltrim(v.shown, '#')) ELSE v.shown END AS value, e.load_id
FROM post_entities e
LEFT JOIN privacy_strings v ON v.raw = CASE WHEN e.entity = 'hashtag' THEN '#' || e.value ELSE e.value END;

-- name: insert_post_entities
-- Fill the target workspace's links and hashtags of posts from the registered privacy_rows.
INSERT INTO post_entities BY NAME SELECT * FROM privacy_rows;

-- name: insert_account_attributes
-- Fill the target workspace's account attributes from the registered privacy_rows.
INSERT INTO account_attributes BY NAME SELECT * FROM privacy_rows;

-- name: insert_campaigns
-- Fill the target workspace's decision log from the registered privacy_rows.
INSERT INTO campaigns BY NAME SELECT * FROM privacy_rows;

-- name: insert_accounts
-- Fill the target workspace's accounts from the registered privacy_rows.
INSERT INTO accounts BY NAME SELECT * FROM privacy_rows;

-- name: insert_posts
-- Fill the target workspace's posts from the registered privacy_rows.
INSERT INTO posts BY NAME SELECT * FROM privacy_rows;

-- name: insert_interactions
-- Fill the target workspace's interactions from the registered privacy_rows.
INSERT INTO interactions BY NAME SELECT * FROM privacy_rows;

-- name: insert_loads
-- Fill the target workspace's loads from the registered privacy_rows.
INSERT INTO loads BY NAME SELECT * FROM privacy_rows;

-- name: insert_rejects
-- Fill the target workspace's rejects from the registered privacy_rows.
INSERT INTO rejects BY NAME SELECT * FROM privacy_rows;
