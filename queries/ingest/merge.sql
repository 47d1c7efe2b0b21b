-- name: stage_accounts_grouped
-- Staged accounts, one row per account (the temp table stage_accounts_unique that merge_accounts reads): the newest observation's counters win.
-- One row per staged account: the newest observation (seen_at), then the most followers, then the first
-- handle, NULLs last; as one aggregate (arg_min on a sort key) rather than a ranking of every staged
-- row: 0.2 s against 1.4 s of CPU for 2.8M staged rows of 294k Reddit authors.
CREATE OR REPLACE TEMP TABLE stage_accounts_unique AS
SELECT account_id, pick.platform, pick.handle, pick.display_name, pick.followers, pick.following, pick.posts_count,
       pick.created_at, coalesce(pick.is_focal, false) AS is_focal, pick.seen_at
FROM (
    SELECT account_id,
           arg_min({'platform': platform, 'handle': handle, 'display_name': display_name, 'followers': followers,
                    'following': following, 'posts_count': posts_count, 'created_at': created_at,
                    'is_focal': is_focal, 'seen_at': seen_at},
                   {'seen': -coalesce(epoch_us(seen_at), -9223372036854775807),
                    'followers': -coalesce(followers, -9223372036854775807),
                    'no_handle': handle IS NULL, 'handle': handle}) AS pick
    FROM stage_accounts
    WHERE account_id IS NOT NULL
    GROUP BY account_id
);

-- name: stage_accounts_as_unique
-- stage_accounts_grouped for a format that stages each account once (edge lists): the staged rows as they are, without grouping them again.
CREATE OR REPLACE TEMP TABLE stage_accounts_unique AS
SELECT account_id, platform, handle, display_name, followers, following, posts_count, created_at,
       coalesce(is_focal, false) AS is_focal, seen_at
FROM stage_accounts
WHERE account_id IS NOT NULL;

-- name: merge_accounts
-- Merge the staged accounts (stage_accounts_unique, one row per account): known accounts are updated, the others inserted.
-- accounts has no unique index (see queries/schema.sql). stage_accounts_unique comes from
-- stage_accounts_grouped, or stage_accounts_as_unique when the format staged each account once.
UPDATE accounts SET
    handle       = CASE WHEN s.seen_at >= accounts.seen_at OR accounts.seen_at IS NULL OR accounts.handle IS NULL
                        THEN coalesce(s.handle, accounts.handle) ELSE accounts.handle END,
    display_name = CASE WHEN s.seen_at >= accounts.seen_at OR accounts.seen_at IS NULL OR accounts.display_name IS NULL
                        THEN coalesce(s.display_name, accounts.display_name) ELSE accounts.display_name END,
    followers    = CASE WHEN s.seen_at >= accounts.seen_at OR accounts.seen_at IS NULL OR accounts.followers IS NULL
                        THEN coalesce(s.followers, accounts.followers) ELSE accounts.followers END,
    following    = CASE WHEN s.seen_at >= accounts.seen_at OR accounts.seen_at IS NULL OR accounts.following IS NULL
                        THEN coalesce(s.following, accounts.following) ELSE accounts.following END,
    posts_count  = CASE WHEN s.seen_at >= accounts.seen_at OR accounts.seen_at IS NULL OR accounts.posts_count IS NULL
                        THEN coalesce(s.posts_count, accounts.posts_count) ELSE accounts.posts_count END,
    created_at   = coalesce(accounts.created_at, s.created_at),
    is_focal     = accounts.is_focal OR s.is_focal,
    seen_at      = greatest(accounts.seen_at, s.seen_at)
FROM stage_accounts_unique AS s
WHERE accounts.account_id = s.account_id
  AND (s.seen_at >= accounts.seen_at OR accounts.seen_at IS NULL  -- else only what is missing can change
       OR accounts.handle IS NULL OR accounts.display_name IS NULL OR accounts.followers IS NULL
       OR accounts.following IS NULL OR accounts.posts_count IS NULL
       OR (accounts.created_at IS NULL AND s.created_at IS NOT NULL) OR (s.is_focal AND NOT accounts.is_focal));

