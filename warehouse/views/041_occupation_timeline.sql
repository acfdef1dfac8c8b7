-- occupation_timeline_in_dollars_of(year): one occupation (occupation_key) across editions: its jobs,
-- median wage in nominal dollars and in constant dollars of `year` (CPI-U annual averages, ref_cpi_u,
-- full years only), projections and outlook. An annual wage is either stated or, where the page states
-- only an hourly one, derived as hourly x 2080 and marked so; the stated columns are never mixed.
-- occupation_timeline: the same in 2024 dollars.
CREATE OR REPLACE MACRO occupation_timeline_in_dollars_of(in_dollars_of) AS TABLE
WITH projection AS (
    -- the occupation's own projection (never a part's): its projections table's total row, else what the
    -- text or Quick Facts state
    SELECT
        page_id,
        arg_min(row_title, first_figure_no) FILTER (WHERE source = 'table')                           AS projection_row,
        arg_min(base, (source <> 'table', first_figure_no)) FILTER (WHERE base IS NOT NULL)             AS projection_base,
        arg_min(target, (source <> 'table', first_figure_no)) FILTER (WHERE target IS NOT NULL)         AS projection_target,
        arg_min(change, (source <> 'table', first_figure_no)) FILTER (WHERE change IS NOT NULL)         AS projection_change,
        arg_min(change_percent, (source <> 'table', first_figure_no)) FILTER (WHERE change_percent IS NOT NULL)
                                                                                                        AS projection_change_percent,
        arg_min(period, (source <> 'table', first_figure_no))                                           AS projection_period
    FROM projection_rows
    WHERE subject_type = 'occupation'
    GROUP BY page_id
),

joined AS (
    SELECT
        k.occupation_key,
        k.occupation,
        oe.edition,
        oe.base_year,
        oe.occupation_title,
        oe.occupation_id,
        o.soc_codes,
        l.soc_lineage,
        l.lineage,
        oe.jobs,
        oe.jobs_year,
        oe.median_annual_wage,
        oe.median_annual_wage_qualifier,
        oe.median_hourly_wage,
        coalesce(oe.median_annual_wage, oe.median_hourly_wage * 2080)           AS median_annual_equivalent,
        CASE
            WHEN oe.median_annual_wage IS NOT NULL THEN 'stated_annual'
            WHEN oe.median_hourly_wage IS NOT NULL THEN 'hourly_x_2080'
        END                                                                     AS median_annual_equivalent_basis,
        oe.wage_year,
        CAST(in_dollars_of AS INTEGER)                                            AS dollar_year,
        cpi_factor(oe.wage_year, in_dollars_of)                                 AS cpi_factor,
        CAST(p.projection_base AS BIGINT)                                       AS projection_base,
        CAST(p.projection_target AS BIGINT)                                     AS projection_target,
        CAST(p.projection_change AS BIGINT)                                     AS projection_change,
        CAST(p.projection_change_percent AS DECIMAL(9, 2))                      AS projection_change_percent,
        p.projection_period,
        p.projection_row,
        oe.outlook_category,
        oe.source_url,
        oe.page_id,
        oe.jobs_note,
        oe.median_wage_note
    FROM occupation_editions AS oe
    JOIN occupation_lineage AS l USING (occupation_id)
    JOIN occupation_keys AS k USING (occupation_key)
    JOIN occupations AS o USING (occupation_id)
    LEFT JOIN projection AS p ON p.page_id = oe.page_id
),

final AS (
    SELECT
        occupation_key,
        occupation,
        edition,
        base_year,
        occupation_title,
        occupation_id,
        soc_codes,
        soc_lineage,
        lineage,
        jobs,
        jobs_year,
        median_annual_wage,
        median_annual_wage_qualifier,
        median_hourly_wage,
        median_annual_equivalent,
        median_annual_equivalent_basis,
        wage_year,
        dollar_year,
        CAST(round(median_annual_wage * cpi_factor, 0) AS DECIMAL(18, 2))       AS median_annual_wage_constant,
        CAST(round(median_hourly_wage * cpi_factor, 2) AS DECIMAL(18, 2))       AS median_hourly_wage_constant,
        CAST(round(median_annual_equivalent * cpi_factor, 0) AS DECIMAL(18, 2)) AS median_annual_equivalent_constant,
        projection_base,
        projection_target,
        projection_change,
        projection_change_percent,
        projection_period,
        projection_row,
        outlook_category,
        source_url,
        page_id,
        jobs_note,
        median_wage_note
    FROM joined
)

SELECT * FROM final;

CREATE OR REPLACE VIEW occupation_timeline AS
SELECT * FROM occupation_timeline_in_dollars_of(2024)
