"""The ingest flow: list a source's pages, parse them in coarse batches, load the warehouse once.

Sources never touch the network: a folder, a WARC file, or the archive that `ooh fetch` fills. Every
parameter has a default, so a deployment can start it with none; the settings (flows/settings.py) are
read when a run starts.

Import this module only after flows.settings.configure_prefect() (the CLI does so).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Failed
from prefect.utilities.annotations import quote
from pydantic import Field

from flows import report as words
from flows.artifacts import create_failure_artifact, create_ingest_artifacts
from flows.batch import hash_inputs, remember_staged, stage_inputs
from flows.copies import Copy, find_copies, hash_same_sized, stage_copies
from flows.file_hashes import FileHashes
from flows.parse_pool import stage_each_in_workers
from flows.runs import SettingsTaskRunner, freeze_imports, retry_on_infrastructure, source_kind, source_label, tag_run, today, warehouse_tag
from flows.settings import DEFAULT_SOURCE, load_settings
from flows.sources import PageRef, SourceError, list_pages
from parsers import PARSER_VERSION
from warehouse.errors import WarehouseError
from warehouse.load import Input, LoadSummary, save_load
from warehouse.load_report import read_load_report
from warehouse.publish import last_published, prepare, publishing, writer_basis
from warehouse.versions import read_version
from warehouse.staging import prune as prune_staging
from warehouse.staging import batch_key, release, remove_batches, write_batch
from warehouse.unchanged import split_known
from warehouse.versions import Basis


def ingest_run_name() -> str:
    """ingest-<source>-<date>, e.g. ingest-fixtures-2026-12-01."""
    return f"ingest-{source_label(str(flow_run.parameters.get('source') or DEFAULT_SOURCE))}-{today()}"


@dataclass(slots=True)
class Triage:
    """A source's inputs: those to parse, and the others' outcomes, staged as one batch for the load."""

    to_parse: list[PageRef]
    known_batch: str | None  # None when no input is known, or loading the known ones changes nothing
    known: list[Input] = field(default_factory=list)
    writes: bool = True  # whether loading the known ones changes anything
    copies: list[Copy] = field(default_factory=list)  # inputs to parse with the bytes of earlier ones: not parsed


@dataclass(slots=True)
class Plan:
    """What an ingest works on: the version it builds on, and its source's inputs triaged."""

    basis: Basis
    triage: Triage


@task(name="prepare-ingest", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=10,
      retry_condition_fn=retry_on_infrastructure)
def prepare_ingest(source: str, warehouse: str, follow_outside_links: bool, based_on: Basis | None,
                   staging_dir: str) -> Plan | WarehouseError | SourceError:
    """Everything before parsing, in one task (each task costs the run API calls and events):
    - the source's pages are listed (the archive's after the next step, as its index is in the warehouse);
    - a warehouse this run cannot write fails it now (warehouse.publish.prepare), an older one is brought up
      to this schema, and what a killed writer left is cleaned up;
    - every input is hashed (a local file unchanged since an ingest last read it is not read again:
      flows/file_hashes.py), and the warehouse asked which it holds, by this parser version: only the others
      are parsed (warehouse/unchanged.py). A warehouse no load has written holds none, and its inputs are
      not read twice: the parse reads and hashes them;
    - of inputs with the same bytes, only the first is parsed (flows/copies.py)."""
    logger, settings = get_run_logger(), load_settings()
    archive = settings.archive_for(warehouse)
    try:
        # a folder or WARC that is not there fails before a warehouse is made; the archive's index is in the
        # warehouse, which must be recovered and brought up to this schema before it is read
        refs = None if source == "archive" else list_pages(source, warehouse, archive, follow_outside_links)
        prepare(warehouse, report=logger.warning, wait=settings.lock_wait)
        basis = based_on or writer_basis(warehouse, logger.warning, settings.lock_wait)
        if refs is None:
            refs = list_pages(source, warehouse, archive, follow_outside_links)
    except (SourceError, WarehouseError) as exc:
        return exc  # a reason for the user, not a crash: Prefect logs a traceback for a task that raises
    prune_staging(staging_dir, PARSER_VERSION)
    version = read_version(Path(warehouse))
    hashes = FileHashes(settings.data_dir)
    if version is None or version.latest_load is None:
        copies = find_copies(refs, hash_same_sized(refs, hashes))
        hashes.save()
        logger.info("%d files to parse: %s holds no load yet%s", len(refs) - len(copies), warehouse,
                    _copies_note(copies))
        return Plan(basis, Triage([ref for no, ref in enumerate(refs) if no not in copies], None,
                                  copies=list(copies.values())))
    hashed = hash_inputs(refs, hashes)
    split = split_known(warehouse, PARSER_VERSION, hashed)
    hashes.save()
    copies = find_copies(refs, {no: hashed[no] for no in split.to_parse})
    batch = None
    if split.known and (split.writes or split.to_parse):
        key = batch_key(PARSER_VERSION, [(f"known:{item.source_url}", item.sha256) for item in split.known])
        batch = str(write_batch(staging_dir, key, split.known))
    logger.info("%d of %d files to parse; %d are pages the warehouse holds from this parser version and %d files "
                "it rejected before (%d files unchanged since they were last read were not read again)%s",
                len(split.to_parse) - len(copies), len(refs), split.pages_held, len(split.known) - split.pages_held,
                hashes.hits, _copies_note(copies))
    return Plan(basis, Triage([refs[no] for no in split.to_parse if no not in copies], batch, split.known,
                              split.writes, list(copies.values())))


