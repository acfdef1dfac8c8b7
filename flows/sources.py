"""Where pages are read from: a local folder, the fetch archive, a WARC file. Each source lists
`PageRef`s; `read_page` reads one. None of them touches the network (fetching is flows/crawl.py)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows.archive import iter_responses, read_record
from warehouse.archive_index import read_archived_pages
from warehouse.db import connect


class SourceError(Exception):
    """A source that cannot be read at all (as opposed to one bad page in it)."""


@dataclass(frozen=True, slots=True)
class PageRef:
    source_url: str  # the page's address: file:// path, its URL, or its Wayback replay URL
    path: Path | None = None  # a local file
    warc: Path | None = None  # or a WARC file, and the offset of the record
    offset: int | None = None


def list_local_pages(directory: str | Path) -> list[PageRef]:
    """Every regular file below `directory` (hidden files aside), in a stable order."""
    root = Path(directory).expanduser().resolve()
    if not root.is_dir():
        raise SourceError(f"no directory at {root}: give --source a folder of saved handbook pages")
    return [
        PageRef(path.as_uri(), path=path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)
    ]


def list_archived_pages(rows: list[tuple[str, str, int]], archive_dir: Path) -> list[PageRef]:
    """The archive's latest content of each page (rows of warehouse.archive_index.read_archived_pages)."""
    if not rows:
        raise SourceError(f"the archive in {archive_dir} holds no pages yet: run 'ooh fetch' first")
    return [PageRef(url, warc=Path(archive_dir) / warc_file, offset=offset) for url, warc_file, offset in rows]


def list_warc_pages(path: str | Path) -> list[PageRef]:
    """Every successful response record of a WARC file (ours, or one made by another tool)."""
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise SourceError(f"no WARC file at {path}")
    try:
        return [PageRef(uri, warc=path, offset=offset) for uri, offset, status in iter_responses(path) if status == 200]
    except Exception as exc:  # warcio raises several kinds on a file that is not WARC
        raise SourceError(f"{path} is not a readable WARC file: {exc}") from exc


def list_pages(source: str, warehouse: str | Path, archive_dir: Path) -> list[PageRef]:
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
    return list_local_pages(source)


def read_page(ref: PageRef) -> tuple[bytes, str]:
    """The bytes of a page and their sha256."""
    data = ref.path.read_bytes() if ref.path is not None else read_record(ref.warc.parent, ref.warc.name, ref.offset)
    return data, hashlib.sha256(data).hexdigest()
