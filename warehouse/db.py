"""Open the warehouse file and keep its shape: the .sql files of schema/ then views/, in name order."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

SCHEMA_VERSION = "1"
_HERE = Path(__file__).parent
SQL_FILES = (*sorted((_HERE / "schema").glob("*.sql")), *sorted((_HERE / "views").glob("*.sql")))


class WarehouseError(Exception):
    """A warehouse problem with a one-line reason for the user."""


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    if read_only and not path.exists():
        raise WarehouseError(f"no warehouse at {path}: run 'ooh ingest' first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        message = str(exc).splitlines()[0]
        if "lock" in message.lower():
            raise WarehouseError(
                f"{path} is open in another process ({message.split('(')[-1].rstrip(')') if 'PID' in message else 'a lock is held'}): "
                "close that connection (a dashboard, a notebook, another ingest) and run again"
            ) from exc
        raise WarehouseError(f"cannot open {path}: {message}") from exc
    if not read_only:
        ensure_shape(con)
    return con


def ensure_shape(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing; idempotent, so every writer runs it."""
    for sql_file in SQL_FILES:
        con.execute(sql_file.read_text())
    con.execute(
        "INSERT OR REPLACE INTO schema_info VALUES ('schema_version', ?), ('duckdb_version', ?)",
        [SCHEMA_VERSION, duckdb.__version__],
    )


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table, conflict: str | None = None) -> None:
    """Bulk insert from an Arrow table (never row by row)."""
    if rows.num_rows == 0:
        return
    con.register("_rows", rows)
    try:
        columns = ", ".join(rows.column_names)
        on_conflict = f" ON CONFLICT {conflict}" if conflict else ""
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _rows{on_conflict}")
    finally:
        con.unregister("_rows")
