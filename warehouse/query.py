"""Read-only access for people and tools: `ooh query`, the reports, a dashboard; and the Parquet export of
the marts for BI tools. Nothing here writes the warehouse.

`read_query` and `read_query_arrow` run SQL that may come from anyone (a dashboard's user, a shell), so
they run exactly one statement that only reads, on a connection that can neither reach files nor the
network nor change its own settings:

- the statement is one SELECT (WITH, DESCRIBE, SHOW, SUMMARIZE, VALUES, PIVOT ... IN, FROM ...) or an
  EXPLAIN of one, as DuckDB's parser classifies it: COPY, ATTACH, EXPORT, SET, INSTALL, PRAGMA, CALL and
  the rest are refused before anything runs;
- the database is opened read-only with `enable_external_access` off (no file but the warehouse itself,
  no URL: read_csv, glob, COPY TO, ATTACH, EXPORT all fail), extension autoinstall and autoload off (no
  download), Python replacement scans off (no caller's variable becomes a table), and
  `lock_configuration` on, so a statement cannot SET any of this back. They are given when the database
  is opened: DuckDB still opens the file it was asked to open (the warehouse, read-only), and afterwards
  no statement can turn external access back on or change a locked setting;
- `allow_files` turns external access on for local use (read_csv of one's own files); the statement must
  still only read, and autoinstall stays off, so nothing is downloaded.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.contract import read_contract
from warehouse.db import SHAPE_SHA256, WarehouseError, connect, schema_info

# `ooh timeline`: one occupation's continuing line and the parts that moved ({year}: the constant dollars')
TIMELINE_SQL = (Path(__file__).parent / "queries" / "timeline.sql").read_text()

READ_STATEMENTS = "SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE or EXPLAIN"
_LOCKED = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "python_enable_replacements": False,
    "lock_configuration": True,  # no SET or RESET can change any setting afterwards
}
_ARROW_BATCH_ROWS = 10_000


class QueryRefused(WarehouseError):
    """SQL that is not one read-only statement, or that reaches for a file, a URL or a setting."""


class QueryTimedOut(WarehouseError):
    """A query still running when its time was up; it was interrupted."""


@dataclass(frozen=True, slots=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple]
    truncated: bool = False  # the statement had more rows than max_rows; they were not read


@dataclass(frozen=True, slots=True)
class ArrowResult:
    table: pa.Table
    truncated: bool = False


def read_query(path: str | Path, sql: str, params: list | None = None, *, max_rows: int | None = None,
               timeout: float | None = None, allow_files: bool = False) -> QueryResult:
    """Run one read-only statement on a locked-down read-only connection (see the module's docstring);
    at most `max_rows` rows are read, and the statement is interrupted after `timeout` seconds."""
    with _running(path, sql, timeout, allow_files) as (con, statement):
        result = con.execute(statement, params or [])
        if result.description is None:
            return QueryResult([], [])
        columns = [d[0] for d in result.description]
        rows = result.fetchall() if max_rows is None else result.fetchmany(max_rows + 1)
    truncated = max_rows is not None and len(rows) > max_rows
    return QueryResult(columns, rows[:max_rows] if truncated else rows, truncated)


def read_query_arrow(path: str | Path, sql: str, params: list | None = None, *, max_rows: int | None = None,
                     timeout: float | None = None, allow_files: bool = False) -> ArrowResult:
    """`read_query`, as an Arrow table (DuckDB's own types, for Parquet), read in batches up to `max_rows`."""
    with _running(path, sql, timeout, allow_files) as (con, statement):
        reader = con.sql(statement, params=params or None).to_arrow_reader(_ARROW_BATCH_ROWS)
        batches, rows = [], 0
        for batch in reader:
            batches.append(batch)
            rows += batch.num_rows
            if max_rows is not None and rows > max_rows:
                break
        table = pa.Table.from_batches(batches, schema=reader.schema)
    truncated = max_rows is not None and table.num_rows > max_rows
    return ArrowResult(table.slice(0, max_rows) if truncated else table, truncated)


def write_parquet(table: pa.Table, output: str | Path) -> None:
    """Write a query's result as Parquet with DuckDB's writer (it writes every type a query returns,
    INTERVAL included, as `COPY TO` did), on a connection of its own, in memory, that runs only this COPY
    and never a query's SQL."""
    con = duckdb.connect()
    try:
        con.register("result", table)
        con.execute(f"COPY result TO '{_literal(Path(output))}' (FORMAT PARQUET)")
    except duckdb.Error as exc:
        raise WarehouseError(_first_line(exc)) from exc
    finally:
        con.close()


@contextmanager
def _running(path: str | Path, sql: str, timeout: float | None,
             allow_files: bool) -> Iterator[tuple[duckdb.DuckDBPyConnection, object]]:
    """The locked connection and the one statement to run; DuckDB's errors become one-line reasons."""
    con = _connect_locked(path, allow_files)
    deadline = _Deadline(con, timeout)
    try:
        statement = _read_statement(con, sql)
        deadline.start()
        try:
            yield con, statement
        finally:
            deadline.stop()
    except duckdb.InterruptException as exc:
        if deadline.expired:
            raise QueryTimedOut(f"query stopped after {timeout:g} s, its time limit: narrow it (a WHERE, a LIMIT) "
                                "or allow it more time") from exc
        raise WarehouseError("query interrupted") from exc
    except duckdb.PermissionException as exc:
        raise QueryRefused(_file_access_reason(exc, allow_files)) from exc
    except duckdb.Error as exc:
        raise WarehouseError(f"query failed: {_first_line(exc)}{_stale_hint(con)}") from exc
    finally:
        con.close()


def _connect_locked(path: str | Path, allow_files: bool) -> duckdb.DuckDBPyConnection:
    # Settings belong to the database, which DuckDB shares among a process's connections to one file: set
    # after opening, they would also lock a dashboard's own connections; given at open, DuckDB refuses to
    # mix connections with other settings instead.
    config = {"enable_external_access": allow_files, **_LOCKED}
    try:
        return connect(path, read_only=True, config=config)
    except duckdb.ConnectionException as exc:  # DuckDB shares one database per file and process
        raise WarehouseError(f"{path} is already open in this process with other settings ({_first_line(exc)}): "
                             "close that connection before querying through ooh-warehouse") from exc


class _Deadline:
    """Interrupts the connection's statement once `seconds` have passed, and never after `stop`: an
    interrupt that arrived late would stop whatever ran next on the connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, seconds: float | None):
        self._con, self._lock, self._stopped, self.expired = con, threading.Lock(), False, False
        self._timer = threading.Timer(seconds, self._expire) if seconds else None

    def start(self) -> None:
        if self._timer:
            self._timer.daemon = True
            self._timer.start()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
        if self._timer:
            self._timer.cancel()

    def _expire(self) -> None:
        with self._lock:
            if not self._stopped:
                self.expired = True
                self._con.interrupt()


def _read_statement(con: duckdb.DuckDBPyConnection, sql: str):
    """The one statement of `sql`, if DuckDB's parser says it only reads; refused otherwise."""
    statements = con.extract_statements(sql)
    if len(statements) != 1:
        given = "no statement" if not statements else f"{len(statements)} statements"
        raise QueryRefused(f"query refused: {given} given: give exactly one {READ_STATEMENTS} statement")
    statement = statements[0]
    if statement.type == duckdb.StatementType.EXPLAIN:
        explained = _explained(con, statement.query)
        if explained is None:
            raise QueryRefused("query refused: what this EXPLAIN explains cannot be told apart: explain one SELECT")
        if explained.type != duckdb.StatementType.SELECT:
            raise QueryRefused(f"query refused: EXPLAIN of {_first_word(explained.query)} is not read-only: "
                               "explain a SELECT")
    elif statement.type != duckdb.StatementType.SELECT:
        raise QueryRefused(f"query refused: {_first_word(statement.query)} is not a read-only statement"
                           f"{_MULTI_HINT if statement.type == duckdb.StatementType.MULTI else ''}: "
                           f"give one {READ_STATEMENTS} statement")
    return statement


# A PIVOT without its IN list is several statements (it first creates a type of the values it finds).
_MULTI_HINT = " (a PIVOT needs its values listed: ON column IN (...))"


def _explained(con: duckdb.DuckDBPyConnection, text: str):
    """The statement `EXPLAIN [ANALYZE] [(options)] <statement>` wraps (EXPLAIN ANALYZE runs it), found by
    DuckDB's tokenizer and parser; None when it cannot be told apart."""
    tokens = duckdb.tokenize(text)
    ends = [start for start, _ in tokens[1:]] + [len(text)]
    words = [(start, text[start:end].strip()) for (start, kind), end in zip(tokens, ends)
             if kind != duckdb.token_type.comment]
    i = 1  # words[0] is EXPLAIN
    if i < len(words) and words[i][1].upper() == "ANALYZE":
        i += 1
    if i < len(words) and words[i][1] == "(":
        depth = 0
        for i in range(i, len(words)):
            depth += {"(": 1, ")": -1}.get(words[i][1], 0)
            if depth == 0:
                break
        i += 1
    if i >= len(words):
        return None
    try:
        inner = con.extract_statements(text[words[i][0]:])
    except duckdb.Error:
        return None
    return inner[0] if len(inner) == 1 else None


def _first_word(text: str) -> str:
    """A statement's keyword as written (COPY, ATTACH, INSTALL, USE), for messages."""
    for start, kind in duckdb.tokenize(text):
        if kind != duckdb.token_type.comment:
            return text[start:].split(None, 1)[0].rstrip(";(").upper()
    return "an empty statement"


def _file_access_reason(exc: duckdb.PermissionException, allow_files: bool) -> str:
    # DuckDB says which file and then why ("... - file system operations are disabled by configuration")
    reason = _first_line(exc).removeprefix("Permission Error: ").split(" - ")[0]
    if allow_files:
        return f"query refused: {reason}: queries may read local files, but never load or download extensions"
    return f"query refused: {reason}: queries read only the warehouse; --allow-files lets them read local files"


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _stale_hint(con: duckdb.DuckDBPyConnection) -> str:
    """A failed query on a warehouse whose views another ooh-warehouse version made: say so."""
    if schema_info(con, "shape_sha256") == SHAPE_SHA256:
        return ""
    return (" (this warehouse's tables and views were made by another version of ooh-warehouse: "
            "'ooh upgrade' brings them up to date)")


# Small marts stay one file: quality_report holds one load's findings, often none.
SINGLE_FILE = frozenset({"occupation_keys", "quality_report"})
MANIFEST = "manifest.json"
STAGING_PREFIX = ".ooh-export-"  # where an export writes before it moves each mart into place


def export_marts(path: str | Path, directory: str | Path, *, overwrite: bool = False) -> list[tuple[str, int, str]]:
    """Write every mart of the contract as Parquet under `directory`: the large ones as
    `<mart>/edition=<edition>/*.parquet` (Hive partitioning, which BI tools and DuckDB read as one
    table), the small ones as `<mart>.parquet`; and `manifest.json` describing them. Returns (mart, rows,
    where).

    Everything is first written into a hidden folder inside `directory`, then each mart is moved into
    place, so a reader never finds half of one, and a failed export leaves the previous one whole. Only
    what a previous export wrote (the paths its manifest.json lists) is replaced: a folder that is not
    empty and holds no previous export, or holds something named like an output that the manifest does
    not list, is refused unless `overwrite`; and what is not named like an output is never touched."""
    directory = Path(directory).expanduser().resolve()
    marts = [r for r in read_contract().values() if r.layer == "mart"]
    targets = {mart.name: mart.name if _partitioned(mart) else f"{mart.name}.parquet" for mart in marts}
    con = connect(path, read_only=True)  # a trusted connection: it runs only the SQL written here
    try:
        _check_export_target(directory, [*targets.values(), MANIFEST], overwrite)
        staging = _make_staging(directory)
        try:
            written = _write_marts(con, staging, marts, targets)
            manifest = _write_manifest(con, path, staging, marts, written)
            for _, _, where in written:
                _move_into_place(staging / where, directory / where, staging)
            _move_into_place(manifest, directory / MANIFEST, staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # made by this run: ours to remove
    except duckdb.Error as exc:
        raise WarehouseError(f"export failed: {_first_line(exc)}{_stale_hint(con)}") from exc
    except OSError as exc:
        raise WarehouseError(f"export failed: {exc.strerror}: {exc.filename}") from exc
    finally:
        con.close()
    return written


def _make_staging(directory: Path) -> Path:
    """A new hidden folder in `directory` (the same file system, so that moving out of it is a rename)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=directory))
    except OSError as exc:
        raise WarehouseError(f"export failed: cannot write in {directory}: {exc.strerror}: give a folder you can "
                             "write") from exc


def _partitioned(mart) -> bool:
    return mart.name not in SINGLE_FILE and any(c.name == "edition" for c in mart.columns)


def _check_export_target(directory: Path, outputs: list[str], overwrite: bool) -> None:
    """Refuse a folder that holds anything but a previous export, or an output a previous export did not
    write, unless told to replace them."""
    if directory.exists() and not directory.is_dir():
        raise WarehouseError(f"export refused: {directory} is a file: give a folder")
    if overwrite or not directory.is_dir():
        return
    present = [p.name for p in directory.iterdir() if not p.name.startswith(STAGING_PREFIX)]
    if not present:
        return
    ours = _previous_export(directory)
    if not ours:
        raise WarehouseError(f"export refused: {directory} is not empty and holds no earlier export (no manifest.json "
                             "of ours): choose a new or empty folder, or give --overwrite to write there (what is "
                             "named like an output is replaced, nothing else)")
    foreign = sorted(name for name in outputs if name in present and name not in ours)
    if foreign:
        raise WarehouseError(f"export refused: {directory} holds {', '.join(foreign)}, which its manifest.json does "
                             "not list (no earlier export wrote it): move it away, or give --overwrite to replace it")


def _previous_export(directory: Path) -> set[str]:
    """What a previous export wrote in `directory`: the paths its manifest lists, and the manifest."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
        paths = {m["path"] for m in manifest["marts"]} if isinstance(manifest, dict) else set()
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    # a path is only ever a plain name in the folder: nothing a manifest says reaches outside it
    return {p for p in paths if isinstance(p, str) and p == Path(p).name and p not in ("", ".", "..")} | {MANIFEST}


def _write_marts(con: duckdb.DuckDBPyConnection, staging: Path, marts: list,
                 targets: dict[str, str]) -> list[tuple[str, int, str]]:
    written = []
    for mart in marts:
        scratch = staging / targets[mart.name]
        options = "FORMAT PARQUET, PARTITION_BY (edition)" if _partitioned(mart) else "FORMAT PARQUET"
        rows = con.execute(f"COPY (SELECT * FROM {mart.name}) TO '{_literal(scratch)}' ({options})").fetchone()[0]
        if not scratch.exists():  # no rows: keep an empty folder, not a stale one
            scratch.mkdir()
        written.append((mart.name, rows, targets[mart.name]))
    return written


def _write_manifest(con: duckdb.DuckDBPyConnection, path: str | Path, staging: Path, marts: list,
                    written: list[tuple[str, int, str]]) -> Path:
    manifest = {
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "warehouse": str(Path(path).resolve()),
        "schema_version": schema_info(con, "schema_version"),
        "latest_load": con.execute("SELECT max(load_id) FROM loads").fetchone()[0],
        "marts": [{"name": mart.name, "path": where, "rows": rows,
                   "partitioned_by": None if where.endswith(".parquet") else "edition", "description": mart.description,
                   "columns": [{"name": c.name, "type": c.type, "unit": c.unit, "meaning": c.meaning}
                               for c in mart.columns]}
                  for mart, (_, rows, where) in zip(marts, written)],
    }
    target = staging / MANIFEST
    target.write_text(json.dumps(manifest, indent=2) + "\n")
    return target


def _move_into_place(new: Path, final: Path, staging: Path) -> None:
    """A file replaces its old copy in one rename; a folder can only be renamed onto an empty place, so
    the old one is first moved aside into `staging` (removed with it) and the new one renamed in at once."""
    if final.is_dir() and not final.is_symlink():
        os.replace(final, staging / f"{final.name}.old")
    elif new.is_dir() and (final.exists() or final.is_symlink()):
        final.unlink()
    os.replace(new, final)


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")
