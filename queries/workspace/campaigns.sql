-- name: campaigns_table
-- The campaigns table and its id sequence (schema version 2): the same statements as in schema.sql.
CREATE SEQUENCE IF NOT EXISTS campaign_ids START 1;
CREATE TABLE IF NOT EXISTS campaigns (
    campaign_id BIGINT PRIMARY KEY,
    name        VARCHAR NOT NULL,
    start_at    TIMESTAMPTZ NOT NULL,
    end_at      TIMESTAMPTZ NOT NULL,
    hashtags    VARCHAR[] NOT NULL,
    note        VARCHAR,
    source      VARCHAR NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    CHECK (end_at > start_at),
    CHECK (source IN ('manual', 'detected'))
);

-- name: campaigns_temp_table
-- An empty decision log for a workspace of schema version 1 opened read-only (temporary: the file is not touched).
CREATE TEMP TABLE campaigns (
    campaign_id BIGINT, name VARCHAR, start_at TIMESTAMPTZ, end_at TIMESTAMPTZ, hashtags VARCHAR[],
    note VARCHAR, source VARCHAR, created_at TIMESTAMPTZ
);
