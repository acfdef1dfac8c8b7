-- What became of each occupation of one edition in the next: one row per (older, newer) pair the evidence
-- links, with the kind of link and the shares of employment it moved (warehouse/identity.py). Rebuilt by
-- every load.
CREATE TABLE IF NOT EXISTS occupation_succession (
    older_id        VARCHAR NOT NULL,   -- occupations.occupation_id
    newer_id        VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,   -- continues, merged, split, contributed
    share_of_older  DOUBLE,             -- of the older occupation's employment, the part that went to the newer one
    share_of_newer  DOUBLE,             -- of the newer one's employment drawn from the older edition, the part from it
    evidence        VARCHAR NOT NULL,   -- soc_crosswalk, url_lineage, title, override, '+'-joined
    PRIMARY KEY (older_id, newer_id)
);
