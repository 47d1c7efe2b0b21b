-- name: twitter_v2_docs
-- twarc2 JSON lines (API response pages, streaming pages, flattened tweets) parsed into tw2_docs, read by twitter_v2_stage.
--
-- Each line is parsed ONCE: json_transform reads every field we use into one STRUCT whose shape covers
-- the three layouts at the same time (a page's `data`/`includes`, a flattened tweet's own fields with
-- `author` and full `referenced_tweets` inlined). TRY() turns a line that is not JSON into NULL, which
-- becomes a reject in twitter_v2_stage; fields of the wrong JSON type come through as NULL.
-- The kind of each line (its `shape`) and when its users' counters were observed (`seen_at`: twarc's
-- retrieval time, else the newest tweet of the page, for raw API output without the __twarc block)
-- are computed in the same pass. The text of a line that is no page, tweet or user (shape 'invalid' or
-- 'other': a reject, or a streaming page parsed again below) is kept, so that nothing after this
-- statement reads raw_lines: a streaming load runs it on the block's Arrow lines directly.
CREATE OR REPLACE TEMP TABLE tw2_docs AS
SELECT line_no, doc, shape, seen_at,
       CASE WHEN shape IN ('invalid', 'other') THEN line END AS line,
       CASE WHEN shape IN ('invalid', 'other') THEN member END AS member
