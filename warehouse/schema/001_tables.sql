-- Raw tables, written only by warehouse/load.py. Every row carries the load_id of the load that wrote it.
-- Applied in file-name order on every connection that writes; each statement is idempotent.

CREATE TABLE IF NOT EXISTS schema_info (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

-- One row per ingest run.
CREATE TABLE IF NOT EXISTS loads (
    load_id          INTEGER PRIMARY KEY,
    started_at       TIMESTAMP NOT NULL,
    finished_at      TIMESTAMP,
    source           VARCHAR NOT NULL,   -- what was ingested: a directory, as given
    parser_version   VARCHAR NOT NULL,
    flow_run_id      VARCHAR,            -- the Prefect flow run, when run by the flow
    inputs_seen      INTEGER,
    pages_new        INTEGER,            -- page contents never loaded before
    pages_replaced   INTEGER,            -- loaded before by another parser version, parsed again
    pages_unchanged  INTEGER,            -- same bytes, same parser version: nothing written
    inputs_duplicate INTEGER,            -- files with the same bytes as another file of the load: linked
    inputs_rejected  INTEGER,
    sections_written INTEGER,
    figures_written  INTEGER
);

CREATE TABLE IF NOT EXISTS editions (
    edition          VARCHAR PRIMARY KEY, -- "2006-07", "2010-11"; the current site by its projection span, "2024-34"
    base_year        INTEGER NOT NULL,    -- year of the employment and wage data the edition reports
    projection_start INTEGER NOT NULL,
    projection_end   INTEGER NOT NULL,
    load_id          INTEGER NOT NULL
);

-- One row per occupation statement of an edition.
CREATE TABLE IF NOT EXISTS occupations (
    occupation_id VARCHAR PRIMARY KEY,   -- "<edition>:<title slug>"
    edition       VARCHAR NOT NULL,
    title         VARCHAR NOT NULL,
    soc_code      VARCHAR,               -- the first SOC code the page states
    soc_codes     VARCHAR[],             -- every SOC code the page states, in page order
    load_id       INTEGER NOT NULL
);

-- One row per distinct page content (sha256 of its bytes).
CREATE TABLE IF NOT EXISTS pages (
    page_id        VARCHAR PRIMARY KEY,  -- sha256 of the bytes, hex
    source_url     VARCHAR NOT NULL,     -- where these bytes were first read: http(s) URL or file:// path
    canonical_url  VARCHAR,              -- the address the page gives for itself, if any
    bytes          BIGINT NOT NULL,
    encoding       VARCHAR NOT NULL,
    layout         VARCHAR NOT NULL,     -- mirror_text, ocos, tabbed
    parser_version VARCHAR NOT NULL,
    edition        VARCHAR NOT NULL,
    occupation_id  VARCHAR NOT NULL,
    title          VARCHAR NOT NULL,
    soc_code       VARCHAR,
    load_id        INTEGER NOT NULL
);

-- Every place a page was read from, pointing at the content read there last. Pages whose bytes no
-- source holds any longer stay in `pages` but leave the views.
CREATE TABLE IF NOT EXISTS page_sources (
    source_url VARCHAR PRIMARY KEY,
    page_id    VARCHAR NOT NULL,
    load_id    INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS sections (
    page_id     VARCHAR NOT NULL,
    section_no  INTEGER NOT NULL,        -- reading order on the page, from 1
    section_key VARCHAR NOT NULL,        -- canonical key, see parsers/taxonomy.py
    heading     VARCHAR NOT NULL,        -- as printed; '' where the page lost its heading
    text        VARCHAR NOT NULL,        -- paragraphs separated by blank lines; table rows as tab-separated lines
    load_id     INTEGER NOT NULL,
    PRIMARY KEY (page_id, section_no)
);

CREATE TABLE IF NOT EXISTS extracted_figures (
    page_id     VARCHAR NOT NULL,
    figure_no   INTEGER NOT NULL,        -- order of statement on the page, from 1
    section_key VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,        -- employment, wage, projection, outlook, programs, education
    measure     VARCHAR NOT NULL,        -- jobs, share, median, p10 ... (README: "Figures")
    value       DECIMAL(18, 6),          -- exact as stated; NULL for categories
    text_value  VARCHAR,                 -- categories: "much faster than average"
    unit        VARCHAR NOT NULL,        -- jobs, fraction, usd, percent, programs, schools, category
    period      VARCHAR,                 -- pay period (year, hour) or projection span ("2008-2018")
    ref_year    INTEGER,
    ref_month   INTEGER,
    qualifier   VARCHAR,                 -- about, more_than, less_than, at_least, at_most
    setting     VARCHAR,                 -- industry or workplace; accrediting body; projections-table row
    soc_code    VARCHAR,                 -- SOC code stated with the figure (projections-table rows)
    subject     VARCHAR,                 -- the workers the sentence names, as worded
    source      VARCHAR NOT NULL,        -- prose, table, quick_facts
    of_occupation BOOLEAN NOT NULL,      -- of the occupation as a whole (no setting, no other workers named)
    raw_text    VARCHAR NOT NULL,
    sentence    VARCHAR NOT NULL,
    load_id     INTEGER NOT NULL,
    PRIMARY KEY (page_id, figure_no)
);

-- Inputs that did not parse, with a one-line reason. Loading the same bad bytes again adds nothing.
CREATE TABLE IF NOT EXISTS rejected_inputs (
    source_url  VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    bytes       BIGINT NOT NULL,
    reason_code VARCHAR NOT NULL,        -- empty, binary, undecodable, not_found_page, landing_page, unknown_layout, ...
    reason      VARCHAR NOT NULL,
    load_id     INTEGER NOT NULL,
    PRIMARY KEY (source_url, sha256)
);
