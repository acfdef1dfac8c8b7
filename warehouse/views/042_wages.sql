-- wages_in_dollars_of(year): every median and percentile wage the pages state, of the occupation, of a
-- part of it (subject_type 'part': `part`), in an industry (`setting`) or of a group of its workers, in
-- nominal dollars and constant dollars of `year` (CPI-U annual averages), under each occupation key the
-- statement belongs to. Hourly and annual wages stay apart (`period`).
-- wages: the same in 2024 dollars.
CREATE OR REPLACE MACRO wages_in_dollars_of(in_dollars_of) AS TABLE
WITH final AS (
    SELECT
        l.occupation_key,
        f.edition,
        f.base_year,
        f.occupation_title,
        f.measure,
        f.period,
        f.setting,
        f.subject,
        f.of_occupation,
        CAST(f.value AS DECIMAL(18, 2))                                            AS wage,
        CAST(in_dollars_of AS INTEGER)                                               AS dollar_year,
        constant_dollars(f.value, cpi_factor(f.ref_year, in_dollars_of), 2) AS wage_constant,
        f.ref_year,
        f.ref_month,
        f.qualifier,
        f.extracted_from,
        f.sentence,
        f.source_url,
        f.page_id,
        f.figure_no,
        f.subject_type,
        f.part
    FROM figures AS f
    JOIN occupation_lineage AS l USING (occupation_id)
    WHERE f.kind = 'wage'
)

SELECT * FROM final;

CREATE OR REPLACE VIEW wages AS
SELECT * FROM wages_in_dollars_of(2024)
