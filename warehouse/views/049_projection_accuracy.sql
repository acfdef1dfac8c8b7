-- projection_accuracy: a projection an edition made, set against the employment a later edition reports for
-- the projection's last year (a 2008-18 projection of 2018 employment against an edition whose jobs are of
-- 2018). One row per occupation key, projecting edition and reporting edition; only where the key's line
-- continues from the one to the other at every edition between (lineage_links: each step a main-line
-- 'continues' link, no merge or split on the way) and each end is one statement, so both numbers are of
-- the same occupation.
CREATE OR REPLACE VIEW projection_accuracy AS
WITH edition_order AS (
    SELECT edition, base_year, row_number() OVER (ORDER BY base_year) AS edition_no
    FROM editions
),

continuing_steps AS (
    -- the steps (an edition to the next loaded) along which a key's line only continues
    SELECT l.newer_key AS occupation_key, o.edition_no AS older_no
    FROM lineage_links AS l
    JOIN edition_order AS o ON o.edition = l.older_edition
    WHERE l.main_line AND l.older_key = l.newer_key
    GROUP BY ALL
    HAVING bool_and(l.kind = 'continues') AND count(*) = 1
),

projections AS (
    SELECT t.*, e.edition_no, CAST(split_part(t.projection_period, '-', 2) AS INTEGER) AS projected_year
    FROM occupation_timeline AS t
    JOIN edition_order AS e USING (edition)
    WHERE t.projection_target IS NOT NULL AND t.merged_from IS NULL
      AND regexp_matches(t.projection_period, '^\d{4}-\d{4}$')
),

outcomes AS (
    SELECT t.*, e.edition_no
    FROM occupation_timeline AS t
    JOIN edition_order AS e USING (edition)
    WHERE t.jobs IS NOT NULL AND t.merged_from IS NULL
),

final AS (
    SELECT
        p.occupation_key,
        o.occupation,
        p.edition                                                                            AS projection_edition,
        p.projection_period,
        p.projected_year,
        p.projection_base,
        p.projection_target                                                                  AS projected_employment,
        p.projection_change_percent                                                          AS projected_change_percent,
        p.outlook_category                                                                   AS projected_outlook,
        o.edition                                                                            AS outcome_edition,
        o.occupation_title                                                                   AS outcome_title,
        o.jobs                                                                               AS reported_employment,
        o.jobs - p.projection_target                                                         AS error,
        CAST(round(100 * (o.jobs - p.projection_target) / p.projection_target, 2) AS DECIMAL(9, 2)) AS error_percent,
        CAST(round(100 * (o.jobs - p.projection_base) / p.projection_base, 2) AS DECIMAL(9, 2))    AS actual_change_percent,
        CAST(o.edition_no - p.edition_no AS INTEGER)                                         AS steps
    FROM projections AS p
    JOIN outcomes AS o ON o.occupation_key = p.occupation_key AND o.jobs_year = p.projected_year
                       AND o.edition_no > p.edition_no
    WHERE (SELECT count(*) FROM continuing_steps AS s
           WHERE s.occupation_key = p.occupation_key AND s.older_no >= p.edition_no AND s.older_no < o.edition_no)
          = o.edition_no - p.edition_no
)

SELECT * FROM final
