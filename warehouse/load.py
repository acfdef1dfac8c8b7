"""Save parsed pages and rejected inputs to the warehouse: in bulk (DuckDB reads the staged batches'
Parquet files, warehouse/staging.py), in one transaction, idempotently.

A page is identified by the sha256 of its bytes. Loading bytes already loaded by the same parser version
writes nothing; bytes loaded by another parser version are parsed rows replaced. A load that fails
leaves the warehouse as it was.
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from parsers import Page
from warehouse import derivation
from warehouse.errors import WarehouseError
from warehouse.identity import save_identity
from warehouse.quality import save_quality_checks
from warehouse.staging import write_batch


@dataclass(slots=True)
class Input:
    """One file (or response) a source read, and what parsing made of it."""

    source_url: str
    sha256: str
    nbytes: int
    page: Page | None = None
    reason_code: str | None = None  # set when the input was rejected
    reason: str | None = None
    # bytes parsed elsewhere, not here: a page the warehouse holds (of this parser version), or the page of
    # another input of the same load with these bytes (flows/copies.py)
    known: bool = False


@dataclass(slots=True)
class LoadSummary:
    load_id: int | None  # None: nothing new, so nothing was written (no load, no new version)
    inputs_seen: int = 0
    pages_new: int = 0
    pages_replaced: int = 0
    pages_unchanged: int = 0
    inputs_duplicate: int = 0  # files whose bytes another file of the load also has: stored once, linked
    inputs_rejected: int = 0
    sections_written: int = 0
    figures_written: int = 0
    figures_refused: int = 0  # figures the pages state that were not kept (refused_figures has why)
    inputs_not_parsed: int = 0  # inputs whose outcome the warehouse held (warehouse/unchanged.py)
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # source_url, code, reason
    quality: dict[str, int] = field(default_factory=dict)  # data quality check -> findings after this load


def save_inputs(
    con: duckdb.DuckDBPyConnection,
    inputs: list[Input],
    *,
    source: str,
    parser_version: str,
    flow_run_id: str | None = None,
) -> LoadSummary:
    """Write one load of inputs held in memory: staged in a scratch folder, then loaded like any batch."""
    with tempfile.TemporaryDirectory(prefix="ooh-stage-") as scratch:
        batch = write_batch(scratch, "batch", inputs)
        return save_staged(con, [str(batch)], source=source, parser_version=parser_version, flow_run_id=flow_run_id)


def save_load(
    con: duckdb.DuckDBPyConnection,
    batches: list[str],
    *,
    source: str,
    parser_version: str,
    flow_run_id: str | None = None,
) -> LoadSummary:
    """An ingest's load and what is derived from it, in one transaction: the staged batches (as save_staged),
    the occupations' links across editions and the timeline (warehouse/identity.py), the data quality
    checks' findings (summary.quality) and which code derived them (warehouse/derivation.py).

    One commit, because a commit as large as a load is written twice otherwise: to DuckDB's log, then into
    the file at the checkpoint the next statement waits for. On a version being built (warehouse/publish.py)
    this commit goes straight into the file instead."""
    with _transaction(con):
        summary = _save(con, batches, source, parser_version, flow_run_id)
        _drop_staged_views(con)  # on an error, the rollback drops them with the rest of the transaction
        save_identity(con)
        summary.quality = dict(save_quality_checks(con, summary.load_id))
        derivation.record(con)
    return summary


def save_staged(
    con: duckdb.DuckDBPyConnection,
    batches: list[str],
    *,
    source: str,
    parser_version: str,
    flow_run_id: str | None = None,
) -> LoadSummary:
    """Write one load from staged batches (warehouse/staging.py), read in bulk by DuckDB. Returns what it
    did; raises (and rolls back) on a database error."""
    try:
        with _transaction(con):
            return _save(con, batches, source, parser_version, flow_run_id)
    finally:
        _drop_staged_views(con)


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:  # a failed commit has ended the transaction already: its error is the one to see
            pass
        raise


def _save(con, batches: list[str], source, parser_version, flow_run_id) -> LoadSummary:
    batches = [str(Path(b).resolve()) for b in batches]
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]
    con.execute(
        "INSERT INTO loads (load_id, started_at, source, parser_version, flow_run_id) VALUES (?, ?, ?, ?, ?)",
        [load_id, now, source, parser_version, flow_run_id],
    )
    _define_staged_views(con, batches, load_id)
    con.execute(_LOAD_SQL)
    counts = con.execute(
        """SELECT (SELECT count(*) FROM staged_inputs), (SELECT count(*) FROM staged_inputs WHERE parsed),
                  (SELECT count(DISTINCT sha256) FROM staged_inputs WHERE parsed), (SELECT count(*) FROM load_write),
                  (SELECT count(*) FROM load_write WHERE known),
                  (SELECT count(*) FROM sections WHERE load_id = $id),
                  (SELECT count(*) FROM extracted_figures WHERE load_id = $id),
                  (SELECT count(*) FROM refused_figures WHERE load_id = $id)""", {"id": load_id}).fetchone()
    seen, parsed, unique, written, replaced, sections, figures, refused = counts
    missing = con.execute(_MISSING_SQL).fetchone()[0]
    if missing:  # inputs taken as unchanged (warehouse/unchanged.py) whose pages went meanwhile
        raise WarehouseError(f"{missing} pages this ingest did not parse again, as the warehouse held them, are no "
                             "longer there (another writer changed it meanwhile): run the ingest again")
    summary = LoadSummary(load_id=load_id, inputs_seen=seen, pages_new=written - replaced, pages_replaced=replaced,
                          pages_unchanged=unique - written, inputs_duplicate=parsed - unique,
                          inputs_rejected=seen - parsed, sections_written=sections, figures_written=figures,
                          figures_refused=refused)
    summary.rejected = con.execute(
        """SELECT i.source_url, i.reason_code, i.reason FROM staged_inputs i
           JOIN staged_batches b ON parse_dirpath(i.filename) = b.dir
           WHERE NOT i.parsed ORDER BY b.batch_no, i.input_no""").fetchall()
    con.execute(
        """UPDATE loads SET finished_at = ?, inputs_seen = ?, pages_new = ?, pages_replaced = ?,
               pages_unchanged = ?, inputs_duplicate = ?, inputs_rejected = ?, sections_written = ?,
               figures_written = ?, figures_refused = ?
           WHERE load_id = ?""",
        [datetime.now(timezone.utc).replace(tzinfo=None), summary.inputs_seen, summary.pages_new,
         summary.pages_replaced, summary.pages_unchanged, summary.inputs_duplicate, summary.inputs_rejected,
         summary.sections_written, summary.figures_written, summary.figures_refused, load_id],
    )
    return summary


_LOAD_SQL = (Path(__file__).parent / "queries" / "load_staged.sql").read_text()
# Every input loaded as parsed has its page once the load has run.
_MISSING_SQL = """SELECT count(DISTINCT i.sha256) FROM staged_inputs i
                  WHERE i.parsed AND NOT EXISTS (SELECT 1 FROM pages p WHERE p.page_id = i.sha256)"""
_STAGED_VIEWS = {"staged_inputs": "inputs", "staged_pages": "pages", "staged_sections": "sections",
                 "staged_figures": "figures", "staged_refused": "refused"}


def _define_staged_views(con, batches: list[str], load_id: int) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE load_now AS SELECT ?::INTEGER AS load_id", [load_id])
    con.register("staged_batches", pa.table({"batch_no": pa.array(range(len(batches)), pa.int32()),
                                              "dir": pa.array(batches, pa.string())}))
    for view, table in _STAGED_VIEWS.items():
        files = ", ".join(_quote(f"{batch}/{table}.parquet") for batch in batches)
        con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS "
                    f"SELECT * FROM read_parquet([{files}], filename = true, file_row_number = true)")


def _drop_staged_views(con) -> None:
    for view in _STAGED_VIEWS:
        con.execute(f"DROP VIEW IF EXISTS {view}")
    for table in ("load_now", "load_pages", "load_write"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    con.unregister("staged_batches")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
