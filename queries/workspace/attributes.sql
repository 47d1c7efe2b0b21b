-- name: attributes_table
-- The account_attributes table (schema version 3): the same statement as in schema.sql.
CREATE TABLE IF NOT EXISTS account_attributes (
    account_id VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    value      VARCHAR NOT NULL,
    load_id    BIGINT,
    PRIMARY KEY (account_id, name)
);

-- name: attributes_temp_table
-- No account attributes for a workspace of schema version 1 or 2 opened read-only (temporary: the file is not touched).
CREATE TEMP TABLE account_attributes (account_id VARCHAR, name VARCHAR, value VARCHAR, load_id BIGINT);
