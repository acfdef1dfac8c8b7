"""publish_*: every write to the warehouse builds its next version and swaps it in atomically.

Readers (dashboards, `ooh query`) open the warehouse file read-only. DuckDB's locks would let a writer
block them, and them block it; so a writer never opens that file. It writes `<file>.next`, checkpoints,
renames the new one over it and keeps the version it replaced as `<file>.prev` (for `ooh rollback`), and
the one before that as `<file>.spare`. A reader already open keeps reading the version it opened; the next
one opens the new version; nobody sees a half-written warehouse.

`<file>.next` starts as the spare brought up to the published version, writing only what the versions
since wrote (warehouse/catch_up.py); where there is no spare it can use (the first writes, after an
upgrade, a reader still holding it open), as a copy of the published file: a clone where the filesystem
makes them, costing the same at any size.

Writers (ingest, fetch, upgrade, rollback) take turns through `<file>.lock` (warehouse/writer_lock.py). A writer that worked before taking it publishes only on what it saw, or on newer
versions built on that (warehouse/versions.py). Rollback never waits: while another writer holds the lock
it refuses, so that it never undoes a write nobody has seen finish.

A writer killed half-way leaves `.next`, `.next.wal`, `.prev.tmp` or `.swap` and its name in the lock
file: the next writer to take the lock finishes or undoes what it left, and says so.
"""
from __future__ import annotations

import errno
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.catch_up import catch_up, usable
from warehouse.db import SCHEMA_VERSION, SHAPE_SHA256, check_schema_version, connect
from warehouse.errors import WarehouseError
from warehouse.versions import (Basis, Version, basis_of, check_basis, read_version, remember_version, version_of,
                                version_record)
from warehouse.writer_lock import Holder, cannot_write, utc, writer_lock

LOCK_WAIT_SECONDS = 600  # callers pass OOH_LOCK_WAIT (flows/settings.py); this is for library use
# Room a write needs beyond the copy of the warehouse: the load's own growth (the whole corpus into an
# empty warehouse: 35 MB) and DuckDB's write-ahead log, with some to spare.
MARGIN_BYTES = 64 * 2**20
MARGIN_SHARE = 0.25  # of the warehouse's size, for warehouses much larger than the corpus
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_LEFTOVERS = (".next", ".next.wal", ".prev.tmp", ".swap")  # what a writer killed half-way can leave

Report = Callable[[str], None]
FreeBytes = Callable[[Path], int]
_log = logging.getLogger(__name__)
# The version this process last published to each warehouse: its next write there is based on it, so that a
# rollback between two writes of one run (fetch batches) stops the run instead of being written over.
_LAST_PUBLISHED: dict[Path, Basis] = {}


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def _mb(nbytes: int) -> str:
    return f"{nbytes / 2**20:,.1f} MB"


# --- checks a writer makes before any work ---------------------------------------------------------------

def check_writable(path: str | Path) -> None:
    """Fail at once, with the reason, when the warehouse's folder cannot take new files: every version is
    a new file beside the warehouse, and the lock file lives there too."""
    path = Path(path).resolve()
    try:
        if path.parent.exists() and not path.parent.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "it is a file, not a folder")
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.probe-")
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise WarehouseError(cannot_write(path, exc)) from exc


def space_needed(path: Path) -> int:
    """About what publishing a version of `path` writes: room for the write, and a copy of it (and of its
    write-ahead log) unless its folder makes copy-on-write clones, which take no room until written."""
    size = sum(p.stat().st_size for p in (path, _sibling(path, ".wal")) if p.exists())
    room = max(MARGIN_BYTES, int(size * MARGIN_SHARE))
    return room if size and _costs_no_copy(path) else size + room


def _costs_no_copy(path: Path) -> bool:
    """Whether the next version is made without a copy of the warehouse: from its spare, or as a clone."""
    return makes_clones(path.parent) or _spare_usable(path) is not None


_CLONES: dict[int, bool] = {}  # by device: whether a folder there makes clones, found once per process


def makes_clones(folder: Path) -> bool:
    """Whether files in `folder` can be cloned (clone_or_copy), tried on a file of a byte; a folder where
    even that cannot be written is taken not to (the copy is then what is asked room for)."""
    try:
        device = folder.stat().st_dev
        if device not in _CLONES:
            with tempfile.TemporaryDirectory(dir=folder, prefix=".ooh-clone-probe-") as probe:
                (Path(probe) / "a").write_bytes(b"\0")
                _CLONES[device] = clone_or_copy(Path(probe) / "a", Path(probe) / "b") == "clone"
        return _CLONES[device]
    except OSError:
        return False


