"""fetch_* for one run: find the pages a source should have, fetch what is missing or stale, archive
every response. Plain library code; flows/fetch.py runs it as Prefect tasks."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

from flows import wayback
from flows.archive import RecordError, WarcArchive, read_record
from flows.http import Failure, HardStop, PoliteClient, Response
from flows.politeness import Politeness
from parsers.editions import catalogue_edition, read_catalogue
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
    edition: str | None = None  # a Wayback capture: the edition sought
    captured_at: datetime | None = None  # a Wayback capture's time
    others: tuple[Target, ...] = ()  # Wayback: the next captures of the page, tried while one states another edition


@dataclass(slots=True)
class Discovery:
    """What finding an edition's pages in the Wayback Machine read, and the pages found."""

    edition: str
    cdx_urls: list[str] = field(default_factory=list)  # every CDX answer read, resumed pages included
    index_url: str | None = None  # the A-Z index capture (the /ooh/ era), if the window has one
    index_read: bool = False  # False: the pages are every occupation page the CDX lists (a plan reads no replay)
    targets: list[Target] = field(default_factory=list)


@dataclass(slots=True)
class BatchResult:
    captures: list[dict] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)
    fetched: int = 0
    unchanged: int = 0
    stopped: str | None = None  # why the batch stopped early (a 403, the run's deadline)
    left: int = 0  # targets of the batch left to fetch because of that (the one it stopped at included)
    other_edition: int = 0  # Wayback captures archived that state another edition than the one sought
    unmatched: list[str] = field(default_factory=list)  # pages none of whose captures states the edition sought

    @property
    def failed(self) -> int:
        return len(self.failures)


