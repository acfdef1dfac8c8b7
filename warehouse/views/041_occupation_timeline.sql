-- occupation_timeline_in_dollars_of(year): one occupation (occupation_key) across editions, one row per
-- edition: the statements of its continuing line (warehouse/identity.py: continues and merged links), its jobs,
-- median wage in nominal dollars and in constant dollars of `year` (CPI-U annual averages, ref_cpi_u,
-- full years only), projections and outlook. An annual wage is either stated or, where the page states
-- only an hourly one, derived as hourly x 2080 and marked so; the stated columns are never mixed.
-- occupation_timeline: the same in 2024 dollars.
--
-- occupation_timeline_computed(in_dollars_of) computes it from the pages and the identity tables. Every load
-- writes it, in 2024 dollars, to occupation_timeline_saved where it writes those (warehouse/identity.py
-- save_identity), and the timeline reads that table: computed on each read, one occupation's timeline
-- grouped every page's figures and built every key's line (a filter on its rows reaches no GROUP BY below
-- them), a tenth of a second on 18 editions; read from the table, a few milliseconds.
CREATE OR REPLACE MACRO occupation_timeline_computed(in_dollars_of) AS TABLE
WITH projection AS (
    -- the occupation's own projection (never a part's): its projections table's total row, else what the
    -- text or Quick Facts state
    SELECT
        page_id,
        arg_min(row_title, first_figure_no) FILTER (WHERE source = 'table')                           AS projection_row,
        arg_min(base, (source <> 'table', first_figure_no)) FILTER (WHERE base IS NOT NULL)             AS projection_base,
        arg_min(target, (source <> 'table', first_figure_no)) FILTER (WHERE target IS NOT NULL)         AS projection_target,
        arg_min(change, (source <> 'table', first_figure_no)) FILTER (WHERE change IS NOT NULL)         AS projection_change,
        arg_min(change_percent, (source <> 'table', first_figure_no)) FILTER (WHERE change_percent IS NOT NULL)
                                                                                                        AS projection_change_percent,
        arg_min(period, (source <> 'table', first_figure_no))                                           AS projection_period
    FROM projection_rows
    WHERE subject_type = 'occupation'
    GROUP BY page_id
),

members AS (
    -- the statements of each key's continuing line in an edition: one, or several that merged into it
    SELECT
        l.occupation_key,
        oe.*,
        o.soc_codes,
        l.soc_lineage,
        l.lineage,
        p.projection_base, p.projection_target, p.projection_change, p.projection_change_percent,
        p.projection_period, p.projection_row
    FROM occupation_editions AS oe
    JOIN occupation_lineage AS l USING (occupation_id)
    JOIN occupations AS o USING (occupation_id)
    LEFT JOIN projection AS p ON p.page_id = oe.page_id
),

links AS (
    -- every link to or from a member statement whose other end belongs to another key: the parts that came
    -- in from occupations that are mainly something else, and the parts that went out to them
    SELECT s.*, ol.occupation_key AS older_key, nl.occupation_key AS newer_key
    FROM occupation_succession AS s
    JOIN occupation_lineage AS ol ON ol.occupation_id = s.older_id
    JOIN occupation_lineage AS nl ON nl.occupation_id = s.newer_id
),

drew_from AS (
    -- what the key's statements took from occupations of the edition before that belong to other keys
    SELECT
        m.occupation_key,
        m.edition,
        string_agg(format('{} ({}, {}: {} of it, {} of this)', o.title, o.edition, s.kind,
                          share_text(s.share_of_older), share_text(s.share_of_newer)),
                   '; ' ORDER BY s.share_of_newer DESC NULLS LAST, o.title) AS drew_from
    FROM members AS m
    JOIN links AS s ON s.newer_id = m.occupation_id AND s.older_key <> m.occupation_key
    JOIN occupations AS o ON o.occupation_id = s.older_id
    GROUP BY ALL
),

went_to AS (
    -- where the key's statements went in the next edition: the share that stayed on the key's line, and the
    -- parts that went to other keys
    SELECT
        m.occupation_key,
        m.edition,
        sum(s.share_of_older * m.jobs) FILTER (WHERE s.newer_key = m.occupation_key)
            / sum(m.jobs) FILTER (WHERE s.newer_key = m.occupation_key)                          AS weighted_share,
        CASE WHEN count(DISTINCT m.occupation_id) FILTER (WHERE s.newer_key = m.occupation_key) = 1
             THEN max(s.share_of_older) FILTER (WHERE s.newer_key = m.occupation_key) END        AS single_share,
        string_agg(format('{} ({}, {}: {} of it)', o.title, o.edition, s.kind, share_text(s.share_of_older)),
                   '; ' ORDER BY s.share_of_older DESC NULLS LAST, o.title)
            FILTER (WHERE s.newer_key <> m.occupation_key)                                       AS parted_to
    FROM members AS m
    JOIN links AS s ON s.older_id = m.occupation_id
    JOIN occupations AS o ON o.occupation_id = s.newer_id
    GROUP BY ALL
),

