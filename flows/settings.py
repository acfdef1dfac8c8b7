"""Every setting in one place, with its default and the environment variable that overrides it."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path  # OOH_DATA_DIR: the warehouse file and Prefect's own state live here
    warehouse: Path  # OOH_WAREHOUSE
    batch_size: int  # OOH_BATCH_SIZE: pages per parse task (tasks cost tens of ms each: keep them coarse)
    workers: int  # OOH_WORKERS: parse tasks running at once
    prefect_startup_timeout: int  # OOH_PREFECT_STARTUP_TIMEOUT: seconds for Prefect's temporary server to start

    @property
    def prefect_home(self) -> Path:
        return self.data_dir / "prefect"


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
