-- programs: accredited or approved programs and schools the pages count, with the accrediting body.
CREATE OR REPLACE VIEW programs AS
WITH final AS (
    SELECT
        l.occupation_key,
        f.edition,
        f.base_year,
        f.occupation_title,
        f.setting   AS body,
        CAST(f.value AS INTEGER) AS count,
        f.unit,
        f.qualifier,
        f.ref_year,
        f.sentence,
        f.source_url,
        f.page_id,
        f.figure_no
    FROM figures AS f
    JOIN occupation_lineage AS l USING (occupation_id)
    WHERE f.kind = 'programs'
)

SELECT * FROM final
