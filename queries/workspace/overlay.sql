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
