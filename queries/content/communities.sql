-- What each community posts (workbench/content.py). Every query needs a registered
-- partition_frame(account_id, community) and takes $communities (BIGINT[]: the communities to rank for),
-- $n (rows per community) and the window $since / $until (TIMESTAMPTZ or NULL, on the post's created_at).
-- Posts are collected posts other than shares (a share repeats the original's text, counters and entities).

-- name: top_posts
-- The $n posts of each community's members that drew the most response: the shares, quotes and replies the platform counted, or (no counters) the distinct accounts replying or commenting in the workspace.
WITH answered AS (
    SELECT parent_post_id AS post_id, count(DISTINCT author_id)::BIGINT AS responders
    FROM posts
    WHERE collected AND parent_post_id IS NOT NULL AND kind IN ('reply', 'comment', 'quote')
    GROUP BY parent_post_id
), posted AS (
    SELECT p.community, t.post_id, t.author_id, t.created_at, t.text, t.kind, t.like_count AS likes,
           coalesce(r.responders, 0)::BIGINT AS responders,
           CASE WHEN t.share_count IS NULL AND t.quote_count IS NULL AND t.reply_count IS NULL
                THEN coalesce(r.responders, 0)
                ELSE coalesce(t.share_count, 0) + coalesce(t.quote_count, 0) + coalesce(t.reply_count, 0)
           END::BIGINT AS response,
           (t.share_count IS NOT NULL OR t.quote_count IS NOT NULL OR t.reply_count IS NOT NULL) AS counted
    FROM posts t
    JOIN partition_frame p ON p.account_id = t.author_id
    LEFT JOIN answered r ON r.post_id = t.post_id
    WHERE t.collected AND t.kind <> 'share' AND list_contains(CAST($communities AS BIGINT[]), p.community)
      AND (CAST($since AS TIMESTAMPTZ) IS NULL OR t.created_at >= CAST($since AS TIMESTAMPTZ))
      AND (CAST($until AS TIMESTAMPTZ) IS NULL OR t.created_at < CAST($until AS TIMESTAMPTZ))
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY community
                                 ORDER BY response DESC, coalesce(likes, 0) DESC, post_id) AS rank
    FROM posted WHERE response > 0
)
SELECT r.community, r.rank, r.post_id, r.author_id, coalesce(a.handle, r.author_id) AS handle, r.created_at,
       r.kind, r.text, r.response, r.responders, r.likes, r.counted
FROM ranked r LEFT JOIN accounts a ON a.account_id = r.author_id
WHERE r.rank <= $n
ORDER BY r.community, r.rank;

-- name: top_entities
-- The $n links or hashtags ($entity: 'link' or 'hashtag') most used in each community's posts, with the distinct members using each.
WITH used AS (
    SELECT p.community, e.value, t.author_id
    FROM post_entities e
    JOIN posts t ON t.post_id = e.post_id
    JOIN partition_frame p ON p.account_id = t.author_id
    WHERE e.entity = $entity AND t.collected AND t.kind <> 'share'
      AND list_contains(CAST($communities AS BIGINT[]), p.community)
      AND (CAST($since AS TIMESTAMPTZ) IS NULL OR t.created_at >= CAST($since AS TIMESTAMPTZ))
      AND (CAST($until AS TIMESTAMPTZ) IS NULL OR t.created_at < CAST($until AS TIMESTAMPTZ))
), counted AS (
    SELECT community, value, count(*)::BIGINT AS uses, count(DISTINCT author_id)::BIGINT AS accounts
    FROM used GROUP BY community, value
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY community ORDER BY uses DESC, accounts DESC, value) AS rank FROM counted
)
SELECT community, rank, value, uses, accounts
FROM ranked
WHERE rank <= $n
ORDER BY community, rank;

-- name: distinctive_terms
-- Words each community uses more than the rest of the workspace: log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), z-scored; the $n highest per community with at least $min_count uses.
-- Words are runs of letters (apostrophes and hyphens inside) of 3 or more, lower-cased, from the text without links,
-- @mentions and #hashtags; $stopwords and anything equal to an account's handle or display name are left out. The
-- prior's counts are the whole window's counts times $prior (alpha_w = $prior * y_w, alpha_0 = $prior * n); the rest
-- is every other post of the window, whoever wrote it.
WITH docs AS (
    SELECT p.community,
           regexp_replace(lower(t.text), '(https?://|www\.)\S+|[@#＃][\p{L}\p{N}_]+', ' ', 'g') AS body
    FROM posts t
    LEFT JOIN partition_frame p ON p.account_id = t.author_id
    WHERE t.collected AND t.kind <> 'share' AND t.text IS NOT NULL
      AND (CAST($since AS TIMESTAMPTZ) IS NULL OR t.created_at >= CAST($since AS TIMESTAMPTZ))
      AND (CAST($until AS TIMESTAMPTZ) IS NULL OR t.created_at < CAST($until AS TIMESTAMPTZ))
), names AS (
    SELECT DISTINCT lower(handle) AS term FROM accounts WHERE handle IS NOT NULL
    UNION
    SELECT DISTINCT lower(display_name) FROM accounts WHERE display_name IS NOT NULL
), words AS (
    SELECT community, unnest(regexp_extract_all(body, '[\p{L}\p{M}\p{N}_''’-]+')) AS term FROM docs
), kept AS (
    SELECT community, trim(term, '''’-') AS term FROM words
), counts AS (
    SELECT community, term, count(*)::DOUBLE AS y
    FROM kept
    WHERE length(term) >= 3 AND regexp_full_match(term, '[\p{L}\p{M}]+([''’-][\p{L}\p{M}]+)*')
      AND NOT list_contains(CAST($stopwords AS VARCHAR[]), term)
      AND term NOT IN (SELECT term FROM names)
    GROUP BY ALL
), totals AS (
    SELECT term, sum(y) AS y_all FROM counts GROUP BY term
), sizes AS (
    SELECT community, sum(y) AS n_i FROM counts WHERE community IS NOT NULL GROUP BY community
), corpus AS (
    SELECT sum(y) AS n FROM counts
), scored AS (
    SELECT c.community, c.term, c.y AS y_i, t.y_all - c.y AS y_j, s.n_i, k.n - s.n_i AS n_j,
           $prior * t.y_all AS a_w, $prior * k.n AS a_0
    FROM counts c
    JOIN totals t USING (term)
    JOIN sizes s USING (community)
    CROSS JOIN corpus k
    WHERE list_contains(CAST($communities AS BIGINT[]), c.community) AND c.y >= $min_count
), rated AS (
    SELECT community, term, y_i, y_j,
           ln((y_i + a_w) / (n_i + a_0 - y_i - a_w)) - ln((y_j + a_w) / (n_j + a_0 - y_j - a_w)) AS log_odds,
           1 / (y_i + a_w) + 1 / (y_j + a_w) AS variance
    FROM scored
), ranked AS (
    SELECT community, term, y_i, y_j, log_odds, log_odds / sqrt(variance) AS z,
           row_number() OVER (PARTITION BY community ORDER BY log_odds / sqrt(variance) DESC, term) AS rank
    FROM rated
)
SELECT community, rank, term, CAST(y_i AS BIGINT) AS uses, CAST(y_j AS BIGINT) AS uses_elsewhere, log_odds, z
FROM ranked
WHERE rank <= $n AND z > 0
ORDER BY community, rank;
