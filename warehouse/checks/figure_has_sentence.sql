-- Every figure keeps the words it came from and the sentence (or table row) they stand in.
SELECT
    'figure_has_sentence' AS check_name, p.edition, p.occupation_id, f.page_id,
    format('figure {} ({}/{})', f.figure_no, f.kind, f.measure) AS detail
FROM extracted_figures AS f
JOIN current_pages AS p USING (page_id)
WHERE coalesce(trim(f.sentence), '') = '' OR coalesce(trim(f.raw_text), '') = ''
