from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
PAGES = FIXTURES / "pages"
BAD = FIXTURES / "bad"


def page_bytes(relative: str) -> bytes:
    return (PAGES / relative).read_bytes()


SEED = "2006-07/edinformatics_medical-records-technician_2006-07.txt"
MRT_2010 = "2010-11/ocos103_medical-records-and-health-information-technicians.html"
MRT_CURRENT = "current/healthcare__medical-records-and-health-information-technicians.html"
OOH = shutil.which("ooh", path=str(Path(sys.executable).parent))  # the command, as installed


def run(args, env, timeout=300):
    """`ooh ARGS` as a user runs it, without standard input; the result has .seconds."""
    started = time.monotonic()
    proc = subprocess.run([OOH, *args], env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    proc.seconds = time.monotonic() - started
    return proc


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """The environment of a user's shell, with a data folder (and Prefect's home) of the module's own."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "OOH_"))}
    environ["OOH_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    return environ


@pytest.fixture(scope="session")
def parsed():
    """Parse each fixture page once per test session."""
    from parsers import parse_page

    cache: dict[str, object] = {}

    def get(relative: str):
        if relative not in cache:
            cache[relative] = parse_page(page_bytes(relative))
        return cache[relative]

    return get


@pytest.fixture(scope="session")
def corpus_inputs():
    """Every file of ../shared/corpus (seed, 2010-11, current), read and parsed once per session."""
    from flows.gate import CORPUS_DIRS, read_folders

    return read_folders(CORPUS_DIRS)


@pytest.fixture(scope="session")
def corpus_warehouse(corpus_inputs, tmp_path_factory):
    """The whole corpus loaded into a warehouse file, the way an ingest loads it: pages, identity across
    editions, data quality checks."""
    from parsers import PARSER_VERSION
    from warehouse.db import connect
    from warehouse.identity import save_identity
    from warehouse.load import save_inputs
    from warehouse.quality import save_quality_checks

    con = connect(tmp_path_factory.mktemp("corpus") / "corpus.duckdb")
    summary = save_inputs(con, corpus_inputs, source="corpus", parser_version=PARSER_VERSION)
    save_identity(con)
    save_quality_checks(con, summary.load_id)
    yield con
    con.close()