FROM (
SELECT line_no, line, member, doc,
       CASE WHEN doc IS NULL THEN 'invalid'
            WHEN doc.data IS NOT NULL THEN 'page'
            WHEN doc.id IS NOT NULL AND doc.username IS NOT NULL AND doc.author_id IS NULL
                 AND doc.text IS NULL THEN 'user'
            WHEN doc.id IS NOT NULL THEN 'flat'
            ELSE 'other' END AS shape,
       coalesce(TRY_CAST(doc.__twarc.retrieved_at AS TIMESTAMPTZ),
                TRY_CAST(list_max(list_transform(doc.data, lambda x: x.created_at)) AS TIMESTAMPTZ),
                TRY_CAST(doc.created_at AS TIMESTAMPTZ)) AS seen_at
FROM (
    SELECT line_no, line, member, TRY(json_transform(line, '{
        "data": [{"id": "VARCHAR", "author_id": "VARCHAR", "created_at": "VARCHAR", "text": "VARCHAR",
                  "lang": "VARCHAR", "conversation_id": "VARCHAR", "in_reply_to_user_id": "VARCHAR",
                  "referenced_tweets": [{"type": "VARCHAR", "id": "VARCHAR"}],
                  "public_metrics": {"retweet_count": "BIGINT", "reply_count": "BIGINT", "like_count": "BIGINT",
                                     "quote_count": "BIGINT", "followers_count": "BIGINT",
                                     "following_count": "BIGINT", "tweet_count": "BIGINT"},
                  "entities": {"mentions": [{"start": "BIGINT", "id": "VARCHAR", "username": "VARCHAR"}],
                               "urls": [{"expanded_url": "VARCHAR", "media_key": "VARCHAR"}], "hashtags": [{"tag": "VARCHAR"}]},
                  "username": "VARCHAR", "name": "VARCHAR", "tweet_count": "BIGINT"}],
        "includes": {
            "users": [{"id": "VARCHAR", "username": "VARCHAR", "name": "VARCHAR", "created_at": "VARCHAR",
                       "public_metrics": {"followers_count": "BIGINT", "following_count": "BIGINT",
                                          "tweet_count": "BIGINT"}}],
            "tweets": [{"id": "VARCHAR", "author_id": "VARCHAR", "created_at": "VARCHAR", "text": "VARCHAR",
                        "lang": "VARCHAR", "conversation_id": "VARCHAR", "in_reply_to_user_id": "VARCHAR",
                        "referenced_tweets": [{"type": "VARCHAR", "id": "VARCHAR"}],
                        "public_metrics": {"retweet_count": "BIGINT", "reply_count": "BIGINT",
                                           "like_count": "BIGINT", "quote_count": "BIGINT"},
                        "entities": {"mentions": [{"start": "BIGINT", "id": "VARCHAR", "username": "VARCHAR"}],
                                     "urls": [{"expanded_url": "VARCHAR", "media_key": "VARCHAR"}], "hashtags": [{"tag": "VARCHAR"}]}}]},
        "meta": {"result_count": "BIGINT"},
        "errors": [{"title": "VARCHAR"}],
        "__twarc": {"retrieved_at": "VARCHAR"},
        "id": "VARCHAR", "author_id": "VARCHAR", "created_at": "VARCHAR", "text": "VARCHAR", "lang": "VARCHAR",
        "conversation_id": "VARCHAR", "in_reply_to_user_id": "VARCHAR", "username": "VARCHAR", "name": "VARCHAR",
        "public_metrics": {"retweet_count": "BIGINT", "reply_count": "BIGINT", "like_count": "BIGINT",
                           "quote_count": "BIGINT", "followers_count": "BIGINT", "following_count": "BIGINT",
                           "tweet_count": "BIGINT"},
        "entities": {"mentions": [{"start": "BIGINT", "id": "VARCHAR", "username": "VARCHAR", "name": "VARCHAR",
                                   "created_at": "VARCHAR",
                                   "public_metrics": {"followers_count": "BIGINT", "following_count": "BIGINT",
                                                      "tweet_count": "BIGINT"}}],
                     "urls": [{"expanded_url": "VARCHAR", "media_key": "VARCHAR"}], "hashtags": [{"tag": "VARCHAR"}]},
        "author": {"id": "VARCHAR", "username": "VARCHAR", "name": "VARCHAR", "created_at": "VARCHAR",
                   "public_metrics": {"followers_count": "BIGINT", "following_count": "BIGINT", "tweet_count": "BIGINT"}},
        "in_reply_to_user": {"id": "VARCHAR", "username": "VARCHAR", "name": "VARCHAR", "created_at": "VARCHAR",
                             "public_metrics": {"followers_count": "BIGINT", "following_count": "BIGINT",
                                                "tweet_count": "BIGINT"}},
        "referenced_tweets": [{"type": "VARCHAR", "id": "VARCHAR", "author_id": "VARCHAR", "created_at": "VARCHAR",
                               "text": "VARCHAR", "lang": "VARCHAR", "conversation_id": "VARCHAR",
                               "in_reply_to_user_id": "VARCHAR",
                               "referenced_tweets": [{"type": "VARCHAR", "id": "VARCHAR"}],
                               "public_metrics": {"retweet_count": "BIGINT", "reply_count": "BIGINT",
                                                  "like_count": "BIGINT", "quote_count": "BIGINT"},
                               "entities": {"mentions": [{"start": "BIGINT", "id": "VARCHAR", "username": "VARCHAR"}],
                                            "urls": [{"expanded_url": "VARCHAR", "media_key": "VARCHAR"}], "hashtags": [{"tag": "VARCHAR"}]},
                               "author": {"id": "VARCHAR", "username": "VARCHAR", "name": "VARCHAR",
                                          "created_at": "VARCHAR",
                                          "public_metrics": {"followers_count": "BIGINT", "following_count": "BIGINT",
                                                             "tweet_count": "BIGINT"}}}]
    }')) AS doc
    FROM raw_lines));

-- name: twitter_v2_block_rejected_lines
-- A streaming load that parsed its block's Arrow lines in place (raw_lines is that block here): its rejected lines, for rejects.raw (then raw_lines: twitter_v2_rejected_as_raw_lines).
CREATE OR REPLACE TEMP TABLE tw2_rejected_lines AS
SELECT line_no, line, member FROM raw_lines
WHERE line_no IN (SELECT line_no FROM stage_rejects WHERE raw IS NULL AND line_no IS NOT NULL);

-- name: twitter_v2_rejected_as_raw_lines
-- The block's rejected lines become the table raw_lines, which the pipeline's keep_rejected_lines reads (DuckDB only).
ALTER TABLE tw2_rejected_lines RENAME TO raw_lines;

-- name: twitter_v2_stage
-- twarc2 lines parsed into tw2_docs (twitter_v2_docs) into the twitter work tables.
--
-- The work tables filled here (tw_posts, tw_accounts, tw_mentions) become staged rows, with the targets
-- of interactions resolved, in ingest.twitter_stage_common.

-- A streaming page (`data` is one tweet object, not a list) does not fit the list shape above and
-- is parsed a second time on its own (rare: only such lines pay twice). The parse is written as a
-- CASE on the joined shape so that it runs on the joined rows only, not on every line.
CREATE OR REPLACE TEMP TABLE tw2_single AS
SELECT line_no, item
FROM (SELECT d.line_no,
             CASE WHEN d.shape = 'other' THEN TRY(json_transform(d.line, '{"data": {"id": "VARCHAR",
                 "author_id": "VARCHAR", "created_at": "VARCHAR", "text": "VARCHAR", "lang": "VARCHAR",
                 "conversation_id": "VARCHAR", "in_reply_to_user_id": "VARCHAR",
                 "referenced_tweets": [{"type": "VARCHAR", "id": "VARCHAR"}],
                 "public_metrics": {"retweet_count": "BIGINT", "reply_count": "BIGINT", "like_count": "BIGINT",
                                    "quote_count": "BIGINT", "followers_count": "BIGINT",
                                    "following_count": "BIGINT", "tweet_count": "BIGINT"},
                 "entities": {"mentions": [{"start": "BIGINT", "id": "VARCHAR", "username": "VARCHAR"}],
                              "urls": [{"expanded_url": "VARCHAR", "media_key": "VARCHAR"}], "hashtags": [{"tag": "VARCHAR"}]},
                 "username": "VARCHAR", "name": "VARCHAR", "tweet_count": "BIGINT"}}')).data END AS item
      FROM tw2_docs AS d WHERE d.shape = 'other')
WHERE item.id IS NOT NULL OR item.text IS NOT NULL;
-- Such a line keeps the shape 'other' in tw2_docs (rewriting tw2_docs would copy every page): the
-- statements below tell a streaming page by its line_no in tw2_single.

-- Lines that are no tweet, page or user at all. A page without `data` but with `meta` or `errors`
-- (a search that found nothing, a lookup of deleted tweets) is a valid empty page, not a reject.
INSERT INTO stage_rejects (line_no, reason)
SELECT line_no,
       CASE WHEN shape = 'invalid' THEN 'invalid JSON (a truncated or malformed line)'
            WHEN TRY(json_type(line::JSON)) <> 'OBJECT'
            THEN 'expected a JSON object (a twarc2 page or tweet), got ' || left(ltrim(line), 1)
            ELSE 'not a tweet or an API response page: no "data", "id" or "includes"' END
FROM (SELECT d.line_no, d.shape, d.line
      FROM tw2_docs AS d
      WHERE d.shape = 'invalid'
         OR (d.shape = 'other' AND d.doc.meta IS NULL AND d.doc.errors IS NULL AND d.doc.includes IS NULL
             AND d.line_no NOT IN (SELECT line_no FROM tw2_single)));

-- One tweet object (any of the shapes above) as the columns of tw_posts.
CREATE OR REPLACE TEMP MACRO tw2_post(t) AS {
    'id': t.id,
    'author_id': t.author_id,
    'created_at': TRY_CAST(t.created_at AS TIMESTAMPTZ),
    'text': t.text,
    'lang': t.lang,
    'conversation_id': t.conversation_id,
    'in_reply_to_user_id': t.in_reply_to_user_id,
    'referenced_tweets': list_transform(t.referenced_tweets, lambda r: {'type': r.type, 'id': r.id}),
    'like_count': t.public_metrics.like_count,
    'share_count': t.public_metrics.retweet_count,
    'reply_count': t.public_metrics.reply_count,
    'quote_count': t.public_metrics.quote_count,
    'mentions': list_transform(t.entities.mentions,
                               lambda m: {'start': m.start, 'id': m.id, 'username': m.username}),
    'urls': list_transform(t.entities.urls, lambda u: u.expanded_url),
    -- the links a reader sees: expanded URLs, not t.co, and not the tweet's own photos and videos
    'links': list_transform(list_filter(t.entities.urls, lambda u: u.media_key IS NULL), lambda u: u.expanded_url),
    'hashtags': list_transform(t.entities.hashtags, lambda h: h.tag)
};

-- A counts page holds no tweets.
INSERT INTO stage_rejects (line_no, reason)
SELECT DISTINCT line_no, 'tweet-counts buckets (twarc2 counts output), not tweets'
FROM (SELECT line_no, unnest(doc.data) AS t FROM tw2_docs WHERE shape = 'page')
WHERE t.id IS NULL AND t.tweet_count IS NOT NULL;

-- Every tweet of the file, as the twitter work table read by ingest.twitter_stage_common: collected
-- ones (a page's `data`, a flattened line) and context ones (a page's `includes.tweets`, a flattened
-- tweet's inlined `referenced_tweets` when they are present). Resolution hints: the id of the
-- "RT @x:" mention of a retweet, and the handle in the link of a quoted tweet
-- (https://twitter.com/<handle>/status/<id>). Auto-mentions end at `auto_mention_end` (a code point
-- offset, as the API's `start`): a reply's leading @handles (the conversation's participants, filled
-- in by the client) and the "RT @x:" of a retweet. First every tweet object unnested (tw2_tweets), then
-- the records that cannot be loaded become rejects and the others, with their hints, tw_posts.
CREATE OR REPLACE TEMP TABLE tw2_tweets AS
SELECT line_no, true AS collected, seen_at, unnest(tw2_post(t))
FROM (SELECT line_no, seen_at, unnest(doc.data) AS t FROM tw2_docs WHERE shape = 'page')
WHERE NOT (t.author_id IS NULL AND t.text IS NULL AND t.username IS NOT NULL)   -- users of a /2/users page
  AND NOT (t.id IS NULL AND t.tweet_count IS NOT NULL)                            -- buckets of a counts page
UNION ALL
SELECT line_no, true, TRY_CAST(item.created_at AS TIMESTAMPTZ), unnest(tw2_post(item))
FROM tw2_single
UNION ALL
SELECT line_no, true, seen_at, unnest(tw2_post(doc))
FROM tw2_docs WHERE shape = 'flat'
UNION ALL
-- (The API repeats collected tweets in includes: ingest.twitter_stage_common keeps the collected copy.)
SELECT line_no, false, seen_at, unnest(tw2_post(t))
FROM (SELECT line_no, seen_at, unnest(doc.includes.tweets) AS t
      FROM tw2_docs
      WHERE shape = 'page' OR (shape = 'other' AND line_no IN (SELECT line_no FROM tw2_single)))
UNION ALL
SELECT line_no, false, seen_at, unnest(tw2_post(t))
FROM (SELECT line_no, seen_at, unnest(doc.referenced_tweets) AS t FROM tw2_docs WHERE shape = 'flat')
WHERE t.author_id IS NOT NULL OR t.text IS NOT NULL;

-- A collected tweet without an id or an author cannot be loaded.
INSERT INTO stage_rejects (line_no, reason)
SELECT line_no,
       CASE WHEN id IS NULL THEN 'a tweet without an "id"'
            WHEN NOT regexp_full_match(id, '[0-9]+')
            THEN 'tweet id ' || left(id, 40) || ' is not a Twitter id: an id must be a string of digits or a whole number'
            WHEN text IS NULL THEN 'record ' || id || ' is not a tweet (no "text", no "author_id")'
            ELSE 'tweet ' || id || ' has no "author_id"' END
FROM tw2_tweets
WHERE collected AND (id IS NULL OR NOT regexp_full_match(id, '[0-9]+') OR author_id IS NULL);

-- (Two steps: the tweets come from a few thousand page rows, which DuckDB splits into few tasks;
-- once unnested into tw2_tweets, the hints below are computed on every core.)
-- Twitter ids are strings of digits; json_transform renders true, [7003] or 7.5 as text, so check the text.
CREATE OR REPLACE TEMP TABLE tw_posts AS
WITH refs AS (
    SELECT * EXCLUDE (referenced_tweets),
           list_filter(referenced_tweets, lambda r: r.type = 'replied_to')[1].id AS replied_id,
           list_filter(referenced_tweets, lambda r: r.type = 'retweeted')[1].id AS retweeted_id,
           list_filter(referenced_tweets, lambda r: r.type = 'quoted')[1].id AS quoted_id,
           CASE WHEN starts_with(text, 'RT @') THEN nullif(regexp_extract(text, '^RT @(\w+)', 1), '') END AS rt_handle
    FROM tw2_tweets
    WHERE NOT (id IS NULL OR NOT regexp_full_match(id, '[0-9]+') OR (collected AND author_id IS NULL))
)
SELECT line_no, collected, seen_at, id, author_id, created_at, text, lang, conversation_id,
       in_reply_to_user_id, NULL::VARCHAR AS in_reply_to_handle,
       replied_id, retweeted_id,
       CASE WHEN rt_handle IS NOT NULL
            THEN list_filter(mentions, lambda m: lower(m.username) = lower(rt_handle))[1].id END AS retweeted_author_hint,
       rt_handle AS retweeted_handle_hint,
       quoted_id, NULL::VARCHAR AS quoted_author_hint,
       CASE WHEN quoted_id IS NOT NULL AND collected THEN
           list_filter(list_transform(urls, lambda u: {
                           'handle': regexp_extract(u, '(?i)^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(\w+)/status(?:es)?/(\d+)', 1),
                           'status_id': regexp_extract(u, '(?i)^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(\w+)/status(?:es)?/(\d+)', 2)}),
                       lambda s: s.status_id = quoted_id AND lower(s.handle) <> 'i')[1].handle END AS quoted_handle_hint,
       like_count, share_count, reply_count, quote_count,
       CASE WHEN collected THEN mentions END AS mentions,
       CASE WHEN NOT collected OR mentions IS NULL THEN 0
            WHEN retweeted_id IS NOT NULL THEN length(regexp_extract(text, '^RT @\w+:?', 0))
            WHEN (replied_id IS NOT NULL OR in_reply_to_user_id IS NOT NULL) AND starts_with(text, '@')
            THEN length(regexp_extract(text, '^(?:@\w+\s*)+', 0))
            ELSE 0 END AS auto_mention_end,
       links, hashtags
FROM refs;

CREATE OR REPLACE TEMP TABLE tw_mentions AS
SELECT line_no, id AS post_id, author_id, created_at, m.id AS target_hint, m.username AS handle
FROM (SELECT line_no, id, author_id, created_at, auto_mention_end, unnest(mentions) AS m
      FROM tw_posts
      WHERE collected AND mentions IS NOT NULL)
WHERE m.start IS NULL OR m.start >= auto_mention_end;

-- A rejected flattened tweet (one line) brings none of its user objects.
-- Accounts: every full user object (a page's includes.users and `data` of a /2/users page, a flattened
-- tweet's author, in_reply_to_user, mentioned users and the authors of its referenced tweets), and
-- the (id, handle) pairs of mentioned accounts, without counters.
CREATE OR REPLACE TEMP MACRO tw2_account(u, seen) AS {
    'id': u.id, 'handle': u.username, 'display_name': u.name,
    'followers': u.public_metrics.followers_count, 'following': u.public_metrics.following_count,
    'posts_count': u.public_metrics.tweet_count, 'created_at': TRY_CAST(u.created_at AS TIMESTAMPTZ),
    'seen_at': seen};

CREATE OR REPLACE TEMP TABLE tw_accounts AS
SELECT unnest(tw2_account(u, seen_at))
FROM (SELECT seen_at, unnest(doc.includes.users) AS u FROM tw2_docs
      WHERE shape = 'page' OR (shape = 'other' AND line_no IN (SELECT line_no FROM tw2_single)))
UNION ALL
SELECT unnest(tw2_account(u, seen_at))
FROM (SELECT seen_at, unnest(doc.data) AS u FROM tw2_docs WHERE shape = 'page')
WHERE u.author_id IS NULL AND u.text IS NULL AND u.username IS NOT NULL
UNION ALL
SELECT unnest(tw2_account(doc, seen_at)) FROM tw2_docs WHERE shape = 'user'
UNION ALL
SELECT unnest(tw2_account(u, seen_at))
FROM (SELECT seen_at, unnest([doc.author, doc.in_reply_to_user]
                             || coalesce(list_transform(doc.referenced_tweets, lambda r: r.author), [])) AS u
      FROM tw2_docs
      WHERE shape = 'flat' AND line_no NOT IN (SELECT line_no FROM stage_rejects WHERE line_no IS NOT NULL))
WHERE u.id IS NOT NULL
UNION ALL
SELECT unnest(tw2_account(m, seen_at))
FROM (SELECT seen_at, unnest(doc.entities.mentions) AS m FROM tw2_docs
      WHERE shape = 'flat' AND line_no NOT IN (SELECT line_no FROM stage_rejects WHERE line_no IS NOT NULL))
WHERE m.id IS NOT NULL AND m.public_metrics IS NOT NULL
UNION ALL
SELECT DISTINCT target_hint, handle, NULL, NULL, NULL, NULL, NULL, NULL
FROM tw_mentions WHERE target_hint IS NOT NULL;

-- Users of a /2/users page are records too (they carry counters), so they count as read.
CREATE OR REPLACE TEMP TABLE tw_extra_records AS
SELECT count(*) AS n
FROM (SELECT unnest(doc.data) AS u FROM tw2_docs WHERE shape = 'page')
WHERE u.author_id IS NULL AND u.text IS NULL AND u.username IS NOT NULL
UNION ALL
SELECT count(*) FROM tw2_docs WHERE shape = 'user';

DROP TABLE tw2_docs;
DROP TABLE tw2_single;
DROP TABLE tw2_tweets;

-- name: twitter_v2_stage_csv
-- A twarc-csv file (one tweet a row, header first) into the twitter work tables.
--
-- twarc-csv writes one row per line: it replaces the newlines in text with the two characters `\n`
-- and JSON-encodes lists (mentions become ["@a", "@b"], or mention objects in older versions). A
-- retweet's text, entities and metrics are those of the retweeted tweet ("merge retweets", its default),
-- so a retweet has no "RT @x:" mention; its target comes from retweeted_user_id / retweeted_username.
-- Mentions carry no id (twarc-csv writes ["@a", "@b"] unless run with --no-process-entities, which keeps
-- the mention objects and their ids): they are resolved by handle, and a handle no id is found for
-- names the account `twitter:@<handle>` (see ingest.twitter_stage_common). Without
-- offsets, a reply's auto-mentions are the handles of the leading @handles of its text.
-- Fields are split with one regular expression (quoted fields may hold commas and doubled quotes).
-- (Every statement here runs on DuckDB and, transpiled, on Spark: no UPDATE, DELETE or ALTER; rows
-- that cannot be loaded are left out where they are read, and tw_posts keeps two extra columns.)
-- (Each field is matched with the comma before it, one put before the first: every match is then
-- one comma long at least, and an empty first field is not lost to an empty match at the start.)
CREATE OR REPLACE TEMP MACRO tw_csv_split(line) AS
    regexp_extract_all(',' || line, ',("(?:[^"]|"")*"|[^,]*)', 1);
CREATE OR REPLACE TEMP MACRO tw_csv_unquote(f) AS
    CASE WHEN length(f) >= 2 AND left(f, 1) = '"' AND right(f, 1) = '"'
         THEN replace(substring(f, 2, length(f) - 2), '""', '"') ELSE f END;

CREATE OR REPLACE TEMP TABLE tw2c_header AS
SELECT line_no AS header_line, list_transform(tw_csv_split(line), lambda f: trim(tw_csv_unquote(f))) AS names
FROM raw_lines ORDER BY line_no LIMIT 1;

CREATE OR REPLACE TEMP TABLE tw2c_rows AS
SELECT r.line_no, tw_csv_split(r.line) AS f, len(h.names) AS n_names,
       (length(r.line) - length(replace(r.line, '"', ''))) % 2 = 1 AS open_quote
FROM raw_lines AS r, tw2c_header AS h
WHERE r.line_no > h.header_line;

INSERT INTO stage_rejects (line_no, reason)
SELECT line_no,
       CASE WHEN open_quote THEN 'a quoted field is not closed (twarc-csv writes one tweet a line)'
            ELSE 'expected ' || n_names || ' fields as in the header, got ' || len(f) END
FROM tw2c_rows
WHERE open_quote OR len(f) <> n_names;

-- The value of column `col` (NULL when the header has no such column or the field is empty).
CREATE OR REPLACE TEMP MACRO tw2c(f, names, col) AS nullif(tw_csv_unquote(f[list_position(names, col)]), '');
-- Counters may come as "12" or "12.0" (pandas writes floats when a column has gaps).
CREATE OR REPLACE TEMP MACRO tw2c_count(v) AS TRY_CAST(TRY_CAST(v AS DOUBLE) AS BIGINT);
-- A text field, JSON-encoded when twarc-csv ran with --json-encode-text, else with `\n` for newlines.
CREATE OR REPLACE TEMP MACRO tw2c_text(v) AS
    CASE WHEN left(v, 1) = '"' THEN coalesce(TRY(v::JSON) ->> '$', v)
         ELSE replace(v, '\n', chr(10)) END;

CREATE OR REPLACE TEMP TABLE tw2c_tweets AS
SELECT r.line_no,
       tw2c(f, names, 'id') AS id,
       tw2c(f, names, 'author_id') AS author_id,
       TRY_CAST(tw2c(f, names, 'created_at') AS TIMESTAMPTZ) AS created_at,
       tw2c_text(tw2c(f, names, 'text')) AS text,
       tw2c(f, names, 'lang') AS lang,
       tw2c(f, names, 'conversation_id') AS conversation_id,
       tw2c(f, names, 'in_reply_to_user_id') AS in_reply_to_user_id,
       tw2c(f, names, 'in_reply_to_username') AS in_reply_to_handle,
       coalesce(tw2c(f, names, 'referenced_tweets.replied_to.id'),
                list_filter(TRY(json_transform(tw2c(f, names, 'referenced_tweets'), '[{"type": "VARCHAR", "id": "VARCHAR"}]')),
                            lambda x: x.type = 'replied_to')[1].id) AS replied_id,
       coalesce(tw2c(f, names, 'referenced_tweets.retweeted.id'),
                list_filter(TRY(json_transform(tw2c(f, names, 'referenced_tweets'), '[{"type": "VARCHAR", "id": "VARCHAR"}]')),
                            lambda x: x.type = 'retweeted')[1].id) AS retweeted_id,
       coalesce(tw2c(f, names, 'referenced_tweets.quoted.id'),
                list_filter(TRY(json_transform(tw2c(f, names, 'referenced_tweets'), '[{"type": "VARCHAR", "id": "VARCHAR"}]')),
                            lambda x: x.type = 'quoted')[1].id) AS quoted_id,
       tw2c(f, names, 'retweeted_user_id') AS retweeted_author_hint,
       tw2c(f, names, 'retweeted_username') AS retweeted_handle_hint,
       tw2c(f, names, 'quoted_user_id') AS quoted_author_hint,
       tw2c(f, names, 'quoted_username') AS quoted_handle_hint,
       tw2c_count(tw2c(f, names, 'public_metrics.like_count')) AS like_count,
       tw2c_count(tw2c(f, names, 'public_metrics.retweet_count')) AS share_count,
       tw2c_count(tw2c(f, names, 'public_metrics.reply_count')) AS reply_count,
       tw2c_count(tw2c(f, names, 'public_metrics.quote_count')) AS quote_count,
       -- ["@a", "@b"] or [{"username": "a", "id": ...}, ...]
       list_transform(TRY(json_transform(tw2c(f, names, 'entities.mentions'), '["JSON"]')),
                      lambda m: CASE WHEN json_type(m) = 'VARCHAR' THEN {'id': NULL::VARCHAR,
                                                                          'username': ltrim(m ->> '$', '@')}
                                     ELSE {'id': m ->> '$.id', 'username': m ->> '$.username'} END) AS mentions,
       -- ["https://..."] (expanded by twarc-csv) or [{"expanded_url": ...}, ...]; ["#tag"] or [{"tag": ...}]
       list_filter(list_transform(TRY(json_transform(tw2c(f, names, 'entities.urls'), '["JSON"]')),
                                  lambda u: CASE WHEN json_type(u) = 'VARCHAR' THEN u ->> '$'
                                                 WHEN (u ->> '$.media_key') IS NULL THEN u ->> '$.expanded_url' END),
                   lambda u: u IS NOT NULL) AS links,
       list_transform(TRY(json_transform(tw2c(f, names, 'entities.hashtags'), '["JSON"]')),
                      lambda h: CASE WHEN json_type(h) = 'VARCHAR' THEN ltrim(h ->> '$', '#')
                                     ELSE h ->> '$.tag' END) AS hashtags,
       coalesce(TRY_CAST(tw2c(f, names, '__twarc.retrieved_at') AS TIMESTAMPTZ),
                TRY_CAST(tw2c(f, names, 'created_at') AS TIMESTAMPTZ)) AS seen_at,
       tw2c(f, names, 'author.id') AS user_id,
       tw2c(f, names, 'author.username') AS user_handle,
       tw2c_text(tw2c(f, names, 'author.name')) AS user_name,
       tw2c_count(tw2c(f, names, 'author.public_metrics.followers_count')) AS user_followers,
       tw2c_count(tw2c(f, names, 'author.public_metrics.following_count')) AS user_following,
       tw2c_count(tw2c(f, names, 'author.public_metrics.tweet_count')) AS user_posts,
       TRY_CAST(tw2c(f, names, 'author.created_at') AS TIMESTAMPTZ) AS user_created_at
FROM tw2c_rows AS r, tw2c_header AS h
WHERE NOT (r.open_quote OR len(r.f) <> r.n_names);

INSERT INTO stage_rejects (line_no, reason)
SELECT line_no, CASE WHEN id IS NULL THEN 'a row without an "id"' ELSE 'tweet ' || id || ' has no "author_id"' END
FROM tw2c_tweets WHERE id IS NULL OR author_id IS NULL;

-- The work table tw_posts: the rows that can be loaded, with two extra columns for tw_mentions (the
-- handles a reply's text starts with, or the "RT @x" of an unmerged retweet, are auto-mentions).
CREATE OR REPLACE TEMP TABLE tw_posts AS
SELECT line_no, true AS collected, seen_at, id, author_id, created_at, text, lang, conversation_id,
       in_reply_to_user_id, in_reply_to_handle, replied_id, retweeted_id, retweeted_author_hint,
       retweeted_handle_hint, quoted_id, quoted_author_hint, quoted_handle_hint,
       like_count, share_count, reply_count, quote_count,
       CASE WHEN retweeted_id IS NOT NULL
            THEN regexp_extract_all(lower(regexp_extract(text, '^RT @\w+', 0)), '@(\w+)', 1)
            WHEN replied_id IS NOT NULL OR in_reply_to_user_id IS NOT NULL
            THEN regexp_extract_all(lower(regexp_extract(text, '^(?:@\w+\s*)+', 0)), '@(\w+)', 1)
            ELSE [] END AS auto_handles,
       mentions, links, hashtags
FROM tw2c_tweets
WHERE id IS NOT NULL AND author_id IS NOT NULL;

CREATE OR REPLACE TEMP TABLE tw_mentions AS
SELECT line_no, id AS post_id, author_id, created_at, m.id AS target_hint, m.username AS handle
FROM (SELECT line_no, id, author_id, created_at, auto_handles, unnest(mentions) AS m
      FROM tw_posts WHERE mentions IS NOT NULL)
WHERE m.username IS NULL OR NOT list_contains(auto_handles, lower(m.username));

CREATE OR REPLACE TEMP TABLE tw_accounts AS
SELECT user_id AS id, user_handle AS handle, user_name AS display_name, user_followers AS followers,
       user_following AS following, user_posts AS posts_count, user_created_at AS created_at, seen_at
FROM tw2c_tweets WHERE user_id IS NOT NULL AND id IS NOT NULL AND author_id IS NOT NULL
UNION ALL
SELECT DISTINCT x.id, x.handle, NULL, NULL::BIGINT, NULL::BIGINT, NULL::BIGINT, NULL::TIMESTAMPTZ, NULL::TIMESTAMPTZ
FROM (SELECT unnest([{'id': in_reply_to_user_id, 'handle': in_reply_to_handle},
                     {'id': retweeted_author_hint, 'handle': retweeted_handle_hint},
                     {'id': quoted_author_hint, 'handle': quoted_handle_hint}]) AS x
      FROM tw2c_tweets WHERE id IS NOT NULL AND author_id IS NOT NULL)
WHERE x.id IS NOT NULL
UNION ALL
SELECT DISTINCT target_hint, handle, NULL, NULL, NULL, NULL, NULL, NULL FROM tw_mentions WHERE target_hint IS NOT NULL;

CREATE OR REPLACE TEMP TABLE tw_extra_records AS SELECT 0::BIGINT AS n;

DROP TABLE tw2c_header;
DROP TABLE tw2c_rows;
DROP TABLE tw2c_tweets;
