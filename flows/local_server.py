"""The project's own Prefect server: started in the background on first use, reused by later commands.

Prefect's temporary server costs every command 10-20 s before its flow begins (33 s on a new Prefect home)
and runs no schedules. A real `prefect server start`, kept running between commands, costs that once.

- It listens on 127.0.0.1 only, with PREFECT_HOME inside the data folder (its SQLite file beside the
  warehouse, never a user's own Prefect state).
- It runs in a session of its own with its output in a log file, so it outlives the command that started
  it and a Ctrl-C in that command's terminal does not reach it; `ooh server stop` ends it.
- Its URL, pid and start time are recorded in a state file of the data folder. A command trusts the state
  only if that process is still the one recorded (pid and start time, so a reused pid is not mistaken for
  it) and the API's health endpoint answers.
- Starting is done under an exclusive lock on a file of the data folder: two commands on a new folder at
  once start one server, the second waits for the first's and uses it.
"""
from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from flows import prefect_server
from flows.prefect_server import MARK, run_mark
from flows.server_process import command as server_command

STATE_FILE = "prefect-server.json"
LOCK_FILE = "prefect-server.lock"
LOG_FILE = "prefect-server.log"
HOST = "127.0.0.1"  # never reachable from another machine
STOP_WAIT_SECONDS = 20  # the server finishes its services' loops on SIGTERM; then it is killed


class ServerError(Exception):
    """The own server could not be started or reached; the message is one line."""


@dataclass(frozen=True)
class Server:
    url: str  # the API's URL, as PREFECT_API_URL takes it
    pid: int
    mark: str  # pid and start time (flows/prefect_server.py): tells the server from a later process of that pid
    started: float  # time.time() when it was started
    log: str  # where its output goes

    @property
    def dashboard(self) -> str:
        return self.url.removesuffix("/api")


def api_problem(url: str, timeout: float = 5.0) -> str | None:
    """Why the Prefect API at `url` does not answer (refused, timed out, not found...), or None if it does.

    Any HTTP answer counts as an answer: a server that wants a key (Prefect Cloud) answers 401 to a bare
    request, and the flow's own client then reports what is wrong far better than a guess here."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # a proxy must not answer for it
    try:
        with opener.open(url.rstrip("/") + "/health", timeout=timeout):
            return None
    except urllib.error.HTTPError:
        return None
    except urllib.error.URLError as exc:
        reason = exc.reason
        return getattr(reason, "strerror", None) or str(reason)
    except (OSError, ValueError) as exc:  # a timeout, a reset connection, a URL that is not one
        return str(exc) or type(exc).__name__


def read_state(data_dir: Path) -> Server | None:
    try:
        return Server(**json.loads((data_dir / STATE_FILE).read_text()))
    except (OSError, ValueError, TypeError):  # none, or not one this version wrote
        return None


def _write_state(data_dir: Path, server: Server) -> None:
    scratch = data_dir / f".{STATE_FILE}.{os.getpid()}.tmp"
    scratch.write_text(json.dumps(asdict(server), indent=2) + "\n")
    os.replace(scratch, data_dir / STATE_FILE)  # readers never see half a file


def _alive(server: Server) -> bool:
    return prefect_server.is_alive(server.mark)  # the recorded process, not a zombie, not a later one


def recorded_server(data_dir: Path) -> Server | None:
    """The data folder's server if its process is the one recorded, whether or not its API answers yet."""
    server = read_state(data_dir)
    return server if server is not None and _alive(server) else None


def running_server(data_dir: Path) -> Server | None:
    """The data folder's server, if its process is the one recorded and its API answers."""
    server = recorded_server(data_dir)
    return server if server is not None and api_problem(server.url, timeout=2) is None else None


@contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    """Held while a command starts or stops the server: one at a time per data folder. The kernel drops
    the lock when its holder dies, however it dies."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_server(data_dir: Path, prefect_home: Path, port: int, timeout: float,
                  report: Callable[[str], None] = print) -> tuple[Server, bool]:
    """The data folder's server, started if none runs; and whether this call started it."""
    server = running_server(data_dir)  # the common case, without waiting for the lock
    if server is not None:
        return server, False
    with _locked(data_dir):
        server = recorded_server(data_dir)
        if server is not None:
            # Started by another command, which may have been killed while it waited for the API to answer:
            # the server is left the rest of its time to start, then replaced, never left running unrecorded.
            if _wait_for_api(server.url, server.started + timeout, lambda: _alive(server)):
                return server, False
            report(f"Prefect's server of {data_dir} (pid {server.pid}) does not answer at {server.url}: "
                   "stopping it and starting another.")
            _terminate(server)
        (data_dir / STATE_FILE).unlink(missing_ok=True)
        return _start(data_dir, prefect_home, port, timeout), True


def _wait_for_api(url: str, until: float, alive: Callable[[], bool]) -> bool:
    """Whether the API at `url` answers before time.time() reaches `until`, while `alive()` holds."""
    while api_problem(url, timeout=2) is not None:
        if not alive() or time.time() > until:
            return False
        time.sleep(0.2)
    return True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _port_taken(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return True
    return False


def _start(data_dir: Path, prefect_home: Path, port: int, timeout: float) -> Server:
    if port and _port_taken(port):
        raise ServerError(f"port {port} (OOH_SERVER_PORT) is in use on {HOST}: free it or choose another")
    for _ in range(3):
        server = _launch(data_dir, prefect_home, port or _free_port(), timeout)
        if server is not None:
            return server
        if port:  # a port of the user's choosing: no other to try
            break
    # A free port chosen by probing can be taken by another program before the server binds it: the
    # tries above take another each time, so a server that exits every time has another reason.
    raise ServerError(f"Prefect's server exited at start (its log: {data_dir / LOG_FILE})")


def _launch(data_dir: Path, prefect_home: Path, port: int, timeout: float) -> Server | None:
    """Start the server on `port` and wait for its API; None if it exited first."""
    url = f"http://{HOST}:{port}/api"
    log = data_dir / LOG_FILE
    prefect_home.mkdir(parents=True, exist_ok=True)
    environ = {key: value for key, value in os.environ.items() if key not in (MARK, "PREFECT_API_URL")}
    environ.update({
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_API_URL": url,  # what its own clients (the services, the dashboard) talk to
        # Telemetry only slows the start, and writes race flows for the SQLite file ("database is locked").
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    })
    with log.open("a") as out:
        out.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting Prefect's server at {url}\n")
        out.flush()
        # The foreground form: the server is this very process, so its pid is the server's
        # (`prefect server start`, run by flows/server_process.py).
        proc = subprocess.Popen(
            server_command(HOST, port),
            env=environ, cwd=data_dir, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives this command; a Ctrl-C to the command's terminal does not reach it
        )
    server = Server(url=url, pid=proc.pid, mark=run_mark(proc.pid), started=time.time(), log=str(log))
    _write_state(data_dir, server)  # at once: were this command killed now, the next one finds the server
    if _wait_for_api(url, server.started + timeout, lambda: proc.poll() is None):
        return server
    (data_dir / STATE_FILE).unlink(missing_ok=True)
    if proc.poll() is not None:
        return None
    _terminate(server)
    proc.wait()
    raise ServerError(f"Prefect's server did not answer within {timeout:g} s (its log: {log})")


def stop_server(data_dir: Path) -> Server | None:
    """Stop the data folder's server and forget it; the server stopped, or None if none was running."""
    with _locked(data_dir):
        server = recorded_server(data_dir)
        if server is not None:
            _terminate(server)
        (data_dir / STATE_FILE).unlink(missing_ok=True)
    return server


def _terminate(server: Server) -> None:
    """SIGTERM to the server's session (it and anything it started), SIGKILL if it has not ended in time."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        while time.monotonic() < deadline:
            if not _alive(server):
                return
            time.sleep(0.1)
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
