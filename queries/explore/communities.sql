-- Defaults of the parameters left out (workbench/sql.py):
-- default: n = 10
-- default: kinds = DEFAULT_KINDS

-- name: community_top_accounts
-- The $n accounts of each community that received the most interactions of the given kinds (needs a registered partition_frame(account_id, community)).
WITH received AS (
    SELECT target_id AS account_id, count(*)::BIGINT AS received
    FROM interactions
    WHERE list_contains(CAST($kinds AS VARCHAR[]), kind) AND source_id <> target_id
    GROUP BY target_id
), ranked AS (
    SELECT p.community, p.account_id, coalesce(a.handle, p.account_id) AS handle,
           coalesce(r.received, 0)::BIGINT AS received,
           row_number() OVER (PARTITION BY p.community ORDER BY coalesce(r.received, 0) DESC, p.account_id) AS rank
    FROM partition_frame p
    LEFT JOIN accounts a USING (account_id)
    LEFT JOIN received r USING (account_id)
)
SELECT community, rank, handle, account_id, received
FROM ranked
WHERE rank <= $n
ORDER BY community, rank;
