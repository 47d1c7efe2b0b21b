-- name: post_entities_table
-- The post_entities table (schema version 5): the same statement as in schema.sql.
CREATE TABLE IF NOT EXISTS post_entities (
    post_id VARCHAR NOT NULL,
    entity  VARCHAR NOT NULL,
    value   VARCHAR NOT NULL,
    load_id BIGINT
);

-- name: post_entities_temp_table
-- No post entities for a workspace of schema version 4 or older opened read-only (temporary: the file is not touched).
CREATE TEMP TABLE post_entities (post_id VARCHAR, entity VARCHAR, value VARCHAR, load_id BIGINT);
