-- archived_pages: for each place a page was fetched from, the content it held last, and where in the
-- archive its bytes are (a revisit's bytes are those of the response it repeats).
CREATE OR REPLACE VIEW archived_pages AS
WITH ranked AS (
    SELECT *, row_number() OVER (PARTITION BY page_url ORDER BY fetched_at DESC, warc_offset DESC) AS n
    FROM captures
    WHERE status IN (200, 304) AND source_kind IN ('live', 'wayback')  -- not robots.txt, index or CDX answers
),

latest AS (
    SELECT page_url, url, source_kind, edition, captured_at, sha256
    FROM ranked
    WHERE n = 1
),

bodies AS (
    SELECT
        page_url,
        sha256,
        arg_min({'warc_file': warc_file, 'warc_offset': warc_offset}, fetched_at) AS record
    FROM captures
    WHERE record_type = 'response' AND status = 200
    GROUP BY page_url, sha256
),

final AS (
    SELECT l.*, b.record.warc_file AS warc_file, b.record.warc_offset AS warc_offset
    FROM latest AS l
    JOIN bodies AS b USING (page_url, sha256)
)

SELECT * FROM final
