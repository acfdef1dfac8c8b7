"""fetch_* for one run: find the pages a source should have, fetch what is missing or stale, archive
every response. Plain library code; flows/fetch.py runs it as Prefect tasks."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flows import wayback
from flows.archive import RecordError, WarcArchive, read_record
from flows.http import Failure, HardStop, PoliteClient, Response
from flows.politeness import Politeness
from parsers.index_page import occupation_paths

# The current handbook's A-Z index links to every occupation page.
LIVE_INDEX_PATHS = ("/ooh/a-z-index.htm",)


class DiscoveryError(Exception):
    """The pages to fetch could not be found (an index page or the CDX API did not answer)."""


@dataclass(frozen=True, slots=True)
class Target:
    url: str  # the page's address (a Wayback capture's original URL)
    fetch_url: str  # what to request
    page_url: str  # where a person sees it (the Wayback replay URL for a capture)
    source_kind: str  # live, wayback
    edition: str | None = None
    captured_at: datetime | None = None  # a Wayback capture's time


@dataclass(slots=True)
class BatchResult:
    captures: list[dict] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)
    fetched: int = 0
    unchanged: int = 0
    stopped: str | None = None  # why the batch stopped early (a 403, the run's deadline)
    left: int = 0  # targets of the batch left to fetch because of that (the one it stopped at included)

    @property
    def failed(self) -> int:
        return len(self.failures)


class Crawl:
    """One fetch run: a polite client and the run's archive files."""

    def __init__(self, politeness: Politeness, archive_dir: Path, run_id: str, run_deadline: float | None = None):
        """run_deadline: seconds from now the run may take."""
        self.politeness = politeness
        self.client = PoliteClient(politeness, run_deadline=run_deadline)
        self.archive = WarcArchive(archive_dir, run_id)
        self.pending: list[dict] = []  # index rows of discovery responses, saved with the first batch
        self.client.observer = self._observe

    def close(self) -> None:
        self.client.close()
        self.archive.close()

    def _observe(self, response: Response, kind: str) -> None:
        self.pending.append(self.archive.save_response(response, url=response.url, page_url=response.url,
                                                       source_kind=kind, edition=None,
                                                       captured_at=response.fetched_at.replace(tzinfo=None)))

    def take_pending(self) -> list[dict]:
        rows, self.pending = self.pending, []
        return rows

    def discovery_urls(self, kind: str, handbook_url: str, wayback_url: str, edition: str | None) -> list[str]:
        """The index or CDX URLs discovery reads (so that the flow can look them up in the archive)."""
        if kind == "live":
            return [handbook_url.rstrip("/") + path for path in LIVE_INDEX_PATHS]
        return [wayback.cdx_query(wayback_url, edition)] if edition in wayback.EDITION_WINDOWS else []

    def _read(self, url: str, kind: str, known: dict[str, dict], cdx: bool = False) -> bytes:
        """An index page or CDX answer: from the archive while fresh, else fetched (and archived)."""
        last = known.get(url)
        if last and last["status"] == 200 and last["record_type"] == "response" and self._fresh(last["fetched_at"]):
            try:
                return read_record(self.archive.directory, last["warc_file"], last["warc_offset"],
                                   self.politeness.max_bytes)
            except (OSError, RecordError):  # gone from the archive, or damaged there: ask again
                pass
        answer = self.client.fetch(url, cdx=cdx)
        if isinstance(answer, Failure) or answer.status != 200:
            reason = answer.reason if isinstance(answer, Failure) else f"HTTP {answer.status}"
            raise DiscoveryError(f"cannot read {url}: {reason}")
        self._observe(answer, kind)
        return answer.body

    def _fresh(self, fetched_at: datetime) -> bool:
        return fetched_at > datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=self.politeness.freshness_days)

    def discover_live(self, base_url: str, known: dict[str, dict] | None = None) -> list[Target]:
        base = base_url.rstrip("/")
        paths: list[str] = []
        for index_path in LIVE_INDEX_PATHS:
            body = self._read(base + index_path, "index", known or {})
            paths += [p for p in occupation_paths(body) if p not in paths]
        if not paths:
            raise DiscoveryError(f"the handbook's index at {base} links to no occupation pages")
        return [Target(base + p, base + p, base + p, "live") for p in paths]

    def discover_wayback(self, wayback_url: str, edition: str, known: dict[str, dict] | None = None) -> list[Target]:
        if edition not in wayback.EDITION_WINDOWS:
            raise DiscoveryError(f"no Wayback window for edition {edition!r}: known are {', '.join(wayback.EDITION_WINDOWS)}")
        captures, resume = [], None
        while True:
            body = self._read(wayback.cdx_query(wayback_url, edition, resume), "cdx", known or {}, cdx=True)
            page, resume = wayback.parse_cdx(body)
            captures += page
            if not resume:
                break
        return [
            Target(c.original, wayback.replay_url(wayback_url, c), wayback.replay_url(wayback_url, c, False),
                   "wayback", edition, c.captured_at)
            for c in wayback.edition_pages(captures)
        ]

    def still_wanted(self, targets: list[Target], known: dict[str, dict]) -> tuple[list[Target], int]:
        """The targets to fetch now, and how many are skipped: a Wayback capture never changes once
        archived; a live page is fetched again only once its capture is older than the freshness window."""
        todo = []
        for target in targets:
            last = known.get(target.fetch_url)
            if last and last["status"] in (200, 304) and (target.source_kind == "wayback" or self._fresh(last["fetched_at"])):
                continue
            todo.append(target)
        return todo, len(targets) - len(todo)

    def fetch_batch(self, targets: list[Target], known: dict[str, dict]) -> BatchResult:
        """Fetch and archive each target. A failure is recorded and the batch goes on; a HardStop (a 403, the
        run's deadline) ends it, with what it archived so far in the result, to be indexed like the rest."""
        result = BatchResult()
        for done, target in enumerate(targets):
            last = known.get(target.fetch_url) if target.source_kind == "live" else None
            validators = {"etag": last["etag"], "last_modified": last["last_modified"]} if last and last["status"] == 200 else {}
            try:
                answer = self.client.fetch(target.fetch_url, **validators)
            except HardStop as stop:
                result.stopped, result.left = str(stop), len(targets) - done
                break
            if isinstance(answer, Failure):
                result.failures.append({"url": target.fetch_url, "source_kind": target.source_kind,
                                        "attempts": answer.attempts, "last_status": answer.last_status,
                                        "reason": answer.reason})
                continue
            meta = {"url": target.url, "page_url": target.page_url, "source_kind": target.source_kind,
                    "edition": target.edition,
                    "captured_at": target.captured_at or answer.fetched_at.replace(tzinfo=None)}
            sha256 = hashlib.sha256(answer.body).hexdigest() if answer.status == 200 else None
            if answer.status == 304 or (last and sha256 == last["sha256"]):
                saved = (self.archive.save_response if answer.status == 304 else self.archive.save_revisit)(
                    answer, sha256=last["sha256"], **meta)
                result.unchanged += 1
            else:
                saved = self.archive.save_response(answer, sha256=sha256, **meta)
                if answer.status == 200:
                    result.fetched += 1
                else:
                    result.failures.append({"url": target.fetch_url, "source_kind": target.source_kind,
                                            "attempts": answer.attempts, "last_status": answer.status,
                                            "reason": f"HTTP {answer.status} {answer.reason}".strip()})
            result.captures.append(saved)
        result.captures = self.take_pending() + result.captures  # robots.txt answers asked on the way
        return result
