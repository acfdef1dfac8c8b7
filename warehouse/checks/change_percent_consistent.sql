-- The percent change agrees with change / base, allowing for the rounding of all three (base and
-- change to hundreds, the percent to a whole number).
SELECT
    'change_percent_consistent' AS check_name, p.edition, p.occupation_id, r.page_id,
    format('{}: change {} of base {} is {}%, the page says {}%', coalesce(r.part, r.row_title, 'the occupation'),
           figure_text(r.change), figure_text(r.base), figure_text(round(100 * r.change / r.base, 1)),
           figure_text(r.change_percent)) AS detail
FROM projection_rows AS r
JOIN current_pages AS p USING (page_id)
WHERE r.base > 50
  -- the widest ratio the rounded base and change allow: the four corners of +-50 on each
  AND (r.change_percent + 0.5 < 100 * least((r.change - 50) / (r.base - 50), (r.change - 50) / (r.base + 50),
                                            (r.change + 50) / (r.base - 50), (r.change + 50) / (r.base + 50))
       OR r.change_percent - 0.5 > 100 * greatest((r.change - 50) / (r.base - 50), (r.change - 50) / (r.base + 50),
                                                  (r.change + 50) / (r.base - 50), (r.change + 50) / (r.base + 50)))
