-- A number of jobs is more than zero.
SELECT
    'jobs_positive' AS check_name, p.edition, p.occupation_id, f.page_id,
    format('{} jobs (as stated: {})', figure_text(f.value), f.raw_text) AS detail
FROM extracted_figures AS f
JOIN current_pages AS p USING (page_id)
WHERE f.kind = 'employment' AND f.measure = 'jobs' AND f.value <= 0
