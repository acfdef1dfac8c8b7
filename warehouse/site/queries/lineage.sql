-- Every link between an occupation of one edition and one of the next, for each key at either end: what
-- the occupation pages say about where a key's line came from and went.
SELECT
    older_key,
    newer_key,
    older_edition,
    newer_edition,
    older_title,
    newer_title,
    kind,
    share_of_older,
    share_of_newer,
    main_line,
    evidence
FROM lineage_links
ORDER BY older_edition, older_title, share_of_older DESC NULLS LAST, newer_title
