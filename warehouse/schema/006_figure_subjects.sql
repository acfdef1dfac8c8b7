-- Whose each figure is: the whole occupation, a named part of it, an industry or workplace, or a group of
-- its workers. Rows of pages parsed before these columns existed get NULL until their pages are parsed
-- again (the parser version changed with them, so the next ingest of the same pages replaces them).
ALTER TABLE extracted_figures ADD COLUMN IF NOT EXISTS subject_type VARCHAR;
ALTER TABLE extracted_figures ADD COLUMN IF NOT EXISTS part VARCHAR;
