-- The biggest movers between the two latest editions loaded: the keys in both whose jobs, or whose median
-- wage in constant dollars, changed the most in percent, up or down ($1: how many of each), with their
-- rank by each.
WITH latest AS (
    SELECT edition FROM editions ORDER BY base_year DESC LIMIT 2
),

ranked AS (
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
        real_wage_change_percent,
        CASE WHEN jobs_change_percent IS NOT NULL THEN
            row_number() OVER (ORDER BY abs(jobs_change_percent) DESC NULLS LAST, occupation) END      AS jobs_rank,
        CASE WHEN real_wage_change_percent IS NOT NULL THEN
            row_number() OVER (ORDER BY abs(real_wage_change_percent) DESC NULLS LAST, occupation) END AS real_wage_rank
    FROM edition_diff
    WHERE older_edition IN (SELECT edition FROM latest) AND newer_edition IN (SELECT edition FROM latest)
)

SELECT * FROM ranked
WHERE jobs_rank <= $1 OR real_wage_rank <= $1
ORDER BY occupation_key
