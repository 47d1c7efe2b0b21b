-- Defaults of the parameters left out (workbench/sql.py): no community run (run_id NULL), no time bound.
-- default: period = 'week'
-- default: run_id = NULL
-- default: since = NULL
-- default: until = NULL

-- name: responsiveness
-- Questions to the focal accounts per period (and community of the asker): how many, the share answered by a focal account, median hours to the first answer.
-- A question is a collected post by a non-focal account that replies to, comments on or mentions a focal account and, once its
-- leading @mentions are removed, ends with '?' or starts with an English question word (see the regular expression below).
-- An answer is a post by any focal account whose parent is the question, made at or after it (CHAOSS "time to first response").
WITH directed AS (
    SELECT DISTINCT i.post_id
    FROM interactions i
    WHERE i.kind IN ('reply', 'mention', 'comment') AND list_contains($focal_ids, i.target_id)
      AND NOT list_contains($focal_ids, i.source_id)
),
questions AS (
    SELECT p.post_id, p.author_id, p.created_at,
           trim(regexp_replace(coalesce(p.text, ''), '^(\s*[@＠]\w+)+', '')) AS body
    FROM posts p JOIN directed d USING (post_id)
    WHERE p.collected AND p.created_at IS NOT NULL
      AND ($since::TIMESTAMPTZ IS NULL OR p.created_at >= $since::TIMESTAMPTZ)
      AND ($until::TIMESTAMPTZ IS NULL OR p.created_at < $until::TIMESTAMPTZ)
),
asked AS (
    SELECT * FROM questions
    WHERE body LIKE '%?'
       OR regexp_matches(lower(body),
            '^(who|whom|whose|what|when|where|which|why|how|is|are|am|was|were|can|could|do|does|did|will|would|should|shall|may|might|has|have|had|isn''t|aren''t|can''t|won''t|don''t|doesn''t|didn''t|anyone|anybody)\b')
),
answered AS (
    SELECT q.post_id, min(r.created_at) AS first_response
    FROM asked q JOIN posts r ON r.parent_post_id = q.post_id
    WHERE list_contains($focal_ids, r.author_id) AND r.created_at >= q.created_at
    GROUP BY q.post_id
)
SELECT date_trunc($period, q.created_at AT TIME ZONE 'UTC') AS period, m.community,
       count(*)::BIGINT AS questions,
       count(a.first_response)::BIGINT AS answered,
       (count(a.first_response) / count(*))::DOUBLE AS share_answered,
       (median(epoch(a.first_response) - epoch(q.created_at)) / 3600.0)::DOUBLE AS median_hours_to_first_response
FROM asked q
LEFT JOIN answered a USING (post_id)
LEFT JOIN memberships m ON m.run_id = $run_id AND m.account_id = q.author_id
GROUP BY ALL
ORDER BY period, m.community NULLS LAST;
