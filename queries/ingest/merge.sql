-- name: merge_accounts
-- Merge staged accounts: one row per account, the newest observation's counters win.
INSERT INTO accounts (account_id, platform, handle, display_name, followers, following, posts_count,
                      created_at, is_focal, seen_at)
SELECT account_id, platform, handle, display_name, followers, following, posts_count,
       created_at, coalesce(is_focal, false), seen_at
FROM (
    SELECT *, row_number() OVER (PARTITION BY account_id
                                 ORDER BY seen_at DESC NULLS LAST, followers DESC NULLS LAST, handle NULLS LAST) AS pick
    FROM stage_accounts
    WHERE account_id IS NOT NULL
)
WHERE pick = 1
ON CONFLICT (account_id) DO UPDATE SET
    handle       = CASE WHEN excluded.seen_at >= accounts.seen_at OR accounts.seen_at IS NULL OR accounts.handle IS NULL
                        THEN coalesce(excluded.handle, accounts.handle) ELSE accounts.handle END,
    display_name = CASE WHEN excluded.seen_at >= accounts.seen_at OR accounts.seen_at IS NULL OR accounts.display_name IS NULL
                        THEN coalesce(excluded.display_name, accounts.display_name) ELSE accounts.display_name END,
    followers    = CASE WHEN excluded.seen_at >= accounts.seen_at OR accounts.seen_at IS NULL OR accounts.followers IS NULL
                        THEN coalesce(excluded.followers, accounts.followers) ELSE accounts.followers END,
    following    = CASE WHEN excluded.seen_at >= accounts.seen_at OR accounts.seen_at IS NULL OR accounts.following IS NULL
                        THEN coalesce(excluded.following, accounts.following) ELSE accounts.following END,
    posts_count  = CASE WHEN excluded.seen_at >= accounts.seen_at OR accounts.seen_at IS NULL OR accounts.posts_count IS NULL
                        THEN coalesce(excluded.posts_count, accounts.posts_count) ELSE accounts.posts_count END,
    created_at   = coalesce(accounts.created_at, excluded.created_at),
    is_focal     = accounts.is_focal OR excluded.is_focal,
    seen_at      = greatest(accounts.seen_at, excluded.seen_at);

-- name: merge_posts
-- Merge staged posts: one row per post, a collected copy wins over a context copy.
INSERT INTO posts (post_id, platform, author_id, created_at, text, lang, parent_post_id, conversation_id, channel,
                   kind, like_count, share_count, reply_count, quote_count, collected, load_id)
SELECT post_id, platform, author_id, created_at, text, lang, parent_post_id, conversation_id, channel,
       kind, like_count, share_count, reply_count, quote_count, coalesce(collected, false), $load_id
FROM (
    SELECT *, row_number() OVER (PARTITION BY post_id ORDER BY collected DESC NULLS LAST, line_no) AS pick
    FROM stage_posts
    WHERE post_id IS NOT NULL
)
WHERE pick = 1
ON CONFLICT (post_id) DO UPDATE SET
    collected       = posts.collected OR excluded.collected,
    author_id       = coalesce(posts.author_id, excluded.author_id),
    created_at      = coalesce(posts.created_at, excluded.created_at),
    text            = coalesce(posts.text, excluded.text),
    lang            = coalesce(posts.lang, excluded.lang),
    parent_post_id  = coalesce(posts.parent_post_id, excluded.parent_post_id),
    conversation_id = coalesce(posts.conversation_id, excluded.conversation_id),
    channel         = coalesce(posts.channel, excluded.channel),
    like_count      = coalesce(posts.like_count, excluded.like_count),
    share_count     = coalesce(posts.share_count, excluded.share_count),
    reply_count     = coalesce(posts.reply_count, excluded.reply_count),
    quote_count     = coalesce(posts.quote_count, excluded.quote_count);

-- name: merge_interactions
-- Insert staged interactions with a resolved target that the workspace does not hold yet.
INSERT INTO interactions (source_id, target_id, kind, post_id, created_at, platform, load_id)
SELECT DISTINCT ON (s.post_id, s.kind, s.source_id, s.target_id)
       s.source_id, s.target_id, s.kind, s.post_id, s.created_at, s.platform, $load_id
FROM stage_interactions AS s
WHERE s.target_id IS NOT NULL AND s.source_id IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM interactions AS i
      WHERE i.post_id IS NOT DISTINCT FROM s.post_id AND i.kind = s.kind
        AND i.source_id = s.source_id AND i.target_id = s.target_id
  );

-- name: save_rejects
-- Keep the staged rejects, with the raw line, in the rejects table.
INSERT INTO rejects (load_id, path, line_no, reason, raw)
SELECT $load_id,
       CASE WHEN r.member IS NULL THEN $path ELSE $path || '/' || r.member END,
       r.line_no, r.reason,
       left(coalesce(r.raw, (SELECT first(l.line) FROM raw_lines AS l
                              WHERE l.line_no = r.line_no AND l.member IS NOT DISTINCT FROM r.member)), 10000)
FROM stage_rejects AS r
ORDER BY r.member, r.line_no;
