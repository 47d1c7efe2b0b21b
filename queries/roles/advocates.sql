-- name: advocates
-- Accounts that most often amplify or mention the focal accounts in the prepared window, most active first.
WITH focal AS (
    SELECT vid FROM _roles_accounts WHERE list_contains($focal_ids, account_id)
)
SELECT a.account_id, a.handle,
       count(*) FILTER (WHERE ix.kind = 'share')::BIGINT AS shares,
       count(*) FILTER (WHERE ix.kind = 'quote')::BIGINT AS quotes,
       count(*) FILTER (WHERE ix.kind = 'mention')::BIGINT AS mentions,
       count(*) FILTER (WHERE ix.kind IN ('reply', 'comment'))::BIGINT AS replies,
       count(*)::BIGINT AS total,
       count(DISTINCT ix.target)::BIGINT AS focal_accounts,
       min(ix.created_at) AS first_at,
       max(ix.created_at) AS last_at
FROM _roles_ix ix
JOIN _roles_accounts a ON a.vid = ix.source
WHERE ix.target IN (SELECT vid FROM focal) AND ix.source NOT IN (SELECT vid FROM focal)
GROUP BY a.account_id, a.handle
ORDER BY total DESC, a.account_id
LIMIT $top;

-- name: focal_ids
-- Account ids of the focal accounts: those named (by account id or handle, with or without '@'), else those flagged is_focal.
SELECT account_id, handle
FROM accounts
WHERE CASE WHEN $names IS NULL THEN is_focal
           ELSE list_contains($names, account_id) OR list_contains($handles, lower(handle)) END
ORDER BY account_id;
