-- page_text: every section's text, with where it came from: the page, its content hash, the parser and
-- the load that wrote it.
CREATE OR REPLACE VIEW page_text AS
WITH final AS (
    SELECT
        l.occupation_key,
        p.edition,
        e.base_year,
        p.title         AS occupation_title,
        s.section_no,
        s.section_key   AS section,
        s.heading,
        s.text,
        p.source_url,
        p.canonical_url,
        p.page_id,
        p.layout,
        p.parser_version,
        s.load_id
    FROM sections AS s
    JOIN current_pages AS p USING (page_id)
    JOIN editions AS e USING (edition)
    JOIN occupation_lineage AS l USING (occupation_id)
)

SELECT * FROM final
