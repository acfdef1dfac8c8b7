-- What the warehouse already knows of each input an ingest is about to parse, by this parser version
-- ($version): its bytes are a page it holds (and whether the input's address already points at them), or
-- the same bytes at the same address were rejected. `wanted` (input_no, source_url, sha256) is the
-- caller's.
SELECT w.input_no,
       p.page_id IS NOT NULL AS held,
       s.page_id IS NOT DISTINCT FROM w.sha256 AS linked,
       s.page_id IS NULL AS unlinked,
       r.reason_code, r.reason
FROM wanted w
LEFT JOIN pages p ON p.page_id = w.sha256 AND p.parser_version = $version
LEFT JOIN page_sources s ON s.source_url = w.source_url
LEFT JOIN (SELECT r.source_url, r.sha256, r.reason_code, r.reason
           FROM rejected_inputs r JOIN loads l USING (load_id)
           WHERE l.parser_version = $version) r
       ON r.source_url = w.source_url AND r.sha256 = w.sha256
ORDER BY w.input_no
