-- name: next_load_id
-- The id of a new load (the sequence load_ids).
SELECT nextval('load_ids');

-- name: load_started
-- The loads row of a load that starts, written in its own transaction so a killed load stays visible.
INSERT INTO loads (load_id, path, format, bytes, started_at, status, platform)
VALUES ($load_id, $path, $format, $bytes, $started, 'running', $platform);

-- name: load_finished
-- The loads row of a load that succeeded: what it read, loaded and rejected (inside the load's transaction).
UPDATE loads SET sha256 = $sha, bytes = $bytes, finished_at = $finished, records_read = $read,
                 records_loaded = $loaded, records_rejected = $rejected, status = 'ok',
                 interactions_loaded = $interactions, unresolved = $unresolved
WHERE load_id = $load_id;

-- name: load_failed
-- The loads row of a load that failed or was interrupted, with the reason (its own transaction, after the rollback).
UPDATE loads SET status = 'failed', finished_at = $finished, message = $message, sha256 = $sha
WHERE load_id = $load_id;

-- name: load_forgotten
-- Remove the loads row of a load that repeated an earlier one and changed nothing (loading a file twice changes nothing).
DELETE FROM loads WHERE load_id = $load_id;

-- name: earlier_load
-- The first successful load of the same bytes (sha256), other than this one; NULL if none.
SELECT min(load_id) FROM loads WHERE sha256 = $sha AND status = 'ok' AND load_id <> $load_id;

-- name: canonical_counts
-- Rows of accounts, posts, interactions and post_entities: the difference before and after the merge is what a load added.
SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM posts) AS posts,
       (SELECT count(*) FROM interactions) AS interactions, (SELECT count(*) FROM post_entities) AS entities;

-- name: staged_unresolved
-- Staged interactions whose target could not be resolved: one per post, kind and source.
SELECT count(*) FROM (SELECT DISTINCT post_id, kind, source_id FROM stage_interactions
                      WHERE target_id IS NULL AND source_id IS NOT NULL);

-- name: rejected_lines
-- Rejected records of a lines file: a line is one record however many reasons it got.
SELECT count(*) FROM (SELECT DISTINCT member, line_no FROM stage_rejects);

-- name: rejected_elements
-- Rejected records of a document: every rejected element is its own record, though all sit on line 1.
SELECT count(*) FROM stage_rejects;

-- name: first_rejects
-- The first rejects of the load, for its summary (in file and line order).
SELECT line_no, reason, member FROM stage_rejects ORDER BY member NULLS FIRST, line_no LIMIT $n;

-- name: reading_reject
-- A line rejected while reading (bad bytes, too long), before the format saw it.
INSERT INTO stage_rejects VALUES ($1, $2, $3, $4);
