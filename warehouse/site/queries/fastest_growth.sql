-- The fastest projected growth in the latest edition: its occupations by projected change in employment
-- ($1: how many).
SELECT
    occupation_key,
    occupation,
    edition,
    projection_period,
    projection_base,
    projection_target,
    projection_change_percent,
    outlook_category
FROM occupation_timeline
WHERE edition = (SELECT edition FROM editions ORDER BY base_year DESC LIMIT 1)
  AND projection_change_percent IS NOT NULL
ORDER BY projection_change_percent DESC, occupation
LIMIT $1