INSERT INTO accounts (account_id, platform, handle, display_name, followers, following, posts_count,
                      created_at, is_focal, seen_at)
SELECT s.account_id, s.platform, s.handle, s.display_name, s.followers, s.following, s.posts_count,
       s.created_at, s.is_focal, s.seen_at
FROM stage_accounts_unique AS s
ANTI JOIN accounts AS a ON a.account_id = s.account_id;

DROP TABLE stage_accounts_unique;

-- name: merge_posts
-- Merge staged posts: one row per post, a collected copy wins over a context copy; new posts are inserted, known ones only filled in.
-- Copies of one id in this file: the first collected copy in file order wins, else the first copy. Only
-- ids staged more than once are ranked (ranking every staged row moves all their text around: 6.8 s
-- of CPU against 0.6 s on 3M Reddit comments); the copies that lose are left out by their row id.
CREATE OR REPLACE TEMP TABLE stage_posts_losers AS
SELECT row_id
FROM (
    SELECT rowid AS row_id,
           row_number() OVER (PARTITION BY post_id ORDER BY collected DESC NULLS LAST, line_no, rowid) AS pick
    FROM stage_posts
    WHERE post_id IN (SELECT post_id FROM stage_posts WHERE post_id IS NOT NULL
                      GROUP BY post_id HAVING count(*) > 1)
)
WHERE pick > 1;

CREATE OR REPLACE TEMP VIEW stage_posts_unique AS
SELECT post_id, platform, author_id, created_at, text, lang, parent_post_id, conversation_id, channel,
       kind, like_count, share_count, reply_count, quote_count, coalesce(collected, false) AS collected
FROM stage_posts
WHERE post_id IS NOT NULL AND rowid NOT IN (SELECT row_id FROM stage_posts_losers);

UPDATE posts SET
    collected       = posts.collected OR s.collected,
    author_id       = coalesce(posts.author_id, s.author_id),
    created_at      = coalesce(posts.created_at, s.created_at),
    text            = coalesce(posts.text, s.text),
    lang            = coalesce(posts.lang, s.lang),
    parent_post_id  = coalesce(posts.parent_post_id, s.parent_post_id),
    conversation_id = coalesce(posts.conversation_id, s.conversation_id),
    channel         = coalesce(posts.channel, s.channel),
    like_count      = coalesce(posts.like_count, s.like_count),
    share_count     = coalesce(posts.share_count, s.share_count),
    reply_count     = coalesce(posts.reply_count, s.reply_count),
    quote_count     = coalesce(posts.quote_count, s.quote_count)
FROM stage_posts_unique AS s
WHERE posts.post_id = s.post_id
  AND ((s.collected AND NOT posts.collected)
       OR (posts.author_id IS NULL AND s.author_id IS NOT NULL)
       OR (posts.created_at IS NULL AND s.created_at IS NOT NULL)
       OR (posts.text IS NULL AND s.text IS NOT NULL)
       OR (posts.parent_post_id IS NULL AND s.parent_post_id IS NOT NULL)
       OR (posts.like_count IS NULL AND s.like_count IS NOT NULL)
       OR (posts.share_count IS NULL AND s.share_count IS NOT NULL)
       OR (posts.reply_count IS NULL AND s.reply_count IS NOT NULL)
       OR (posts.quote_count IS NULL AND s.quote_count IS NOT NULL));

INSERT INTO posts (post_id, platform, author_id, created_at, text, lang, parent_post_id, conversation_id, channel,
                   kind, like_count, share_count, reply_count, quote_count, collected, load_id)
SELECT s.post_id, s.platform, s.author_id, s.created_at, s.text, s.lang, s.parent_post_id, s.conversation_id,
       s.channel, s.kind, s.like_count, s.share_count, s.reply_count, s.quote_count, s.collected, $load_id
FROM stage_posts_unique AS s
ANTI JOIN posts AS p ON p.post_id = s.post_id;

