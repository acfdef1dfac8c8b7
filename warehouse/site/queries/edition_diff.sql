-- Each key from one edition that has it to the next: the figures' deltas and the counts of sentences changed.
SELECT * FROM edition_diff
ORDER BY occupation_key, newer_base_year
