-- projection_rows (staging): each projection a page states, one row per table row (or per prose or Quick
-- Facts statement): base, target, change and percent side by side, with whose projection it is (the
-- occupation, or a part of it: a projections-table row below the total).
CREATE OR REPLACE VIEW projection_rows AS
SELECT
    page_id,
    source,
    subject_type,
    part,
    CASE WHEN source = 'table' THEN coalesce(part, subject) END   AS row_title,
    soc_code,
    period,
    min(figure_no)                                               AS first_figure_no,
    max(value) FILTER (WHERE measure = 'employment_base')        AS base,
    max(value) FILTER (WHERE measure = 'employment_target')      AS target,
    max(value) FILTER (WHERE measure = 'change')                 AS change,
    max(value) FILTER (WHERE measure = 'change_percent')         AS change_percent
FROM extracted_figures
WHERE kind = 'projection'
GROUP BY page_id, source, subject_type, part, row_title, soc_code, period
