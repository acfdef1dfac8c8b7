-- occupation_keys (staging): each occupation key and its name, the title in the latest edition it has.
CREATE OR REPLACE VIEW occupation_keys AS
SELECT
    l.occupation_key,
    arg_max(o.title, e.base_year) AS occupation
FROM occupation_lineage AS l
JOIN occupations AS o USING (occupation_id)
JOIN editions AS e USING (edition)
GROUP BY l.occupation_key