def check_free_space(path: str | Path, free_bytes: FreeBytes = _free_bytes) -> None:
    path = Path(path).resolve()
    needed, free = space_needed(path), free_bytes(path.parent)
    if free < needed:
        what = "room for the write" if _costs_no_copy(path) else "a copy of the warehouse and room for the write"
        raise WarehouseError(
            f"not enough free space in {path.parent} to publish a new version of {path.name}: it needs about "
            f"{_mb(needed)} ({what}), {_mb(free)} are free: free some space there, or give --warehouse a file "
            "on another disk")


# --- recovery from a writer that was killed ----------------------------------------------------------------

def _recover(path: Path, stale: Holder | None) -> list[str]:
    """Finish or undo what a killed writer left; one note per thing done. Each step is one rename or
    removal, so a recovery killed in turn is finished by the next one."""
    leftovers = [p for p in (_sibling(path, s) for s in _LEFTOVERS) if p.exists()]
    if not leftovers and not stale:
        return []
    started = stale.since if stale else utc(min(p.stat().st_mtime for p in leftovers))
    killed = f"started at {started}" + (f" ({stale.command}, pid {stale.pid})" if stale else "")
    notes = [note for note in (_recover_rollback(path, killed), _recover_swap(path, killed), _remove_unfinished(path, killed))
             if note]
    _sync_directory(path.parent)
    if not notes:  # it held the lock and was killed before writing anything
        notes.append(f"Recovered from an interrupted {stale.command} (pid {stale.pid}) started at {started}: it "
                     "had not begun to change the warehouse.")
    return notes


def _recover_rollback(path: Path, killed: str) -> str | None:
    """`.swap`: the version a rollback was putting aside (publish_rollback)."""
    swap, prev = _sibling(path, ".swap"), _sibling(path, ".prev")
    if not swap.exists():
        return None
    if prev.exists():  # killed before it moved anything
        swap.unlink()
        return f"Recovered from an interrupted rollback {killed}: it had not changed the warehouse yet."
    os.replace(swap, prev)
    return f"Recovered from an interrupted rollback {killed}: finished it; the version it replaced is kept as {prev.name}."


def _recover_swap(path: Path, killed: str) -> str | None:
    """`.prev.tmp`: the version a publish replaces, to be kept as `.prev` (_swap_in)."""
    held, prev = _sibling(path, ".prev.tmp"), _sibling(path, ".prev")
    if not held.exists():
        return None
    if _sibling(path, ".next").exists() or (path.exists() and os.path.samefile(held, path)):
        held.unlink()  # killed before the new version was in place: the warehouse is as it was
        return None
    os.replace(held, prev)
    return (f"Recovered from an interrupted load {killed}: its new version was already published; the version it "
            f"replaced is now kept as {prev.name}.")


def _remove_unfinished(path: Path, killed: str) -> str | None:
    unfinished = [p for p in (_sibling(path, ".next"), _sibling(path, ".next.wal")) if p.exists()]
    if not unfinished:
        return None
    size = sum(p.stat().st_size for p in unfinished)
    for leftover in unfinished:
        leftover.unlink()
    return (f"Recovered from an interrupted load {killed}: removed its unfinished next version ({_mb(size)}); the "
            "warehouse is the version it was before that load.")


def _waiting(report: Report, wait: float) -> Callable[[Holder | None], None]:
    return lambda holder: report(f"waiting for the writer lock held by {holder or 'another writer'} "
                                 f"(up to {wait:g} s)")


def publish_recovery(path: str | Path, report: Report | None = None, wait: float = LOCK_WAIT_SECONDS) -> Basis:
    """Start of a writer: clean up after a killed one (reporting it) and return what is published now."""
    path = Path(path).resolve()
    check_writable(path)
    with writer_lock(path, wait, waiting=_waiting(report or _log.warning, wait)) as stale:
        for note in _recover(path, stale):
            (report or _log.warning)(note)
        return basis_of(read_version(path), read_version(_sibling(path, ".prev")))


def writer_basis(path: str | Path, report: Report | None = None, wait: float = LOCK_WAIT_SECONDS) -> Basis:
    """What a write that starts now is based on: this process's last publication there, else what is
    published now."""
    path = Path(path).resolve()
    return _LAST_PUBLISHED.get(path) or publish_recovery(path, report, wait)


def last_published(path: str | Path) -> Basis | None:
    """The version this process last published to `path` (its id first), if it did."""
    return _LAST_PUBLISHED.get(Path(path).resolve())


# --- publishing --------------------------------------------------------------------------------------------

