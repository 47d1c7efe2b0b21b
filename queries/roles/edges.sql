-- name: edges
-- Directed edges of the prepared window between dense account ids (vid), one per ordered pair:
-- weight = interactions, amplification = shares, quotes, replies and comments among them (amplifier -> amplified),
-- reached = whether the source acted on the target no later than the target acted on it.
SELECT source, target, interactions::DOUBLE AS weight, amplification::DOUBLE AS amplification, reached
FROM _roles_pairs;
