-- The sentences added, removed and changed, section by section, in the sections' reading order.
SELECT
    occupation_key,
    older_edition,
    newer_edition,
    section,
    change_no,
    change,
    older_sentence,
    newer_sentence,
    similarity
FROM edition_text_changes
ORDER BY occupation_key, older_edition, section, change_no
