-- name: twitter_v1_stage
-- Classic (v1.1) tweets into the twitter work tables: tweet lines, search responses, arrays of tweets.
--
-- A row of raw_lines is one tweet (streaming / JSON lines), a search response `{"statuses": [...]}`
-- (one per line, or the whole file as one document when it is pretty-printed), or a JSON array of
-- tweets (a timeline). Each row is parsed once: json_transform reads it into one STRUCT of the shape
-- $line_spec (a tweet with its embedded tweets, plus `statuses` and the keys of stream control
-- messages; built in workbench/ingest/twitter_v1.py), or $array_spec for a row that is an array.
-- TRY() turns a row that is not JSON into NULL. Embedded tweets (retweeted_status, quoted_status and
-- the quoted tweet of a retweeted tweet) become context posts; their users are accounts, observed
-- when the outer tweet was (the API fills embedded objects in when it delivers the outer tweet).
CREATE OR REPLACE TEMP TABLE tw1_docs AS
SELECT line_no, TRY(json_transform(line, $line_spec)) AS doc
FROM raw_lines
WHERE NOT starts_with(ltrim(line), '[');

CREATE OR REPLACE TEMP TABLE tw1_arrays AS
SELECT line_no, TRY(json_transform(line, $array_spec)) AS tweets
FROM raw_lines
WHERE starts_with(ltrim(line), '[');

-- Rows that are no tweet, search response or array of tweets. (A JSON scalar is a struct of NULLs
-- on DuckDB but NULL on Spark, so its JSON type is asked first; a control key that is JSON null is
-- a VARIANT null on Spark, so json_type tells it, not IS NULL.)
INSERT INTO stage_rejects (line_no, reason)
SELECT line_no,
       CASE WHEN doc IS NULL AND coalesce(line_type, 'NULL') IN ('NULL', 'OBJECT')
            THEN 'invalid JSON (a truncated or malformed line)'
            WHEN line_type <> 'OBJECT'
            THEN 'expected a JSON object (a tweet), got ' || left(ltrim(line), 1)
            WHEN doc IS NULL THEN 'invalid JSON (a truncated or malformed line)'
            WHEN json_type(doc.delete) <> 'NULL' THEN 'a stream "delete" notice, not a tweet'
            WHEN json_type(doc.limit) <> 'NULL' THEN 'a stream "limit" notice, not a tweet'
            WHEN json_type(doc.scrub_geo) <> 'NULL' OR json_type(doc.status_withheld) <> 'NULL'
              OR json_type(doc.user_withheld) <> 'NULL' OR json_type(doc.disconnect) <> 'NULL'
              OR json_type(doc.warning) <> 'NULL' OR json_type(doc.event) <> 'NULL'
              OR json_type(doc.friends) <> 'NULL'
            THEN 'a stream control message, not a tweet'
            ELSE 'not a tweet: no "id_str" (or "id") and no "statuses"' END
FROM (SELECT d.line_no, d.doc, r.line, TRY(json_type(r.line::JSON)) AS line_type
      FROM tw1_docs AS d JOIN raw_lines AS r USING (line_no)
      WHERE d.doc IS NULL OR (d.doc.statuses IS NULL AND coalesce(d.doc.id_str, d.doc.id) IS NULL))
UNION ALL
SELECT line_no, 'invalid JSON (a truncated or malformed array)' FROM tw1_arrays WHERE tweets IS NULL;

