"""What every flow run of this project shares: its name and tags (what it reads and where it writes), a
task runner chosen by OOH_TASK_RUNNER and sized by OOH_WORKERS when the run starts, and the retry rule for
infrastructure faults."""
from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import duckdb
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows.settings import DEFAULT_SOURCE, Settings, SettingsError, load_settings

PROJECT_TAG = "ooh"


@contextmanager
def command_line_run() -> Iterator[None]:
    """A flow run started by `ooh` sends no heartbeats. Prefect joins a sync run's heartbeat thread when the
    run ends, and that thread sleeps a second at a time, so every run would end up to a second late: half of
    an ingest that finds nothing new. A heartbeat tells a server that a run started by a worker is still
    alive; a command's run ends with its command, which the user sees. Deployments' runs keep them."""
    freeze_imports()
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def freeze_imports() -> None:
    """Leave what the process holds now (mostly Prefect's and the pipeline's modules: some 130,000 objects
    that live as long as it does) out of Python's cyclic garbage collection. Each full collection walks all
    of them, 60-80 ms, and a run's own objects trigger one or two: an ingest that finds nothing new took a
    third longer with them. Once per process (the first run of `ooh serve`, say), because a frozen object is
    never freed."""
    global _frozen
    if not _frozen:
        gc.freeze()
        _frozen = True


_frozen = False


class SettingsTaskRunner(ThreadPoolTaskRunner):
    """Prefect copies a flow's task runner for each run: chosen then, from OOH_TASK_RUNNER and OOH_WORKERS in
    the run's own environment (a deployment's job variables), not the one that imported the flow."""

    def duplicate(self) -> TaskRunner:
        return task_runner(load_settings())


def task_runner(settings: Settings) -> TaskRunner:
    """The parse tasks' runner: threads handing the parsing to worker processes (the default,
    flows/parse_pool.py), Prefect's process pool, or Dask through prefect-dask (OOH_DASK_ADDRESS, a running
    cluster's scheduler; else a local cluster)."""
    if settings.task_runner == "process":
        return ProcessPoolTaskRunner(max_workers=settings.workers)
    if settings.task_runner == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError:
            raise SettingsError("OOH_TASK_RUNNER=dask needs prefect-dask, which is not installed: pip install "
                                "prefect-dask (into this environment), or unset OOH_TASK_RUNNER") from None
        return DaskTaskRunner(address=os.environ.get("OOH_DASK_ADDRESS") or None)
    return ThreadPoolTaskRunner(max_workers=settings.workers)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "none"


def source_kind(source: str) -> str:
    """'fixtures', 'archive', 'warc' or 'folder': a run's tag."""
    if source == "archive":
        return "archive"
    if source.startswith("warc:"):
        return "warc"
    return "fixtures" if Path(source).resolve() == DEFAULT_SOURCE else "folder"


def source_label(source: str) -> str:
    """A source in a run name: the kind, or the folder's or WARC file's name."""
    kind = source_kind(source)
    if kind == "warc":
        return "warc-" + slug(Path(source.removeprefix("warc:")).name.split(".")[0])
    return slug(Path(source).resolve().name) if kind == "folder" else kind


def warehouse_tag(warehouse: str | None) -> str:
    return "warehouse:" + Path(warehouse or load_settings().warehouse).name


def today() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


def tag_run(*tags: str) -> None:
    """Add tags to the flow run in progress (those a deployment gave it stay): they depend on its
    parameters, which Prefect knows only once the run exists."""
    from prefect.client.orchestration import get_client
    from prefect.context import FlowRunContext

    run = FlowRunContext.get().flow_run  # as the run began: its tags need not be read back
    with get_client(sync_client=True) as client:
        client.update_flow_run(run.id, tags=sorted(set(run.tags) | {PROJECT_TAG, *tags}))


def retry_on_infrastructure(task, task_run, state) -> bool:
    """Retry a warehouse step after an I/O fault (a file system or a disk hiccup), never after a reason
    for the user (a WarehouseError is returned, not raised) or a bug: those fail the same way again."""
    try:
        state.result()
    except (OSError, duckdb.IOException):
        return True
    except Exception:
        return False
    return False
