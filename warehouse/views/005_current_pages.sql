-- current_pages: the pages some source holds now (a source re-read with new bytes points at its new page).
-- One statement held in two renderings, the HTML page and a text copy of it (layout mirror_text: a markdown
-- capture or a plain-text rendering of the same occupation and edition), is counted once: the HTML page
-- is kept, and a rendering only where no HTML page of that occupation and edition is held. The rendering
-- stays in pages, page_sources and its figures in extracted_figures; the marts read current_pages.
CREATE OR REPLACE VIEW current_pages AS
WITH held AS (
    SELECT p.*
    FROM pages AS p
    WHERE p.page_id IN (SELECT page_id FROM page_sources)
),

final AS (
    SELECT h.*
    FROM held AS h
    WHERE h.layout <> 'mirror_text'
       OR NOT EXISTS (SELECT 1 FROM held AS o WHERE o.occupation_id = h.occupation_id AND o.layout <> 'mirror_text')
)

SELECT * FROM final
