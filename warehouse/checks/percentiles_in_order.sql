-- p10 <= p25 <= median <= p75 <= p90 among the wages of one page stated for the same workers (the
-- occupation, a part of it, an industry or a group), pay period and year.
WITH wages AS (
    SELECT
        f.page_id,
        max(f.value) FILTER (WHERE f.measure = 'p10')    AS p10,
        max(f.value) FILTER (WHERE f.measure = 'p25')    AS p25,
        max(f.value) FILTER (WHERE f.measure = 'median') AS median,
        max(f.value) FILTER (WHERE f.measure = 'p75')    AS p75,
        max(f.value) FILTER (WHERE f.measure = 'p90')    AS p90,
        f.subject_type, f.part, f.setting, f.period, f.ref_year
    FROM extracted_figures AS f
    WHERE f.kind = 'wage' AND f.source <> 'quick_facts'
    GROUP BY f.page_id, f.subject_type, f.part, f.setting, f.period, f.ref_year, f.section_key
)

SELECT
    'percentiles_in_order' AS check_name, p.edition, p.occupation_id, w.page_id,
    concat_ws(', ', 'p10 ' || figure_text(p10), 'p25 ' || figure_text(p25), 'median ' || figure_text(median),
              'p75 ' || figure_text(p75), 'p90 ' || figure_text(p90),
              'of ' || part, 'in ' || setting, 'per ' || period) AS detail
FROM wages AS w
JOIN current_pages AS p USING (page_id)
WHERE p10 > coalesce(p25, median, p75, p90) OR p25 > coalesce(median, p75, p90) OR median > coalesce(p75, p90)
   OR p75 > p90