DROP VIEW stage_posts_unique;
DROP TABLE stage_posts_losers;

-- name: merge_interactions_prepare
-- The temp table macro staged_new_interactions(resolved) that merge_interactions and merge_interactions_unique read (this connection only; run before either).
-- The staged interactions with a source and a resolved target that the workspace does not hold yet;
-- `resolved`: the format says every staged row has both (a bound true drops the check from the plan:
-- on an edge list's ids, built as the merge reads them, it computed them twice).
-- A reply, mention, quote or comment is made by its post's author: when two copies of one post id
-- disagree on the author, the copy that posts kept (the first) decides, and the other copy's
-- interactions are dropped rather than attributing the post to two authors.
CREATE OR REPLACE TEMP MACRO staged_new_interactions(resolved) AS TABLE
SELECT s.source_id, s.target_id, s.kind, s.post_id, s.created_at, s.platform
FROM stage_interactions AS s
ANTI JOIN interactions AS i
     ON i.post_id IS NOT DISTINCT FROM s.post_id AND i.kind = s.kind
    AND i.source_id = s.source_id AND i.target_id = s.target_id
LEFT JOIN posts AS p ON p.post_id = s.post_id
WHERE (resolved OR (s.target_id IS NOT NULL AND s.source_id IS NOT NULL))
  AND NOT (s.kind IN ('reply', 'mention', 'quote', 'comment')
           AND p.author_id IS NOT NULL AND p.author_id <> s.source_id);

-- name: merge_interactions
-- Insert the staged interactions that the workspace does not hold yet (staged_new_interactions), one row each at its earliest time.
INSERT INTO interactions (source_id, target_id, kind, post_id, created_at, platform, load_id)
SELECT source_id, target_id, kind, post_id, min(created_at), min(platform), $load_id
FROM staged_new_interactions($targets_resolved)
GROUP BY post_id, kind, source_id, target_id;

-- name: merge_interactions_unique
-- merge_interactions for a format whose staged interactions are one row per (post_id, kind, source_id, target_id) already.
-- An edge list stages each interaction once (queries/ingest/edges_csv.sql): grouping ten million rows
-- again to find no duplicate costs as much as writing them.
INSERT INTO interactions (source_id, target_id, kind, post_id, created_at, platform, load_id)
SELECT source_id, target_id, kind, post_id, created_at, platform, $load_id
FROM staged_new_interactions($targets_resolved);

-- name: save_rejects
-- Keep the staged rejects, with the raw line, in the rejects table.
INSERT INTO rejects (load_id, path, line_no, reason, raw)
SELECT $load_id,
       CASE WHEN r.member IS NULL THEN $path ELSE $path || '/' || r.member END,
       r.line_no, r.reason,
       left(coalesce(r.raw, l.line), 10000)
FROM stage_rejects AS r
LEFT JOIN (SELECT DISTINCT ON (member, line_no) member, line_no, line
           FROM raw_lines
           WHERE line_no IN (SELECT line_no FROM stage_rejects)) AS l
       ON l.line_no = r.line_no AND l.member IS NOT DISTINCT FROM r.member
ORDER BY r.member, r.line_no;

-- name: attributes_changed
-- Staged account attributes that are new or whose value differs from the workspace's (before merging).
SELECT count(*)::BIGINT AS changed
FROM stage_attributes AS s
LEFT JOIN account_attributes AS a ON a.account_id = s.account_id AND a.name = s.name
WHERE a.value IS DISTINCT FROM s.value;

-- name: merge_attributes
-- Merge staged account attributes (one row per account and name): a later load's value replaces an earlier one.
INSERT INTO account_attributes (account_id, name, value, load_id)
SELECT account_id, name, value, $load_id FROM stage_attributes
ON CONFLICT (account_id, name) DO UPDATE SET value = excluded.value, load_id = excluded.load_id;

-- name: merge_post_entities
-- Merge staged links and hashtags: those of a post the workspace holds none for (its first load that had any wins, as for posts).
INSERT INTO post_entities (post_id, entity, value, load_id)
SELECT DISTINCT s.post_id, s.entity, s.value, $load_id
FROM stage_post_entities AS s
WHERE s.post_id IS NOT NULL AND coalesce(s.value, '') <> ''
  AND s.post_id NOT IN (SELECT post_id FROM post_entities);

-- name: first_load_of_platform
-- Whether the workspace holds no post and no interaction with a post id of this platform: a load's posts can then be appended as they are parsed, and need no check against earlier loads.
-- Post ids are platform-qualified (`<platform>:...`), so no post of such a load can meet one the
-- workspace holds; only the file's own copies of an id remain to be merged (appended_duplicate_posts).
SELECT NOT EXISTS (SELECT 1 FROM posts WHERE starts_with(post_id, $platform || ':'))
   AND NOT EXISTS (SELECT 1 FROM interactions WHERE starts_with(post_id, $platform || ':')) AS first_load;

-- name: empty_stage_posts
-- Empty stage_posts (its rows were written to the workspace already, or used up).
CREATE OR REPLACE TEMP TABLE stage_posts AS FROM stage_posts LIMIT 0;

-- name: appended_duplicate_posts
-- Ids appended more than once by this load (the file holds them twice): if any, unappend_posts and the merge decide.
-- Equal ids have equal hashes, so only ids whose 64-bit hash is appended twice can be; those few (a
-- collision among millions of ids is rare) are grouped by the id itself. Grouping the hashes first
-- costs about half as much as grouping the ids (10M ids: 1.7 s against 2.7 s of CPU).
SELECT count(*) AS duplicated
FROM (SELECT post_id
      FROM posts
      WHERE load_id = $load_id
        AND hash(post_id) IN (SELECT h FROM (SELECT hash(post_id) AS h FROM posts WHERE load_id = $load_id
                                             GROUP BY h HAVING count(*) > 1))
      GROUP BY post_id HAVING count(*) > 1);

-- name: appended_posts_collide
-- Whether a post id appended by this load is held by an earlier load (a post, or the post id of an interaction from a load of another format): then unappend_posts and the merge decide.
-- A later load of the platform appends its posts when its first rows name no known post
-- (reddit_ids_known); this checks every appended id. Ids are compared by 64-bit hash first: equal ids
-- have equal hashes, and two different ids that share one (rare) only send the load to the merge,
-- which is exact. Loads of $format make interactions only from their own posts, so only the
-- interactions of other formats' loads (an edge list given this platform and post ids) are looked at.
SELECT EXISTS (
           SELECT 1
           FROM posts AS o
           WHERE o.load_id IS DISTINCT FROM $load_id AND starts_with(o.post_id, $platform || ':')
             AND hash(o.post_id) IN (SELECT hash(post_id) FROM posts WHERE load_id = $load_id))
    OR EXISTS (
           SELECT 1
           FROM interactions AS i
           WHERE (i.load_id IS NULL OR i.load_id NOT IN (SELECT load_id FROM loads WHERE format = $format))
             AND starts_with(i.post_id, $platform || ':')
             AND hash(i.post_id) IN (SELECT hash(post_id) FROM posts WHERE load_id = $load_id)) AS collide;

-- name: unappend_posts
-- The posts this load appended, back into stage_posts (numbered in the order they were appended: file order) and out of posts.
-- For a file that holds an id twice: merge_posts then keeps its first copy, as for any load.
INSERT INTO stage_posts (post_id, platform, author_id, created_at, text, lang, parent_post_id, conversation_id,
                         channel, kind, like_count, share_count, reply_count, quote_count, collected, line_no)
SELECT post_id, platform, author_id, created_at, text, lang, parent_post_id, conversation_id, channel, kind,
       like_count, share_count, reply_count, quote_count, collected, row_number() OVER (ORDER BY rowid)
FROM posts
WHERE load_id = $load_id;
DELETE FROM posts WHERE load_id = $load_id;
