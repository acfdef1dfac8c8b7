"""The fetch flow: find a source's pages, fetch what is missing or stale into the archive in coarse
batches (each batch a task, retried as a whole on an infrastructure fault), then parse and load from
the archive. Every parameter has a default, so a deployment can start it with none; a stop (a 403, the run's
deadline) fails the run with its reason, keeping what was archived. Import only after
flows.settings.configure_prefect() (the CLI does so)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Literal

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run, task_run
from prefect.states import Failed
from pydantic import Field

from flows import report as words
from flows.archive import read_index_rows
from flows.artifacts import create_failure_artifact, create_fetch_artifacts
from flows.crawl import BatchResult, Crawl, DiscoveryError, Target
from flows.http import HardStop
from flows.ingest import ingest
from flows.politeness import host_of, politeness_for
from flows.runs import freeze_imports, retry_on_infrastructure, tag_run, today, warehouse_tag
from flows.settings import load_settings
from flows.wayback import wayback_editions
from warehouse.archive_index import (read_archived_editions, read_index_coverage, read_known, save_captures,
                                     save_run_end, save_run_start)
from warehouse.db import connect
from warehouse.errors import WarehouseError
from warehouse.publish import Prepared, prepare, publishing
from warehouse.load import LoadSummary

EDITION = r"^(\d{4}-\d{2}|all)$"  # as printed (2010-11) or by projection span (2024-34); all: every past edition


@dataclass(slots=True)
class FetchSummary:
    run_id: str
    source: str
    targets: int = 0
    fetched: int = 0
    unchanged: int = 0
    skipped: int = 0
    failures: list[tuple[str, int, int | None, str]] = field(default_factory=list)  # url, attempts, status, reason
    reindexed: int = 0  # archived records an interrupted run had left out of the index
    left: int = 0  # pages left to fetch because the run stopped (the one it stopped at included)
    stopped: str | None = None
    load: LoadSummary | None = None
    other_edition: int = 0  # Wayback captures that stated another edition than the one sought (archived as theirs)
    unmatched: int = 0  # Wayback pages none of whose captures in the window states the edition sought
    requests: int = 0  # requests the run made (attempts; robots.txt not counted)


def save_unindexed(con: duckdb.DuckDBPyConnection, archive_dir: Path, max_bytes: int) -> int:
    """Index the records of the archive's files that the index lacks: a run killed between writing a batch
    and indexing it leaves some. Each record carries its index fields. Returns how many were indexed."""
    files = {path.name: path for path in sorted(Path(archive_dir).glob("ooh-*.warc.gz"))}
    coverage = read_index_coverage(con, list(files))
    rows = []
    for name, path in files.items():
        covered, offsets = coverage.get(name, (0, set()))
        if covered == path.stat().st_size:
            continue
        found, unreadable = read_index_rows(path, max_bytes)
        rows += [row for row in found if row["warc_offset"] not in offsets]
        if unreadable:  # a record cut short by the interruption, or one from before records carried their index
            get_run_logger().warning("%s: %d records cannot be indexed", name, unreadable)
    save_captures(con, rows, [], "")
    return len(rows)


def _retry_unless_refused(task, task_run, state) -> bool:
    """Retry a batch after an infrastructure fault, never after a refusal (403), a missing index or a
    warehouse that cannot take it (rolled back meanwhile, a full disk): those do not pass by waiting."""
    try:
        state.result()
    except (HardStop, DiscoveryError, WarehouseError):
        return False
    except Exception:
        return True
    return False


def fetch_run_name() -> str:
    """fetch-live-<date>, fetch-wayback-2010-11-<date>."""
    params = flow_run.parameters
    what = "live" if params.get("kind", "live") == "live" else f"wayback-{params.get('edition') or 'no-edition'}"
    return f"fetch-{what}-{today()}"


def discover_run_name() -> str:
    """discover-pages-live, discover-pages-wayback-2010-11."""
    params = task_run.parameters
    return f"discover-pages-{params['kind']}" + (f"-{params['edition']}" if params.get("edition") else "")


# Discovery asks the network (the A-Z index, the CDX API): retried as a whole on an infrastructure fault.
@task(name="discover-pages", task_run_name=discover_run_name, cache_policy=NO_CACHE, retries=2,
      retry_delay_seconds=30, retry_condition_fn=_retry_unless_refused)
def discover_pages(crawl: Crawl, kind: str, edition: str | None, handbook_url: str, wayback_url: str,
                   warehouse: str) -> list[Target]:
    con = connect(warehouse, read_only=True)
    try:
        if kind == "live":
            return crawl.discover_live(handbook_url, read_known(con, crawl.discovery_urls(kind, handbook_url)))
        return crawl.discover_wayback(wayback_url, edition, lambda urls: read_known(con, urls)).targets
    finally:
        con.close()


@task(name="fetch-batch", task_run_name="fetch-batch-{batch_no}-of-{batches}", cache_policy=NO_CACHE, retries=2,
      retry_delay_seconds=10, retry_condition_fn=_retry_unless_refused)
def fetch_batch(crawl: Crawl, targets: list[Target], known: dict, warehouse: str, run_id: str,
                batch_no: int, batches: int) -> BatchResult:
    result = crawl.fetch_batch(targets, known)
    with _publishing(warehouse) as con:  # a stopped batch too: what it archived is indexed
        save_captures(con, result.captures, result.failures, run_id)
    get_run_logger().info("fetch batch %d/%d: %d fetched, %d unchanged, %d failed%s",
                          batch_no, batches, result.fetched, result.unchanged, result.failed,
                          f"; stopped: {result.stopped}" if result.stopped else "")
    return result


@task(name="prepare-warehouse", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=10,
      retry_condition_fn=retry_on_infrastructure)
def prepare_warehouse(warehouse: str, wait: float) -> Prepared | WarehouseError:
    """Before any work: a warehouse this run cannot write fails it now (warehouse.publish.prepare), an
    older one is brought up to this schema, and what a killed writer left is cleaned up."""
    try:
        return prepare(warehouse, report=get_run_logger().warning, wait=wait)
    except WarehouseError as exc:
        return exc


def _publishing(warehouse: str):
    """Each write of a fetch run: it waits OOH_LOCK_WAIT for another writer, and says so in the run's log."""
    return publishing(warehouse, load_settings().lock_wait, report=get_run_logger().warning)


