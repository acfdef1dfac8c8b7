-- The editions loaded, oldest first, with what each holds: pages read and occupations (occupation keys).
SELECT
    e.edition,
    e.base_year,
    format('{}-{}', e.projection_start, e.projection_end) AS projection_period,
    (SELECT count(*) FROM current_pages AS p WHERE p.edition = e.edition) AS pages,
    (SELECT count(*) FROM occupation_timeline AS t WHERE t.edition = e.edition) AS occupations
FROM editions AS e
ORDER BY e.base_year
