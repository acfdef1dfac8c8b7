"""Prefect's temporary server must not outlive the run that started it.

With no PREFECT_API_URL, Prefect starts its API server as a subprocess (uvicorn, on a random port, with
SQLite under PREFECT_HOME) and stops it from an atexit hook. A run killed with SIGKILL (or by the kernel's
OOM killer) never runs that hook: the server is reparented to init and keeps running, holding Prefect's
SQLite file in the project's data folder. Prefect has no setting to tie the server to its parent (its
Popen sets no parent-death signal and the server does not watch its parent), so this module does it:

- each run marks the server it will start: OOH_RUN_OWNER, in the environment Prefect hands the server,
  names the run's process (pid and start time, so that a reused pid is not mistaken for it);
- a guard process, started before the server, waits for the run to end (its standard input is a pipe
  from the run, closed by the kernel however the run ends), then stops any server carrying the run's mark;
- each run's start stops the servers of its data folder whose run is gone (if the guard was killed too),
  and says so.

Linux only (it reads /proc); elsewhere it does nothing.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

MARK = "OOH_RUN_OWNER"  # set by the run itself, never by users
SERVER_APP = "prefect.server.api.server:create_app"  # in the temporary server's command line
STOP_WAIT_SECONDS = 10  # Prefect itself allows its server 5 s to stop before killing it
_guard: subprocess.Popen | None = None  # kept referenced for the run's whole life


def _proc_file(pid: int | str, name: str) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/{name}").read_bytes()
    except OSError:  # gone, or not ours to read
        return None


def _stat(pid: int | str) -> tuple[str, int] | None:
    """A process's state letter and start time (clock ticks after boot)."""
    raw = _proc_file(pid, "stat")
    if raw is None:
        return None
    fields = raw.rsplit(b")", 1)[-1].split()  # the command name before ')' may hold spaces
    return fields[0].decode(), int(fields[19])


def run_mark(pid: int | None = None) -> str:
    pid = os.getpid() if pid is None else pid
    stat = _stat(pid)
    return f"{pid}:{stat[1] if stat else 0}"


def is_alive(mark: str) -> bool:
    """Whether the process a run_mark names still runs (without /proc: whether its pid is in use)."""
    pid, _, ticks = mark.partition(":")
    if not Path("/proc").is_dir():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True
    stat = _stat(pid) if pid.isdigit() else None
    return stat is not None and stat[0] != "Z" and str(stat[1]) == ticks


def temporary_servers(prefect_home: Path) -> Iterator[tuple[int, str]]:
    """(pid, mark) of each running temporary Prefect server of this Prefect home that an ooh run started."""
    home = str(Path(prefect_home).resolve())
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit():
            continue
        cmdline = _proc_file(entry.name, "cmdline")
        if not cmdline or SERVER_APP.encode() not in cmdline.split(b"\0"):
            continue
        environ = dict(item.split(b"=", 1) for item in (_proc_file(entry.name, "environ") or b"").split(b"\0")
                       if b"=" in item)
        mark = environ.get(MARK.encode(), b"").decode()
        stat = _stat(entry.name)
        if mark and environ.get(b"PREFECT_HOME", b"").decode() == home and stat and stat[0] != "Z":
            yield int(entry.name), mark


def stop_server(pid: int) -> None:
    """Ask the server to stop, as Prefect does; kill it if it has not stopped after a while."""
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        while time.monotonic() < deadline:
            stat = _stat(pid)
            if stat is None or stat[0] == "Z":
                return
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def stop_orphaned_servers(prefect_home: Path) -> list[str]:
    """Stop the temporary servers of this Prefect home whose run is gone; one note for each."""
    notes = []
    for pid, mark in temporary_servers(prefect_home):
        if not is_alive(mark):
            stop_server(pid)
            notes.append(f"Stopped Prefect's temporary server (pid {pid}) that an interrupted run "
                         f"(pid {mark.partition(':')[0]}) left running.")
    return notes


def guard_temporary_server(prefect_home: Path) -> None:
    """Mark this run's coming server and start the guard that stops it if this run dies first."""
    global _guard
    mark = run_mark()
    os.environ[MARK] = mark  # Prefect passes its own environment on to the server it starts
    if _guard is None and Path("/proc").is_dir():
        _guard = subprocess.Popen(
            [sys.executable, "-m", "flows.prefect_server", str(prefect_home), mark],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,  # a signal to the run's process group must not take the guard first
        )


def _guard_main(prefect_home: str, mark: str) -> None:
    sys.stdin.buffer.read()  # returns when the run's end closes the pipe, whatever ended it
    for pid, server_mark in temporary_servers(Path(prefect_home)):
        if server_mark == mark:
            stop_server(pid)


if __name__ == "__main__":
    _guard_main(*sys.argv[1:3])
