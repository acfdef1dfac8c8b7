-- quality_report: the data quality findings of the latest load (its checks cover every page the
-- warehouse holds then), with the occupation they are about. Empty when every check passed.
CREATE OR REPLACE VIEW quality_report AS
SELECT q.check_name, q.edition, o.title AS occupation_title, q.detail, q.occupation_id, q.page_id, q.load_id
FROM quality_violations AS q
JOIN occupations AS o USING (occupation_id)
WHERE q.load_id = (SELECT max(load_id) FROM loads WHERE quality_violations IS NOT NULL)
