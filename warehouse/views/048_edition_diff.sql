-- edition_diff: one occupation key from one edition that has it to the next, one row per key and pair of
-- consecutive editions: how its figures moved (jobs, median wage in nominal and 2024 dollars, projected
-- change, outlook category), how its key's line got there (continues or merged), and how many sentences of
-- its sections were added, removed or changed (edition_text_changes has them).
CREATE OR REPLACE VIEW edition_diff AS
WITH pairs AS (
    SELECT
        t.*,
        lag(t.edition) OVER line                             AS older_edition,
        lag(t.base_year) OVER line                           AS older_base_year,
        lag(t.jobs) OVER line                                AS older_jobs,
        lag(t.median_annual_equivalent) OVER line            AS older_median,
        lag(t.median_annual_equivalent_constant) OVER line   AS older_median_constant,
        lag(t.projection_change_percent) OVER line           AS older_change_percent,
        lag(t.projection_period) OVER line                   AS older_projection_period,
        lag(t.outlook_category) OVER line                    AS older_outlook
    FROM occupation_timeline AS t
    WINDOW line AS (PARTITION BY t.occupation_key ORDER BY t.base_year)
),

link_kinds AS (
    -- how the key's line went from the older edition to the newer: its main-line links' kinds
    SELECT newer_key AS occupation_key, older_edition, newer_edition,
           string_agg(DISTINCT kind, ' + ' ORDER BY kind) AS link_kind
    FROM lineage_links
    WHERE main_line
    GROUP BY ALL
),

text_counts AS (
    SELECT
        occupation_key, older_edition, newer_edition,
        count(*) FILTER (WHERE change = 'added')     AS sentences_added,
        count(*) FILTER (WHERE change = 'removed')   AS sentences_removed,
        count(*) FILTER (WHERE change = 'changed')   AS sentences_changed,
        count(DISTINCT section)                      AS sections_changed
    FROM edition_text_changes
    GROUP BY ALL
),

final AS (
    SELECT
        p.occupation_key,
        p.occupation,
        p.older_edition,
        p.edition                                                                   AS newer_edition,
        p.older_base_year,
        p.base_year                                                                 AS newer_base_year,
        l.link_kind,
        p.older_jobs,
        p.jobs                                                                      AS newer_jobs,
        p.jobs - p.older_jobs                                                       AS jobs_change,
        CAST(round(100 * (p.jobs - p.older_jobs) / p.older_jobs, 2) AS DECIMAL(9, 2)) AS jobs_change_percent,
        p.older_median                                                              AS older_median_wage,
        p.median_annual_equivalent                                                  AS newer_median_wage,
        p.older_median_constant                                                     AS older_median_wage_constant,
        p.median_annual_equivalent_constant                                         AS newer_median_wage_constant,
        p.dollar_year,
        CAST(round(100 * (p.median_annual_equivalent_constant - p.older_median_constant) / p.older_median_constant, 2)
             AS DECIMAL(9, 2))                                                      AS real_wage_change_percent,
        p.older_projection_period,
        p.projection_period                                                         AS newer_projection_period,
        p.older_change_percent                                                      AS older_projection_change_percent,
        p.projection_change_percent                                                 AS newer_projection_change_percent,
        p.older_outlook                                                             AS older_outlook_category,
        p.outlook_category                                                          AS newer_outlook_category,
        p.older_outlook IS DISTINCT FROM p.outlook_category                         AS outlook_changed,
        coalesce(c.sentences_added, 0)                                              AS sentences_added,
        coalesce(c.sentences_removed, 0)                                            AS sentences_removed,
        coalesce(c.sentences_changed, 0)                                            AS sentences_changed,
        coalesce(c.sections_changed, 0)                                             AS sections_changed
    FROM pairs AS p
    LEFT JOIN link_kinds AS l ON l.occupation_key = p.occupation_key AND l.older_edition = p.older_edition
                              AND l.newer_edition = p.edition
    LEFT JOIN text_counts AS c ON c.occupation_key = p.occupation_key AND c.older_edition = p.older_edition
                               AND c.newer_edition = p.edition
    WHERE p.older_edition IS NOT NULL
)

SELECT * FROM final