class Crawl:
    """One fetch run: a polite client and the run's archive files."""

    def __init__(self, politeness: Politeness, archive_dir: Path, run_id: str, run_deadline: float | None = None,
                 keep: bool = True):
        """run_deadline: seconds from now the run may take. keep=False: archive nothing (a plan)."""
        self.politeness = politeness
        self.client = PoliteClient(politeness, run_deadline=run_deadline)
        self.archive = WarcArchive(archive_dir, run_id)
        self.keep = keep
        self.pending: list[dict] = []  # index rows of discovery responses, saved with the first batch
        self.requests = 0  # requests made for discovery and pages (attempts counted; robots.txt not)
        self.client.observer = self._observe

    def close(self) -> None:
        self.client.close()
        self.archive.close()

    def _observe(self, response: Response, kind: str) -> None:
        if not self.keep:
            return
        self.pending.append(self.archive.save_response(response, url=response.url, page_url=response.url,
                                                       source_kind=kind, edition=None,
                                                       captured_at=response.fetched_at.replace(tzinfo=None)))

    def take_pending(self) -> list[dict]:
        rows, self.pending = self.pending, []
        return rows

    def discovery_urls(self, kind: str, handbook_url: str) -> list[str]:
        """The index URLs live discovery reads (so that the flow can look them up in the archive)."""
        return [handbook_url.rstrip("/") + path for path in LIVE_INDEX_PATHS] if kind == "live" else []

    def _read(self, url: str, kind: str, known: dict[str, dict], cdx: bool = False, ask: bool = True) -> bytes | None:
        """An index page or CDX answer: from the archive while fresh, else fetched (and archived); None if
        it is not archived and ask is False."""
        last = known.get(url)
        if last and last["status"] == 200 and last["record_type"] == "response" and self._fresh(last["fetched_at"]):
            try:
                return read_record(self.archive.directory, last["warc_file"], last["warc_offset"],
                                   self.politeness.max_bytes)
            except (OSError, RecordError):  # gone from the archive, or damaged there: ask again
                pass
        if not ask:
            return None
        answer = self.client.fetch(url, cdx=cdx)
        self.requests += answer.attempts
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

    def discover_wayback(self, wayback_url: str, edition: str, lookup: Callable[[list[str]], dict[str, dict]],
                         read_index: bool = True) -> Discovery:
        """The edition's pages, each with its captures in the order to try them (flows/wayback.py). The CDX
        answers, each page of them, and the A-Z index of the time come from the archive while fresh;
        lookup gives what the archive holds of URLs. read_index=False (a plan) asks no replay: the pages
        are then every occupation page the CDX lists, unless the index is archived already."""
        entry = catalogue_edition(edition)
        if entry is None:
            raise DiscoveryError(f"no edition {edition!r} in the catalogue: known are "
                                 f"{', '.join(e.name for e in read_catalogue())}")
        found = Discovery(edition)
        captures = []
        for host in entry.hosts:
            resume = None
            while True:
                url = wayback.cdx_query(wayback_url, entry, host, resume)
                found.cdx_urls.append(url)
                page, resume = wayback.parse_cdx(self._read(url, "cdx", lookup([url]), cdx=True))
                captures += page
                if not resume:
                    break
        pages = wayback.candidates(captures, entry.url_scheme)
        index = wayback.index_capture(captures) if entry.url_scheme == "ooh" else None
        if index is not None:
            found.index_url = wayback.replay_url(wayback_url, index)
            body = self._read(found.index_url, "index", lookup([found.index_url]), ask=read_index)
            if body is not None:
                found.index_read = True
                listed = set(occupation_paths(body))
                narrowed = {url: tried for url, tried in pages.items() if urlsplit(url).path in listed}
                pages = narrowed or pages  # an index that lists none of them is not understood: keep them all
        for url, tried in pages.items():
            first, *others = [Target(url, wayback.replay_url(wayback_url, c), wayback.replay_url(wayback_url, c, False),
                                     "wayback", edition, c.captured_at) for c in tried]
            found.targets.append(replace(first, others=tuple(others)))
        return found

    def still_wanted(self, targets: list[Target], known: dict[str, dict],
                     archived: set[tuple[str, str]] = frozenset()) -> tuple[list[Target], int, int]:
        """The targets to fetch now, how many are skipped as archived already, and how many Wayback pages
        have no capture left to try. A live page is fetched again only once its capture is older than the
        freshness window. A Wayback page is done once a capture of it stating the edition is archived
        (`archived`: (url, edition) pairs); captures archived already stating another edition are not
        asked again."""
        todo, unmatched = [], 0
        for target in targets:
            if target.source_kind == "wayback":
                if (target.url, target.edition) in archived:
                    continue
                left = [t for t in (target, *target.others) if (known.get(t.fetch_url) or {}).get("status") != 200]
                if not left:
                    unmatched += 1
                    continue
                todo.append(replace(left[0], others=tuple(left[1:])))
                continue
            last = known.get(target.fetch_url)
            if last and last["status"] in (200, 304) and self._fresh(last["fetched_at"]):
                continue
            todo.append(target)
        return todo, len(targets) - len(todo) - unmatched, unmatched

    def fetch_batch(self, targets: list[Target], known: dict[str, dict]) -> BatchResult:
        """Fetch and archive each target (a Wayback page: its captures in turn, until one states the edition
        sought). A failure is recorded and the batch goes on; a HardStop (a 403, the run's deadline) ends it,
        with what it archived so far in the result, to be indexed like the rest."""
        result = BatchResult()
        for done, target in enumerate(targets):
            try:
                if target.source_kind == "wayback":
                    self._fetch_edition(target, result)
                else:
                    self._fetch(target, known, result)
            except HardStop as stop:
                result.stopped, result.left = str(stop), len(targets) - done
                break
        result.captures = self.take_pending() + result.captures  # robots.txt answers asked on the way
        return result

    def _fetch_edition(self, target: Target, result: BatchResult) -> None:
        failed = len(result.failures)
        for capture in (target, *target.others):
            stated = self._fetch(capture, {}, result)
            if stated == target.edition:
                result.fetched += 1
                return
            result.other_edition += stated is not None
        if len(result.failures) == failed:  # a failed capture is asked again by the next run
            result.unmatched.append(target.url)

    def _fetch(self, target: Target, known: dict[str, dict], result: BatchResult) -> str | None:
        """Fetch and archive one URL. Counts a live page; returns the edition a Wayback capture is archived
        as (the one it states, else the one sought), None if it failed."""
        last = known.get(target.fetch_url) if target.source_kind == "live" else None
        validators = {"etag": last["etag"], "last_modified": last["last_modified"]} if last and last["status"] == 200 else {}
        answer = self.client.fetch(target.fetch_url, **validators)
        self.requests += answer.attempts
        if isinstance(answer, Failure):
            result.failures.append({"url": target.fetch_url, "source_kind": target.source_kind,
                                    "attempts": answer.attempts, "last_status": answer.last_status,
                                    "reason": answer.reason})
            return None
        edition = target.edition
        if target.source_kind == "wayback" and answer.status == 200:
            # a capture that states no edition (a landing page) is the window's: nothing says otherwise
            edition = wayback.edition_stated_by(answer.body) or target.edition
        meta = {"url": target.url, "page_url": target.page_url, "source_kind": target.source_kind,
                "edition": edition, "captured_at": target.captured_at or answer.fetched_at.replace(tzinfo=None)}
        sha256 = hashlib.sha256(answer.body).hexdigest() if answer.status == 200 else None
        if answer.status == 304 or (last and sha256 == last["sha256"]):
            saved = (self.archive.save_response if answer.status == 304 else self.archive.save_revisit)(
                answer, sha256=last["sha256"], **meta)
            result.unchanged += 1
        else:
            saved = self.archive.save_response(answer, sha256=sha256, **meta)
            if answer.status != 200:
                result.failures.append({"url": target.fetch_url, "source_kind": target.source_kind,
                                        "attempts": answer.attempts, "last_status": answer.status,
                                        "reason": f"HTTP {answer.status} {answer.reason}".strip()})
            elif target.source_kind == "live":
                result.fetched += 1
        result.captures.append(saved)
        return edition if answer.status == 200 else None