def _copies_note(copies: dict[int, Copy]) -> str:
    if not copies:
        return ""
    have, take = ("has", "takes") if len(copies) == 1 else ("have", "take")
    return (f"; {len(copies)} more {have} the bytes of a file listed before, and {take} its outcome without a "
            "parse of its own")


@task(name="parse", task_run_name="parse-{share}-of-{shares}", cache_policy=NO_CACHE)
def parse_batches(batches: list[tuple[int, list[PageRef]]], staging_dir: str, total: int, share: int,
                  shares: int) -> list[tuple[int, str]]:
    """Parse a share of the source's batches and stage each as Parquet files: the load gets paths, not
    parsed pages. Never a task per batch: each task costs the orchestrator API calls and events, and the
    server shares the machine's cores with the parsing."""
    settings, logger = load_settings(), get_run_logger()
    staged = []
    if settings.task_runner == "thread" and total > 1:  # threads cannot share the CPU work: worker processes do
        done = stage_each_in_workers([refs for _, refs in batches], staging_dir, settings.workers)
    else:  # in this task: the task runs in a process of its own already (Prefect's process pool, Dask), or
        # there is one batch, which no second worker could share (workers cost more CPU to start than it takes)
        done = (stage_inputs(refs, staging_dir) for _, refs in batches)
    for (no, _), batch in zip(batches, done):
        logger.info("batch %d/%d: %d pages parsed, %d rejected%s", no, total, batch.parsed, batch.rejected,
                    " (staged by an earlier run)" if batch.reused else "")
        staged.append((no, batch.path))
    return staged


@task(name="load-warehouse", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=30,
      retry_condition_fn=retry_on_infrastructure)
def load_warehouse(batches: list[str], warehouse: str, source: str, based_on: Basis) -> LoadSummary | WarehouseError:
    """One new version of the warehouse: the pages, the occupations' links across editions and the quality
    checks' findings are published together, or (on any error) not at all. It is built on the version
    published when the lock is taken (the parse results do not depend on it): the one the ingest started
    from, or a newer one another writer built on it (said in the log); after a rollback it is not built."""
    logger = get_run_logger()
    try:
        with publishing(warehouse, load_settings().lock_wait, based_on=based_on, what="ingest",
                        report=logger.warning) as con:
            # DuckDB keeps a transaction's new rows in memory up to its limit, then spills them to disk: a
            # limit keeps a load of many pages from costing memory in proportion to them
            con.execute("SET memory_limit = ?", [load_settings().load_memory])
            summary = save_load(con, batches, source=source, parser_version=PARSER_VERSION,
                                flow_run_id=str(flow_run.id))
    except WarehouseError as exc:
        release(batches)  # for the next run to load without parsing them again
        return exc  # a reason for the user, not a crash: Prefect logs a traceback for a task that raises
    remove_batches(batches)  # published
    return summary


