from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
PAGES = FIXTURES / "pages"
BAD = FIXTURES / "bad"


def pytest_collection_modifyitems(items) -> None:
    """Long files first (marked `long`), then files with more tests before files with fewer, as xdist would
    order them: a worker takes a whole file at a time, and a long file handed out last kept one worker busy
    for 36 s after the other had finished (the crash drill, with two tests)."""
    def file_of(item) -> str:
        return item.nodeid.split("::", 1)[0]

    count: dict[str, int] = {}
    long_files = set()
    for item in items:
        count[file_of(item)] = count.get(file_of(item), 0) + 1
        if item.get_closest_marker("long"):
            long_files.add(file_of(item))
    items.sort(key=lambda item: (file_of(item) not in long_files, -count[file_of(item)], file_of(item)))


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


def user_env(data_dir: Path) -> dict:
    """The environment of a user's shell, with no Prefect or ooh settings but a data folder of its own."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "OOH_"))}
    environ["OOH_DATA_DIR"] = str(data_dir)
    return environ


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory):
    """One Prefect server for the whole session, started and stopped with `ooh server` in a data folder of its
    own: commands given its URL as PREFECT_API_URL begin their flows at once, where each would otherwise
    start Prefect's temporary server (10-20 s). Stopped however the session ends, failures included."""
    environ = user_env(tmp_path_factory.mktemp("prefect-server"))
    started = run(["server", "start"], environ)
    assert started.returncode == 0, started.stdout + started.stderr
    try:
        from flows.local_server import read_state

        _copy_database(Path(environ["OOH_DATA_DIR"]) / "prefect" / PREFECT_DB, _migrated(tmp_path_factory))
        yield read_state(Path(environ["OOH_DATA_DIR"])).url
    finally:
        stopped = run(["server", "stop"], environ)
        assert stopped.returncode == 0 and "Stopped" in stopped.stdout, stopped.stdout + stopped.stderr


PREFECT_DB = "prefect.db"  # Prefect's SQLite database, in its home (PREFECT_HOME: a data folder's prefect/)


def _migrated(tmp_path_factory) -> Path:
    """Where the session keeps its copy of the session server's database as first started."""
    return tmp_path_factory.getbasetemp() / f"migrated-{PREFECT_DB}"


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database that a running server may be writing (SQLite's backup API)."""
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)


@pytest.fixture(scope="session")
def migrated_prefect_home(prefect_api, tmp_path_factory):
    """Seeds a folder's Prefect home with the session server's database as it was when that server first
    answered: migrated to this Prefect's schema, and holding no runs. A server then started there (a data
    folder's own, or Prefect's temporary one) skips the schema migrations of a first start, about 5 s of
    CPU, as every start after a user's first does. First starts are still run: the session's server is
    one, and so is the test of `ooh server start|status|stop`."""
    template = _migrated(tmp_path_factory)

    def seed(home: Path) -> None:
        home.mkdir(parents=True, exist_ok=True)
        if not (home / PREFECT_DB).exists():  # never under a server that has started there
            shutil.copyfile(template, home / PREFECT_DB)

    return seed


@pytest.fixture(scope="session", autouse=True)
def no_server_outlives_the_session(tmp_path_factory):
    """Stop any data folder's own Prefect server a test started and did not stop (a failed test's)."""
    yield
    from flows.local_server import STATE_FILE, stop_server

    for state in tmp_path_factory.getbasetemp().rglob(STATE_FILE):
        stop_server(state.parent)


@pytest.fixture(scope="module")
def env(tmp_path_factory, prefect_api):
    """A user's environment with a data folder (and Prefect home) of the module's own, reporting to the
    session's Prefect server as a user with a server of their own does."""
    return {**user_env(tmp_path_factory.mktemp("data")), "PREFECT_API_URL": prefect_api}


@pytest.fixture
def temporary_env(env, migrated_prefect_home):
    """For the tests about Prefect's temporary server: no PREFECT_API_URL and no own server, as
    OOH_PREFECT_SERVER=temporary makes it. The data folder's Prefect home has a migrated database."""
    migrated_prefect_home(Path(env["OOH_DATA_DIR"]) / "prefect")
    environ = {k: v for k, v in env.items() if k != "PREFECT_API_URL"}
    environ["OOH_PREFECT_SERVER"] = "temporary"
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


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """The fixture pages and the bad inputs in one folder, as a user's download might look (and the folder a
    deployment ingests)."""
    folder = tmp_path_factory.mktemp("source")
    shutil.copytree(PAGES, folder / "pages")
    shutil.copytree(BAD, folder / "bad")
    return folder
