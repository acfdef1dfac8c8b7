-- Figures a page seems to state but that were not kept, with why (parsers/plausible.py): values no
-- measure can take (a $0 median, 0 jobs, a share over 100 percent, a year outside the edition), values
-- too large to store, and numbers in forms the handbook never writes ("$5.025e4", "-$50,250"). Written
-- with the page's other rows, replaced when the page is parsed again.
CREATE TABLE IF NOT EXISTS refused_figures (
    page_id     VARCHAR NOT NULL,   -- pages.page_id
    refusal_no  INTEGER NOT NULL,   -- order within the page
    section_key VARCHAR NOT NULL,
    kind        VARCHAR,            -- as extracted_figures.kind; NULL where the number could not be read
    measure     VARCHAR,
    raw_text    VARCHAR NOT NULL,   -- the words as the page states them
    value       VARCHAR,            -- the value as read, where it was read
    sentence    VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,
    load_id     INTEGER NOT NULL,
    PRIMARY KEY (page_id, refusal_no)
);

ALTER TABLE loads ADD COLUMN IF NOT EXISTS figures_refused INTEGER;