@flow(name="ingest", flow_run_name=ingest_run_name, task_runner=SettingsTaskRunner(), log_prints=True)
def ingest(
    source: str = str(DEFAULT_SOURCE),
    warehouse: str | None = None,
    batch_size: Annotated[int | None, Field(ge=1)] = None,
    follow_outside_links: bool = False,
    based_on: tuple[str | None, str | None] | None = None,
) -> LoadSummary:
    """Parse every page of a source and publish them as the warehouse's next version.

    Args:
        source: A folder of saved pages (default: the bundled fixture pages), 'archive' (what a fetch
            archived) or 'warc:FILE'.
        warehouse: The DuckDB file (default: OOH_WAREHOUSE, else ooh.duckdb in OOH_DATA_DIR).
        batch_size: Pages per staged parse batch, at least 1 (default: OOH_BATCH_SIZE, 50).
        follow_outside_links: Read files that links in the source folder lead to outside it.
        based_on: The versions published (current, previous) when the ingest was started
            (warehouse.versions.Basis); by default the version this process last published there (an
            ingest that ends a fetch), else the one published when the run starts.
    """
    started = time.monotonic()
    freeze_imports()  # a deployment's run: the command line froze them before the run began
    logger = get_run_logger()
    settings = load_settings()
    warehouse = str(warehouse or settings.warehouse)
    batch_size = batch_size or settings.batch_size
    tag_run(source_kind(source), warehouse_tag(warehouse))
    staging_dir = str(settings.staging_dir)
    plan = prepare_ingest(source, warehouse, follow_outside_links, Basis(*based_on) if based_on else None,
                          staging_dir)
    if isinstance(plan, (SourceError, WarehouseError)):
        return _failed(plan, started)
    basis, triage = plan.basis, plan.triage
    if not triage.to_parse and not triage.writes:
        return _nothing_new(triage.known, str(source), warehouse, started)
    to_parse = triage.to_parse
    batches = [to_parse[i : i + batch_size] for i in range(0, len(to_parse), batch_size)]
    logger.info("%d files in %s to parse, in %d batches of up to %d", len(to_parse), source, len(batches),
                batch_size)
    read_from = time.time_ns()
    numbered = list(enumerate(batches, 1))
    # In threads, one task hands every batch to the worker processes, which share them out; a second task
    # would only add its API calls. Other runners parse in the task's own process: one task per worker.
    shares = 1 if settings.task_runner == "thread" else min(settings.workers, len(batches))
    futures = [parse_batches.submit(quote(numbered[k::shares]), staging_dir, len(batches), k + 1, shares)
               for k in range(shares)]
    staged = [path for _, path in sorted(item for future in futures for item in future.result())]
    if triage.copies:
        staged.append(stage_copies(triage.copies, staged, staging_dir))
    # while the load runs (on one core): what the parse read, for the next ingest not to read it again
    data_dir, parsed = settings.data_dir, list(staged)
    remembering = threading.Thread(target=lambda: remember_staged(FileHashes(data_dir), to_parse, parsed, read_from),
                                   daemon=True, name="remember-file-hashes")
    remembering.start()
    if triage.known_batch:
        staged.insert(0, triage.known_batch)
    summary = load_warehouse(staged, str(Path(warehouse).resolve()), str(source), basis)
    remembering.join()
    if isinstance(summary, WarehouseError):
        return _failed(summary, started)
    summary.inputs_not_parsed = len(triage.known)
    logger.info(
        "load %d: %d new, %d replaced, %d unchanged, %d duplicates, %d rejected; %d sections, %d figures written",
        summary.load_id, summary.pages_new, summary.pages_replaced, summary.pages_unchanged,
        summary.inputs_duplicate, summary.inputs_rejected, summary.sections_written, summary.figures_written,
    )
    logger.info("data quality: %d findings (%s)", sum(summary.quality.values()),
                ", ".join(f"{name} {count}" for name, count in summary.quality.items()))
    written = last_published(warehouse)
    try:
        report = read_load_report(warehouse, summary.load_id, written.current if written else None)
    except WarehouseError as exc:  # the load is published: its report lacks only what changed
        logger.warning("cannot read what load %d changed: %s", summary.load_id, exc)
        report = None
    create_ingest_artifacts(summary, report, str(source), warehouse, time.monotonic() - started)
    return summary


def _nothing_new(known: list[Input], source: str, warehouse: str, started: float) -> LoadSummary:
    """Every input is a page the warehouse holds or a file it rejected, at the same address, by this parser
    version: nothing is parsed or written, and the warehouse stays at its version."""
    held = [item for item in known if item.known]
    summary = LoadSummary(load_id=None, inputs_seen=len(known), pages_unchanged=len({i.sha256 for i in held}),
                          inputs_rejected=len(known) - len(held), inputs_not_parsed=len(known),
                          rejected=[(i.source_url, i.reason_code, i.reason) for i in known if not i.known])
    summary.inputs_duplicate = len(held) - summary.pages_unchanged
    get_run_logger().info("nothing new: every file is a page the warehouse holds or a file it rejected before")
    version = read_version(Path(warehouse))
    create_ingest_artifacts(summary, None, source, warehouse, time.monotonic() - started,
                            version.id if version else None)
    return summary


def _failed(exc: Exception, started: float):
    """The run fails with the reason, and no traceback; its summary artifact says why."""
    create_failure_artifact(words.INGEST_SUMMARY, "Ingest", str(exc), time.monotonic() - started)
    return Failed(message=str(exc), data=exc)
