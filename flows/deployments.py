"""The deployments this project ships, defined once: `ooh serve` runs them in one process on this machine
(Prefect's serve: no work pool, no worker), `ooh deploy` registers them for a work pool's workers, and
prefect.yaml describes the same three for `prefect deploy --all`.

- weekly-live: the current handbook from bls.gov, fetched and loaded every Monday (needs OOH_CONTACT);
- wayback-backfill: a past edition from the Wayback Machine, run once by hand (no schedule), the edition
  a parameter;
- daily-folder: an ingest of a folder of saved pages (default: the bundled fixtures) every day.

Each deployment runs one flow run at a time; a run that comes due while another runs waits in the queue
(concurrency limit 1, collision strategy ENQUEUE). Runs of different deployments that write the same
warehouse take turns through the warehouse's writer lock (waiting up to OOH_LOCK_WAIT seconds).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from flows.settings import ENV_PREFIX, PROJECT_ROOT


@dataclass(frozen=True, slots=True)
class Shipped:
    name: str
    entrypoint: str  # file:function, relative to the project's root (for work pools and prefect.yaml)
    description: str
    cron: str | None = None  # UTC
    parameters: dict = field(default_factory=dict)
    tags: tuple[str, ...] = ()


SHIPPED = (
    Shipped("weekly-live", "flows/fetch.py:fetch",
            "The current handbook from bls.gov into the archive, then loaded (needs OOH_CONTACT)",
            cron="0 6 * * 1", parameters={"kind": "live"}, tags=("live",)),
    Shipped("wayback-backfill", "flows/fetch.py:fetch",
            "A past edition from the Wayback Machine, run once by hand: set the edition parameter",
            parameters={"kind": "wayback", "edition": "2010-11"}, tags=("wayback",)),
    Shipped("daily-folder", "flows/ingest.py:ingest",
            "An ingest of a folder of saved pages (default: the bundled fixtures)",
            cron="0 5 * * *", tags=("folder",)),
)


def settings_env() -> dict[str, str]:
    """The OOH_* variables set here, handed to the runs a worker starts elsewhere (its job variables)."""
    return {name: value for name, value in os.environ.items() if name.startswith(ENV_PREFIX)}


def _flow_of(shipped: Shipped):
    """The flow object of an entrypoint (imported here: Prefect must be configured first)."""
    from flows.fetch import fetch
    from flows.ingest import ingest

    return {"flows/fetch.py:fetch": fetch, "flows/ingest.py:ingest": ingest}[shipped.entrypoint]


def _options(shipped: Shipped, cron: str | None, interval: float | None) -> dict:
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.schedules import Cron, Interval

    schedules = [Interval(interval)] if interval else ([Cron(cron, timezone="UTC")] if cron else [])
    return dict(
        name=shipped.name, description=shipped.description, parameters=dict(shipped.parameters),
        tags=["ooh", *shipped.tags], schedules=schedules,
        concurrency_limit=ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE),
    )


def served(names: list[str] | None = None, interval: float | None = None, folder: str | None = None) -> list:
    """RunnerDeployments for `prefect.serve`: the flows run in subprocesses of the serving process, with
    its environment. `interval` (seconds) replaces the shipped schedules (a quick trial); `folder` is the
    one daily-folder ingests."""
    deployments = []
    for shipped in (s for s in SHIPPED if not names or s.name in names):
        options = _options(shipped, shipped.cron, interval if shipped.cron else None)
        if folder and shipped.name == "daily-folder":
            options["parameters"]["source"] = str(Path(folder).resolve())
        deployments.append(_flow_of(shipped).to_deployment(**options))
    return deployments


def deployed(pool: str, names: list[str] | None = None, root: Path = PROJECT_ROOT) -> list:
    """RunnerDeployments for a work pool: the flows are loaded from this project's folder by the worker
    (process pools on this machine or one sharing the folder), with the OOH_* variables set here."""
    from prefect import Flow

    deployments = []
    for shipped in (s for s in SHIPPED if not names or s.name in names):
        flow = Flow.from_source(source=str(root), entrypoint=shipped.entrypoint)
        deployments.append(flow.to_deployment(**_options(shipped, shipped.cron, None), work_pool_name=pool,
                                              job_variables={"env": settings_env()}))
    return deployments
