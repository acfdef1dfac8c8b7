-- Projections set against the employment a later edition reports for their last year.
SELECT * FROM projection_accuracy
ORDER BY occupation_key, projection_edition, outcome_edition
