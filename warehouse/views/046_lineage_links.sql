-- lineage_links: every link between an occupation of one edition and one of the next edition loaded, one
-- row per (older, newer) pair: what happened (continues, merged, split, contributed), the shares of
-- employment it moved, its evidence, and whether it is the line the older occupation's key follows. The
-- timeline is built from the main-line links; the partial ones are here for those who want them.
CREATE OR REPLACE VIEW lineage_links AS
WITH soc AS (
    SELECT older_id, newer_id, detail AS soc_path
    FROM occupation_links
    WHERE evidence = 'soc_crosswalk'
),

final AS (
    SELECT
        o.edition                                        AS older_edition,
        s.older_id,
        o.title                                          AS older_title,
        ol.occupation_key                                AS older_key,
        n.edition                                        AS newer_edition,
        s.newer_id,
        n.title                                          AS newer_title,
        nl.occupation_key                                AS newer_key,
        s.kind,
        s.share_of_older,
        s.share_of_newer,
        CAST(oe.jobs AS BIGINT)                          AS older_jobs,
        ol.occupation_key = nl.occupation_key            AS main_line,
        s.evidence,
        soc.soc_path
    FROM occupation_succession AS s
    JOIN occupations AS o ON o.occupation_id = s.older_id
    JOIN occupations AS n ON n.occupation_id = s.newer_id
    JOIN occupation_lineage AS ol ON ol.occupation_id = s.older_id
    JOIN occupation_lineage AS nl ON nl.occupation_id = s.newer_id
    LEFT JOIN occupation_editions AS oe ON oe.occupation_id = s.older_id
    LEFT JOIN soc USING (older_id, newer_id)
)

SELECT * FROM final
ORDER BY older_edition, newer_title, share_of_newer DESC NULLS LAST, older_title
