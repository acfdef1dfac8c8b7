"""Every setting in one place: its default, what it means, its limits, and the environment variable
(OOH_ and the field's name in capitals) that overrides it. Read when `load_settings()` is called, so a
flow started by a deployment sees the environment of the process that runs it, not the one that
imported this module."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = PROJECT_ROOT / "fixtures" / "pages"
ENV_PREFIX = "OOH_"


class SettingsError(ValueError):
    """An OOH_ variable with a value the pipeline cannot use; the message is one line naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, validate_default=True)

    data_dir: Path = Field(PROJECT_ROOT / "data",
                           description="where the warehouse file, the fetch archive and Prefect's own state live")
    warehouse: Path | None = Field(None, description="the DuckDB file (default: ooh.duckdb in OOH_DATA_DIR)")
    batch_size: int = Field(50, ge=1, description="pages per staged parse batch (the unit a parse worker takes, a "
                                                  "rerun reuses and the log reports) and per fetch task")
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1,
                         description="batches parsed at once: parse worker processes (and, with the process or "
                                     "dask task runner, the flow's parse tasks); default: one per CPU")
    task_runner: Literal["thread", "process", "dask"] = Field(
        "thread", description="thread: one parse task, in a thread, handing every batch to the worker processes; "
                              "process: Prefect's ProcessPoolTaskRunner; dask: prefect-dask's DaskTaskRunner "
                              "(OOH_DASK_ADDRESS names a running cluster's scheduler, else a local cluster starts)")
    load_memory: str = Field("256MB", pattern=r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
                             description="memory the load's DuckDB may use before it spills to disk (its memory_limit)")
    # A first start on a new machine takes about 33 s, more than Prefect's default of 20 s.
    prefect_startup_timeout: int = Field(90, ge=1, description="seconds for a Prefect server (the data folder's "
                                                               "own, or a temporary one) to start")
    prefect_server: Literal["local", "temporary"] = Field(
        "local", description="local: ingest and fetch report to the data folder's own Prefect server, started in "
                             "the background on first use; temporary: to a temporary server of Prefect's per run "
                             "(slower, runs no schedules)")
    # A fixed default (Prefect's is 4200) would collide with a user's own Prefect server and with the server
    # of a second data folder; `ooh server status` tells the port chosen.
    server_port: int = Field(0, ge=0, le=65535, description="the own server's port on 127.0.0.1; 0: a free port, "
                                                            "chosen when it starts")
    lock_wait: float = Field(600, ge=0, description="seconds a writer waits for another writer's lock on the "
                                                    "warehouse before giving up (0: never wait)")
    # Fetching
    contact: str = Field("", description="e-mail address sent in the User-Agent (BLS asks automated clients for one)")
    handbook_url: str = Field("https://www.bls.gov", pattern=r"^https?://",
                              description="the live handbook's site")
    wayback_url: str = Field("https://web.archive.org", pattern=r"^https?://", description="the Wayback Machine")
    delay: float = Field(1.0, ge=0, description="seconds between two requests to one host")
    cdx_delay: float = Field(2.0, ge=0, description="seconds between two Wayback CDX API requests")
    timeout: float = Field(30, gt=0, description="seconds to connect, and for each read")
    # A server trickling a byte within every read timeout would otherwise hold a run for ever.
    response_deadline: float = Field(120, gt=0, description="seconds for a whole response, connect to last byte")
    # Generous: a live run takes about ten minutes, a Wayback backfill under an hour.
    run_deadline: float = Field(6 * 3600, gt=0, description="seconds a fetch run may take; then it stops, "
                                                            "keeping what it archived")
    retries: int = Field(4, ge=0, description="further attempts of a URL after a retryable answer")
    max_bytes: int = Field(5_000_000, ge=1, description="larger responses (as sent, or decoded), WARC records and "
                                                        "files are refused")
    freshness_days: float = Field(7, ge=0, description="a live page archived more recently is not fetched again")

    @model_validator(mode="after")
    def _paths(self) -> Settings:
        # frozen: set through object.__setattr__, once, while the object is being made
        object.__setattr__(self, "data_dir", self.data_dir.expanduser().resolve())
        object.__setattr__(self, "warehouse", (self.warehouse or self.data_dir / "ooh.duckdb").expanduser())
        return self

    @property
    def prefect_home(self) -> Path:
        return self.data_dir / "prefect"

    @property
    def staging_dir(self) -> Path:
        """Parsed batches waiting for the load (warehouse/staging.py); a failed load leaves them for the next."""
        return self.data_dir / "staging"

    def archive_for(self, warehouse: str | Path) -> Path:
        """The archive a warehouse indexes: data/archive for the default warehouse, else an 'archive'
        folder beside the warehouse file, so that each warehouse's index matches its own files."""
        warehouse = Path(warehouse).resolve()
        return self.data_dir / "archive" if warehouse == self.warehouse.resolve() else warehouse.parent / "archive"


def load_settings() -> Settings:
    """The settings as the environment says now; SettingsError (one line) for a value out of its limits."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(_one_line(exc)) from None


def _one_line(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        variable = ENV_PREFIX + name.upper()
        field = Settings.model_fields.get(name)
        meaning = f" ({field.description})" if field and field.description else ""
        problems.append(f"{variable}={os.environ.get(variable, '')!r}: {error['msg'].lower()}{meaning}")
    return "; ".join(problems)


def setting_docs() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) of every setting: what the README's tables of settings list."""
    return [(ENV_PREFIX + name.upper(), _default_text(field), field.description or "")
            for name, field in Settings.model_fields.items()]


def _default_text(field) -> str:
    if field.default_factory is not None:  # depends on the machine: the description says how
        return "(this machine's)"
    return "" if field.default is None else str(field.default)


def configure_prefect(settings: Settings) -> None:
    """Point Prefect at the project's own state. Must run before prefect is imported.

    Variables the user has set win: PREFECT_API_URL, for one, sends runs to a real Prefect server.
    """
    settings.prefect_home.mkdir(parents=True, exist_ok=True)
    defaults = {
        "PREFECT_HOME": str(settings.prefect_home),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": str(settings.prefect_startup_timeout),
        # Telemetry writes race the flow for the temporary server's SQLite file ("database is locked").
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
