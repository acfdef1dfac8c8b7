-- `ooh timeline TITLE`: the occupations whose title in any edition contains TITLE, each along its
-- continuing line, edition by edition ($1: the year of the constant dollars, $2: the title). The notes
-- (share that continued, parts that moved, statements merged) follow the columns the table shows.
WITH candidates AS (
    -- every key whose timeline can match, found without its figures: a timeline's title is its statement's
    -- title where an edition has one, so a key matches only if one of its titles does, its name does, or
    -- it has an edition of several statements whose '; '-joined titles match across a join: which needs
    -- a ';', a leading space or a wildcard in TITLE (the exact match is made on the timeline, below)
    SELECT l.occupation_key
    FROM current_pages AS p
    JOIN occupation_lineage AS l USING (occupation_id)
    GROUP BY l.occupation_key, p.edition
    HAVING bool_or(p.title ILIKE '%' || $2 || '%')
        OR (count(*) > 1 AND (contains($2, ';') OR contains($2, '%') OR contains($2, '_') OR starts_with($2, ' ')))
    UNION
    SELECT occupation_key FROM occupation_keys WHERE occupation ILIKE '%' || $2 || '%'
),

lines AS (
    SELECT * FROM occupation_timeline_of($1, (SELECT coalesce(list(occupation_key), []) FROM candidates))
)

SELECT
    occupation,
    edition,
    occupation_title AS title,
    array_to_string(soc_codes, ', ') AS soc,
    jobs,
    median_annual_equivalent AS median_annual_wage,
    CASE median_annual_equivalent_basis WHEN 'hourly_x_2080' THEN 'hourly x 2080' END AS basis,
    median_annual_equivalent_constant AS "in {year} dollars",
    wage_year,
    projection_change_percent AS "change %",
    projection_period,
    outlook_category AS outlook,
    share_continued,
    parted_to,
    drew_from,
    merged_from,
    arg_min(edition, base_year) OVER (PARTITION BY occupation_key) AS first_edition,
    soc_lineage
FROM lines
WHERE occupation_key IN (
    SELECT occupation_key FROM lines
    WHERE occupation_title ILIKE '%' || $2 || '%' OR occupation ILIKE '%' || $2 || '%'
)
ORDER BY occupation, base_year
