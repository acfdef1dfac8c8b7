-- figure_text(x): a number as people write it: 172,500 and 24.16, not 172500.000000.
CREATE OR REPLACE MACRO figure_text(x) AS regexp_replace(format('{:,}', CAST(x AS DOUBLE)), '\.0$', '');
