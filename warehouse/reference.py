"""Reference data shipped with the project (warehouse/reference/, sources in SOURCES.tsv), as tables:
ref_soc_crosswalk (SOC 2000 -> 2010 -> 2018), ref_ep_employment (the employment of each occupation code in
the BLS projections' 2016 and 2024 matrices) and ref_cpi_u (CPI-U annual averages). Reloaded whenever the
warehouse's shape changes, which the files are part of (warehouse/db.py: SHAPE_SHA256)."""
from __future__ import annotations

from pathlib import Path

import duckdb

REFERENCE_DIR = Path(__file__).parent / "reference"
CROSSWALKS = ((2000, 2010, "soc_2000_to_2010_crosswalk.csv"), (2010, 2018, "soc_2010_to_2018_crosswalk.csv"))
CPI = "cpi_u_annual_avg.csv"
EMPLOYMENT = "ep_employment.csv"  # scripts/write_employment_reference.py
OVERRIDES = REFERENCE_DIR / "occupation_link_overrides.csv"


def ensure_reference(con: duckdb.DuckDBPyConnection) -> None:
    selects = [
        f"""SELECT {old} AS from_vintage, trim(soc{old}) AS from_code,
                   trim(regexp_replace(soc{old}_title, '\\s*(\\*+|\\(##\\))\\s*$', '')) AS from_title,
                   {new} AS to_vintage, trim(soc{new}) AS to_code,
                   trim(regexp_replace(soc{new}_title, '\\s*(\\*+|\\(##\\))\\s*$', '')) AS to_title
            FROM read_csv('{REFERENCE_DIR / name}', all_varchar = true)"""
        for old, new, name in CROSSWALKS
    ]
    con.execute("CREATE OR REPLACE TABLE ref_soc_crosswalk AS " + " UNION ALL ".join(selects))
    con.execute(f"""CREATE OR REPLACE TABLE ref_ep_employment AS
                    SELECT CAST(soc_vintage AS INTEGER) AS soc_vintage, CAST(year AS INTEGER) AS year, code, title,
                           CAST(line_item AS BOOLEAN) AS line_item, CAST(employment AS BIGINT) AS employment
                    FROM read_csv('{REFERENCE_DIR / EMPLOYMENT}', all_varchar = true)""")
    con.execute(f"""CREATE OR REPLACE TABLE ref_cpi_u AS
                    SELECT CAST(year AS INTEGER) AS year, CAST(cpi_u_annual_avg AS DECIMAL(10, 3)) AS cpi_u,
                           CAST(n_months AS INTEGER) AS months
                    FROM read_csv('{REFERENCE_DIR / CPI}', all_varchar = true)""")
