"""The flows as a scheduler runs them: a real `prefect server start` on loopback, `ooh serve` running the
daily-folder deployment on a short interval, and what a scheduled run leaves on the server (its name,
tags, state and artifacts) read back through Prefect's API. Also: parameters refused before any work, and
a fetch stopped by a 403 ending Failed. Self-contained: its own server, its own Prefect home (its database
migrated already, conftest.migrated_prefect_home)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from conftest import OOH, PAGES
from flows.gate import CORPUS
from warehouse.versions import read_version

pytestmark = pytest.mark.long  # started first (tests/conftest.py)

PREFECT = str(Path(sys.executable).parent / "prefect")
SERVER_START = 180  # seconds: a first start on a fresh home takes about 33 s on this kind of machine
RUN_DONE = 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the process group it leads (a server's workers, a serve's flow runs), then SIGKILL."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _log_tail(path: Path) -> str:
    return path.read_text(errors="replace")[-3000:] if path.exists() else ""


@pytest.fixture(scope="module")
def server(tmp_path_factory, migrated_prefect_home):
    """A Prefect server of this module's own, on a free loopback port, with its (migrated) database in a tmp
    home."""
    home = tmp_path_factory.mktemp("prefect-server")
    migrated_prefect_home(home)
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "OOH_"))}
    environ.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_UI_ENABLED="false",
                   # the scheduler's loop: often, so that a new deployment's runs are made at once
                   PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="5")
    log = home / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                env=environ, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_START
        while not _healthy(api):
            assert proc.poll() is None, f"prefect server start exited: {_log_tail(log)}"
            assert time.monotonic() < deadline, f"no healthy Prefect server after {SERVER_START} s: {_log_tail(log)}"
            time.sleep(0.5)
        yield api
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def client_env(server, env, tmp_path_factory):
    """A user's shell pointed at the server, with a data folder of its own."""
    return {**env, "PREFECT_API_URL": server, "OOH_DATA_DIR": str(tmp_path_factory.mktemp("served-data")),
            "PREFECT_HOME": str(tmp_path_factory.mktemp("client-home")),
            "PREFECT_RUNNER_POLL_FREQUENCY": "2"}  # serve asks for due runs every 2 s (default 10)


@pytest.fixture(scope="module")
def api(client_env, tmp_path_factory):
    """A Prefect client of the module's server, from this test process."""
    os.environ.setdefault("PREFECT_HOME", str(tmp_path_factory.mktemp("test-prefect-home")))  # never ~/.prefect
    from prefect.client.orchestration import SyncPrefectClient

    with SyncPrefectClient(client_env["PREFECT_API_URL"]) as client:
        yield client


@pytest.fixture(scope="module")
def scheduled_run(client_env, api, source, tmp_path_factory):
    """`ooh serve` of daily-folder every 5 s; the first scheduled run of it that ends, and the deployment."""
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId, FlowRunFilter
    from prefect.client.schemas.filters import FlowRunFilterState, FlowRunFilterStateType
    from prefect.client.schemas.objects import StateType

    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([OOH, "serve", "--only", "daily-folder", "--folder", str(source), "--interval", "5"],
                                env=client_env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + RUN_DONE
        deployment = None
        while deployment is None:
            assert proc.poll() is None, f"ooh serve exited: {_log_tail(log)}"
            assert time.monotonic() < deadline, f"no deployment registered: {_log_tail(log)}"
            try:
                deployment = api.read_deployment_by_name("ingest/daily-folder")
            except Exception:  # not yet registered
                time.sleep(1)
        ended = {StateType.COMPLETED, StateType.FAILED, StateType.CRASHED}
        while True:
            assert proc.poll() is None, f"ooh serve exited: {_log_tail(log)}"
            assert time.monotonic() < deadline, f"no scheduled run ended within {RUN_DONE} s: {_log_tail(log)}"
            runs = api.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])),
                flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=list(ended)))))
            if runs:
                break
            time.sleep(1)
    finally:
        _stop(proc)
    yield runs[0], deployment, client_env["OOH_DATA_DIR"], _log_tail(log)


