-- edition_text_changes: what each section's text says differently from one edition of an occupation key
-- to the next edition that has it, sentence by sentence. Sentences are aligned by similarity, not by
-- position: a sentence found word for word in both is unchanged (and not listed); of the rest, an older and
-- a newer sentence that are each other's most similar (the share of distinct words they have in common,
-- at least 0.5) are one sentence changed; what is left was removed or added. Where several statements of
-- an edition merged into the key, their sections are read together.
CREATE OR REPLACE VIEW edition_text_changes AS
WITH edition_pairs AS (
    -- each edition of a key and the key's edition before it
    SELECT
        occupation_key,
        edition AS newer_edition,
        lag(edition) OVER (PARTITION BY occupation_key ORDER BY base_year) AS older_edition
    FROM (SELECT DISTINCT occupation_key, edition, base_year FROM page_text)
),

sentences AS MATERIALIZED (
    -- a section's sentences in reading order: split after a full stop, question or exclamation mark that
    -- follows a small letter, digit, percent sign or bracket (so 'U.S. Department' stays whole), and at
    -- line breaks
    SELECT
        occupation_key,
        edition,
        section,
        row_number() OVER (PARTITION BY occupation_key, edition, section ORDER BY page_id, section_no, part_no)
            AS position,
        sentence,
        list_distinct(regexp_extract_all(lower(sentence), '[a-z0-9$%.,]*[a-z0-9%]')) AS words
    FROM (
        SELECT
            occupation_key, edition, section, page_id, section_no,
            unnest(generate_series(1, len(parts))) AS part_no,
            trim(regexp_replace(unnest(parts), '\s+', ' ', 'g')) AS sentence
        FROM (
            SELECT *, string_split(regexp_replace(text, '([a-z0-9%)][.!?]["”’)]?)\s+|\n+', '\1' || chr(31), 'g'), chr(31))
                AS parts
            FROM page_text
        )
    )
    WHERE length(sentence) > 1
),

pair_sentences AS MATERIALIZED (
    -- the sentences of both editions of each pair, each marked with its side
    SELECT
        p.occupation_key, p.older_edition, p.newer_edition, s.section,
        CASE WHEN s.edition = p.older_edition THEN 'older' ELSE 'newer' END AS side,
        s.position, s.sentence, s.words
    FROM edition_pairs AS p
    JOIN sentences AS s ON s.occupation_key = p.occupation_key AND s.edition IN (p.older_edition, p.newer_edition)
    WHERE p.older_edition IS NOT NULL
),

sides AS MATERIALIZED (
    -- every sentence that the other edition of its pair does not have word for word
    SELECT *
    FROM pair_sentences AS s
    WHERE NOT EXISTS (
        SELECT 1 FROM pair_sentences AS o
        WHERE o.occupation_key = s.occupation_key AND o.older_edition = s.older_edition AND o.section = s.section
          AND o.side <> s.side AND o.sentence = s.sentence)
),

side_words AS MATERIALIZED (
    SELECT occupation_key, older_edition, section, side, position, len(words) AS word_count, unnest(words) AS word
    FROM sides
),

candidates AS MATERIALIZED (
    -- older and newer sentences of the same section that share at least half their distinct words (the
    -- share of the words of either that both have), counted by joining on the words; pairs whose word
    -- counts differ by more than half cannot, and are not compared
    SELECT * EXCLUDE (shared, older_words, newer_words),
           shared / (older_words + newer_words - shared) AS similarity
    FROM (
        SELECT
            o.occupation_key, o.older_edition, o.section,
            o.position AS older_position, n.position AS newer_position,
            count(*) AS shared, any_value(o.word_count) AS older_words, any_value(n.word_count) AS newer_words
        FROM side_words AS o
        JOIN side_words AS n USING (occupation_key, older_edition, section, word)
        WHERE o.side = 'older' AND n.side = 'newer'
          AND 2 * o.word_count >= n.word_count AND 2 * n.word_count >= o.word_count
        GROUP BY ALL
    )
    WHERE shared / (older_words + newer_words - shared) >= 0.5
),

best_newer AS (
    -- each older sentence's most similar newer one (the first in reading order on a tie); a pair that is not
    -- similar enough is never a best match, so comparing only the similar ones finds the same pairs
    SELECT occupation_key, older_edition, section, older_position,
           arg_max(newer_position, (similarity, -newer_position)) AS newer_position, max(similarity) AS similarity
    FROM candidates
    GROUP BY ALL
),

best_older AS (
    SELECT occupation_key, older_edition, section, newer_position,
           arg_max(older_position, (similarity, -older_position)) AS older_position
    FROM candidates
    GROUP BY ALL
),

changed AS MATERIALIZED (
    -- pairs that are each other's best match, similar enough to be one sentence reworded
    SELECT b.occupation_key, b.older_edition, o.newer_edition, b.section, b.older_position, b.newer_position,
           o.sentence AS older_sentence, n.sentence AS newer_sentence, b.similarity
    FROM best_newer AS b
    JOIN best_older AS a USING (occupation_key, older_edition, section, older_position, newer_position)
    JOIN sides AS o ON o.side = 'older' AND o.occupation_key = b.occupation_key AND o.older_edition = b.older_edition
                   AND o.section = b.section AND o.position = b.older_position
    JOIN sides AS n ON n.side = 'newer' AND n.occupation_key = b.occupation_key AND n.older_edition = b.older_edition
                   AND n.section = b.section AND n.position = b.newer_position
),

changes AS (
    SELECT occupation_key, older_edition, newer_edition, section, 'changed' AS change,
           older_position, newer_position, older_sentence, newer_sentence, similarity
    FROM changed
    UNION ALL
    SELECT s.occupation_key, s.older_edition, s.newer_edition, s.section, 'removed',
           s.position, NULL, s.sentence, NULL, NULL
    FROM sides AS s
    WHERE s.side = 'older' AND NOT EXISTS (
        SELECT 1 FROM changed AS c
        WHERE c.occupation_key = s.occupation_key AND c.older_edition = s.older_edition AND c.section = s.section
          AND c.older_position = s.position)
    UNION ALL
    SELECT s.occupation_key, s.older_edition, s.newer_edition, s.section, 'added',
           NULL, s.position, NULL, s.sentence, NULL
    FROM sides AS s
    WHERE s.side = 'newer' AND NOT EXISTS (
        SELECT 1 FROM changed AS c
        WHERE c.occupation_key = s.occupation_key AND c.older_edition = s.older_edition AND c.section = s.section
          AND c.newer_position = s.position)
),

final AS (
    SELECT
        occupation_key,
        older_edition,
        newer_edition,
        section,
        -- in the newer edition's reading order, a removed sentence where it stood in the older one
        CAST(row_number() OVER (PARTITION BY occupation_key, older_edition, newer_edition, section
                                ORDER BY coalesce(newer_position, older_position), older_position NULLS FIRST)
             AS INTEGER)                                   AS change_no,
        change,
        older_sentence,
        newer_sentence,
        CAST(round(similarity, 3) AS DOUBLE)               AS similarity,
        CAST(older_position AS INTEGER)                    AS older_position,
        CAST(newer_position AS INTEGER)                    AS newer_position
    FROM changes
)

SELECT * FROM final
