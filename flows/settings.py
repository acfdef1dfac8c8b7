"""Every setting in one place, with its default and the environment variable that overrides it."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path  # OOH_DATA_DIR: the warehouse file, the archive and Prefect's own state live here
    warehouse: Path  # OOH_WAREHOUSE
    batch_size: int  # OOH_BATCH_SIZE: pages per parse (or fetch) task (tasks cost tens of ms each: keep them coarse)
    workers: int  # OOH_WORKERS: parse tasks running at once
    prefect_startup_timeout: int  # OOH_PREFECT_STARTUP_TIMEOUT: seconds for Prefect's temporary server to start
    prefect_server: str  # OOH_PREFECT_SERVER: "local" (the data folder's own background server) or "temporary"
    server_port: int  # OOH_SERVER_PORT: the own server's port on 127.0.0.1; 0: a free one, chosen at its start
    # Fetching
    contact: str  # OOH_CONTACT: e-mail address for the User-Agent (BLS asks automated clients for one)
    handbook_url: str  # OOH_HANDBOOK_URL: the live handbook's site
    wayback_url: str  # OOH_WAYBACK_URL: the Wayback Machine
    delay: float  # OOH_DELAY: seconds between two requests to one host
    cdx_delay: float  # OOH_CDX_DELAY: seconds between two Wayback CDX API requests
    timeout: float  # OOH_TIMEOUT: seconds to connect and for each read
    response_deadline: float  # OOH_RESPONSE_DEADLINE: seconds for a whole response, connect to last byte
    run_deadline: float  # OOH_RUN_DEADLINE: seconds a fetch run may take; then it stops, keeping what it archived
    retries: int  # OOH_RETRIES: further attempts of a URL after a retryable answer
    max_bytes: int  # OOH_MAX_BYTES: larger responses (as sent, or decoded), WARC records and files are refused
    freshness_days: float  # OOH_FRESHNESS_DAYS: a live page archived more recently is not fetched again

    @property
    def prefect_home(self) -> Path:
        return self.data_dir / "prefect"

    def archive_for(self, warehouse: str | Path) -> Path:
        """The archive a warehouse indexes: data/archive for the default warehouse, else an 'archive'
        folder beside the warehouse file, so that each warehouse's index matches its own files."""
        warehouse = Path(warehouse).resolve()
        return self.data_dir / "archive" if warehouse == self.warehouse.resolve() else warehouse.parent / "archive"


DEFAULT_SOURCE = PROJECT_ROOT / "fixtures" / "pages"


def load_settings() -> Settings:
    data_dir = Path(os.environ.get("OOH_DATA_DIR", PROJECT_ROOT / "data")).resolve()
    return Settings(
        data_dir=data_dir,
        warehouse=Path(os.environ.get("OOH_WAREHOUSE", data_dir / "ooh.duckdb")),
        batch_size=int(os.environ.get("OOH_BATCH_SIZE", "50")),
        workers=int(os.environ.get("OOH_WORKERS", "2")),
        # A first start on a new machine takes about 33 s, more than Prefect's default of 20 s.
        prefect_startup_timeout=int(os.environ.get("OOH_PREFECT_STARTUP_TIMEOUT", "90")),
        prefect_server=os.environ.get("OOH_PREFECT_SERVER", "local"),
        # A fixed default (Prefect's is 4200) would collide with a user's own Prefect server and with the
        # server of a second data folder; `ooh server status` tells the port chosen.
        server_port=int(os.environ.get("OOH_SERVER_PORT", "0")),
        contact=os.environ.get("OOH_CONTACT", ""),
        handbook_url=os.environ.get("OOH_HANDBOOK_URL", "https://www.bls.gov"),
        wayback_url=os.environ.get("OOH_WAYBACK_URL", "https://web.archive.org"),
        delay=float(os.environ.get("OOH_DELAY", "1.0")),
        cdx_delay=float(os.environ.get("OOH_CDX_DELAY", "2.0")),
        timeout=float(os.environ.get("OOH_TIMEOUT", "30")),
        # A server trickling a byte within every read timeout would otherwise hold a run for ever.
        response_deadline=float(os.environ.get("OOH_RESPONSE_DEADLINE", "120")),
        # Generous: a live run takes about ten minutes, a Wayback backfill under an hour.
        run_deadline=float(os.environ.get("OOH_RUN_DEADLINE", str(6 * 3600))),
        retries=int(os.environ.get("OOH_RETRIES", "4")),
        max_bytes=int(os.environ.get("OOH_MAX_BYTES", str(5_000_000))),
        freshness_days=float(os.environ.get("OOH_FRESHNESS_DAYS", "7")),
    )


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
