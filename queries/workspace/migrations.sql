-- name: scores_evidence_columns
-- Schema version 4: roles from evidence (workbench/roles): a confidence for every label and the new raw inputs.
ALTER TABLE account_scores ADD COLUMN IF NOT EXISTS confidence DOUBLE;
ALTER TABLE account_scores ADD COLUMN IF NOT EXISTS influence_confidence DOUBLE;
ALTER TABLE account_scores ADD COLUMN IF NOT EXISTS reach_confidence DOUBLE;
ALTER TABLE account_scores ADD COLUMN IF NOT EXISTS shares_received BIGINT;
ALTER TABLE account_scores ADD COLUMN IF NOT EXISTS quotes_received BIGINT;
ALTER TABLE account_scores ADD COLUMN IF NOT EXISTS attention_received BIGINT;
ALTER TABLE account_scores ADD COLUMN IF NOT EXISTS responders_per_post DOUBLE;
ALTER TABLE account_scores ADD COLUMN IF NOT EXISTS influence_rate DOUBLE;
ALTER TABLE account_scores ADD COLUMN IF NOT EXISTS influence_se DOUBLE;
ALTER TABLE account_scores ADD COLUMN IF NOT EXISTS exposed_partners BIGINT;
ALTER TABLE account_scores ADD COLUMN IF NOT EXISTS reach_estimate DOUBLE;
ALTER TABLE account_scores ADD COLUMN IF NOT EXISTS reach_se DOUBLE;

-- name: posts_accounts_without_keys
-- Schema version 6: posts and accounts without a PRIMARY KEY index. DuckDB holds such an index in memory
-- whole when a transaction changes it (inserting 3M posts into a workspace of 10M fails to commit at a
-- 500 MB memory limit), so a Pushshift month could not load in bounded memory; the merge
-- (queries/ingest/merge.sql) keeps the ids unique.
ALTER TABLE posts RENAME TO posts_v1;
CREATE TABLE posts (
    post_id VARCHAR NOT NULL, platform VARCHAR NOT NULL, author_id VARCHAR, created_at TIMESTAMPTZ,
    text VARCHAR, lang VARCHAR, parent_post_id VARCHAR, conversation_id VARCHAR, channel VARCHAR,
    kind VARCHAR NOT NULL, like_count BIGINT, share_count BIGINT, reply_count BIGINT, quote_count BIGINT,
    collected BOOLEAN NOT NULL, load_id BIGINT);
INSERT INTO posts SELECT * FROM posts_v1;
DROP TABLE posts_v1;
ALTER TABLE accounts RENAME TO accounts_v1;
CREATE TABLE accounts (
    account_id VARCHAR NOT NULL, platform VARCHAR NOT NULL, handle VARCHAR, display_name VARCHAR,
    followers BIGINT, following BIGINT, posts_count BIGINT, created_at TIMESTAMPTZ,
    is_focal BOOLEAN NOT NULL DEFAULT false, seen_at TIMESTAMPTZ);
INSERT INTO accounts SELECT * FROM accounts_v1;
DROP TABLE accounts_v1;

