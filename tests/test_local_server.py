"""The data folder's own Prefect server (flows/local_server.py): `ooh server start|status|stop`, its reuse by
later commands, one server however many commands start at once, and a PREFECT_API_URL that does not answer."""
import json
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import OOH, PAGES, run, user_env
from test_crash_drill import alive

pytestmark = pytest.mark.long  # started first (tests/conftest.py)


def state(data: Path) -> dict:
    return json.loads((data / "prefect-server.json").read_text())


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=5) as reply:
            return reply.read() == b"true"
    except OSError:
        return False


def temporary_servers_started(output: str) -> bool:
    return "Starting temporary server" in output


@pytest.fixture
def own(tmp_path):
    """A user's environment with a new data folder and no PREFECT_API_URL; its server is stopped at the end."""
    environ = user_env(tmp_path / "data")
    yield environ
    run(["server", "stop"], environ)


def test_start_status_stop_round_trip(own):
    """Including a command killed while its server starts: the server is recorded as soon as it is launched,
    so the next command waits for that one to answer (or replaces it), and none is left running unseen."""
    data = Path(own["OOH_DATA_DIR"])
    before = run(["server", "status"], own)
    assert before.returncode == 1 and "No Prefect server of" in before.stdout

    starting = subprocess.Popen([OOH, "server", "start"], env=own, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (data / "prefect-server.json").exists():
        assert starting.poll() is None and time.monotonic() < deadline, "no server was recorded"
        time.sleep(0.01)
    starting.kill()
    starting.wait()
    server = state(data)
    assert not answers(server["url"])  # killed before its server answered
    starting_status = run(["server", "status"], own)
    assert starting_status.returncode == 1 and "does not answer at" in starting_status.stdout

    started = run(["server", "start"], own)
    assert started.returncode == 0, started.stderr
    assert started.stdout.startswith("Already running") and state(data) == server and server["url"] in started.stdout
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api", server["url"]) and answers(server["url"])
    assert _servers_of(data) == [server["pid"]]

    status = run(["server", "status"], own)
    assert status.returncode == 0, status.stderr
    assert server["url"] in status.stdout and f"pid:    {server['pid']}" in status.stdout
    assert re.search(r"uptime: \d+ min \d+ s", status.stdout)
    assert f"log:    {data / 'prefect-server.log'}" in status.stdout and (data / "prefect-server.log").exists()
    frozen = _frozen_line(data / "prefect-server.log")  # flows/server_process.py
    assert int(frozen.group(1).replace(",", "")) > 100_000, frozen.group(0)

    stopped = run(["server", "stop"], own)
    assert stopped.returncode == 0 and f"pid {server['pid']}" in stopped.stdout
    assert not alive(server["pid"]) and not answers(server["url"])
    assert not (data / "prefect-server.json").exists()
    assert run(["server", "status"], own).returncode == 1
    assert "was running" in run(["server", "stop"], own).stdout  # nothing to stop: still no error

    restarted = run(["server", "start"], own)
    assert restarted.returncode == 0 and restarted.stdout.startswith("Started Prefect's server"), restarted.stderr
    assert state(data)["pid"] != server["pid"] and answers(state(data)["url"])


def test_commands_started_together_start_one_server_and_later_ones_reuse_it(own, tmp_path, migrated_prefect_home):
    data = Path(own["OOH_DATA_DIR"])
    migrated_prefect_home(data / "prefect")
    source = str(PAGES / "2010-11")
    together = [subprocess.Popen([OOH, "ingest", "--source", source, "--warehouse", str(tmp_path / f"w{n}.duckdb")],
                                 env=own, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for n in range(2)]
    outputs = [proc.communicate(timeout=300) for proc in together]
    assert [proc.returncode for proc in together] == [0, 0], outputs
    server = state(data)
    assert sum(out.count("Started Prefect's server") for out, _ in outputs) == 1, outputs
    for out, err in outputs:  # both reported to that server, and neither started a temporary one
        assert f"View at {server['url'].removesuffix('/api')}/runs/flow-run/" in err
        assert not temporary_servers_started(out + err) and "Traceback" not in out + err
    assert _servers_of(data) == [server["pid"]]

    later = run(["ingest", "--source", source, "--warehouse", str(tmp_path / "w0.duckdb")], own)
    assert later.returncode == 0, later.stderr
    assert "Started Prefect's server" not in later.stdout and not temporary_servers_started(later.stdout + later.stderr)
    assert f"View at {server['url'].removesuffix('/api')}/" in later.stderr
    assert state(data) == server and _servers_of(data) == [server["pid"]]


def _frozen_line(log: Path, wait: float = 60):
    """The line a started server writes once it has set its objects aside from garbage collection."""
    deadline = time.monotonic() + wait
    while True:
        found = re.search(r"the started server's ([\d,]+) objects are set aside from garbage collection",
                          log.read_text(errors="replace"))
        if found or time.monotonic() > deadline:
            assert found, f"no such line in {log}"
            return found
        time.sleep(0.1)


def _servers_of(data: Path) -> list[int]:
    """The pids of the server processes (`prefect server start`, run by flows/server_process.py) whose Prefect
    home is in `data`."""
    home = f"PREFECT_HOME={data / 'prefect'}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"\0-m\0flows.server_process\0" in cmdline and home in environ and alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("command", [["ingest"], ["fetch", "live", "--contact", "tests@example.org"]])
def test_a_prefect_api_url_that_does_not_answer_is_one_line_before_any_work(command, tmp_path):
    url = f"http://127.0.0.1:{_unused_port()}/api"  # nothing listens there
    warehouse = tmp_path / "w.duckdb"
    result = run([*command, "--warehouse", str(warehouse)], {**user_env(tmp_path / "data"), "PREFECT_API_URL": url})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"ooh {command[0]}: the Prefect API at {url} does not answer (Connection refused): start it or unset "
        "PREFECT_API_URL"], result.stderr
    assert result.stdout == "" and not warehouse.exists()


def test_an_own_server_that_cannot_start_is_one_line_and_the_run_falls_back_to_the_temporary_server(own, tmp_path,
                                                                                                     migrated_prefect_home):
    migrated_prefect_home(Path(own["OOH_DATA_DIR"]) / "prefect")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(["ingest", "--source", str(PAGES / "2006-07"), "--warehouse", str(tmp_path / "w.duckdb")],
                     {**own, "OOH_SERVER_PORT": str(port)})
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "temporary server instead" in line] == [
        f"port {port} (OOH_SERVER_PORT) is in use on 127.0.0.1: free it or choose another: this run uses Prefect's "
        "temporary server instead."]
    assert temporary_servers_started(result.stdout + result.stderr) and "Traceback" not in result.stderr
    assert not (Path(own["OOH_DATA_DIR"]) / "prefect-server.json").exists()

