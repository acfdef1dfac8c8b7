-- Where a page states both an annual and an hourly median for the same workers (the occupation, a part,
-- an industry or a group) and year, the annual one is the hourly one times 2,080 hours (BLS rounds both;
-- allow $20).
WITH pairs AS (
    SELECT
        f.page_id, f.source, f.subject_type, f.part, f.setting, f.ref_year,
        max(f.value) FILTER (WHERE f.period = 'year') AS annual,
        max(f.value) FILTER (WHERE f.period = 'hour') AS hourly
    FROM extracted_figures AS f
    WHERE f.kind = 'wage' AND f.measure = 'median'
    GROUP BY f.page_id, f.source, f.subject_type, f.part, f.setting, f.ref_year
)

SELECT
    'hourly_annual_consistent' AS check_name, p.edition, p.occupation_id, r.page_id,
    format('{} a year against {} an hour x 2,080 = {}', figure_text(r.annual), figure_text(r.hourly),
           figure_text(r.hourly * 2080)) AS detail
FROM pairs AS r
JOIN current_pages AS p USING (page_id)
WHERE r.annual IS NOT NULL AND r.hourly IS NOT NULL AND abs(r.hourly * 2080 - r.annual) > 20
