-- name: edges
-- Directed edges of the prepared window between dense account ids (vid), one per ordered pair, and the shares,
-- quotes, replies and comments among them (amplification: amplifier -> amplified).
SELECT source, target, amplification::BIGINT AS amplification
FROM _roles_pairs;
