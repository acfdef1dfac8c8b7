"""Open the warehouse file and keep its shape: the .sql files of schema/ then views/, in name order."""
from __future__ import annotations

import hashlib
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb
import pyarrow as pa

from warehouse.contract import CONTRACT_DIR, apply_comments
from warehouse.errors import WarehouseError
from warehouse.reference import REFERENCE_DIR, ensure_reference

_HERE = Path(__file__).parent
SCHEMA_FILES = tuple(sorted((_HERE / "schema").glob("*.sql")))
VIEW_FILES = tuple(sorted((_HERE / "views").glob("*.sql")))
# The schema's version is the number of its last file (schema/005_... -> 5); files are applied in order and
# each is idempotent, so opening an older warehouse brings it up to date.
SCHEMA_VERSION = int(SCHEMA_FILES[-1].name.split("_", 1)[0])
# What the warehouse's shape is made of: schema, views, contract, reference data (and link overrides).
# A warehouse that records another fingerprint is brought up to date (warehouse/publish.py: prepare).
SHAPE_SHA256 = hashlib.sha256(b"".join(
    p.name.encode() + p.read_bytes()
    for p in (*SCHEMA_FILES, *VIEW_FILES, *sorted(CONTRACT_DIR.glob("*.csv")), *sorted(REFERENCE_DIR.glob("*.csv")))
)).hexdigest()


def connect(path: str | Path, *, read_only: bool = False, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """`config`: DuckDB settings the database is opened with (some, such as lock_configuration, only then)."""
    path = Path(path)
    if read_only and not path.exists():
        raise WarehouseError(f"no warehouse at {path}: run 'ooh ingest' first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    with _opening(path):
        con = duckdb.connect(str(path), read_only=read_only, config=config or {})
    if not read_only:
        ensure_shape(con)
    return con


# One in-memory DuckDB per process for short read-only looks at warehouse files: starting a DuckDB costs
# about 10 ms, attaching a file to a running one about 2, and a run looks at its warehouse several times
_LOOKS: duckdb.DuckDBPyConnection | None = None
_LOOKS_LOCK = threading.Lock()


@contextmanager
def looking_at(path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection whose unqualified names are the warehouse file's, for a look that ends with
    the block (the file is attached for it, and detached after). Refused as `connect` refuses."""
    global _LOOKS
    path = Path(path)
    if not path.exists():
        raise WarehouseError(f"no warehouse at {path}: run 'ooh ingest' first")
    with _LOOKS_LOCK:
        if _LOOKS is None:
            _LOOKS = duckdb.connect(":memory:")
        con = _LOOKS.cursor()  # a connection of its own: its default database is this look's
    alias = f"look_{uuid.uuid4().hex}"
    try:
        with _opening(path):
            con.execute(f"ATTACH '{str(path).replace(chr(39), chr(39) * 2)}' AS {alias} (READ_ONLY)")
        con.execute(f"USE {alias}")
        # a name the warehouse lacks is an error, not a Python object of that name in the caller's frames
        con.execute("SET python_enable_replacements = false")
    except BaseException:
        con.close()
        raise
    try:
        yield con
    finally:
        con.execute("USE memory")
        con.execute(f"DETACH {alias}")
        con.close()


@contextmanager
def _opening(path: Path) -> Iterator[None]:
    """DuckDB's errors on opening a file, as reasons a user can act on."""
    try:
        yield
    except duckdb.SerializationException as exc:
        raise WarehouseError(f"{path} was written by another DuckDB version than {duckdb.__version__} "
                             f"({str(exc).splitlines()[0]}): use the ooh-warehouse release that wrote it, or "
                             "ingest again into a new file") from exc
    except duckdb.IOException as exc:
        message = str(exc).splitlines()[0]
        if "lock" in message.lower():
            raise WarehouseError(
                f"{path} is open in another process ({message.split('(')[-1].rstrip(')') if 'PID' in message else 'a lock is held'}): "
                "close that connection (a dashboard, a notebook, another ingest) and run again"
            ) from exc
        raise WarehouseError(f"cannot open {path}: {message}") from exc


def ensure_shape(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing and migrate what is older; every writer runs it, and it does nothing when
    the warehouse already has this code's shape. A warehouse of a newer schema is refused, never changed."""
    info = all_schema_info(con)  # one query: every writer's connection asks
    version = check_schema_version(schema_number(info.get("schema_version")))
    if (version == SCHEMA_VERSION and info.get("shape_sha256") == SHAPE_SHA256
            and info.get("duckdb_version") == duckdb.__version__):
        return  # the comments alone would cost every load and fetch batch a sixth of a second
    # One transaction: each of the hundreds of catalog changes (a comment per column) would otherwise commit
    # on its own, which doubles the time a new warehouse takes to set up
    con.execute("BEGIN")
    try:
        for sql_file in SCHEMA_FILES:
            con.execute(sql_file.read_text())
        ensure_reference(con)  # the views read the reference tables
        for sql_file in VIEW_FILES:
            con.execute(sql_file.read_text())
        apply_comments(con)
        con.execute(
            "INSERT OR REPLACE INTO schema_info VALUES ('schema_version', ?), ('duckdb_version', ?), ('shape_sha256', ?)",
            [str(SCHEMA_VERSION), duckdb.__version__, SHAPE_SHA256],
        )
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def checked_schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The warehouse's schema version (None for a new file); refuses one newer than this code."""
    return check_schema_version(stored_schema_version(con))


def check_schema_version(found: int | None) -> int | None:
    """`found`, unless it is newer than this code knows: then the reason to stop."""
    if found is not None and found > SCHEMA_VERSION:
        raise WarehouseError(f"this warehouse has schema version {found}, newer than this ooh-warehouse knows "
                             f"({SCHEMA_VERSION}): upgrade ooh-warehouse; the file was not changed")
    return found


def stored_schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    return schema_number(schema_info(con, "schema_version"))


def schema_number(value: str | None) -> int | None:
    """schema_info's schema_version as a number; None where a file records none (or not a number)."""
    return int(value) if value and value.isdigit() else None


def all_schema_info(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every key and value of schema_info; none in a new file. (Asked for a table it lacks, DuckDB would look
    for a Python object of that name in the caller's frames: hence the check first.)"""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                         "AND schema_name = 'main' AND table_name = 'schema_info'").fetchall()[0][0]
    return dict(con.execute("SELECT key, value FROM schema_info").fetchall()) if exists else {}


def schema_info(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_info'").fetchone()[0]
    if not exists:
        return None
    row = con.execute("SELECT value FROM schema_info WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


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
