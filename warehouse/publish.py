"""publish_*: every write to the warehouse builds its next version and swaps it in atomically.

Readers (dashboards, `ooh query`) open the warehouse file read-only. DuckDB's locks would let a writer
block them, and them block it; so a writer never opens that file. It copies it to `<file>.next`, writes
there, checkpoints, keeps the current version as `<file>.prev` (for `ooh rollback`) and renames the new
one over it. A reader already open keeps reading the version it opened; the next one opens the new
version; nobody sees a half-written warehouse. Writers take turns through a lock file.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.db import SCHEMA_VERSION, SHAPE_SHA256, WarehouseError, checked_schema_version, connect, schema_info
from warehouse.identity import save_identity

LOCK_WAIT_SECONDS = 600


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


@contextmanager
def _writer_lock(path: Path, wait: float) -> Iterator[None]:
    lock_path = _sibling(path, ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WarehouseError(f"another ingest or fetch has been writing {path} for {wait:.0f} s: "
                                         "wait for it to finish, then run again") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def publishing(path: str | Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to the warehouse's next version; published when the block ends without
    an error, thrown away when it raises (the published version is then untouched)."""
    path = Path(path).resolve()
    next_path, wal = _sibling(path, ".next"), _sibling(path, ".wal")
    with _writer_lock(path, wait):
        for stale in (next_path, _sibling(next_path, ".wal")):
            stale.unlink(missing_ok=True)
        if path.exists():
            shutil.copyfile(path, next_path)
            if wal.exists():  # written by something other than this pipeline: keep its last changes
                shutil.copyfile(wal, _sibling(next_path, ".wal"))
        con = connect(next_path)
        try:
            yield con
            con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            next_path.unlink(missing_ok=True)
            _sibling(next_path, ".wal").unlink(missing_ok=True)
            raise
        con.close()
        if path.exists():  # the version readers have now becomes the rollback version
            held = _sibling(path, ".prev.tmp")
            held.unlink(missing_ok=True)
            os.link(path, held)
            os.replace(held, _sibling(path, ".prev"))
        os.replace(next_path, path)
        _sync_directory(path.parent)


def publish_rollback(path: str | Path) -> None:
    """Put the previous version back (and keep the current one as the previous)."""
    path = Path(path).resolve()
    prev = _sibling(path, ".prev")
    if not prev.exists():
        raise WarehouseError(f"no previous version of {path} to roll back to")
    with _writer_lock(path, LOCK_WAIT_SECONDS):
        swap = _sibling(path, ".swap")
        os.link(path, swap)
        os.replace(prev, path)
        os.replace(swap, prev)
        _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def prepare(path: str | Path) -> bool:
    """Fail early, with the reason, on a warehouse this pipeline cannot write (another process holds it
    open for writing, another DuckDB version wrote it, a newer schema), and bring an older one up to
    this schema and these views as a version of its own, so that readers see what this code documents.
    Returns whether it published a new version."""
    path = Path(path)
    if path.exists():
        con = connect(path, read_only=True)
        try:
            if checked_schema_version(con) == SCHEMA_VERSION and schema_info(con, "shape_sha256") == SHAPE_SHA256:
                return False
        finally:
            con.close()
    with publishing(path) as con:
        save_identity(con)  # derived from the occupations and the reference data, which may have changed
    return True
