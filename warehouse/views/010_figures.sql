-- figures: every figure of every page some source holds now, with its occupation and edition.
-- The analysts' main contract: columns are only ever added.
CREATE OR REPLACE VIEW figures AS
WITH final AS (
    SELECT
        e.edition,
        e.base_year,
        p.title                           AS occupation_title,
        coalesce(f.soc_code, p.soc_code)  AS soc_code,   -- the figure's own SOC (projections rows), else the page's
        p.source_url,
        f.section_key                     AS section,
        f.kind,
        f.measure,
        f.value,
        f.unit,
        f.period,
        f.ref_year,
        f.ref_month,
        f.qualifier,
        f.setting,
        f.raw_text,
        f.sentence,
        f.text_value,
        f.subject,
        f.source                          AS extracted_from,
        f.of_occupation,
        p.occupation_id,
        p.page_id,
        f.figure_no,
        f.load_id,
        f.subject_type,                   -- occupation, part, industry, group
        f.part
    FROM extracted_figures AS f
    JOIN current_pages AS p USING (page_id)
    JOIN editions AS e ON e.edition = p.edition
)

SELECT * FROM final
