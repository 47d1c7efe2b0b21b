-- name: twitter_stage_common
-- The twitter work tables (tw_posts, tw_accounts, tw_mentions) into the staging tables, resolving targets.
--
-- Both Twitter loaders (twitter-v2: twarc2 JSON and twarc-csv; twitter-v1: classic tweets) fill three
-- work tables with native (unprefixed) ids, and this query does the rest the same way for both:
--   tw_posts    one row per tweet seen: collected or context, its references and resolution hints,
--               its links (expanded URLs) and hashtags
--   tw_accounts one row per user object seen (duplicates allowed), or (id, handle) pairs without counters
--   tw_mentions the mentions of collected tweets, auto-mentions already left out
-- Ids: accounts `<platform>:<user id>`, posts `<platform>:<tweet id>` (Twitter's numeric ids, as strings).
--
-- Kind of a tweet: share (a retweet) before reply before quote; a reply that also quotes is a reply and
-- makes both a reply and a quote interaction. parent_post_id is the replied-to tweet (replies only).
-- A context copy of a tweet that the file also collects adds nothing (the collected copy wins):
-- tw_posts_k, the tweets staged below, leaves it out (tw_posts itself is not changed).
-- (Every statement here runs on DuckDB and, transpiled, on Spark: no UPDATE, DELETE or ALTER.)
CREATE OR REPLACE TEMP TABLE tw_posts_k AS
SELECT p.*,
       CASE WHEN p.retweeted_id IS NOT NULL THEN 'share'
            WHEN p.replied_id IS NOT NULL OR p.in_reply_to_user_id IS NOT NULL THEN 'reply'
            WHEN p.quoted_id IS NOT NULL THEN 'quote'
            ELSE 'post' END AS kind
FROM tw_posts AS p
LEFT JOIN (SELECT DISTINCT id AS collected_id FROM tw_posts WHERE collected AND id IS NOT NULL) AS c
       ON NOT p.collected AND c.collected_id = p.id
WHERE c.collected_id IS NULL;

INSERT INTO stage_posts
SELECT $platform || ':' || id, $platform, $platform || ':' || author_id, created_at, text, lang,
       CASE WHEN kind = 'reply' THEN $platform || ':' || replied_id END,
       $platform || ':' || conversation_id, NULL, kind,
       like_count, share_count, reply_count, quote_count, collected, line_no
FROM tw_posts_k;

-- Links and hashtags of every staged tweet (workbench/ingest/entities.py): the expanded URLs, less the
-- tweet's own photos and videos (twitter.com/<x>/status/<id>/photo/1, or pic.twitter.com as twarc-csv
-- writes them) and the link of the tweet a quote quotes (the quote itself, already an interaction);
-- hashtags in lower case.
INSERT INTO stage_post_entities (post_id, entity, value)
SELECT DISTINCT $platform || ':' || id, 'link', link
FROM (SELECT id, quoted_id, unnest(links) AS link FROM tw_posts_k WHERE links IS NOT NULL)
WHERE regexp_matches(link, '^https?://')
  AND NOT regexp_matches(link, '(?i)^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/\w+/status(?:es)?/\d+/(?:photo|video)/\d+$')
  AND (quoted_id IS NULL
       OR regexp_extract(link, '(?i)^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/\w+/status(?:es)?/(\d+)', 1)
          <> quoted_id)
UNION ALL
SELECT DISTINCT $platform || ':' || id, 'hashtag', lower(tag)
FROM (SELECT id, unnest(hashtags) AS tag FROM tw_posts_k WHERE hashtags IS NOT NULL)
WHERE coalesce(tag, '') <> '';

-- The account of each user id: one row, the newest observation (a page's includes repeat the same users
-- over and over: keeping one row here spares the merge from sorting them all). A row with counters wins
-- over a bare (id, handle) pair observed at the same time.
CREATE OR REPLACE TEMP TABLE tw_account_rows AS
SELECT id,
       arg_max(a, [coalesce(epoch_ms(a.seen_at), -1000000000000000), (a.followers IS NOT NULL)::BIGINT,
                 -- ties (one user seen twice at the same time): the higher counters, so the pick is fixed
                 coalesce(a.posts_count, -1), coalesce(a.followers, -1), coalesce(a.following, -1)]) AS a,
       max(a.handle) AS any_handle
