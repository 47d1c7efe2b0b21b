-- name: guimera_amaral
-- Within-community degree z-score and participation coefficient per account (Guimerà & Amaral 2005, Nature 433:895),
-- on the undirected simple graph of the prepared window; only links between accounts of the community run count.
WITH member AS (
    SELECT a.vid, a.account_id, m.community
    FROM _roles_accounts a JOIN memberships m ON m.run_id = $community_run_id AND m.account_id = a.account_id
),
pairs AS (
    SELECT DISTINCT least(source, target) AS a, greatest(source, target) AS b FROM _roles_pairs
),
ends AS (
    SELECT a AS v, b AS u FROM pairs UNION ALL SELECT b, a FROM pairs
),
per_community AS (
    SELECT e.v, mu.community AS cu, count(*) AS k_s
    FROM ends e JOIN member mu ON mu.vid = e.u
    GROUP BY ALL
),
totals AS (
    SELECT v, sum(k_s) AS k FROM per_community GROUP BY v
),
degrees AS (
    SELECT mb.vid, mb.account_id, mb.community,
           coalesce(sum(pc.k_s), 0) AS degree,
           coalesce(sum(pc.k_s) FILTER (WHERE pc.cu = mb.community), 0) AS within_degree,
           coalesce(1 - sum((pc.k_s / t.k) ^ 2), 0) AS participation
    FROM member mb
    LEFT JOIN per_community pc ON pc.v = mb.vid
    LEFT JOIN totals t ON t.v = mb.vid
    GROUP BY ALL
),
scored AS (
    SELECT *,
           coalesce((within_degree - avg(within_degree) OVER w) / nullif(stddev_pop(within_degree) OVER w, 0), 0)
               AS within_module_z
    FROM degrees
    WINDOW w AS (PARTITION BY community)
)
SELECT vid, account_id, community, degree::BIGINT AS degree, within_degree::BIGINT AS within_degree,
       within_module_z::DOUBLE AS within_module_z, participation::DOUBLE AS participation,
       CASE
           WHEN within_module_z >= 2.5 AND participation <= 0.30 THEN 'provincial hub'
           WHEN within_module_z >= 2.5 AND participation <= 0.75 THEN 'connector hub'
           WHEN within_module_z >= 2.5 THEN 'kinless hub'
           WHEN participation <= 0.05 THEN 'ultra-peripheral'
           WHEN participation <= 0.62 THEN 'peripheral'
           WHEN participation <= 0.80 THEN 'connector'
           ELSE 'kinless'
       END AS ga_role
FROM scored
ORDER BY vid;
