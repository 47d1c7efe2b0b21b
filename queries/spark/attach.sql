-- The DuckDB side of a Spark load (workbench/spark/workspace.py): the Parquet tables the Spark job
-- wrote, imported into the workspace's own tables. accounts, posts and interactions are partitioned
-- by platform and month (hive folders); the month column only names the folder.

-- name: attach_accounts
-- Import the accounts of a Spark load ($glob: the Parquet files).
INSERT INTO accounts BY NAME
SELECT * EXCLUDE (month)
FROM read_parquet($glob, hive_partitioning = true, hive_types = {'platform': VARCHAR, 'month': VARCHAR});

-- name: attach_posts
-- Import the posts of a Spark load ($glob: the Parquet files).
INSERT INTO posts BY NAME
SELECT * EXCLUDE (month)
FROM read_parquet($glob, hive_partitioning = true, hive_types = {'platform': VARCHAR, 'month': VARCHAR});

-- name: attach_interactions
-- Import the interactions of a Spark load ($glob: the Parquet files).
INSERT INTO interactions BY NAME
SELECT * EXCLUDE (month)
FROM read_parquet($glob, hive_partitioning = true, hive_types = {'platform': VARCHAR, 'month': VARCHAR});

-- name: attach_loads
-- Import the load records of a Spark load ($glob: the Parquet files).
INSERT INTO loads BY NAME SELECT * FROM read_parquet($glob);

-- name: attach_rejects
-- Import the rejected records of a Spark load ($glob: the Parquet files).
INSERT INTO rejects BY NAME SELECT * FROM read_parquet($glob);

-- name: attach_post_entities
-- Import the links and hashtags of a Spark load ($glob: the Parquet files).
INSERT INTO post_entities BY NAME SELECT * FROM read_parquet($glob);
