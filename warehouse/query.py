"""Read-only access for people and tools: `ooh query` and the reports, and the Parquet export of the
marts for BI tools. Nothing here writes the warehouse."""
from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from warehouse.contract import read_contract
from warehouse.db import SHAPE_SHA256, WarehouseError, connect, schema_info

# `ooh timeline`: one occupation's continuing line and the parts that moved ({year}: the constant dollars')
TIMELINE_SQL = (Path(__file__).parent / "queries" / "timeline.sql").read_text()


def read_query(path: str | Path, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
    """Run one statement on a read-only connection; returns (column names, rows)."""
    con = connect(path, read_only=True)
    try:
        result = con.execute(sql, params or [])
        if result.description is None:
            return [], []
        return [d[0] for d in result.description], result.fetchall()
    except duckdb.Error as exc:
        raise WarehouseError(f"query failed: {str(exc).splitlines()[0]}{_stale_hint(con)}") from exc
    finally:
        con.close()


def _stale_hint(con: duckdb.DuckDBPyConnection) -> str:
    """A failed query on a warehouse whose views another ooh-warehouse version made: say so."""
    if schema_info(con, "shape_sha256") == SHAPE_SHA256:
        return ""
    return (" (this warehouse's tables and views were made by another version of ooh-warehouse: "
            "'ooh upgrade' brings them up to date)")


def write_query_parquet(path: str | Path, sql: str, output: str | Path) -> int:
    """Write one query's result to a Parquet file; returns its number of rows."""
    con = connect(path, read_only=True)
    try:
        relation = con.sql(sql)
        if relation is None:
            raise WarehouseError("query failed: the statement returns no rows to write")
        relation.write_parquet(str(output))
        return con.execute("SELECT count(*) FROM read_parquet(?)", [str(output)]).fetchone()[0]
    except duckdb.Error as exc:
        raise WarehouseError(f"query failed: {str(exc).splitlines()[0]}{_stale_hint(con)}") from exc
    finally:
        con.close()


# Small marts stay one file: quality_report holds one load's findings, often none.
SINGLE_FILE = frozenset({"occupation_keys", "quality_report"})


def export_marts(path: str | Path, directory: str | Path) -> list[tuple[str, int, str]]:
    """Write every mart of the contract as Parquet under `directory`: the large ones as
    `<mart>/edition=<edition>/*.parquet` (Hive partitioning, which BI tools and DuckDB read as one
    table), the small ones as `<mart>.parquet`; and `manifest.json` describing them. Each mart is written
    beside its old copy and swapped in, so a reader never finds half of one. Returns (mart, rows, where)."""
    directory = Path(directory).expanduser().resolve()
    directory.mkdir(parents=True, exist_ok=True)
    marts = [r for r in read_contract().values() if r.layer == "mart"]
    con = connect(path, read_only=True)
    written = []
    try:
        for mart in marts:
            partitioned = mart.name not in SINGLE_FILE and any(c.name == "edition" for c in mart.columns)
            final = directory / (mart.name if partitioned else f"{mart.name}.parquet")
            scratch = directory / f".{final.name}.tmp"
            _remove(scratch)
            options = "FORMAT PARQUET, PARTITION_BY (edition)" if partitioned else "FORMAT PARQUET"
            rows = con.execute(f"COPY (SELECT * FROM {mart.name}) TO '{_literal(scratch)}' ({options})").fetchone()[0]
            if partitioned and not scratch.exists():  # no rows: keep an empty folder, not a stale one
                scratch.mkdir()
            _remove(final)
            os.replace(scratch, final)
            written.append((mart.name, rows, str(final.relative_to(directory))))
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
        (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    except duckdb.Error as exc:
        raise WarehouseError(f"export failed: {str(exc).splitlines()[0]}{_stale_hint(con)}") from exc
    finally:
        con.close()
    return written


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
