"""Read-only queries: what `ooh query` and the reports run."""
from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.db import WarehouseError, connect


def read_query(path: str | Path, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
    """Run one statement on a read-only connection; returns (column names, rows)."""
    con = connect(path, read_only=True)
    try:
        result = con.execute(sql, params or [])
        if result.description is None:
            return [], []
        return [d[0] for d in result.description], result.fetchall()
    except duckdb.Error as exc:
        raise WarehouseError(f"query failed: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()
