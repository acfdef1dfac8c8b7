-- figure_text(x): a number as people write it: 172,500 and 24.16, not 172500.000000.
CREATE OR REPLACE MACRO figure_text(x) AS regexp_replace(format('{:,}', CAST(x AS DOUBLE)), '\.0$', '');

-- cpi_factor(from_year, to_year): what a dollar of from_year is worth in dollars of to_year, by the CPI-U
-- annual averages (ref_cpi_u); NULL unless both years are full years there.
CREATE OR REPLACE MACRO cpi_factor(from_year, to_year) AS (
    SELECT target.cpi_u / source.cpi_u
    FROM ref_cpi_u AS source, ref_cpi_u AS target
    WHERE source.year = from_year AND source.months = 12 AND target.year = to_year AND target.months = 12
);

-- constant_dollars(amount, factor, digits): an amount times a cpi_factor, rounded as the handbook rounds
-- that kind of wage (annual to the dollar, hourly to the cent)
CREATE OR REPLACE MACRO constant_dollars(amount, factor, digits) AS
    CAST(round(amount * factor, digits) AS DECIMAL(18, 2));

-- share_text(x): a share as people read it: 0.681 -> '68%', 0.004 -> '<1%', NULL -> '?'
CREATE OR REPLACE MACRO share_text(x) AS
    CASE WHEN x IS NULL THEN '?' WHEN x < 0.005 THEN '<1%' ELSE format('{:.0f}%', 100 * x) END;
