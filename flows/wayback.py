"""The Wayback Machine: which captures hold an edition's occupation pages (CDX API), and their URLs."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode, urlsplit

# An edition's pages were on bls.gov from its release to the next edition's release.
EDITION_WINDOWS = {
    "2006-07": ("20051220", "20071217"),
    "2008-09": ("20071218", "20091216"),
    "2010-11": ("20091217", "20120328"),
}
# The printed editions' occupation statements: /oco/ocosNNN.htm
OCOS_PREFIX = "www.bls.gov/oco/ocos"
_OCOS_PATH = re.compile(r"^/oco/ocos\d+\.htm$", re.I)
CDX_PAGE = 5000


@dataclass(frozen=True, slots=True)
class Capture:
    timestamp: str  # 14 digits, as the Wayback Machine writes them
    original: str  # the URL as captured

    @property
    def captured_at(self) -> datetime:
        return datetime.strptime(self.timestamp, "%Y%m%d%H%M%S")


def cdx_query(wayback: str, edition: str, resume_key: str | None = None) -> str:
    start, end = EDITION_WINDOWS[edition]
    params = [("url", OCOS_PREFIX), ("matchType", "prefix"), ("output", "json"), ("from", start), ("to", end),
              ("filter", "statuscode:200"), ("filter", "mimetype:text/html"), ("collapse", "digest"),
              ("limit", str(CDX_PAGE)), ("showResumeKey", "true")]
    if resume_key:
        params.append(("resumeKey", resume_key))
    return f"{wayback.rstrip('/')}/cdx/search/cdx?{urlencode(params)}"


def parse_cdx(body: bytes) -> tuple[list[Capture], str | None]:
    """The captures of a CDX JSON answer, and the resume key of the next page if there is one."""
    text = body.decode("utf-8").strip()
    rows = json.loads(text) if text else []
    if not rows:
        return [], None
    header, rows = rows[0], rows[1:]
    resume = None
    if len(rows) >= 2 and rows[-2] == [] and len(rows[-1]) == 1:  # showResumeKey: [], [key]
        resume, rows = rows[-1][0], rows[:-2]
    at = {name: i for i, name in enumerate(header)}
    return [Capture(row[at["timestamp"]], row[at["original"]]) for row in rows if row], resume


def canonical_original(original: str) -> str:
    """http://www.bls.gov:80/oco/ocos103.htm -> http://www.bls.gov/oco/ocos103.htm"""
    parts = urlsplit(original)
    host = parts.netloc.lower().removesuffix(":80")
    return f"http://{host}{parts.path}"


def edition_pages(captures: list[Capture]) -> list[Capture]:
    """One capture per occupation statement: the latest of the edition's window."""
    latest: dict[str, Capture] = {}
    for capture in captures:
        url = canonical_original(capture.original)
        if not _OCOS_PATH.match(urlsplit(url).path):
            continue
        if url not in latest or capture.timestamp > latest[url].timestamp:
            latest[url] = Capture(capture.timestamp, url)
    return sorted(latest.values(), key=lambda c: c.original)


def replay_url(wayback: str, capture: Capture, original_bytes: bool = True) -> str:
    """id_ gives the bytes as captured; without it, the page as a person sees it in the Wayback Machine."""
    return f"{wayback.rstrip('/')}/web/{capture.timestamp}{'id_' if original_bytes else ''}/{capture.original}"
