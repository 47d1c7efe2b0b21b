-- name: hashtag_memberships_table
-- The hashtag_memberships table (schema version 7): the same statement as in schema.sql.
CREATE TABLE IF NOT EXISTS hashtag_memberships (
    run_id    BIGINT NOT NULL,
    hashtag   VARCHAR NOT NULL,
    community BIGINT NOT NULL,
    PRIMARY KEY (run_id, hashtag)
);

-- name: hashtag_memberships_temp_table
-- No hashtag communities for a workspace of schema version 6 or older opened read-only (temporary: the file is not touched).
CREATE TEMP TABLE hashtag_memberships (run_id BIGINT, hashtag VARCHAR, community BIGINT);
