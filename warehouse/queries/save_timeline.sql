-- The occupation timeline, computed once per load from the pages and the identity tables just written,
-- for occupation_timeline and its macro to read (schema/009_occupation_timeline_saved.sql).
DELETE FROM occupation_timeline_saved;
INSERT INTO occupation_timeline_saved BY NAME SELECT * FROM occupation_timeline_computed(2024);
