"""save_quality_checks: run the data quality checks (warehouse/checks/*.sql, one query each, returning
the rows that fail) over the pages the warehouse holds now, and store the findings with the load."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb

CHECKS = tuple(sorted((Path(__file__).parent / "checks").glob("*.sql")))
# One statement: DuckDB plans the checks together and runs them side by side on its threads (the checks one
# after another took 36 ms of a corpus load, together 25). Read once, as the other queries are.
_SAVE_SQL = "INSERT INTO quality_violations SELECT ? AS load_id, * FROM ({})".format(
    "\nUNION ALL\n".join(f"SELECT * FROM ({path.read_text()})" for path in CHECKS))


def save_quality_checks(con: duckdb.DuckDBPyConnection, load_id: int) -> Counter:
    """Findings per check; every check appears, with 0 when it found nothing."""
    con.execute(_SAVE_SQL, [load_id])
    found = Counter({path.stem: 0 for path in CHECKS})
    found.update(dict(con.execute(
        "SELECT check_name, count(*) FROM quality_violations WHERE load_id = ? GROUP BY check_name", [load_id]).fetchall()))
    con.execute("UPDATE loads SET quality_violations = ? WHERE load_id = ?", [sum(found.values()), load_id])
    return found
