-- name: prepare
-- Temp tables of one scoring window, keyed by dense account ids (vid) so that later grouping is on integers:
-- the accounts taking part, their interactions (no self-interactions), the posts they authored, and the pairs of
-- accounts with what passed between them. Kinds and the half-open interval [since, until) select interactions and
-- collected posts; NULL bounds are open. Post ids are carried as their 64-bit hash (post_key) for grouping.
-- The window's interactions are read where they are used (twice), not copied: a temp copy of 10M rows with their
-- post ids cost more than reading them again.
CREATE OR REPLACE TEMP MACRO _roles_raw(kinds, since, until) AS TABLE
SELECT source_id, target_id, kind, post_id, created_at
FROM interactions
WHERE source_id <> target_id
  AND list_contains(kinds, kind)
  AND (since::TIMESTAMPTZ IS NULL OR created_at >= since::TIMESTAMPTZ)
  AND (until::TIMESTAMPTZ IS NULL OR created_at < until::TIMESTAMPTZ);

CREATE OR REPLACE TEMP TABLE _roles_collected AS
SELECT post_id, author_id, created_at, kind
FROM posts
WHERE collected AND author_id IS NOT NULL
  AND ($since::TIMESTAMPTZ IS NULL OR created_at >= $since::TIMESTAMPTZ)
  AND ($until::TIMESTAMPTZ IS NULL OR created_at < $until::TIMESTAMPTZ);

CREATE OR REPLACE TEMP TABLE _roles_accounts AS
WITH raw AS (
    SELECT source_id, target_id FROM _roles_raw($kinds, $since, $until)
),
present AS (
    SELECT source_id AS account_id FROM raw
    UNION SELECT target_id FROM raw
    UNION SELECT author_id FROM _roles_collected
)
SELECT (row_number() OVER (ORDER BY p.account_id) - 1)::BIGINT AS vid,
       p.account_id, a.handle, a.followers, coalesce(a.is_focal, false) AS is_focal
FROM present p LEFT JOIN accounts a USING (account_id);

-- carried: a collected post of the window carries the interaction; parent_key/parent_at/parent_kind: the post it responds to,
-- when the responding post names a parent written by the target
CREATE OR REPLACE TEMP TABLE _roles_ix AS
SELECT s.vid AS source, t.vid AS target, r.kind, r.created_at,
       CASE WHEN r.post_id IS NOT NULL THEN hash(r.post_id) END AS post_key,
       coalesce(rp.collected AND rp.author_id IS NOT NULL
                AND ($since::TIMESTAMPTZ IS NULL OR rp.created_at >= $since::TIMESTAMPTZ)
                AND ($until::TIMESTAMPTZ IS NULL OR rp.created_at < $until::TIMESTAMPTZ), false) AS carried,
       CASE WHEN op.post_id IS NOT NULL THEN hash(op.post_id) END AS parent_key,
       op.created_at AS parent_at, op.kind AS parent_kind
FROM _roles_raw($kinds, $since, $until) r
JOIN _roles_accounts s ON s.account_id = r.source_id
JOIN _roles_accounts t ON t.account_id = r.target_id
LEFT JOIN posts rp ON rp.post_id = r.post_id
LEFT JOIN posts op ON op.post_id = rp.parent_post_id AND op.author_id = r.target_id
                  AND r.kind IN ('share', 'quote', 'reply', 'comment');

-- every post other than a share by an account of the window (collected or context, any time), for per-post credit
CREATE OR REPLACE TEMP TABLE _roles_own_posts AS
SELECT a.vid, hash(p.post_id) AS post_key, p.created_at, p.kind
FROM posts p JOIN _roles_accounts a ON a.account_id = p.author_id
WHERE p.kind <> 'share';

CREATE OR REPLACE TEMP TABLE _roles_posts AS
SELECT a.vid AS author, c.created_at
FROM _roles_collected c JOIN _roles_accounts a ON a.account_id = c.author_id;

DROP MACRO TABLE _roles_raw;
DROP TABLE _roles_collected;

-- One row per ordered pair: interactions by kind (source acts on target).
CREATE OR REPLACE TEMP TABLE _roles_pairs AS
SELECT source, target, count(*) AS interactions,
       count(*) FILTER (WHERE kind IN ('share', 'quote', 'reply', 'comment')) AS amplification,
       count(*) FILTER (WHERE kind = 'mention') AS mentions,
       count(*) FILTER (WHERE kind IN ('reply', 'comment')) AS replies,
       count(*) FILTER (WHERE kind = 'share') AS shares,
       count(*) FILTER (WHERE kind = 'quote') AS quotes
FROM _roles_ix GROUP BY source, target;

-- name: cleanup
-- Drop the temp tables of a scoring window.
DROP TABLE IF EXISTS _roles_ix;
DROP TABLE IF EXISTS _roles_posts;
DROP TABLE IF EXISTS _roles_own_posts;
DROP TABLE IF EXISTS _roles_accounts;
DROP TABLE IF EXISTS _roles_pairs;
DROP MACRO TABLE IF EXISTS _roles_unlinked;
