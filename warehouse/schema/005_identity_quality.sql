-- Occupation identity across editions, and the data quality checks run after every load.

-- A link between an occupation of one edition and one of the next edition loaded, with its evidence:
-- one row per kind of evidence (soc_crosswalk, url_lineage, title, override).
CREATE TABLE IF NOT EXISTS occupation_links (
    older_id      VARCHAR NOT NULL,   -- occupations.occupation_id
    newer_id      VARCHAR NOT NULL,
    evidence      VARCHAR NOT NULL,   -- soc_crosswalk, url_lineage, title, override
    detail        VARCHAR NOT NULL,   -- e.g. '29-2071 (SOC 2000) -> 29-2071 (SOC 2010) -> 29-2072 (SOC 2018)'
    PRIMARY KEY (older_id, newer_id, evidence)
);

-- Each occupation statement's occupation key: the occupation of the latest edition its continuing (or
-- merging) line leads to (warehouse/identity.py); one key per statement.
CREATE TABLE IF NOT EXISTS occupation_lineage (
    occupation_id  VARCHAR NOT NULL,
    occupation_key VARCHAR NOT NULL,
    lineage        VARCHAR NOT NULL,  -- the evidence along the editions: '2006-07 -title-> 2010-11 -soc_crosswalk-> 2024-34'
    soc_lineage    VARCHAR,           -- the occupation's SOC codes on the way to the key's: '29-2071 (SOC 2000) -> ... -> 29-2072 (SOC 2018)'
    PRIMARY KEY (occupation_id, occupation_key)
);

-- Findings of the checks in warehouse/checks/, run by every load over all the pages held then.
CREATE TABLE IF NOT EXISTS quality_violations (
    load_id       INTEGER NOT NULL,
    check_name    VARCHAR NOT NULL,
    edition       VARCHAR NOT NULL,
    occupation_id VARCHAR NOT NULL,
    page_id       VARCHAR NOT NULL,
    detail        VARCHAR NOT NULL    -- the values that disagree
);

ALTER TABLE loads ADD COLUMN IF NOT EXISTS quality_violations INTEGER;
