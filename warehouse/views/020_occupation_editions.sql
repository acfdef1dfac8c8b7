-- occupation_editions: one row per occupation statement of an edition, with its headline figures:
-- the first number of jobs and the first median wages the page states for the occupation as a whole
-- (of_occupation: no industry or table-row setting, no part of the occupation named), in page order.
-- NULL where the page states them only for parts ("Median annual wages of chemists were ..." on
-- "Chemists and Materials Scientists"): the figures view has those.
CREATE OR REPLACE VIEW occupation_editions AS
WITH headline AS (
    SELECT
        page_id,
        arg_min(value, figure_no) FILTER (WHERE kind = 'employment' AND measure = 'jobs')    AS jobs,
        arg_min(ref_year, figure_no) FILTER (WHERE kind = 'employment' AND measure = 'jobs') AS jobs_year,
        arg_min(value, figure_no) FILTER (WHERE kind = 'wage' AND measure = 'median' AND period = 'year')    AS median_annual_wage,
        arg_min(qualifier, figure_no) FILTER (WHERE kind = 'wage' AND measure = 'median' AND period = 'year') AS median_annual_wage_qualifier,
        arg_min(value, figure_no) FILTER (WHERE kind = 'wage' AND measure = 'median' AND period = 'hour')    AS median_hourly_wage,
        arg_min(ref_year, figure_no) FILTER (WHERE kind = 'wage' AND measure = 'median')                      AS wage_year,
        arg_min(text_value, figure_no) FILTER (WHERE kind = 'outlook' AND measure = 'category')               AS outlook_category
    FROM extracted_figures
    WHERE of_occupation
    GROUP BY page_id
),

final AS (
    SELECT
        e.edition,
        e.base_year,
        p.occupation_id,
        p.title                          AS occupation_title,
        p.soc_code,
        p.source_url,
        p.page_id,
        CAST(h.jobs AS BIGINT)                             AS jobs,
        h.jobs_year,
        CAST(h.median_annual_wage AS DECIMAL(18, 2))       AS median_annual_wage,  -- US dollars a year, nominal
        h.median_annual_wage_qualifier,                    -- at_least where the page gives only a floor
        CAST(h.median_hourly_wage AS DECIMAL(18, 2))       AS median_hourly_wage,  -- US dollars an hour, nominal
        h.wage_year,
        h.outlook_category
    FROM current_pages AS p
    JOIN editions AS e ON e.edition = p.edition
    LEFT JOIN headline AS h USING (page_id)
)

SELECT * FROM final
