-- The biggest movers between the two latest editions loaded: every key in both, with its change in jobs and
-- in the median wage in constant dollars (the index ranks them; a dashboard would sort the same columns).
WITH latest AS (
    SELECT edition FROM editions ORDER BY base_year DESC LIMIT 2
)

SELECT
    occupation_key,
    occupation,
    older_edition,
    newer_edition,
    older_jobs,
    newer_jobs,
    jobs_change,
    jobs_change_percent,
    older_median_wage,
    newer_median_wage,
    older_median_wage_constant,
    newer_median_wage_constant,
    dollar_year,
    real_wage_change_percent
FROM edition_diff
WHERE older_edition IN (SELECT edition FROM latest) AND newer_edition IN (SELECT edition FROM latest)
ORDER BY occupation_key
