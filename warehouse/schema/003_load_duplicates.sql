-- Warehouses created before loads counted the files that duplicate another file's bytes.
ALTER TABLE loads ADD COLUMN IF NOT EXISTS inputs_duplicate INTEGER;
