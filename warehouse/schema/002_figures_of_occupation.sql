-- Warehouses created before figures knew whether they are of the occupation as a whole. Existing rows
-- get FALSE until their pages are parsed again (the parser version changed with this column, so the
-- next ingest of the same pages replaces them).
ALTER TABLE extracted_figures ADD COLUMN IF NOT EXISTS of_occupation BOOLEAN DEFAULT FALSE;
