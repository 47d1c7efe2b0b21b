-- name: edges
-- Directed edges of the prepared window between dense account ids (vid), one per ordered pair:
-- weight = interactions, amplification = shares, quotes, replies and comments among them (amplifier -> amplified).
SELECT source, target, interactions::DOUBLE AS weight, amplification::DOUBLE AS amplification
FROM _roles_pairs;
