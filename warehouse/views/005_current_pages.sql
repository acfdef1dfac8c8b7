-- current_pages: the pages some source holds now (a source re-read with new bytes points at its new page).
CREATE OR REPLACE VIEW current_pages AS
SELECT p.*
FROM pages AS p
WHERE p.page_id IN (SELECT page_id FROM page_sources)