@flow(name="fetch", flow_run_name=fetch_run_name)
def fetch(
    kind: Literal["live", "wayback"] = "live",
    warehouse: str | None = None,
    contact: str | None = None,
    edition: Annotated[str | None, Field(pattern=EDITION)] = None,
    handbook_url: Annotated[str | None, Field(pattern=r"^https?://")] = None,
    wayback_url: Annotated[str | None, Field(pattern=r"^https?://")] = None,
    delay: Annotated[float | None, Field(ge=0)] = None,
    batch_size: Annotated[int | None, Field(ge=1)] = None,
    limit: Annotated[int | None, Field(ge=1)] = None,
    then_ingest: bool = True,
) -> FetchSummary:
    """Fetch a source's pages into the archive, then parse and load the archive.

    Args:
        kind: 'live': the current handbook, from its A-Z index; 'wayback': a past edition's captures.
        warehouse: The DuckDB file (default: OOH_WAREHOUSE, else ooh.duckdb in OOH_DATA_DIR).
        contact: E-mail address sent in the User-Agent, as BLS asks (default: OOH_CONTACT; required).
        edition: For 'wayback': the edition to backfill, as the catalogue names it (2010-11, 2024-34), or 'all'
            for every edition that has left the site.
        handbook_url: The live handbook's site (default: OOH_HANDBOOK_URL, https://www.bls.gov).
        wayback_url: The Wayback Machine (default: OOH_WAYBACK_URL, https://web.archive.org).
        delay: Seconds between requests to one host (default: OOH_DELAY, 1.0).
        batch_size: Pages per fetch task, at least 1 (default: OOH_BATCH_SIZE, 50).
        limit: Fetch at most this many pages (default: all).
        then_ingest: Parse and load the archive after fetching.
    """
    started = time.monotonic()
    freeze_imports()
    logger = get_run_logger()
    settings = load_settings()
    warehouse = str(warehouse or settings.warehouse)
    contact = settings.contact if contact is None else contact
    handbook_url, wayback_url = handbook_url or settings.handbook_url, wayback_url or settings.wayback_url
    batch_size = batch_size or settings.batch_size
    tag_run(kind, warehouse_tag(warehouse))
    # Refused before any work, with the reason: the same checks `ooh fetch` makes.
    if not contact or "@" not in contact:
        return _refused("give a contact e-mail address (the contact parameter or OOH_CONTACT): BLS asks automated "
                        "clients to identify themselves with one", started)
    if kind == "wayback" and not edition:
        return _refused("give the edition to backfill (the edition parameter), e.g. 2010-11, or all", started)
    try:
        editions = wayback_editions(edition) if kind == "wayback" else [None]
    except ValueError as exc:
        return _refused(str(exc), started, exc)
    prepared = prepare_warehouse(warehouse, settings.lock_wait)
    if isinstance(prepared, WarehouseError):
        return _refused(str(prepared), started, prepared)
    source = "live" if kind == "live" else f"wayback:{edition}"
    run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    summary = FetchSummary(run_id, source)
    politeness = politeness_for(settings, contact, [host_of(handbook_url), host_of(wayback_url)], delay)
    archive_dir = settings.archive_for(warehouse)
    crawl = Crawl(politeness, archive_dir, run_id, run_deadline=settings.run_deadline)
    with _publishing(warehouse) as con:
        summary.reindexed = save_unindexed(con, archive_dir, politeness.max_bytes)
        save_run_start(con, run_id, source)
    if summary.reindexed:
        logger.info("indexed %d archived records an interrupted run had left out of the index", summary.reindexed)
    try:
        targets = [target for name in editions
                   for target in discover_pages(crawl, kind, name, handbook_url, wayback_url, warehouse)]
        if limit:
            targets = targets[:limit]
        with _publishing(warehouse) as con:
            save_captures(con, crawl.take_pending(), [], run_id)
            known = read_known(con, [c.fetch_url for t in targets for c in (t, *t.others)])
            archived = read_archived_editions(con, [t.url for t in targets if t.source_kind == "wayback"])
        todo, summary.skipped, summary.unmatched = crawl.still_wanted(targets, known, archived)
        summary.targets = len(targets)
        batches = [todo[i : i + batch_size] for i in range(0, len(todo), batch_size)]
        logger.info("%s: %d pages, %d archived already, %d to fetch in %d batches",
                    source, len(targets), summary.skipped, len(todo), len(batches))
        for no, batch in enumerate(batches, 1):
            result = fetch_batch(crawl, batch, known, warehouse, run_id, no, len(batches))
            summary.fetched += result.fetched
            summary.unchanged += result.unchanged
            summary.other_edition += result.other_edition
            summary.unmatched += len(result.unmatched)
            summary.failures += [(f["url"], f["attempts"], f["last_status"], f["reason"]) for f in result.failures]
            if result.stopped:  # a refusal or the run's deadline: the result of the run, not a crash
                summary.stopped, summary.left = result.stopped, result.left + sum(map(len, batches[no:]))
                break
    except HardStop as stop:  # the same, while finding the pages
        summary.stopped = str(stop)
    finally:
        summary.requests = crawl.requests
        crawl.close()
        if summary.stopped:
            logger.error("stopped: %s", summary.stopped)
        with _publishing(warehouse) as con:
            # whatever stopped the run (an error, Ctrl-C), what it archived is indexed
            summary.reindexed += save_unindexed(con, archive_dir, politeness.max_bytes)
            save_run_end(con, run_id, {"targets": summary.targets, "fetched": summary.fetched,
                                       "unchanged": summary.unchanged, "skipped": summary.skipped,
                                       "failed": len(summary.failures)}, summary.stopped)
    logger.info("%s: %d fetched, %d unchanged, %d archived already, %d failed",
                source, summary.fetched, summary.unchanged, summary.skipped, len(summary.failures))
    create_fetch_artifacts(summary, str(archive_dir), time.monotonic() - started)
    if summary.stopped:
        # Failed, so that a schedule's run history shows it; the summary rides along for `ooh fetch`.
        return Failed(message=words.stop_line(summary), data=summary)
    if then_ingest:
        summary.load = ingest("archive", warehouse)
    return summary


def _refused(reason: str, started: float, exc: Exception | None = None):
    create_failure_artifact(words.FETCH_SUMMARY, "Fetch", reason, time.monotonic() - started)
    return Failed(message=reason, data=exc or ValueError(reason))
