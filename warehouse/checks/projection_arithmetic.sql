-- base + change = target, each as the page rounds it (to hundreds: three roundings of at most 50).
SELECT
    'projection_arithmetic' AS check_name, p.edition, p.occupation_id, r.page_id,
    format('{}: base {} + change {} = {}, not the target {}', coalesce(r.part, r.row_title, 'the occupation'),
           figure_text(r.base), figure_text(r.change), figure_text(r.base + r.change), figure_text(r.target)) AS detail
FROM projection_rows AS r
JOIN current_pages AS p USING (page_id)
WHERE abs(r.base + r.change - r.target) > 150
