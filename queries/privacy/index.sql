-- name: account_names
-- Every name of every account of the registered privacy_accounts(account_id, handle, display_name), smallest account id last, with what a name is and, for one ASCII word (or platform:word), its key and whether it identifies on its own ($words: the workbench's own words).
WITH own AS (
    SELECT unnest($words::VARCHAR[]) AS word
), accounts AS (
    SELECT account_id::VARCHAR AS account_id, handle::VARCHAR AS handle, display_name::VARCHAR AS display_name,
           regexp_replace(account_id::VARCHAR, '^[^:]*:', '') AS native
    FROM privacy_accounts
), handles AS (
    SELECT account_id, ltrim(handle, '@＠') AS handle FROM accounts WHERE trim(coalesce(handle, '')) <> ''
), named AS (
    SELECT account_id, 'account_id' AS what, account_id AS value FROM accounts
    UNION ALL SELECT account_id, 'native', native FROM accounts
    UNION ALL SELECT account_id, 'handle', split_part(native, '@', 1) FROM accounts WHERE contains(native, '@')
    UNION ALL SELECT account_id, 'handle', handle FROM handles
    UNION ALL SELECT account_id, 'handle', split_part(handle, '@', 1) FROM handles WHERE contains(handle, '@')
    UNION ALL SELECT account_id, 'name', display_name FROM accounts WHERE trim(coalesce(display_name, '')) <> ''
), classified AS (
    SELECT *, regexp_full_match(value, '[A-Za-z0-9_]+(:[A-Za-z0-9_]+)?') AS simple,
           lower(value) AS lowered,
           contains(value, ':') AS qualified,
           lower(regexp_replace(value, '^[^:]*:', '')) AS word,
           lower(split_part(value, ':', 1)) AS platform
    FROM named WHERE value <> ''
)
SELECT account_id, what, value, simple, lowered AS key, qualified, platform, word,
       simple AND (
           what = 'account_id'
           OR (qualified AND NOT (platform IN (SELECT word FROM own) AND word IN (SELECT word FROM own)))
           OR (NOT qualified AND word NOT IN (SELECT word FROM own) AND length(word) >= $min_length
               AND ((regexp_full_match(word, '[0-9]+') AND length(word) >= $min_number)
                    OR (NOT regexp_full_match(word, '[0-9]+') AND NOT regexp_full_match(word, '[a-z]+'))
                    OR (regexp_full_match(word, '[a-z]+') AND regexp_matches(value, '[a-z][A-Z]'))))
       ) AS distinctive
FROM classified
ORDER BY account_id DESC;
