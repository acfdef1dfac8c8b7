-- One load from staged batches (warehouse/staging.py), inside the caller's transaction. Before it runs,
-- warehouse/load.py defines: load_now (load_id), staged_batches (batch_no, dir) and the views
-- staged_inputs, staged_pages, staged_sections, staged_figures, staged_refused over the batches' files.

-- Each distinct page once, from the first batch that has it, with the parser version the warehouse holds.
CREATE OR REPLACE TEMP TABLE load_pages AS
SELECT s.* EXCLUDE (filename, file_row_number), b.batch_no, s.file_row_number AS row_no, b.dir,
       w.parser_version AS known_version, w.page_id IS NOT NULL AS known
FROM staged_pages s
JOIN staged_batches b ON parse_dirpath(s.filename) = b.dir
LEFT JOIN pages w ON w.page_id = s.page_id
QUALIFY row_number() OVER (PARTITION BY s.page_id ORDER BY b.batch_no, s.file_row_number) = 1;

-- What is written: pages never loaded, and pages loaded by another parser version (parsed rows replaced).
CREATE OR REPLACE TEMP TABLE load_write AS
SELECT * FROM load_pages WHERE known_version IS DISTINCT FROM parser_version;

DELETE FROM extracted_figures WHERE page_id IN (SELECT page_id FROM load_write WHERE known);
DELETE FROM sections WHERE page_id IN (SELECT page_id FROM load_write WHERE known);
DELETE FROM pages WHERE page_id IN (SELECT page_id FROM load_write WHERE known);
-- whatever is there for these pages is another parse's (or a page deleted by hand)
DELETE FROM refused_figures WHERE page_id IN (SELECT page_id FROM load_write);

INSERT INTO editions (edition, base_year, projection_start, projection_end, load_id)
SELECT edition, any_value(base_year), any_value(projection_start), any_value(projection_end),
       (SELECT load_id FROM load_now)
FROM load_write GROUP BY edition
ON CONFLICT DO NOTHING;

-- An occupation statement read from several pages takes the last one's title and codes.
INSERT INTO occupations (occupation_id, edition, title, soc_code, soc_codes, load_id)
SELECT occupation_id, arg_max(edition, (batch_no, row_no)), arg_max(title, (batch_no, row_no)),
       arg_max(soc_code, (batch_no, row_no)), arg_max(soc_codes, (batch_no, row_no)), (SELECT load_id FROM load_now)
FROM load_write GROUP BY occupation_id
ON CONFLICT DO NOTHING;

INSERT INTO pages (page_id, source_url, canonical_url, bytes, encoding, layout, parser_version, edition,
                   occupation_id, title, soc_code, load_id)
SELECT page_id, source_url, canonical_url, bytes, encoding, layout, parser_version, edition,
       occupation_id, title, soc_code, (SELECT load_id FROM load_now)
FROM load_write ORDER BY batch_no, row_no;

INSERT INTO sections (page_id, section_no, section_key, heading, text, load_id)
SELECT s.page_id, s.section_no, s.section_key, s.heading, s.text, (SELECT load_id FROM load_now)
FROM staged_sections s JOIN load_write w ON w.page_id = s.page_id AND w.dir = parse_dirpath(s.filename);

INSERT INTO extracted_figures (page_id, figure_no, section_key, kind, measure, value, text_value, unit, period,
                               ref_year, ref_month, qualifier, setting, soc_code, subject, source, of_occupation,
                               raw_text, sentence, subject_type, part, load_id)
SELECT f.page_id, f.figure_no, f.section_key, f.kind, f.measure, f.value, f.text_value, f.unit, f.period,
       f.ref_year, f.ref_month, f.qualifier, f.setting, f.soc_code, f.subject, f.source, f.of_occupation,
       f.raw_text, f.sentence, f.subject_type, f.part, (SELECT load_id FROM load_now)
FROM staged_figures f JOIN load_write w ON w.page_id = f.page_id AND w.dir = parse_dirpath(f.filename);

INSERT INTO refused_figures (page_id, refusal_no, section_key, kind, measure, raw_text, value, sentence, reason,
                             load_id)
SELECT r.page_id, r.refusal_no, r.section_key, r.kind, r.measure, r.raw_text, r.value, r.sentence, r.reason,
       (SELECT load_id FROM load_now)
FROM staged_refused r JOIN load_write w ON w.page_id = r.page_id AND w.dir = parse_dirpath(r.filename);

-- A source re-read with other bytes now points at them; the same bytes change nothing.
INSERT INTO page_sources (source_url, page_id, load_id)
SELECT source_url, sha256, (SELECT load_id FROM load_now) FROM staged_inputs WHERE parsed
ON CONFLICT (source_url) DO UPDATE SET page_id = excluded.page_id, load_id = excluded.load_id
    WHERE page_sources.page_id <> excluded.page_id;

INSERT INTO rejected_inputs (source_url, sha256, bytes, reason_code, reason, load_id)
SELECT source_url, sha256, bytes, reason_code, reason, (SELECT load_id FROM load_now)
FROM staged_inputs WHERE NOT parsed
ON CONFLICT DO NOTHING;

-- A source that now fails to parse no longer holds the page it held.
DELETE FROM page_sources WHERE source_url IN (SELECT source_url FROM staged_inputs WHERE NOT parsed);