FROM (SELECT id, {'handle': handle, 'display_name': display_name, 'followers': followers, 'following': following,
                  'posts_count': posts_count, 'created_at': created_at, 'seen_at': seen_at} AS a
      FROM tw_accounts WHERE id IS NOT NULL)
GROUP BY id;

CREATE OR REPLACE TEMP TABLE tw_authors AS
SELECT id, min(author_id) AS author_id FROM tw_posts_k WHERE author_id IS NOT NULL GROUP BY id;

-- One row per interaction of a collected tweet. The target is, in this order: the id the record names
-- (in_reply_to_user_id, the retweeted or quoted user, the mention's id), the author of the referenced
-- tweet in this file, then (for the few left) the author of the referenced tweet in an earlier load,
-- and the account whose handle the record names, in this file or an earlier load (tw_handles, below).
CREATE OR REPLACE TEMP TABLE tw_links AS
WITH p AS (SELECT * FROM tw_posts_k WHERE collected),
refs AS (
    SELECT id AS post_id, author_id, created_at, 'share' AS kind, retweeted_id AS ref_id,
           retweeted_author_hint AS hint_id, retweeted_handle_hint AS hint_handle
    FROM p WHERE kind = 'share'
    UNION ALL
    SELECT id, author_id, created_at, 'reply', replied_id, in_reply_to_user_id, in_reply_to_handle
    FROM p WHERE kind = 'reply'
    UNION ALL
    SELECT id, author_id, created_at, 'quote', quoted_id, quoted_author_hint, quoted_handle_hint
    FROM p WHERE kind IN ('reply', 'quote') AND quoted_id IS NOT NULL
    UNION ALL
    SELECT post_id, author_id, created_at, 'mention', NULL, target_hint, handle
    FROM tw_mentions
)
SELECT r.post_id, r.author_id, r.created_at, r.kind, r.ref_id, r.hint_handle,
       coalesce(r.hint_id, a.author_id, substr(c.author_id, length($platform) + 2)) AS target_id
FROM refs AS r
LEFT JOIN tw_authors AS a ON a.id = r.ref_id
LEFT JOIN posts AS c ON c.post_id = $platform || ':' || r.ref_id AND c.author_id IS NOT NULL;

-- Handles we know, from this file and from earlier loads, for the links still without a target.
-- Twitter handles are unique regardless of case; when one handle names several accounts (renames),
-- the newest observation wins.
CREATE OR REPLACE TEMP TABLE tw_handles AS
WITH wanted AS (SELECT DISTINCT lower(hint_handle) AS handle_key FROM tw_links
                WHERE target_id IS NULL AND hint_handle IS NOT NULL)
SELECT handle_key, arg_max(id, [coalesce(epoch_ms(seen_at), -1000000000000000), 0]) AS id
FROM (SELECT lower(coalesce(a.handle, any_handle)) AS handle_key, id, a.seen_at AS seen_at FROM tw_account_rows
      UNION ALL
      SELECT lower(handle), substr(account_id, length($platform) + 2), seen_at FROM accounts
      WHERE platform = $platform AND handle IS NOT NULL AND starts_with(account_id, $platform || ':'))
WHERE handle_key IN (SELECT handle_key FROM wanted)
GROUP BY handle_key;

-- A mention whose handle no id can be found for (twarc-csv's default mention lists are bare "@handle"s)
-- is still a mention: its target is the account `<platform>:@<handle>` (lower case), named by the handle
-- alone. A later load that mentions the same handle without an id reaches the same account.
CREATE OR REPLACE TEMP TABLE tw_links AS
SELECT l.post_id, l.author_id, l.created_at, l.kind, l.ref_id, l.hint_handle,
       coalesce(l.target_id, h.id,
                CASE WHEN l.kind = 'mention' AND coalesce(l.hint_handle, '') <> '' THEN '@' || lower(l.hint_handle) END)
           AS target_id
FROM tw_links AS l
LEFT JOIN tw_handles AS h ON l.target_id IS NULL AND h.handle_key = lower(l.hint_handle);

INSERT INTO stage_interactions
SELECT DISTINCT $platform || ':' || author_id, $platform || ':' || target_id, kind,
       $platform || ':' || post_id, created_at, $platform
FROM tw_links
WHERE target_id IS NOT NULL AND author_id IS NOT NULL;

-- Unresolved: one per (tweet, kind, referenced tweet or handle) whose target is unknown.
CREATE OR REPLACE TEMP TABLE tw_unresolved AS
SELECT count(*) AS n
FROM (SELECT DISTINCT post_id, kind, coalesce(ref_id, lower(hint_handle))
      FROM tw_links WHERE target_id IS NULL AND author_id IS NOT NULL);

INSERT INTO stage_accounts
SELECT $platform || ':' || id, $platform, coalesce(a.handle, any_handle), a.display_name, a.followers, a.following,
       a.posts_count, a.created_at, false, a.seen_at
FROM tw_account_rows;

-- Every author and every target is an account, even when the file has no user object for it; an account
-- known only by a mentioned handle (`@handle`) has that handle.
INSERT INTO stage_accounts (account_id, platform, handle, is_focal)
SELECT $platform || ':' || x, $platform, CASE WHEN starts_with(x, '@') THEN substr(x, 2) END, false
FROM (SELECT author_id AS x FROM tw_posts_k UNION SELECT target_id FROM tw_links)
WHERE x IS NOT NULL AND x NOT IN (SELECT id FROM tw_account_rows);

DROP TABLE tw_posts_k;
DROP TABLE tw_handles;
DROP TABLE tw_account_rows;
DROP TABLE tw_authors;
DROP TABLE tw_links;

-- name: twitter_cleanup
-- Drop the twitter work tables once their rows are staged.
DROP TABLE IF EXISTS tw_posts;
DROP TABLE IF EXISTS tw_accounts;
DROP TABLE IF EXISTS tw_mentions;
DROP TABLE IF EXISTS tw_unresolved;
DROP TABLE IF EXISTS tw_extra_records;

-- name: twitter_keep_first_block
-- Streaming loads: the first block's twitter work tables become the file's (tw_*_file; DuckDB only, Spark stages a file whole).
CREATE OR REPLACE TEMP TABLE tw_posts_file AS SELECT * FROM tw_posts;
CREATE OR REPLACE TEMP TABLE tw_accounts_file AS SELECT * FROM tw_accounts;
CREATE OR REPLACE TEMP TABLE tw_mentions_file AS SELECT * FROM tw_mentions;
CREATE OR REPLACE TEMP TABLE tw_extra_records_file AS SELECT * FROM tw_extra_records;
DROP TABLE tw_posts;
DROP TABLE tw_accounts;
DROP TABLE tw_mentions;
DROP TABLE tw_extra_records;

-- name: twitter_keep_block
-- Streaming loads: a later block's twitter work tables added to the file's.
INSERT INTO tw_posts_file SELECT * FROM tw_posts;
INSERT INTO tw_accounts_file SELECT * FROM tw_accounts;
INSERT INTO tw_mentions_file SELECT * FROM tw_mentions;
INSERT INTO tw_extra_records_file SELECT * FROM tw_extra_records;
DROP TABLE tw_posts;
DROP TABLE tw_accounts;
DROP TABLE tw_mentions;
DROP TABLE tw_extra_records;

-- name: twitter_file_tables
-- Streaming loads, after the last block: the file's work tables take the names twitter_stage_common reads.
ALTER TABLE tw_posts_file RENAME TO tw_posts;
ALTER TABLE tw_accounts_file RENAME TO tw_accounts;
ALTER TABLE tw_mentions_file RENAME TO tw_mentions;
ALTER TABLE tw_extra_records_file RENAME TO tw_extra_records;
