"""Where pages are read from: a local folder, the fetch archive, a WARC file. Each source lists
`PageRef`s; `read_page` reads one. None of them touches the network (fetching is flows/crawl.py).

Only regular files and well-formed WARC response records are read. Whatever else a source holds (a
named pipe, a socket, a device, a dangling link, a link loop, a link out of the folder, a file or record
over the size cap, a WARC record that does not hold together) is listed too, as a `PageRef` that
`read_page` refuses with its reason: the ingest records it as a rejected input, and reads the rest.
"""
from __future__ import annotations

import errno
import hashlib
import io
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows.archive import BadRecord, Record, RecordError, read_record, response_status, scan_warc
from flows.settings import load_settings
from warehouse.archive_index import read_archived_pages
from warehouse.db import connect

_KINDS = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFDIR: "a folder"}


class SourceError(Exception):
    """A source that cannot be read at all (as opposed to one bad page in it)."""


class InputRejected(Exception):
    """One entry of a source that is not read, with a reason_code and a one-line reason."""

    def __init__(self, code: str, reason: str, nbytes: int = 0):
        super().__init__(reason)
        self.code, self.reason, self.nbytes = code, reason, nbytes


@dataclass(frozen=True, slots=True)
class PageRef:
    source_url: str  # the page's address: file:// path, its URL, or its Wayback replay URL
    path: Path | None = None  # a local file
    warc: Path | None = None  # or a WARC file, and the offset of the record
    offset: int | None = None
    rejected: tuple[str, str] | None = None  # (reason_code, reason): listed, never read


def list_local_pages(directory: str | Path, follow_outside_links: bool = False) -> list[PageRef]:
    """Every regular file below `directory` (hidden files aside), in a stable order, and every other entry
    with the reason it is not read. Links are followed inside the folder; out of it only when allowed."""
    root = Path(directory).expanduser().resolve()
    if not root.is_dir():
        raise SourceError(f"no directory at {root}: give --source a folder of saved handbook pages")
    return list(_walk(root, root, frozenset({_identity(root.stat())}), follow_outside_links))


def _walk(folder: Path, root: Path, ancestors: frozenset, follow_outside: bool):
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if not entry.name.startswith("."))
    except OSError as exc:
        yield _rejected(folder, "unreadable", f"cannot list folder: {exc.strerror}")
        return
    for name in names:
        path = folder / name
        refused, target = _refusal(path, root, follow_outside)
        if refused:
            yield _rejected(path, *refused)
        elif stat.S_ISDIR(target.st_mode):
            if _identity(target) in ancestors:  # a link to a folder it is inside of: reading it never ends
                yield _rejected(path, "link_loop", f"a link to {os.path.realpath(path)}, a folder it is inside of")
            else:
                yield from _walk(path, root, ancestors | {_identity(target)}, follow_outside)
        elif stat.S_ISREG(target.st_mode):
            yield PageRef(path.as_uri(), path=path)
        else:
            yield _rejected(path, "not_a_file", f"{_kind(target.st_mode)}, not a regular file")


def _refusal(path: Path, root: Path, follow_outside: bool) -> tuple[tuple[str, str] | None, os.stat_result | None]:
    """Why `path` is not followed (reason_code, reason), else the stat of what it leads to. Only stat, never
    open: opening a named pipe waits for a writer."""
    try:
        own = path.lstat()
    except OSError as exc:
        return ("unreadable", f"cannot stat: {exc.strerror}"), None
    if not stat.S_ISLNK(own.st_mode):
        return None, own
    link = os.readlink(path)
    try:
        target = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return ("link_loop", f"a symbolic link loop ({link})"), None
        if exc.errno == errno.ENOENT:
            return ("dangling_link", f"a link to {link}, which does not exist"), None
        return ("unreadable", f"cannot follow the link to {link}: {exc.strerror}"), None
    real = Path(os.path.realpath(path))
    if not follow_outside and not real.is_relative_to(root):
        readable = stat.S_ISREG(target.st_mode) or stat.S_ISDIR(target.st_mode)
        hint = " (--follow-outside-links reads it)" if readable else ""
        return ("outside_link", f"a link to {real}, outside the source folder{hint}"), None
    return None, target


def _identity(result: os.stat_result) -> tuple[int, int]:
    return result.st_dev, result.st_ino


