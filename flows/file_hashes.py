"""The sha256 of the local files ingests have read, remembered with each file's identity, so that deciding
what an ingest need not parse does not read a file again to learn that it is unchanged.

A file's identity is its device, inode, size, modification time and change time: the quick check of
git's index and of rsync, with the change time, which no program sets: any write to a file, and any change
of its times, moves it on. A file whose identity is the one remembered still holds the bytes that were
hashed. Only a file last changed well before it was read is remembered, since a write in the same tick of
a coarse clock would leave its identity as it was; the others are read again next time, and remembered then.

The hashes live in one Parquet file in the data folder, shared by its warehouses (they describe files, not
what any warehouse holds). It is a cache: when it is missing, unreadable or of another shape, every file is
read, as without it; deleting it costs one reading of each source.
"""
from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

FILE_NAME = "file-hashes.parquet"
# A file changed less than this before it was read is not remembered: FAT's two-second clock is the
# coarsest a page folder is likely to sit on.
SETTLED_NS = 2_000_000_000
_IDENTITY = ("device", "inode", "size", "mtime_ns", "ctime_ns")
_SCHEMA = pa.schema([("path", pa.string()), *((name, pa.int64()) for name in _IDENTITY), ("sha256", pa.string())])

Identity = tuple[int, int, int, int, int]


def identity(info: os.stat_result) -> Identity:
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


class FileHashes:
    """The remembered hashes of one data folder: `known` answers from them, `remember` adds to them and
    `save` writes them back (atomically: two ingests saving at once lose only what the first saved)."""

    def __init__(self, data_dir: str | Path):
        self.path = Path(data_dir) / FILE_NAME
        self._entries = _read(self.path)
        self._added = 0
        self._lock = threading.Lock()
        self.hits = 0  # files `known` answered for

    def known(self, path: Path, max_bytes: int) -> tuple[str, int] | None:
        """(sha256, size) of a file whose identity is the one remembered; None when it must be read (not
        remembered, changed, gone, or no longer a regular file within the size allowed)."""
        entry = self._entries.get(str(path))
        if entry is None:
            return None
        try:
            info = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes or identity(info) != entry[0]:
            return None
        with self._lock:
            self.hits += 1
        return entry[1], info.st_size

    def remember(self, hashed: Iterable[tuple[Path, str]], read_from_ns: int) -> None:
        """Files read (and hashed) from `read_from_ns` (time.time_ns()) on: remembered when each was last
        changed at least SETTLED_NS before that, as its identity is now."""
        settled = read_from_ns - SETTLED_NS
        found = {}
        for path, sha256 in hashed:
            try:
                info = os.stat(path)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode) and info.st_ctime_ns <= settled and info.st_mtime_ns <= settled:
                found[str(path)] = (identity(info), sha256)
        with self._lock:
            self._added += sum(1 for key, value in found.items() if self._entries.get(key) != value)
            self._entries.update(found)

    def save(self) -> None:
        """Write what was remembered, if anything was added; a folder that cannot take the file only costs
        the next ingest a reading."""
        with self._lock:
            if not self._added:
                return
            paths = list(self._entries)
            columns = {"path": paths, "sha256": [self._entries[p][1] for p in paths]}
            for k, name in enumerate(_IDENTITY):
                columns[name] = [self._entries[p][0][k] for p in paths]
            self._added = 0
        scratch = self.path.with_name(f".{self.path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.table(columns, schema=_SCHEMA), scratch, compression="none")
            os.replace(scratch, self.path)
        except OSError:
            scratch.unlink(missing_ok=True)


def _read(path: Path) -> dict[str, tuple[Identity, str]]:
    try:
        table = pq.ParquetFile(path).read()  # not read_table: its dataset machinery costs 30 ms to import
        if not table.schema.equals(_SCHEMA):
            return {}
        columns = [table.column(name).to_pylist() for name in ("path", *_IDENTITY, "sha256")]
    except (OSError, pa.ArrowException):  # missing, or not a Parquet file of ours: read every file
        return {}
    return {row[0]: (tuple(row[1:6]), row[6]) for row in zip(*columns)}
