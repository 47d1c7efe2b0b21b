-- name: flag
-- Set is_focal to $value for the accounts whose ids are in $account_ids.
UPDATE accounts SET is_focal = $value WHERE list_contains($account_ids, account_id);

-- name: listed
-- The accounts flagged is_focal, with what identifies them.
SELECT account_id, platform, handle, display_name
FROM accounts
WHERE is_focal
ORDER BY account_id;
