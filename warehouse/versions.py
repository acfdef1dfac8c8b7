"""read_*: which version of the warehouse a file holds, and whether a writer may publish over it.

Every version the pipeline publishes records, in schema_info, an id of its own and the ids of the versions
it was built on (newest first). A writer that did work before taking the writer lock (an ingest parses
first) remembers what it saw then: the published version and the previous one, its `Basis`. Under the
lock, `check_basis` compares that with what is there now:
- nothing changed: publish;
- other writers published since, each on the one before (the published version descends from the one
  the writer saw, and the previous one is its parent): build on it, and say so;
- anything else means a rollback happened since: publishing would throw away the version that rollback
  kept for undoing it, so the writer stops and says why.
A rollback swaps files and writes nothing, so its traces are exactly these: an older version published,
or a previous version that is not the published one's parent.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from warehouse.db import looking_at, schema_number
from warehouse.errors import WarehouseError

LINEAGE_KEPT = 100  # ancestors a version remembers; a writer whose basis is older than that stops rather than guess


class VersionChanged(WarehouseError):
    """The warehouse was rolled back (or replaced) while a writer was working: it did not publish."""


@dataclass(frozen=True, slots=True)
class Version:
    id: str
    lineage: tuple[str, ...]  # the ids of the versions it was built on, newest first
    published_at: str | None  # None: a warehouse made before versions were recorded
    published_by: str | None
    latest_load: int | None
    # What a writer checks before it starts, read with the version because opening the file is the cost:
    # the schema version, the shape's fingerprint (warehouse.db) and the derived tables' (warehouse.derivation)
    schema_version: int | None = None
    shape_sha256: str | None = None
    derived_with: str | None = None

    @property
    def parent(self) -> str | None:
        return self.lineage[0] if self.lineage else None

    def label(self) -> str:
        load = f"load {self.latest_load}" if self.latest_load else "no load yet"
        return f"{load}, published {self.published_at} by {self.published_by}" if self.published_at else load


class Basis(NamedTuple):
    """What a writer saw before its work: the published version's id and the previous version's."""
    current: str | None
    previous: str | None


# Versions read by this process, by the identity of the file (and of a WAL beside it) they were read from:
# opening a warehouse costs tens of milliseconds, and a run asks for the same versions several times.
_READ: dict[tuple[str, str | None], "Version"] = {}


def read_version(path: Path) -> Version | None:
    """The version a warehouse file holds; None when there is no file."""
    if not path.exists():
        return None
    key = _identity(path)
    if key in _READ:
        return _READ[key]
    version = _read_version(path)
    if _identity(path) == key:  # not swapped while it was read: else the version may be the new file's
        if len(_READ) > 64:  # a long-lived process (`ooh serve`) sees many versions: keep the recent ones
            _READ.clear()
        _READ[key] = version
    return version


def remember_version(path: Path, version: Version) -> None:
    """What a writer of this process just published at `path`: read_version answers without opening it."""
    key = _identity(path)
    if key[0]:
        _READ[key] = version


def version_of(info: dict[str, str], latest_load: int | None, path: Path | None = None) -> Version:
    """The Version that a file's schema_info rows (`info`) describe; a warehouse from before version ids
    is known by its file (`path`)."""
    return Version(
        # publishing copies and renames, never rewrites a file in place: the same inode, size and time
        # mean the same version
        id=info.get("version_id") or file_identity(path),
        lineage=tuple(info.get("version_lineage", "").split()),
        published_at=info.get("published_at"),
        published_by=info.get("published_by"),
        latest_load=latest_load,
        schema_version=schema_number(info.get("schema_version")),
        shape_sha256=info.get("shape_sha256"),
        derived_with=info.get("derived_with"),
    )


def _identity(path: Path) -> tuple[str, str | None]:
    wal = path.with_name(path.name + ".wal")
    try:
        return file_identity(path), file_identity(wal) if wal.exists() else None
    except FileNotFoundError:  # swapped away meanwhile: a key no file has
        return "", None


def _read_version(path: Path) -> Version:
    with looking_at(path) as con:
        tables = {name for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
        info = dict(con.execute("SELECT key, value FROM schema_info").fetchall()) if "schema_info" in tables else {}
        latest = con.execute("SELECT max(load_id) FROM loads").fetchall()[0][0] if "loads" in tables else None
    return version_of(info, latest, path)


def file_identity(path: Path) -> str:
    stat = path.stat()
    return f"file:{stat.st_dev}:{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}"


def basis_of(current: Version | None, previous: Version | None) -> Basis:
    return Basis(current.id if current else None, previous.id if previous else None)


def check_basis(path: Path, basis: Basis | None, current: Version | None, previous: Version | None,
                what: str) -> str | None:
    """None when a writer may publish as planned; a note when it publishes on top of versions others
    published meanwhile; raises VersionChanged when the warehouse was rolled back since it looked."""
    if basis is None or basis_of(current, previous) == basis:
        return None
    if basis.current is None and current is not None:  # there was no warehouse: another writer made one
        return f"{path} was created by another writer while this {what} ran ({current.label()}): published on top of it"
    if (current is not None and basis.current in current.lineage
            and previous is not None and previous.id == current.parent):
        return (f"{path} changed while this {what} ran: another writer published a newer version "
                f"({current.label()}); this {what} is published on top of it")
    if current is None:
        raise VersionChanged(f"{path} was removed while this {what} ran: nothing was published: run the {what} again")
    raise VersionChanged(
        f"{path} was rolled back while this {what} ran (it is now {current.label()}): nothing was published, so that "
        f"the version the rollback replaced stays in {path.name}.prev for 'ooh rollback': "
        f"run the {what} again to build on the version published now")


def version_record(parent: Version | None, version_id: str, published_at: str, published_by: str) -> list[tuple[str, str]]:
    """The schema_info rows of a new version built on `parent`."""
    lineage = (parent.id, *parent.lineage[: LINEAGE_KEPT - 1]) if parent else ()
    return [("version_id", version_id), ("version_lineage", " ".join(lineage)), ("published_at", published_at),
            ("published_by", published_by)]
