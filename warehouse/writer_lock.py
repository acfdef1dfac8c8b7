"""The writer lock: `<file>.lock` beside the warehouse, an flock that names its holder while held.

The kernel releases an flock when its process dies, however it dies, so a lock is never stale: only the
record in the file is, and that record tells the next writer that its predecessor was killed, when and
which command it was (warehouse/publish.py then cleans up after it)."""
from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from warehouse.errors import WarehouseError


def cannot_write(path: Path, exc: OSError) -> str:
    return (f"cannot write in {path.parent} ({exc.strerror or exc}), where each version of the warehouse is "
            "written as a new file: give --warehouse (or OOH_WAREHOUSE) a file in a folder you can write, or make "
            "that folder writable")


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds (or, killed, last held) the writer lock."""
    command: str
    pid: int
    since: str  # UTC, as written in messages

    def __str__(self) -> str:
        return f"{self.command} (pid {self.pid}, since {self.since})"


def _me() -> Holder:
    command = " ".join([Path(sys.argv[0]).name or "python", *sys.argv[1:2]]) if sys.argv else "python"
    return Holder(command, os.getpid(), utc(time.time()))


def utc(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _read_holder(text: str) -> Holder | None:
    try:
        record = json.loads(text)
        return Holder(str(record["command"]), int(record["pid"]), str(record["since"]))
    except (ValueError, KeyError, TypeError):
        return None


def _busy(path: Path, wait: float, holder: Holder | None) -> str:
    who = f" ({holder.command}, pid {holder.pid}, since {holder.since})" if holder else ""
    return (f"another ingest or fetch has been writing {path} for {wait:.0f} s{who}: wait for it to finish, "
            "then run again")


@contextmanager
def writer_lock(path: Path, wait: float, busy: Callable[[Holder | None], str] | None = None,
                waiting: Callable[[Holder | None], None] | None = None) -> Iterator[Holder | None]:
    """Hold the writer lock of the warehouse `path`; yields the holder a killed writer left in the lock file
    (None normally). Waits up to `wait` seconds for another holder (telling `waiting` who it is, once),
    then raises with `busy`'s message."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.with_name(path.name + ".lock").open("a+")
    except OSError as exc:
        raise WarehouseError(cannot_write(path, exc)) from exc
    with handle:
        _acquire(handle, wait, busy or (lambda holder: _busy(path, wait, holder)), waiting)
        try:
            handle.seek(0)
            stale = _read_holder(handle.read())
            _write_holder(handle, json.dumps(asdict(_me())))
            yield stale
        finally:
            _write_holder(handle, "")
            fcntl.flock(handle, fcntl.LOCK_UN)


def _acquire(handle, wait: float, busy: Callable[[Holder | None], str],
             waiting: Callable[[Holder | None], None] | None) -> None:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            handle.seek(0)
            if time.monotonic() >= deadline:
                raise WarehouseError(busy(_read_holder(handle.read()))) from None
            if waiting:  # said once, so that a run that seems stuck says why
                waiting(_read_holder(handle.read()))
                waiting = None
            time.sleep(0.05)


def _write_holder(handle, text: str) -> None:
    handle.seek(0)
    handle.truncate()
    handle.write(text)
    handle.flush()
