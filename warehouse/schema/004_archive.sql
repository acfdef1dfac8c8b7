-- The fetch archive: every HTTP response the pipeline receives is a record in a WARC file under the
-- data folder (written once, never changed); this is their index.

CREATE TABLE IF NOT EXISTS captures (
    warc_file     VARCHAR NOT NULL,     -- file name in the archive folder
    warc_offset   BIGINT NOT NULL,      -- where the record starts in it
    warc_length   BIGINT NOT NULL,
    record_type   VARCHAR NOT NULL,     -- response; revisit (a 304, or the same bytes as the last capture)
    url           VARCHAR NOT NULL,     -- the page's address (for a Wayback capture, its original URL)
    fetch_url     VARCHAR NOT NULL,     -- what was requested (a Wayback id_ URL for captures)
    page_url      VARCHAR NOT NULL,     -- where a person finds this content: the live URL, or the Wayback replay URL
    source_kind   VARCHAR NOT NULL,     -- live, wayback, cdx
    edition       VARCHAR,              -- Wayback captures: the edition they were sought for
    captured_at   TIMESTAMP NOT NULL,   -- live: when fetched; Wayback: when the Wayback Machine captured it
    fetched_at    TIMESTAMP NOT NULL,
    status        INTEGER NOT NULL,
    sha256        VARCHAR,              -- of the body (decoded); a revisit's is the body it repeats
    bytes         BIGINT,
    etag          VARCHAR,
    last_modified VARCHAR,
    run_id        VARCHAR NOT NULL,
    PRIMARY KEY (warc_file, warc_offset)
);

-- URLs whose last fetch failed, with why. A later success removes the row.
CREATE TABLE IF NOT EXISTS fetch_failures (
    url         VARCHAR PRIMARY KEY,
    source_kind VARCHAR NOT NULL,
    attempts    INTEGER NOT NULL,
    last_status INTEGER,               -- the last HTTP status, NULL for a connection error or a refusal
    reason      VARCHAR NOT NULL,
    run_id      VARCHAR NOT NULL,
    failed_at   TIMESTAMP NOT NULL
);

-- One row per fetch run, with what it did.
CREATE TABLE IF NOT EXISTS fetch_runs (
    run_id      VARCHAR PRIMARY KEY,
    source      VARCHAR NOT NULL,      -- live, wayback:2010-11
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    targets     INTEGER,               -- pages the run meant to have
    fetched     INTEGER,               -- new or changed content archived
    unchanged   INTEGER,               -- asked again, same content (304 or same bytes)
    skipped     INTEGER,               -- archived already (fresh, or a Wayback capture, which never changes)
    failed      INTEGER,
    stopped     VARCHAR                -- why the run stopped early (a 403), else NULL
);
