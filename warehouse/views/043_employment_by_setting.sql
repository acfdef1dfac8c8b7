-- employment_by_setting: where the occupation's jobs are: shares of its jobs by industry, workplace or
-- specialty (and self-employment), and counts of jobs by specialty, industry or area.
CREATE OR REPLACE VIEW employment_by_setting AS
WITH final AS (
    SELECT
        l.occupation_key,
        f.edition,
        f.base_year,
        f.occupation_title,
        f.setting,
        CAST(CASE WHEN f.measure = 'share' THEN f.value END AS DECIMAL(9, 6))                 AS share,
        CAST(CASE WHEN f.measure IN ('jobs', 'self_employed') THEN f.value END AS BIGINT)     AS jobs,
        f.measure,
        f.ref_year,
        f.qualifier,
        f.extracted_from,
        f.sentence,
        f.source_url,
        f.page_id,
        f.figure_no
    FROM figures AS f
    JOIN occupation_lineage AS l USING (occupation_id)
    WHERE f.kind = 'employment' AND (f.measure IN ('share', 'self_employed') OR f.setting IS NOT NULL)
)

SELECT * FROM final
