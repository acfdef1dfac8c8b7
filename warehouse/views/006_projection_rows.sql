-- projection_rows (staging): each projection a page states, one row per table row (or per prose or Quick
-- Facts statement): base, target, change and percent side by side.
CREATE OR REPLACE VIEW projection_rows AS
SELECT
    page_id,
    source,
    setting,
    soc_code,
    period,
    min(figure_no)                                               AS first_figure_no,
    max(value) FILTER (WHERE measure = 'employment_base')        AS base,
    max(value) FILTER (WHERE measure = 'employment_target')      AS target,
    max(value) FILTER (WHERE measure = 'change')                 AS change,
    max(value) FILTER (WHERE measure = 'change_percent')         AS change_percent
FROM extracted_figures
WHERE kind = 'projection'
GROUP BY page_id, source, setting, soc_code, period
