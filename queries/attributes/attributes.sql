-- name: names
-- The account attributes of the workspace: per name, how many accounts have one, how many distinct values, the loads that set them.
SELECT a.name,
       count(*)::BIGINT AS accounts,
       count(DISTINCT a.value)::BIGINT AS distinct_values,
       list(DISTINCT l.path ORDER BY l.path) AS files,
       max(a.load_id)::BIGINT AS last_load_id
FROM account_attributes AS a
LEFT JOIN loads AS l ON l.load_id = a.load_id
GROUP BY a.name
ORDER BY a.name;

-- name: values
-- One attribute's value per account (account_id, value), by account id.
SELECT account_id, value
FROM account_attributes
WHERE name = $attribute
ORDER BY account_id;

-- name: value_counts
-- How many accounts hold each value of one attribute, most first.
SELECT value, count(*)::BIGINT AS accounts
FROM account_attributes
WHERE name = $attribute
GROUP BY value
ORDER BY accounts DESC, value;