by_edition AS (
    -- one row per key and edition; a merge adds up what adds up (jobs, projected employment) and states
    -- no median wage or percent of its own
    SELECT
        occupation_key,
        edition,
        any_value(base_year)                                                                     AS base_year,
        count(*)                                                                                 AS statements,
        string_agg(occupation_title, '; ' ORDER BY jobs DESC NULLS LAST, occupation_title)       AS occupation_title,
        arg_max(occupation_id, (coalesce(jobs, 0), occupation_id))                               AS occupation_id,
        list_sort(list_distinct(flatten(list(soc_codes))))                                       AS soc_codes,
        string_agg(DISTINCT soc_lineage, ' + ' ORDER BY soc_lineage)                             AS soc_lineage,
        string_agg(DISTINCT lineage, ' + ' ORDER BY lineage)                                     AS lineage,
        CASE WHEN count(*) = count(jobs) THEN sum(jobs) END                                      AS jobs,
        max(jobs_year)                                                                           AS jobs_year,
        CASE WHEN count(*) = 1 THEN any_value(median_annual_wage) END                            AS median_annual_wage,
        CASE WHEN count(*) = 1 THEN any_value(median_annual_wage_qualifier) END                  AS median_annual_wage_qualifier,
        CASE WHEN count(*) = 1 THEN any_value(median_hourly_wage) END                            AS median_hourly_wage,
        CASE WHEN count(*) = 1 THEN any_value(wage_year) END                                     AS wage_year,
        CASE WHEN count(*) = count(projection_base) THEN sum(projection_base) END                AS projection_base,
        CASE WHEN count(*) = count(projection_target) THEN sum(projection_target) END            AS projection_target,
        CASE WHEN count(*) = count(projection_change) THEN sum(projection_change) END            AS projection_change,
        CASE WHEN count(*) = 1 THEN any_value(projection_change_percent) END                     AS projection_change_percent,
        any_value(projection_period)                                                             AS projection_period,
        CASE WHEN count(*) = 1 THEN any_value(projection_row) END                                AS projection_row,
        CASE WHEN count(*) = 1 THEN any_value(outlook_category) END                              AS outlook_category,
        arg_max(source_url, (coalesce(jobs, 0), occupation_id))                                  AS source_url,
        arg_max(page_id, (coalesce(jobs, 0), occupation_id))                                     AS page_id,
        CASE WHEN count(*) = 1 THEN any_value(jobs_note)
             WHEN count(*) = count(jobs) THEN format('the sum of the {} statements merged into this one', count(*))
             ELSE 'merged statements of which some state no number of jobs' END                AS jobs_note,
        CASE WHEN count(*) = 1 THEN any_value(median_wage_note)
             ELSE format('{} statements merged into this one: their medians do not add up', count(*)) END
                                                                                                 AS median_wage_note,
        CASE WHEN count(*) > 1 THEN list(occupation_title ORDER BY jobs DESC NULLS LAST, occupation_title) END
                                                                                                 AS merged_from
    FROM members
    GROUP BY occupation_key, edition
),

joined AS (
    SELECT
        b.*,
        k.occupation,
        coalesce(b.median_annual_wage, b.median_hourly_wage * 2080)            AS median_annual_equivalent,
        CASE
            WHEN b.median_annual_wage IS NOT NULL THEN 'stated_annual'
            WHEN b.median_hourly_wage IS NOT NULL THEN 'hourly_x_2080'
        END                                                                     AS median_annual_equivalent_basis,
        CAST(in_dollars_of AS INTEGER)                                            AS dollar_year,
        cpi_factor(b.wage_year, in_dollars_of)                                  AS cpi_factor,
        CAST(coalesce(w.single_share, w.weighted_share) AS DOUBLE)              AS share_continued,
        w.parted_to,
        d.drew_from
    FROM by_edition AS b
    JOIN occupation_keys AS k USING (occupation_key)
    LEFT JOIN drew_from AS d USING (occupation_key, edition)
    LEFT JOIN went_to AS w USING (occupation_key, edition)
),

final AS (
    SELECT
        occupation_key,
        occupation,
        edition,
        base_year,
        occupation_title,
        occupation_id,
        soc_codes,
        soc_lineage,
        lineage,
        CAST(jobs AS BIGINT)                                                    AS jobs,
        jobs_year,
        median_annual_wage,
        median_annual_wage_qualifier,
        median_hourly_wage,
        median_annual_equivalent,
        median_annual_equivalent_basis,
        wage_year,
        dollar_year,
        constant_dollars(median_annual_wage, cpi_factor, 0)                     AS median_annual_wage_constant,
        constant_dollars(median_hourly_wage, cpi_factor, 2)                     AS median_hourly_wage_constant,
        constant_dollars(median_annual_equivalent, cpi_factor, 0)               AS median_annual_equivalent_constant,
        CAST(projection_base AS BIGINT)                                         AS projection_base,
        CAST(projection_target AS BIGINT)                                       AS projection_target,
        CAST(projection_change AS BIGINT)                                       AS projection_change,
        CAST(projection_change_percent AS DECIMAL(9, 2))                        AS projection_change_percent,
        projection_period,
        projection_row,
        outlook_category,
        source_url,
        page_id,
        jobs_note,
        median_wage_note,
        merged_from,
        round(share_continued, 4)                                               AS share_continued,
        parted_to,
        drew_from
    FROM joined
)

SELECT * FROM final;

-- the saved timeline with its constant dollars in those of `in_dollars_of`, computed as above
CREATE OR REPLACE MACRO occupation_timeline_in_dollars_of(in_dollars_of) AS TABLE
SELECT * EXCLUDE (cpi_factor) REPLACE (
    CAST(in_dollars_of AS INTEGER)                                          AS dollar_year,
    constant_dollars(median_annual_wage, cpi_factor, 0)       AS median_annual_wage_constant,
    constant_dollars(median_hourly_wage, cpi_factor, 2)       AS median_hourly_wage_constant,
    constant_dollars(median_annual_equivalent, cpi_factor, 0) AS median_annual_equivalent_constant
)
FROM (SELECT *, cpi_factor(wage_year, in_dollars_of) AS cpi_factor FROM occupation_timeline_saved);

CREATE OR REPLACE VIEW occupation_timeline AS
SELECT * FROM occupation_timeline_in_dollars_of(2024)