def _artifacts(api, run) -> dict:
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    found = api.read_artifacts(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])))
    return {artifact.key: artifact for artifact in found}


def _flow_runs(api, flow_name: str) -> list:
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    return api.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])))


def _table(artifact) -> list[dict]:
    return json.loads(artifact.data) if isinstance(artifact.data, str) else artifact.data


def test_a_scheduled_run_completes_with_its_name_and_tags(scheduled_run):
    run, deployment, _, log = scheduled_run
    assert run.state_type.value == "COMPLETED", (run.state, log)
    assert run.auto_scheduled  # made by the server's scheduler from the deployment's schedule
    assert run.name == f"ingest-{Path(str(deployment.parameters['source'])).name}-{run.start_time:%Y-%m-%d}"
    assert {"ooh", "folder", "warehouse:ooh.duckdb"} <= set(run.tags)


def test_the_deployment_runs_one_at_a_time_and_queues_the_rest(scheduled_run):
    _, deployment, _, _ = scheduled_run
    assert deployment.global_concurrency_limit.limit == 1
    assert deployment.concurrency_options.collision_strategy.value == "ENQUEUE"
    assert deployment.enforce_parameter_schema


def test_the_summary_artifact_says_what_the_warehouse_holds(scheduled_run, api):
    run, _, data_dir, _ = scheduled_run
    artifacts = _artifacts(api, run)
    assert {"ooh-ingest-summary", "ooh-ingest-rejected", "ooh-ingest-quality", "ooh-warehouse-version"} <= set(artifacts)
    summary = artifacts["ooh-ingest-summary"].data
    con = duckdb.connect(str(Path(data_dir) / "ooh.duckdb"), read_only=True)
    try:
        load_id, seen, new, unchanged, rejected = con.execute(
            "SELECT load_id, inputs_seen, pages_new, pages_unchanged, inputs_rejected FROM loads "
            "WHERE flow_run_id = ?", [str(run.id)]).fetchone()
        occupations = con.execute("SELECT count(*) FROM occupations WHERE load_id = ?", [load_id]).fetchone()[0]
        version = con.execute("SELECT value FROM schema_info WHERE key = 'version_id'").fetchone()[0]
        latest = con.execute("SELECT max(load_id) FROM loads").fetchone()[0]
    finally:
        con.close()
    assert (seen, rejected) == (19, 5)
    assert f"Loaded {seen} files from " in summary, summary
    assert f"(load {load_id}): {new} new pages, 0 re-parsed, {unchanged} unchanged" in summary, summary
    assert f"{rejected} rejected;" in summary and "Data quality: all 6 checks pass." in summary
    # the first run loads the 14 pages; a later one (had an earlier one failed) finds them unchanged
    assert (f"**New occupations ({occupations}):**" if occupations else "**New occupations:** none.") in summary
    assert "Duration: " in summary
    assert f"(load {load_id}, published " in artifacts["ooh-warehouse-version"].data
    if load_id == latest:  # no run published after it: the version it wrote is the one there
        assert version in artifacts["ooh-warehouse-version"].data


def test_the_rejected_files_and_quality_tables_list_every_reason(scheduled_run, api):
    run, _, _, _ = scheduled_run
    artifacts = _artifacts(api, run)
    rejected = {(Path(row["file"]).name, row["code"]) for row in _table(artifacts["ooh-ingest-rejected"])}
    assert rejected == {("empty.html", "empty"), ("binary.png", "binary"), ("ocos028_404-not-found.html", "not_found_page"),
                        ("ocos069_teachers-landing-page.html", "landing_page"), ("unknown-layout.html", "unknown_layout")}
    quality = _table(artifacts["ooh-ingest-quality"])
    assert {row["check"] for row in quality} == {"change_percent_consistent", "figure_has_sentence",
                                                 "hourly_annual_consistent", "jobs_positive", "percentiles_in_order",
                                                 "projection_arithmetic"}
    assert all(row["findings"] == 0 for row in quality)


