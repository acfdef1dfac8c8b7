-- occupation_editions: one row per occupation statement of an edition, with its headline figures, only
-- ever the occupation's as a whole (subject_type 'occupation'), the first the page states: never a part's
-- ("Median annual wages of chemists" on "Chemists and Materials Scientists"), an industry's or a group's.
-- Where the page states no number of jobs for the whole occupation, the projections table's total row
-- gives it; a headline the page states only for parts, industries or groups is NULL, and its *_note says
-- so (the figures and wages views have those).
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
    -- (rows of a page parsed before subject_type existed have only of_occupation, until it is parsed again)
    WHERE coalesce(subject_type = 'occupation', of_occupation)
    GROUP BY page_id
),

table_total AS (
    -- the projections table's first row: the occupation's employment in the projection's base year
    SELECT page_id, arg_min(value, figure_no) AS base, arg_min(ref_year, figure_no) AS base_year
    FROM extracted_figures
    WHERE kind = 'projection' AND measure = 'employment_base' AND source = 'table' AND subject_type = 'occupation'
    GROUP BY page_id
),

elsewhere AS (
    -- what the page states of its parts, industries and groups instead
    SELECT
        page_id,
        string_agg(DISTINCT part, '; ' ORDER BY part)
            FILTER (WHERE kind = 'employment' AND measure = 'jobs' AND subject_type = 'part')      AS jobs_parts,
        count(*) FILTER (WHERE kind = 'employment' AND measure = 'jobs' AND subject_type IN ('industry', 'group'))
                                                                                                   AS jobs_settings,
        string_agg(DISTINCT part, '; ' ORDER BY part)
            FILTER (WHERE kind = 'wage' AND measure = 'median' AND subject_type = 'part')          AS wage_parts,
        count(*) FILTER (WHERE kind = 'wage' AND measure = 'median' AND subject_type IN ('industry', 'group'))
                                                                                                   AS wage_settings
    FROM extracted_figures
    WHERE subject_type <> 'occupation'
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
        CAST(coalesce(h.jobs, t.base) AS BIGINT)           AS jobs,
        coalesce(h.jobs_year, CASE WHEN t.base IS NOT NULL THEN t.base_year END) AS jobs_year,
        CAST(h.median_annual_wage AS DECIMAL(18, 2))       AS median_annual_wage,  -- US dollars a year, nominal
        h.median_annual_wage_qualifier,                    -- at_least where the page gives only a floor
        CAST(h.median_hourly_wage AS DECIMAL(18, 2))       AS median_hourly_wage,  -- US dollars an hour, nominal
        h.wage_year,
        h.outlook_category,
        CASE
            WHEN h.jobs IS NOT NULL THEN NULL
            WHEN t.base IS NOT NULL THEN 'projections table total: the text states no number of jobs for the whole occupation'
            WHEN x.jobs_parts IS NOT NULL THEN 'stated only for its parts: ' || x.jobs_parts
            WHEN x.jobs_settings > 0 THEN 'stated only for industries or groups of its workers'
            ELSE 'not stated'
        END                                                AS jobs_note,
        CASE
            WHEN h.median_annual_wage IS NOT NULL OR h.median_hourly_wage IS NOT NULL THEN NULL
            WHEN x.wage_parts IS NOT NULL THEN 'stated only for its parts: ' || x.wage_parts
            WHEN x.wage_settings > 0 THEN 'stated only for industries or groups of its workers'
            ELSE 'not stated'
        END                                                AS median_wage_note
    FROM current_pages AS p
    JOIN editions AS e ON e.edition = p.edition
    LEFT JOIN headline AS h USING (page_id)
    LEFT JOIN table_total AS t USING (page_id)
    LEFT JOIN elsewhere AS x USING (page_id)
)

SELECT * FROM final
