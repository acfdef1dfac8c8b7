"""The ingest flow: list a source's pages, parse them in coarse batches, load the warehouse once.

Sources never touch the network: a folder, a WARC file, or the archive that `ooh fetch` fills.

Import this module only after flows.settings.configure_prefect() (the CLI does so).
"""
from __future__ import annotations

import os
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Failed
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows.batch import stage_inputs
from flows.parse_pool import stage_in_workers
from flows.settings import SettingError, load_settings
from flows.sources import PageRef, list_pages
from parsers import PARSER_VERSION
from warehouse.errors import WarehouseError
from warehouse.identity import save_identity
from warehouse.load import LoadSummary, save_staged
from warehouse.publish import publishing, writer_basis
from warehouse.quality import save_quality_checks
from warehouse.staging import remove_batches
from warehouse.staging import prune as prune_staging
from warehouse.versions import Basis

_SETTINGS = load_settings()


def task_runner() -> TaskRunner:
    """The parse tasks' runner, OOH_TASK_RUNNER: threads handing the parsing to worker processes (the
    default, flows/parse_pool.py), Prefect's process pool, or Dask through prefect-dask (OOH_DASK_ADDRESS,
    a running cluster's scheduler; else a local cluster)."""
    settings = load_settings()
    if settings.task_runner == "process":
        return ProcessPoolTaskRunner(max_workers=settings.workers)
    if settings.task_runner == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError:
            raise SettingError("OOH_TASK_RUNNER=dask needs prefect-dask, which is not installed: "
                               "pip install prefect-dask (into this environment), or unset OOH_TASK_RUNNER") from None
        return DaskTaskRunner(address=os.environ.get("OOH_DASK_ADDRESS") or None)
    return ThreadPoolTaskRunner(max_workers=settings.workers)


@task(name="parse", cache_policy=NO_CACHE)
def parse_batches(batches: list[tuple[int, list[PageRef]]], staging_dir: str, total: int) -> list[tuple[int, str]]:
    """Parse a share of the source's batches and stage each as Parquet files: the load gets paths, not
    parsed pages. One task per worker, not per batch: each task costs the orchestrator API calls and
    events, and the server shares the machine's cores with the parsing."""
    settings, logger = load_settings(), get_run_logger()
    staged = []
    for no, refs in batches:
        if settings.task_runner == "thread":  # threads cannot share the CPU work: worker processes parse
            batch = stage_in_workers(refs, staging_dir, settings.workers)
        else:  # the task runs in a process of its own already (Prefect's process pool, Dask)
            batch = stage_inputs(refs, staging_dir)
        logger.info("batch %d/%d: %d pages parsed, %d rejected%s", no, total, batch.parsed, batch.rejected,
                    " (staged by an earlier run)" if batch.reused else "")
        staged.append((no, batch.path))
    return staged


@task(name="load-warehouse", cache_policy=NO_CACHE)
def load_warehouse(batches: list[str], warehouse: str, source: str, based_on: Basis) -> LoadSummary | WarehouseError:
    """One new version of the warehouse: the pages, the occupations' links across editions and the quality
    checks' findings are published together, or (on any error) not at all. It is built on the version
    published when the lock is taken (the parse results do not depend on it): the one the ingest started
    from, or a newer one another writer built on it (said in the log); after a rollback it is not built."""
    logger = get_run_logger()
    try:
        with publishing(warehouse, based_on=based_on, what="ingest", report=logger.warning) as con:
            # DuckDB keeps a transaction's new rows in memory up to its limit, then spills them to disk: a
            # limit keeps a load of many pages from costing memory in proportion to them
            con.execute("SET memory_limit = ?", [load_settings().load_memory])
            summary = save_staged(con, batches, source=source, parser_version=PARSER_VERSION,
                                  flow_run_id=str(flow_run.id))
            save_identity(con)
            summary.quality = dict(save_quality_checks(con, summary.load_id))
    except WarehouseError as exc:
        return exc  # a reason for the user, not a crash: Prefect logs a traceback for a task that raises
    remove_batches(batches)  # published; a failed load keeps them for the next run to use
    return summary


@flow(name="ingest", task_runner=task_runner(), log_prints=True)
def ingest(source: str, warehouse: str, batch_size: int = _SETTINGS.batch_size,
           follow_outside_links: bool = False, based_on: tuple[str | None, str | None] | None = None) -> LoadSummary:
    """Parse every page of a source ('archive', 'warc:FILE' or a folder) and publish them as the warehouse's
    next version. A folder's links that lead out of it are read only with follow_outside_links. `based_on`:
    the versions published (current, previous) when the ingest started (warehouse.versions.Basis); by
    default the version this process last published there (an ingest that ends a fetch), else the one
    published now."""
    logger = get_run_logger()
    basis = Basis(*based_on) if based_on else writer_basis(warehouse)
    refs = list_pages(source, warehouse, load_settings().archive_for(warehouse), follow_outside_links)
    batches = [refs[i : i + batch_size] for i in range(0, len(refs), batch_size)]
    logger.info("%d files in %s, in %d batches of up to %d", len(refs), source, len(batches), batch_size)
    staging_dir = str(load_settings().staging_dir)
    prune_staging(staging_dir, PARSER_VERSION)
    numbered = list(enumerate(batches, 1))
    workers = load_settings().workers
    futures = [parse_batches.submit(numbered[k::workers], staging_dir, len(batches)) for k in range(min(workers, len(batches)))]
    staged = [path for _, path in sorted(item for future in futures for item in future.result())]
    summary = load_warehouse(staged, str(Path(warehouse).resolve()), str(source), basis)
    if isinstance(summary, WarehouseError):
        return Failed(message=str(summary), data=summary)  # the run fails with the reason, and no traceback
    logger.info(
        "load %d: %d new, %d replaced, %d unchanged, %d duplicates, %d rejected; %d sections, %d figures written",
        summary.load_id, summary.pages_new, summary.pages_replaced, summary.pages_unchanged,
        summary.inputs_duplicate, summary.inputs_rejected, summary.sections_written, summary.figures_written,
    )
    logger.info("data quality: %d findings (%s)", sum(summary.quality.values()),
                ", ".join(f"{name} {count}" for name, count in summary.quality.items()))
    return summary
