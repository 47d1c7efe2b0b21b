-- The decision log (table campaigns): what was done when. Windows are half-open, [start_at, end_at).

-- name: list
-- Every campaign of the decision log, by the start of its window.
SELECT campaign_id, name, start_at, end_at, hashtags, note, source, created_at
FROM campaigns
ORDER BY start_at, campaign_id;

-- name: insert
-- Log one campaign; returns its new campaign_id.
INSERT INTO campaigns (campaign_id, name, start_at, end_at, hashtags, note, source, created_at)
VALUES (nextval('campaign_ids'), $campaign_name, $start_at::TIMESTAMPTZ, $end_at::TIMESTAMPTZ, $hashtags::VARCHAR[], $note,
        $source, $created_at::TIMESTAMPTZ)
RETURNING campaign_id;

-- name: update
-- Change one campaign: name, window, hashtags and note (the caller passes every value, changed or not).
UPDATE campaigns
SET name = $campaign_name, start_at = $start_at::TIMESTAMPTZ, end_at = $end_at::TIMESTAMPTZ, hashtags = $hashtags::VARCHAR[],
    note = $note
WHERE campaign_id = $campaign_id;

-- name: delete
-- Remove one campaign from the log.
DELETE FROM campaigns WHERE campaign_id = $campaign_id;
