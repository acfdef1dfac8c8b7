"""save_* and read_* for the fetch archive's index (captures, fetch_failures, fetch_runs), in bulk."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.db import insert_rows

CAPTURE_COLUMNS = ("warc_file", "warc_offset", "warc_length", "record_type", "url", "fetch_url", "page_url",
                   "source_kind", "edition", "captured_at", "fetched_at", "status", "sha256", "bytes", "etag",
                   "last_modified", "run_id")
_TYPES = {"warc_offset": pa.int64(), "warc_length": pa.int64(), "bytes": pa.int64(), "status": pa.int32(),
          "captured_at": pa.timestamp("us"), "fetched_at": pa.timestamp("us")}
_QUERIES = Path(__file__).parent / "queries"
COVERAGE_SQL = (_QUERIES / "archive_coverage.sql").read_text()
ANSWERED_SQL = (_QUERIES / "fetch_failures_answered.sql").read_text()


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def save_run_start(con: duckdb.DuckDBPyConnection, run_id: str, source: str) -> None:
    con.execute("INSERT INTO fetch_runs (run_id, source, started_at) VALUES (?, ?, ?)", [run_id, source, _now()])


def save_run_end(con: duckdb.DuckDBPyConnection, run_id: str, counts: dict, stopped: str | None) -> None:
    con.execute(
        """UPDATE fetch_runs SET finished_at = ?, targets = ?, fetched = ?, unchanged = ?, skipped = ?, failed = ?,
           stopped = ? WHERE run_id = ?""",
        [_now(), counts.get("targets"), counts.get("fetched"), counts.get("unchanged"), counts.get("skipped"),
         counts.get("failed"), stopped, run_id])


def save_captures(con: duckdb.DuckDBPyConnection, captures: list[dict], failures: list[dict], run_id: str) -> None:
    """Index a batch's WARC records and record its failures, in one transaction. A URL answered since it
    last failed is no longer a failure."""
    con.execute("BEGIN TRANSACTION")
    try:
        if captures:
            columns = {c: [row.get(c) for row in captures] for c in CAPTURE_COLUMNS}
            table = pa.table({c: pa.array(v, _TYPES[c]) if c in _TYPES else pa.array(v, pa.string())
                              for c, v in columns.items()})
            insert_rows(con, "captures", table, conflict="DO NOTHING")
            con.execute(ANSWERED_SQL, [sorted({row["fetch_url"] for row in captures})])
        if failures:
            table = pa.table({
                "url": [f["url"] for f in failures],
                "source_kind": [f["source_kind"] for f in failures],
                "attempts": pa.array([f["attempts"] for f in failures], pa.int32()),
                "last_status": pa.array([f["last_status"] for f in failures], pa.int32()),
                "reason": [f["reason"] for f in failures],
                "run_id": [run_id] * len(failures),
                "failed_at": pa.array([_now()] * len(failures), pa.timestamp("us")),
            })
            insert_rows(con, "fetch_failures", table, conflict="(url) DO UPDATE SET attempts = excluded.attempts, "
                    "last_status = excluded.last_status, reason = excluded.reason, run_id = excluded.run_id, "
                    "failed_at = excluded.failed_at")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def read_index_coverage(con: duckdb.DuckDBPyConnection, warc_files: list[str]) -> dict[str, tuple[int, set[int]]]:
    """For each file named: the bytes its indexed records cover, and their offsets."""
    rows = con.execute(COVERAGE_SQL, [warc_files]).fetchall()
    return {name: (int(covered), set(offsets)) for name, covered, offsets in rows}


def read_known(con: duckdb.DuckDBPyConnection, fetch_urls: list[str]) -> dict[str, dict]:
    """The last capture of each URL asked for: when, its validators and content hash."""
    rows = con.execute(
        """SELECT fetch_url, arg_max({'fetched_at': fetched_at, 'etag': etag, 'last_modified': last_modified,
                                     'sha256': sha256, 'status': status, 'record_type': record_type,
                                     'warc_file': warc_file, 'warc_offset': warc_offset}, fetched_at)
           FROM captures WHERE fetch_url IN (SELECT unnest(?)) GROUP BY fetch_url""", [fetch_urls]).fetchall()
    return {url: last for url, last in rows}


def read_archived_editions(con: duckdb.DuckDBPyConnection, urls: list[str]) -> set[tuple[str, str]]:
    """(url, edition) of the Wayback captures archived with a 200 among these page URLs: the editions of
    each page the archive holds already."""
    rows = con.execute(
        """SELECT DISTINCT url, edition FROM captures WHERE source_kind = 'wayback' AND status = 200
           AND edition IS NOT NULL AND url IN (SELECT unnest(?))""", [urls]).fetchall()
    return {(url, edition) for url, edition in rows}


def read_archived_pages(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int]]:
    """(page_url, warc_file, warc_offset) of every archived page's latest content."""
    return con.execute("SELECT page_url, warc_file, warc_offset FROM archived_pages ORDER BY page_url").fetchall()


def read_failures(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple]:
    return con.execute(
        "SELECT url, attempts, last_status, reason FROM fetch_failures WHERE run_id = ? ORDER BY url", [run_id]).fetchall()
