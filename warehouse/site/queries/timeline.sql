-- Every occupation key across editions: jobs, the median wage nominal and in constant dollars, projections
-- and outlook (the columns a dashboard's occupation page shows), oldest edition first.
SELECT
    occupation_key,
    occupation,
    edition,
    base_year,
    occupation_title,
    jobs,
    jobs_year,
    median_annual_equivalent AS median_wage,
    median_annual_equivalent_basis AS median_wage_basis,
    median_annual_wage_qualifier AS median_wage_qualifier,
    median_annual_equivalent_constant AS median_wage_constant,
    wage_year,
    dollar_year,
    projection_period,
    projection_base,
    projection_target,
    projection_change_percent,
    outlook_category,
    merged_from,
    source_url
FROM occupation_timeline
ORDER BY occupation_key, base_year
