-- What the index holds of each of the archive's files named in ?: the bytes its records cover, and where
-- they start. Records are written end to end, so a file whose indexed records cover all its bytes is
-- indexed whole; any other was left part-indexed (a run stopped between writing a batch and indexing it).
SELECT warc_file, sum(warc_length) AS covered, list(warc_offset) AS offsets
FROM captures
WHERE warc_file IN (SELECT unnest(?))
GROUP BY warc_file