-- One tweet struct (any level of embedding) as the columns of tw_posts, without its embedded tweets.
CREATE OR REPLACE TEMP MACRO tw1_post(t) AS {
    'id': coalesce(t.id_str, t.id),
    'author_id': coalesce(t.user.id_str, t.user.id),
    'created_at': try_strptime(t.created_at, '%a %b %d %H:%M:%S %z %Y'),
    'text': coalesce(t.extended_tweet.full_text, t.full_text, t.text),
    'lang': t.lang,
    'in_reply_to_user_id': t.in_reply_to_user_id_str,
    'in_reply_to_handle': t.in_reply_to_screen_name,
    'replied_id': t.in_reply_to_status_id_str,
    'quoted_id': t.quoted_status_id_str,
    'like_count': t.favorite_count,
    'share_count': t.retweet_count,
    'reply_count': t.reply_count,
    'quote_count': t.quote_count,
    'mentions': list_transform(coalesce(t.extended_tweet.entities.user_mentions, t.entities.user_mentions),
                               lambda m: {'start': m.indices[1], 'id': m.id_str, 'username': m.screen_name}),
    'urls': list_transform(coalesce(t.extended_tweet.entities.urls, t.entities.urls), lambda u: u.expanded_url),
    -- (v1.1 keeps a tweet's photos and videos in entities.media, apart from its links)
    'links': list_transform(coalesce(t.extended_tweet.entities.urls, t.entities.urls), lambda u: u.expanded_url),
    'hashtags': list_transform(coalesce(t.extended_tweet.entities.hashtags, t.entities.hashtags), lambda h: h.text)
};

CREATE OR REPLACE TEMP MACRO tw1_account(u, seen) AS {
    'id': coalesce(u.id_str, u.id), 'handle': u.screen_name, 'display_name': u.name,
    'followers': u.followers_count, 'following': u.friends_count, 'posts_count': u.statuses_count,
    'created_at': try_strptime(u.created_at, '%a %b %d %H:%M:%S %z %Y'), 'seen_at': seen};

-- The outer tweets: a line's tweet, a search response's statuses, an array's elements; `ok` when the
-- tweet can be loaded. Twitter ids are strings of digits; json_transform renders true, [7003] or 7.5
-- as text, so check the text. seen_at: when the tweet (and what it embeds) was observed.
-- A line's tweet is its doc without `statuses` and the control keys: the fields of _TWEET in
-- workbench/ingest/twitter_v1.py, in its order (Spark unions structs of the same fields only).
CREATE OR REPLACE TEMP TABLE tw1_outer AS
SELECT line_no, t, try_strptime(t.created_at, '%a %b %d %H:%M:%S %z %Y') AS seen_at,
       NOT (coalesce(t.id_str, t.id) IS NULL OR NOT regexp_full_match(coalesce(t.id_str, t.id), '[0-9]+')
            OR coalesce(t.user.id_str, t.user.id) IS NULL) AS ok
FROM (SELECT line_no,
             {'id_str': doc.id_str, 'id': doc.id, 'created_at': doc.created_at, 'text': doc.text,
              'full_text': doc.full_text, 'lang': doc.lang, 'in_reply_to_status_id_str': doc.in_reply_to_status_id_str,
              'in_reply_to_user_id_str': doc.in_reply_to_user_id_str,
              'in_reply_to_screen_name': doc.in_reply_to_screen_name, 'quoted_status_id_str': doc.quoted_status_id_str,
              'retweet_count': doc.retweet_count, 'favorite_count': doc.favorite_count,
              'reply_count': doc.reply_count, 'quote_count': doc.quote_count, 'user': doc.user,
              'entities': doc.entities, 'extended_tweet': doc.extended_tweet,
              'retweeted_status': doc.retweeted_status, 'quoted_status': doc.quoted_status} AS t
      FROM tw1_docs
      WHERE doc IS NOT NULL AND doc.statuses IS NULL AND coalesce(doc.id_str, doc.id) IS NOT NULL
      UNION ALL
      SELECT line_no, unnest(doc.statuses) AS t FROM tw1_docs WHERE doc.statuses IS NOT NULL
      UNION ALL
      SELECT line_no, unnest(tweets) AS t FROM tw1_arrays WHERE tweets IS NOT NULL);

INSERT INTO stage_rejects (line_no, reason)
SELECT line_no,
       CASE WHEN coalesce(t.id_str, t.id) IS NULL THEN 'a tweet without "id_str" (or "id")'
            WHEN NOT regexp_full_match(coalesce(t.id_str, t.id), '[0-9]+')
            THEN 'tweet id ' || left(coalesce(t.id_str, t.id), 40)
                 || ' is not a Twitter id: an id must be a string of digits or a whole number'
            ELSE 'tweet ' || coalesce(t.id_str, t.id) || ' has no "user"' END
FROM tw1_outer
WHERE NOT ok;

CREATE OR REPLACE TEMP TABLE tw1_tweets AS
SELECT line_no, true AS collected, seen_at,
       coalesce(t.retweeted_status.id_str, t.retweeted_status.id) AS retweeted_id,
       coalesce(t.retweeted_status.user.id_str, t.retweeted_status.user.id) AS retweeted_author_hint,
       t.retweeted_status.user.screen_name AS retweeted_user_handle,
       coalesce(t.quoted_status.user.id_str, t.quoted_status.user.id) AS quoted_author_hint,
       coalesce(t.quoted_status.id_str, t.quoted_status.id) AS quoted_status_id,
       unnest(tw1_post(t))
FROM tw1_outer WHERE ok
UNION ALL
SELECT line_no, false AS collected, seen_at, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR,
       coalesce(t.retweeted_status.quoted_status.user.id_str,
                t.retweeted_status.quoted_status.user.id) AS quoted_author_hint,
       coalesce(t.retweeted_status.quoted_status.id_str, t.retweeted_status.quoted_status.id) AS quoted_status_id,
       unnest(tw1_post(t.retweeted_status))
FROM tw1_outer
WHERE ok AND coalesce(t.retweeted_status.id_str, t.retweeted_status.id) IS NOT NULL
UNION ALL
SELECT line_no, false AS collected, seen_at, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR,
       NULL::VARCHAR, unnest(tw1_post(t.quoted_status))
FROM tw1_outer
WHERE ok AND coalesce(t.quoted_status.id_str, t.quoted_status.id) IS NOT NULL
UNION ALL
SELECT line_no, false AS collected, seen_at, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR,
       NULL::VARCHAR, unnest(tw1_post(t.retweeted_status.quoted_status))
FROM tw1_outer
WHERE ok AND coalesce(t.retweeted_status.quoted_status.id_str, t.retweeted_status.quoted_status.id) IS NOT NULL;

-- No extra records besides tweets in this format.
CREATE OR REPLACE TEMP TABLE tw_extra_records AS SELECT 0::BIGINT AS n;

-- The work tables read by ingest.twitter_stage_common. A retweet is a share only (the quoted tweet
-- it may carry belongs to the retweeted tweet); auto-mentions are left out as in twitter-v2: a
-- reply's leading @handles and the "RT @x:" of a retweet (`start` is the first of `indices`).
CREATE OR REPLACE TEMP TABLE tw_posts AS
SELECT line_no, collected, seen_at, id, author_id, created_at, text, lang,
       NULL::VARCHAR AS conversation_id,
       in_reply_to_user_id, in_reply_to_handle, replied_id, retweeted_id, retweeted_author_hint,
       coalesce(retweeted_user_handle, nullif(regexp_extract(text, '^RT @(\w+)', 1), '')) AS retweeted_handle_hint,
       coalesce(quoted_id, quoted_status_id) AS quoted_id,
       quoted_author_hint,
       list_filter(list_transform(urls, lambda u: {
                       'handle': regexp_extract(u, '(?i)^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(\w+)/status(?:es)?/(\d+)', 1),
                       'status_id': regexp_extract(u, '(?i)^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(\w+)/status(?:es)?/(\d+)', 2)}),
                   lambda s: s.status_id = coalesce(quoted_id, quoted_status_id)
                             AND lower(s.handle) <> 'i')[1].handle AS quoted_handle_hint,
       like_count, share_count, reply_count, quote_count,
       CASE WHEN collected THEN mentions END AS mentions,
       CASE WHEN retweeted_id IS NOT NULL THEN length(regexp_extract(text, '^RT @\w+:?', 0))
            WHEN replied_id IS NOT NULL OR in_reply_to_user_id IS NOT NULL
            THEN length(regexp_extract(text, '^(?:@\w+\s*)+', 0))
            ELSE 0 END AS auto_mention_end,
       links, hashtags
FROM tw1_tweets;

CREATE OR REPLACE TEMP TABLE tw_mentions AS
SELECT line_no, id AS post_id, author_id, created_at, m.id AS target_hint, m.username AS handle
FROM (SELECT line_no, id, author_id, created_at, auto_mention_end, unnest(mentions) AS m
      FROM tw_posts WHERE collected AND mentions IS NOT NULL)
WHERE m.start IS NULL OR m.start >= auto_mention_end;

-- Accounts: the user objects of the tweets and of the tweets they embed, and the (id, handle) pairs
-- that the records name without a user object: mentioned and replied-to users.
CREATE OR REPLACE TEMP TABLE tw_accounts AS
SELECT unnest(tw1_account(u, seen_at))
FROM (SELECT seen_at,
             unnest([t.user, t.retweeted_status.user, t.quoted_status.user,
                     t.retweeted_status.quoted_status.user]) AS u
      FROM tw1_outer WHERE ok)
WHERE coalesce(u.id_str, u.id) IS NOT NULL
UNION ALL
SELECT * FROM (
    SELECT DISTINCT target_hint AS id, handle, NULL::VARCHAR AS display_name, NULL::BIGINT AS followers,
           NULL::BIGINT AS following, NULL::BIGINT AS posts_count, NULL::TIMESTAMPTZ AS created_at,
           NULL::TIMESTAMPTZ AS seen_at
    FROM tw_mentions WHERE target_hint IS NOT NULL
    UNION
    SELECT DISTINCT in_reply_to_user_id, in_reply_to_handle, NULL, NULL, NULL, NULL, NULL, NULL
    FROM tw_posts WHERE collected AND in_reply_to_user_id IS NOT NULL);

DROP TABLE tw1_docs;
DROP TABLE tw1_arrays;
DROP TABLE tw1_outer;
DROP TABLE tw1_tweets;
