-- name: overlay_views
-- In an in-memory overlay, replace the empty data tables by views of the attached workspace (read-only).
DROP TABLE accounts;
CREATE VIEW accounts AS SELECT * FROM workspace.accounts;
DROP TABLE posts;
CREATE VIEW posts AS SELECT * FROM workspace.posts;
DROP TABLE interactions;
CREATE VIEW interactions AS SELECT * FROM workspace.interactions;
DROP TABLE loads;
CREATE VIEW loads AS SELECT * FROM workspace.loads;
DROP TABLE rejects;
CREATE VIEW rejects AS SELECT * FROM workspace.rejects;

-- name: overlay_campaigns
-- In an in-memory overlay, read the attached workspace's decision log (when it has one: schema version 2 and later).
DROP TABLE campaigns;
CREATE VIEW campaigns AS SELECT * FROM workspace.campaigns;

-- name: overlay_has_attributes
-- Whether the attached workspace has the account_attributes table (workspaces made before it have none).
SELECT count(*) > 0 AS present FROM duckdb_tables() WHERE database_name = 'workspace' AND table_name = 'account_attributes';

-- name: overlay_attributes
-- In an in-memory overlay, replace the empty account_attributes table by a view of the attached workspace's.
DROP TABLE account_attributes;
CREATE VIEW account_attributes AS SELECT * FROM workspace.account_attributes;

-- name: overlay_has_post_entities
-- Whether the attached workspace has the post_entities table (workspaces made before it have none).
SELECT count(*) > 0 AS present FROM duckdb_tables() WHERE database_name = 'workspace' AND table_name = 'post_entities';

-- name: overlay_post_entities
-- In an in-memory overlay, replace the empty post_entities table by a view of the attached workspace's.
DROP TABLE post_entities;
CREATE VIEW post_entities AS SELECT * FROM workspace.post_entities;
