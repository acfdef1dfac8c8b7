-- Headline wages of occupation_editions that are a part's, an industry's or a group's: the value of a
-- median the page states for a part, an industry or a group, and of no median it states for the whole
-- occupation. Empty when every headline wage is the occupation's own.
WITH headline AS (
    SELECT page_id, occupation_title, median_annual_wage AS wage, 'year' AS period FROM occupation_editions
    WHERE median_annual_wage IS NOT NULL
    UNION ALL
    SELECT page_id, occupation_title, median_hourly_wage, 'hour' FROM occupation_editions
    WHERE median_hourly_wage IS NOT NULL
)

SELECT h.occupation_title, h.period, h.wage, string_agg(DISTINCT f.subject_type || ': ' || coalesce(f.part, f.setting), '; ') AS whose
FROM headline AS h
JOIN extracted_figures AS f
  ON f.page_id = h.page_id AND f.kind = 'wage' AND f.measure = 'median' AND f.period = h.period AND f.value = h.wage
GROUP BY ALL
HAVING count(*) FILTER (WHERE f.subject_type = 'occupation') = 0
ORDER BY 1, 2
