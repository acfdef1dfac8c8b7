"""Where pages come from. Today: a local directory. Each source yields `PageRef`s; reading is separate."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


class SourceError(Exception):
    """A source that cannot be read at all (as opposed to one bad page in it)."""


@dataclass(frozen=True, slots=True)
class PageRef:
    path: Path

    @property
    def source_url(self) -> str:
        return self.path.as_uri()


def list_local_pages(directory: str | Path) -> list[PageRef]:
    """Every regular file below `directory` (hidden files aside), in a stable order."""
    root = Path(directory).expanduser().resolve()
    if not root.is_dir():
        raise SourceError(f"no directory at {root}: give --source a folder of saved handbook pages")
    refs = [
        PageRef(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)
    ]
    return refs


def read_page(ref: PageRef) -> tuple[bytes, str]:
    """The bytes of a page and their sha256."""
    data = ref.path.read_bytes()
    return data, hashlib.sha256(data).hexdigest()
