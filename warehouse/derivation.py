"""Which code and reference data built a warehouse's derived tables: the links across editions
(warehouse/identity.py and the reference data), the saved timeline that follows them
(warehouse/queries/save_timeline.sql; its views are the warehouse's shape) and the data quality findings
(warehouse/checks/).

Each load records it. An ingest that finds no new page still loads when it differs (a new release of
ooh-warehouse links or checks differently), so that the derived tables are rebuilt by the code that reads
them; otherwise it writes nothing (warehouse/unchanged.py).
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import duckdb

_HERE = Path(__file__).parent
KEY = "derived_with"


@lru_cache(maxsize=1)
def fingerprint() -> str:
    files = [_HERE / "identity.py", _HERE / "queries" / "save_timeline.sql", _HERE / "quality.py",
             *sorted((_HERE / "reference").glob("*")),
             *sorted((_HERE / "checks").glob("*.sql"))]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def record(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("INSERT OR REPLACE INTO schema_info VALUES (?, ?)", [KEY, fingerprint()])


def recorded(con: duckdb.DuckDBPyConnection) -> str | None:
    rows = con.execute("SELECT value FROM schema_info WHERE key = ?", [KEY]).fetchall()  # whole: DuckDB refuses
    return rows[0][0] if rows else None  # another statement while a result is unfinished
