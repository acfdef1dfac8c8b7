-- `ooh timeline TITLE`: the occupations whose title in any edition contains TITLE, each along its
-- continuing line, edition by edition ($1: the year of the constant dollars, $2: the title). The notes
-- (share that continued, parts that moved, statements merged) follow the columns the table shows.
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
FROM occupation_timeline_in_dollars_of($1)
WHERE occupation_key IN (
    SELECT occupation_key FROM occupation_timeline
    WHERE occupation_title ILIKE '%' || $2 || '%' OR occupation ILIKE '%' || $2 || '%'
)
ORDER BY occupation, base_year
