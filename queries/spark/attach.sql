-- The DuckDB side of a Spark load (workbench/spark/workspace.py): the Parquet tables the Spark job
-- wrote, imported into the workspace's own tables. The workspace's connection reads no file itself
-- (external access is off): pyarrow reads the Parquet files and they are registered as the Arrow
-- dataset _spark_parquet. accounts, posts and interactions are partitioned by platform and month
-- (hive folders); the month column only names the folder.

-- name: attach_accounts
-- Import the accounts of a Spark load (the registered Arrow dataset _spark_parquet).
INSERT INTO accounts BY NAME SELECT * EXCLUDE (month) FROM _spark_parquet;

-- name: attach_posts
-- Import the posts of a Spark load (the registered Arrow dataset _spark_parquet).
INSERT INTO posts BY NAME SELECT * EXCLUDE (month) FROM _spark_parquet;

-- name: attach_interactions
-- Import the interactions of a Spark load (the registered Arrow dataset _spark_parquet).
INSERT INTO interactions BY NAME SELECT * EXCLUDE (month) FROM _spark_parquet;

-- name: attach_loads
-- Import the load records of a Spark load (the registered Arrow dataset _spark_parquet).
INSERT INTO loads BY NAME SELECT * FROM _spark_parquet;

-- name: attach_rejects
-- Import the rejected records of a Spark load (the registered Arrow dataset _spark_parquet).
INSERT INTO rejects BY NAME SELECT * FROM _spark_parquet;

-- name: attach_post_entities
-- Import the links and hashtags of a Spark load (the registered Arrow dataset _spark_parquet).
INSERT INTO post_entities BY NAME SELECT * FROM _spark_parquet;