def test_a_run_with_batch_size_0_is_refused_before_it_exists(scheduled_run, api):
    from prefect.exceptions import PrefectHTTPStatusError

    _, deployment, _, _ = scheduled_run
    with pytest.raises(PrefectHTTPStatusError) as refused:
        api.create_flow_run_from_deployment(deployment.id, parameters={"batch_size": 0})
    assert "batch_size" in str(refused.value) and "minimum of 1" in str(refused.value)


@pytest.mark.parametrize("command", [["serve"], ["deploy", "--pool", "ooh"]])
def test_serve_and_deploy_without_a_server_are_one_line(temporary_env, command):
    """With OOH_PREFECT_SERVER=temporary there is no server that runs schedules; a named one must answer."""
    env = temporary_env
    result = subprocess.run([OOH, *command], env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert result.stderr.startswith(f"ooh {command[0]}: this needs a Prefect server") and result.stderr.count("\n") == 1
    nobody = f"http://127.0.0.1:{_free_port()}/api"  # nothing listens there
    result = subprocess.run([OOH, *command], env={**env, "PREFECT_API_URL": nobody}, capture_output=True, text=True,
                            timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"ooh {command[0]}: cannot reach the Prefect server at {nobody} ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_ooh_ingest_prints_what_its_run_s_summary_artifact_says(client_env, api, source, tmp_path):
    """One function makes both: each line the command prints stands in the artifact (a rejected file as an
    item of a list)."""
    warehouse = tmp_path / "printed.duckdb"
    result = subprocess.run([OOH, "ingest", "--source", str(source), "--warehouse", str(warehouse)], env=client_env,
                            capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    run = next(r for r in _flow_runs(api, "ingest") if f"warehouse:{warehouse.name}" in r.tags)
    assert run.name == f"ingest-{source.name}-{run.start_time:%Y-%m-%d}"
    summary = _artifacts(api, run)["ooh-ingest-summary"].data
    printed = result.stdout.splitlines()
    assert printed[0].startswith("Loaded 19 files from ") and len(printed) == 7
    for line in printed:
        assert (f"- {line.strip()}" if line.startswith("  ") else line) in summary.splitlines(), line
    assert "**New occupations (14):**" in summary and "- Tellers (2010-11)" in summary

    # again: nothing new, nothing checked or written, and the quality table and version a dashboard reads by key
    # stay the load's
    again = subprocess.run([OOH, "ingest", "--source", str(source), "--warehouse", str(warehouse)], env=client_env,
                           capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert again.returncode == 0, again.stderr
    rerun = max((r for r in _flow_runs(api, "ingest") if f"warehouse:{warehouse.name}" in r.tags),
                key=lambda r: r.start_time)
    assert rerun.id != run.id
    artifacts = _artifacts(api, rerun)
    assert set(artifacts) == {"ooh-ingest-summary", "ooh-ingest-rejected"}
    printed = again.stdout.splitlines()
    assert printed[0].startswith("Nothing new in ") and printed[-1].startswith("Data quality: not checked again")
    for line in printed:
        assert (f"- {line.strip()}" if line.startswith("  ") else line) in artifacts["ooh-ingest-summary"].data.splitlines()
    version = read_version(warehouse)
    assert f"Warehouse version: {version.id}, unchanged (nothing new to load)." in artifacts["ooh-ingest-summary"].data
    assert len(_table(artifacts["ooh-ingest-rejected"])) == 5


# --- a fetch stopped by a 403, reported on the server ---------------------------------------------------------

@pytest.mark.skipif(not (CORPUS / "real").is_dir(), reason=f"no corpus at {CORPUS}: the fake sites serve it")
def test_a_403_fails_the_fetch_run_with_the_reason_and_keeps_what_it_archived(client_env, api, tmp_path):
    from fake_sites import live_site
    from parsers.index_page import occupation_paths

    live = live_site(CORPUS).start()
    try:
        order = occupation_paths(live.pages["/ooh/a-z-index.htm"])
        live.fault(order[3], "403")
        warehouse = tmp_path / "fetched.duckdb"
        result = subprocess.run(
            [OOH, "fetch", "live", "--warehouse", str(warehouse), "--handbook-url", live.url, "--wayback-url",
             live.url, "--contact", "tests@example.org", "--delay", "0.01", "--no-ingest"],
            env=client_env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    finally:
        live.stop()
    # the command as before: its summary, one line for the stop, exit status 2
    assert result.returncode == 2, result.stdout + result.stderr
    assert "3 fetched" in result.stdout and "left to fetch" in result.stdout
    stop = [line for line in result.stderr.splitlines() if line.startswith("ooh fetch:")]
    assert len(stop) == 1 and "403 Forbidden" in stop[0] and "Traceback" not in result.stderr
    # the flow run: Failed, with the reason, named and tagged for what it did and where
    runs = [r for r in _flow_runs(api, "fetch") if f"warehouse:{warehouse.name}" in r.tags]
    assert len(runs) == 1
    run = runs[0]
    assert run.state_type.value == "FAILED" and "403 Forbidden" in run.state.message
    assert run.name == f"fetch-live-{run.start_time:%Y-%m-%d}" and {"ooh", "live"} <= set(run.tags)
    summary = _artifacts(api, run)["ooh-fetch-summary"].data
    assert "3 fetched" in summary and "stopped: " in summary and "403 Forbidden" in summary
    con = duckdb.connect(str(warehouse), read_only=True)
    try:  # what it archived before the stop is indexed
        assert con.execute("SELECT count(*) FROM captures WHERE source_kind = 'live' AND status = 200").fetchone() == (3,)
    finally:
        con.close()


def _ingest_directly(env: dict, source: Path, warehouse: Path, *arguments: str) -> subprocess.CompletedProcess:
    """The ingest flow called in a Python process of its own, as a deployment's run calls it (no `ooh`): it
    prints the run's state type, message and id."""
    call = ", ".join(["sys.argv[1]", "sys.argv[2]", *arguments, "return_state=True"])
    return subprocess.run(
        [sys.executable, "-c", f"import sys; from flows.ingest import ingest; state = ingest({call}); "
         "print(state.type.value); print(state.message); print(state.state_details.flow_run_id)",
         str(source), str(warehouse)],
        env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


def test_an_ingest_refuses_batch_size_0_before_any_work(client_env, api, tmp_path):
    """Started directly (no deployment), the flow's own validation refuses it: no warehouse is made."""
    result = _ingest_directly(client_env, PAGES, tmp_path / "w.duckdb", "batch_size=0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("FAILED\n") and "batch_size" in result.stdout
    assert "greater than or equal to 1" in result.stdout
    assert not (tmp_path / "w.duckdb").exists() and not list(tmp_path.iterdir())


def test_a_run_of_a_wrong_source_fails_with_the_reason_and_says_it_in_its_summary(client_env, api, tmp_path):
    """Started directly, as a deployment starts it: the source is listed in the run's prepare-ingest task,
    and a folder that is not there fails the run with the reason, not a traceback, before a warehouse is
    made."""
    nowhere = tmp_path / "nowhere"
    result = _ingest_directly(client_env, nowhere, tmp_path / "w.duckdb")
    assert result.returncode == 0, result.stderr
    state, message, run_id = result.stdout.splitlines()[:3]
    assert state == "FAILED" and message.startswith(f"no directory at {nowhere}"), result.stdout
    assert "Traceback" not in result.stderr
    summary = _artifacts(api, api.read_flow_run(run_id))["ooh-ingest-summary"].data
    assert summary.startswith("# Ingest failed") and f"no directory at {nowhere}" in summary
    assert not list(tmp_path.iterdir())


# --- the deployments shipped -----------------------------------------------------------------------------------

def test_prefect_yaml_ships_the_same_deployments_as_ooh_deploy_and_serve():
    import yaml

    from flows.cli import DEPLOYMENT_NAMES
    from flows.deployments import SHIPPED
    from flows.settings import PROJECT_ROOT

    shipped = {s.name: s for s in SHIPPED}
    assert tuple(shipped) == DEPLOYMENT_NAMES
    described = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text())["deployments"]
    assert [d["name"] for d in described] == list(shipped)
    for deployment in described:
        ours = shipped[deployment["name"]]
        assert deployment["entrypoint"] == ours.entrypoint
        assert deployment["parameters"] == ours.parameters
        assert [s["cron"] for s in deployment["schedules"]] == ([ours.cron] if ours.cron else [])
        assert deployment["concurrency_limit"] == {"limit": 1, "collision_strategy": "ENQUEUE"}
        assert set(deployment["tags"]) == {"ooh", *ours.tags}


def test_ooh_deploy_registers_them_for_a_work_pool_with_the_settings(client_env, api, scheduled_run):
    """Last: it replaces the served daily-folder deployment with the work pool's."""
    from prefect.client.schemas.actions import WorkPoolCreate

    api.create_work_pool(WorkPoolCreate(name="ooh-tests", type="process"))
    environ = {**client_env, "OOH_CONTACT": "tests@example.org"}
    result = subprocess.run([OOH, "deploy", "--pool", "ooh-tests"], env=environ, capture_output=True, text=True,
                            timeout=300, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Deployed 3 deployments" in result.stdout
    live = api.read_deployment_by_name("fetch/weekly-live")
    assert live.work_pool_name == "ooh-tests" and live.entrypoint == "flows/fetch.py:fetch"
    assert live.job_variables["env"] == {"OOH_CONTACT": "tests@example.org", "OOH_DATA_DIR": client_env["OOH_DATA_DIR"]}
    assert [s.schedule.cron for s in live.schedules] == ["0 6 * * 1"]
    assert live.global_concurrency_limit.limit == 1
    backfill = api.read_deployment_by_name("fetch/wayback-backfill")
    assert backfill.schedules == [] and backfill.parameters == {"kind": "wayback", "edition": "2010-11"}
    # defaults on the flow itself: the schema a deployment validates runs against has them all
    schema = backfill.parameter_openapi_schema["properties"]
    assert schema["batch_size"]["anyOf"][0]["minimum"] == 1 and "OOH_BATCH_SIZE" in schema["batch_size"]["description"]
    assert all("description" in field for field in schema.values())


def test_deploy_without_prefect_api_url_goes_to_the_data_folder_s_own_server(temporary_env, tmp_path):
    env = {k: v for k, v in temporary_env.items() if k != "OOH_PREFECT_SERVER"}
    env["OOH_DATA_DIR"] = str(tmp_path / "data")
    try:
        result = subprocess.run([OOH, "deploy", "--pool", "ooh"], env=env, capture_output=True, text=True, timeout=300,
                                stdin=subprocess.DEVNULL)
        assert result.stdout.startswith(f"Started Prefect's server for {tmp_path / 'data'}"), result.stderr
        url = json.loads((tmp_path / "data" / "prefect-server.json").read_text())["url"]
        # a new server has no work pool: said in one line, with what to do
        assert result.returncode == 2 and result.stderr == (
            f"ooh deploy: no work pool ooh on the Prefect server at {url}: create it with 'prefect work-pool create "
            "ooh --type process'\n")
    finally:
        subprocess.run([OOH, "server", "stop"], env=env, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