@contextmanager
def publishing(path: str | Path, wait: float = LOCK_WAIT_SECONDS, *, based_on: Basis | None = None,
               what: str = "write", report: Report | None = None,
               free_bytes: FreeBytes = _free_bytes) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to the warehouse's next version; published when the block ends without
    an error, thrown away when it raises (the published version is then untouched).

    `based_on`: what the writer saw before its work (default: what this process last published there).
    A rollback since then stops the write with VersionChanged before anything is copied."""
    path = Path(path).resolve()
    report = report or _log.warning
    with writer_lock(path, wait, waiting=_waiting(report, wait)) as stale:
        for note in _recover(path, stale):
            report(note)
        current, previous = read_version(path), read_version(_sibling(path, ".prev"))
        note = check_basis(path, based_on or _LAST_PUBLISHED.get(path), current, previous, what)
        if note:
            report(note)
        check_free_space(path, free_bytes)
        version_id = uuid.uuid4().hex
        record = version_record(current, version_id, utc(time.time()), what)
        with _next_version(path, report) as con:
            yield con
            con.executemany("INSERT OR REPLACE INTO schema_info VALUES (?, ?)", record)
            info = dict(con.execute("SELECT key, value FROM schema_info").fetchall())
            latest_load = con.execute("SELECT max(load_id) FROM loads").fetchall()[0][0]
        _swap_in(path)
        _LAST_PUBLISHED[path] = Basis(version_id, current.id if current else None)
        remember_version(path, version_of(info, latest_load))  # the next reads need not open the file


# The version being built is published only once it is checkpointed and swapped in, so DuckDB's log protects
# nothing there: a commit of over a megabyte (a load's, warehouse/load.py save_load) is written straight into
# the file, once, instead of to the log and then again at the next checkpoint. Set once the spare is brought
# up to date: its catch-up commits table by table, and a checkpoint at each cost more than the log.
_NEXT_VERSION_SETTINGS = {"checkpoint_threshold": "1MB", "auto_checkpoint_skip_wal_threshold": 1000}


@contextmanager
def _next_version(path: Path, report: Report) -> Iterator[duckdb.DuckDBPyConnection]:
    """`<file>.next`: the spare version brought up to the published one (warehouse/catch_up.py), else a copy
    of the warehouse, open for writing, checkpointed and closed when the block ends; removed when anything
    fails (a full disk included), so that nothing half-written stays."""
    next_path = _sibling(path, ".next")
    try:
        con = _from_spare(path, report)
        if con is None:
            if path.exists():
                clone_or_copy(path, next_path)
                wal = _sibling(path, ".wal")
                if wal.exists():  # written by something other than this pipeline: keep its last changes
                    shutil.copyfile(wal, _sibling(next_path, ".wal"))
            con = connect(next_path)
    except BaseException as exc:
        _remove_next(path)
        _raise_if_disk_full(path, exc)
        raise
    try:
        for name, value in _NEXT_VERSION_SETTINGS.items():
            con.execute(f"SET {name} = '{value}'")
        yield con
        con.execute("CHECKPOINT")
    except BaseException as exc:
        con.close()
        _remove_next(path)
        _raise_if_disk_full(path, exc)
        raise
    con.close()


def _spare_usable(path: Path) -> Version | None:
    """The spare version, when it can become the next one (warehouse/catch_up.py)."""
    spare = _sibling(path, ".spare")
    if not spare.exists() or _sibling(spare, ".wal").exists():
        return None
    try:
        found = read_version(spare)
    except (WarehouseError, duckdb.Error):  # held open for writing, or not a warehouse: copy instead
        return None
    return found if usable(found, read_version(path)) else None


def _from_spare(path: Path, report: Report) -> duckdb.DuckDBPyConnection | None:
    """The spare, renamed `.next` and brought up to the published version; None (and no spare left) when it
    cannot be: a reader still has it open (DuckDB then refuses to write it), or it did not come out as the
    published version."""
    spare = _spare_usable(path)
    if spare is None:
        return None
    next_path = _sibling(path, ".next")
    try:
        os.replace(_sibling(path, ".spare"), next_path)
    except FileNotFoundError:  # deleted meanwhile, to free its disk space: copy
        return None
    con = None
    try:
        con = connect(next_path)
        catch_up(con, path, spare.latest_load or 0)
        return con
    except BaseException as exc:
        if con is not None:
            con.close()
        if not isinstance(exc, (WarehouseError, duckdb.Error)):
            raise  # interrupted: the caller removes `.next`
        _remove_next(path)  # a reader holding it keeps reading its own copy
        report(f"copying the warehouse instead of reusing {path.name}.spare: {str(exc).splitlines()[0]}")
        return None


# Linux's FICLONE ioctl (fcntl.FICLONE from Python 3.12): the new file shares the old one's blocks until
# either is written, as `cp --reflink` does.
_FICLONE = 0x40049409


def clone_or_copy(source: Path, target: Path) -> str:
    """`target` as a copy-on-write clone of `source` where the filesystem makes them (XFS with reflink,
    btrfs, bcachefs, ZFS 2.2), which costs the same at any size: the next version's writes then take new
    blocks and the rest stay shared; elsewhere (ext4, tmpfs, other systems) a copy of every byte. Says
    which it made."""
    try:
        import fcntl

        with open(source, "rb") as src, open(target, "wb") as dst:
            fcntl.ioctl(dst.fileno(), _FICLONE, src.fileno())
        return "clone"
    except (ImportError, OSError):  # no such ioctl here, or not between these files: copy the bytes
        shutil.copyfile(source, target)
        return "copy"


def _remove_next(path: Path) -> None:
    for leftover in (_sibling(path, ".next"), _sibling(path, ".next.wal")):
        leftover.unlink(missing_ok=True)


def _raise_if_disk_full(path: Path, exc: BaseException) -> None:
    message = str(exc)
    full = (isinstance(exc, OSError) and exc.errno in _DISK_FULL) or (
        isinstance(exc, duckdb.Error) and any(s in message for s in ("No space left", "File too large", "quota")))
    if full:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else message.splitlines()[0]
        raise WarehouseError(
            f"the disk holding {path} filled up while publishing its next version ({reason}): nothing was "
            f"published and the unfinished copy was removed ({_mb(_free_bytes(path.parent))} free now): free "
            f"some space and run again") from exc


def _swap_in(path: Path) -> None:
    """Put `.next` in place, keep the version it replaces as `.prev` and the one before as `.spare` (the
    next write's start). The order makes every moment recoverable (_recover): while `.next` exists nothing is
    published; once it is gone, `.prev.tmp` is the replaced version, to become `.prev`."""
    held, prev = _sibling(path, ".prev.tmp"), _sibling(path, ".prev")
    if path.exists():
        held.unlink(missing_ok=True)
        os.link(path, held)
    os.replace(_sibling(path, ".next"), path)
    if held.exists():
        if prev.exists():
            os.replace(prev, _sibling(path, ".spare"))
        os.replace(held, prev)
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- rollback ------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RolledBack:
    restored: Version
    replaced: Version


def publish_rollback(path: str | Path, report: Report | None = None) -> RolledBack:
    """Put the previous version back (and keep the current one as the previous). Acts on what is
    published when it runs, and never waits: while another writer holds the lock it refuses."""
    path = Path(path).resolve()
    prev = _sibling(path, ".prev")
    if not prev.exists():
        raise WarehouseError(f"no previous version of {path} to roll back to")
    check_writable(path)
    with writer_lock(path, 0, busy=lambda holder: _refused(path, holder)) as stale:
        for note in _recover(path, stale):
            (report or _log.warning)(note)
        if not (prev.exists() and path.exists()):
            raise WarehouseError(f"no previous version of {path} to roll back to")
        restored, replaced = read_version(prev), read_version(path)
        swap = _sibling(path, ".swap")
        os.link(path, swap)
        os.replace(prev, path)
        os.replace(swap, prev)
        _sync_directory(path.parent)
    _LAST_PUBLISHED.pop(path, None)
    return RolledBack(restored, replaced)


def _refused(path: Path, holder: Holder | None) -> str:
    who = str(holder) if holder else "another writer"
    return (f"{who} is writing {path}, and a rollback does not wait for a write it would undo before that write "
            "has reported: run 'ooh rollback' again once it has finished (it then puts back the version before it)")


# --- the start of ingest, fetch and upgrade ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Prepared:
    upgraded: bool  # a version of its own brought the warehouse to this schema and these views
    basis: Basis  # what is published now: the writer's work is based on it


def prepare(path: str | Path, report: Report | None = None, wait: float = LOCK_WAIT_SECONDS) -> Prepared:
    """Fail early, with the reason, on a warehouse this pipeline cannot write (a folder it cannot write
    in, too little free space, another process holding it open for writing, another DuckDB version wrote
    it, a newer schema); clean up after a killed writer; bring an older warehouse up to this schema and
    these views as a version of its own, so that readers see what this code documents."""
    path = Path(path).resolve()
    basis = publish_recovery(path, report, wait)  # first: what a killed writer left may be what fills the disk
    check_free_space(path)
    found = read_version(path)  # read for the basis already: the file is not opened again
    if found is not None:
        if check_schema_version(found.schema_version) == SCHEMA_VERSION and found.shape_sha256 == SHAPE_SHA256:
            return Prepared(False, basis)
    upgrade = path.exists()
    with publishing(path, wait, based_on=basis, what="upgrade" if upgrade else "setup", report=report) as con:
        if upgrade:  # a new file holds no occupations to link: its first load links them
            from warehouse.identity import save_identity  # imported here: only an upgrade needs it and its imports

            save_identity(con)  # derived from the occupations and the reference data, which may have changed
    return Prepared(True, _LAST_PUBLISHED[path])
