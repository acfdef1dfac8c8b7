-- employment_by_setting: where the occupation's jobs are: shares and counts of its jobs (or of a part's)
-- by industry, workplace or area (`setting`), by part of the occupation (`part`), and of groups of its
-- workers (self-employed, part-time, union members: `setting`, subject_type 'group').
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
        f.figure_no,
        f.subject_type,
        f.part
    FROM figures AS f
    JOIN occupation_lineage AS l USING (occupation_id)
    WHERE f.kind = 'employment' AND f.subject_type <> 'occupation'
)

SELECT * FROM final