def _kind(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def _rejected(path: Path, code: str, reason: str) -> PageRef:
    return PageRef(path.as_uri(), path=path, rejected=(code, reason))


def list_archived_pages(rows: list[tuple[str, str, int]], archive_dir: Path) -> list[PageRef]:
    """The archive's latest content of each page (rows of warehouse.archive_index.read_archived_pages)."""
    if not rows:
        raise SourceError(f"the archive in {archive_dir} holds no pages yet: run 'ooh fetch' first")
    return [PageRef(url, warc=Path(archive_dir) / warc_file, offset=offset) for url, warc_file, offset in rows]


def list_warc_pages(path: str | Path, max_bytes: int | None = None) -> list[PageRef]:
    """Every successful response record of a WARC file (ours, or one made by another tool), and every
    record that could not be read, with its reason."""
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise SourceError(f"no WARC file at {path}")
    cap = max_bytes or load_settings().max_bytes
    refs, records = [], 0
    try:
        for item in scan_warc(path, cap):
            records += isinstance(item, Record)
            ref = _warc_ref(path, item)
            if ref is not None:
                refs.append(ref)
        with path.open("rb") as handle:
            head = handle.read(7)
    except OSError as exc:
        raise SourceError(f"cannot read the WARC file {path}: {exc.strerror}") from exc
    if not records and refs and head[:2] != b"\x1f\x8b" and head != b"WARC/1.":
        # nothing in it is WARC: the wrong file, not a WARC file with bad records
        raise SourceError(f"{path} is not a WARC file (it does not start with a WARC record)")
    return refs


def _warc_ref(path: Path, item) -> PageRef | None:
    """The PageRef of a response record (None for other records and non-200 answers)."""
    where = f"{path.as_uri()}#offset={item.offset}"  # a bad record's own name: never a page's URL
    if isinstance(item, BadRecord):
        return PageRef(where, warc=path, offset=item.offset, rejected=(item.code, f"WARC record at offset "
                                                                                 f"{item.offset:,}: {item.reason}"))
    if item.type != "response" or not item.uri.lower().startswith(("http:", "https:")):
        return None
    try:
        status = response_status(item)
    except RecordError as bad:
        return PageRef(where, warc=path, offset=item.offset,
                       rejected=(bad.code, f"WARC record at offset {item.offset:,} ({item.uri}): {bad.reason}"))
    return PageRef(item.uri, warc=path, offset=item.offset) if status == 200 else None


def list_pages(source: str, warehouse: str | Path, archive_dir: Path, follow_outside_links: bool = False) -> list[PageRef]:
    """The pages of a source: 'archive' (what `ooh fetch` archived), 'warc:FILE', or a folder."""
    if source == "archive":
        if not Path(warehouse).exists():
            raise SourceError(f"no warehouse at {warehouse}, so no archive index: run 'ooh fetch' first")
        con = connect(warehouse, read_only=True)
        try:
            rows = read_archived_pages(con)
        except duckdb.CatalogException:  # a warehouse from before the archive existed
            rows = []
        finally:
            con.close()
        return list_archived_pages(rows, archive_dir)
    if source.startswith("warc:"):
        return list_warc_pages(source.removeprefix("warc:"))
    return list_local_pages(source, follow_outside_links)


def read_page(ref: PageRef, max_bytes: int | None = None) -> tuple[bytes, str]:
    """The bytes of a page and their sha256. Raises InputRejected (and OSError for a file that fails)."""
    cap = max_bytes or load_settings().max_bytes
    if ref.rejected:
        raise InputRejected(*ref.rejected)
    if ref.path is not None:
        data = read_file(ref.path, cap)
    else:
        try:
            data = read_record(ref.warc.parent, ref.warc.name, ref.offset, cap)
        except RecordError as bad:
            raise InputRejected(bad.code, f"WARC record at offset {ref.offset:,}: {bad.reason}") from bad
    return data, hashlib.sha256(data).hexdigest()


def digest_page(ref: PageRef, max_bytes: int) -> tuple[str, int]:
    """A page's sha256 and size, as read_page gives them, without holding its bytes: a file is hashed as
    it is read, through one buffer (deciding what an ingest need not parse reads every input)."""
    if ref.path is None or ref.rejected:
        data, sha256 = read_page(ref, max_bytes)
        return sha256, len(data)
    digest, size = hashlib.sha256(), 0
    with _regular_file(ref.path, max_bytes) as (fd, listed_size):
        # the file's size and a byte (to see that it ended), up to 1 MiB: a page is read in one call, and a
        # new process does not zero a megabyte per page
        buffer = bytearray(min(listed_size + 1, 1 << 20))
        view, file = memoryview(buffer), io.FileIO(fd, closefd=False)
        while count := file.readinto(buffer):
            digest.update(view[:count])
            size = _counted(size + count, max_bytes)
    return digest.hexdigest(), size


def read_file(path: Path, cap: int) -> bytes:
    """A regular file's bytes, at most `cap` of them."""
    with _regular_file(path, cap) as (fd, _):
        parts, size = [], 0
        while chunk := os.read(fd, min(1 << 20, cap + 1 - size)):
            parts.append(chunk)
            size = _counted(size + len(chunk), cap)
        return b"".join(parts)


@contextmanager
def _regular_file(path: Path, cap: int) -> Iterator[tuple[int, int]]:
    """A descriptor of a regular file of at most `cap` bytes, and its size when opened. Opened without blocking and checked on the
    open descriptor, so that a file swapped for a named pipe or a device since it was listed is refused
    rather than waited on or read for ever."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputRejected("not_a_file", f"{_kind(info.st_mode)}, not a regular file")
        if info.st_size > cap:
            raise InputRejected("too_large", f"{info.st_size:,} bytes, more than the {cap:,} allowed (OOH_MAX_BYTES)",
                                info.st_size)
        yield fd, info.st_size
    finally:
        os.close(fd)


def _counted(size: int, cap: int) -> int:
    if size > cap:  # it grew since fstat
        raise InputRejected("too_large", f"more than the {cap:,} bytes allowed (OOH_MAX_BYTES)", size)
    return size
