"""The Wayback Machine: which captures may hold an edition's occupation pages (CDX API), in which order to
try them, and which edition a capture states.

An edition's window (its dates on bls.gov, from the catalogue parsers/editions.csv) only narrows the CDX
query. What decides is the content: a capture is an edition's page when it states that edition
(parsers.editions.stated_edition). Captures of a page are tried latest first, because the last capture of
an edition's life carries its corrections, and the catalogue's end dates are the next release's eve; a
capture that states another edition (a stale copy, or a window that is off by some days) is archived as
that edition's and the next one is tried, at most MAX_CANDIDATES per page.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode, urlsplit

from parsers.decode import decode
from parsers.editions import CatalogueEdition, catalogue_edition, read_catalogue, stated_edition
from parsers.errors import ParseError
from parsers.index_page import is_occupation_path

CDX_PAGE = 5000  # rows per CDX answer; more come with a resume key
MAX_CANDIDATES = 3  # captures of one page tried for an edition before it counts as not captured
# The printed editions' occupation statements: /oco/ocosNNN.htm
_OCOS_PATH = re.compile(r"^/oco/ocos\d+\.htm$", re.I)
# The web handbook since 2012: occupation pages /ooh/<group>/<slug>.htm and the A-Z index that lists them.
# The CDX API matches a filter against the whole field; this keeps the thousands of other /ooh/ URLs
# (images, scripts, query strings) out of the answer.
OOH_INDEX_PATH = "/ooh/a-z-index.htm"
_OOH_FILTER = r"original:.*/ooh/(a-z-index|[a-z0-9-]+/[a-z0-9-]+)\.htm"
_PATHS = {"ocos": "/oco/ocos", "ooh": "/ooh/"}  # the prefix each URL scheme's CDX query asks for


@dataclass(frozen=True, slots=True)
class Capture:
    timestamp: str  # 14 digits, as the Wayback Machine writes them
    original: str  # the URL as captured
    digest: str = ""  # of the captured body: equal digests, equal bytes

    @property
    def captured_at(self) -> datetime:
        return datetime.strptime(self.timestamp, "%Y%m%d%H%M%S")


def wayback_editions(edition: str) -> list[str]:
    """The editions a Wayback run backfills: the one named, or for 'all' every edition that has left the
    site (the current one is fetched live)."""
    if edition == "all":
        return [e.name for e in read_catalogue() if e.on_site_to is not None]
    if catalogue_edition(edition) is None:
        raise ValueError(f"no edition {edition} in the catalogue (parsers/editions.csv): known are "
                         f"{', '.join(e.name for e in read_catalogue())}")
    return [edition]


def window(edition: CatalogueEdition, today: date | None = None) -> tuple[str, str]:
    """The CDX from/to of an edition: its days on bls.gov (to today for the current one)."""
    end = edition.on_site_to or today or date.today()
    return edition.on_site_from.strftime("%Y%m%d"), end.strftime("%Y%m%d")


def cdx_queries(wayback: str, edition: CatalogueEdition) -> list[str]:
    """The first CDX query of each host the edition's pages were on."""
    return [cdx_query(wayback, edition, host) for host in edition.hosts]


def cdx_query(wayback: str, edition: CatalogueEdition, host: str, resume_key: str | None = None) -> str:
    start, end = window(edition)
    params = [("url", host + _PATHS[edition.url_scheme]), ("matchType", "prefix"), ("output", "json"),
              ("from", start), ("to", end), ("filter", "statuscode:200"), ("filter", "mimetype:text/html")]
    if edition.url_scheme == "ooh":
        params.append(("filter", _OOH_FILTER))
    params += [("collapse", "digest"), ("limit", str(CDX_PAGE)), ("showResumeKey", "true")]
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
    digest = at.get("digest")
    return [Capture(row[at["timestamp"]], row[at["original"]], row[digest] if digest is not None else "")
            for row in rows if row], resume


def canonical_original(original: str) -> str:
    """http://www.bls.gov:80/oco/ocos103.htm, https://www.bls.gov/... -> http://www.bls.gov/oco/ocos103.htm"""
    parts = urlsplit(original)
    host = parts.netloc.lower().removesuffix(":80").removesuffix(":443")
    return f"http://{host}{parts.path}"


def is_page(path: str, url_scheme: str) -> bool:
    return bool(_OCOS_PATH.match(path)) if url_scheme == "ocos" else is_occupation_path(path)


def candidates(captures: list[Capture], url_scheme: str) -> dict[str, list[Capture]]:
    """Each occupation page's captures, in the order to try them: latest first, one per digest, at most
    MAX_CANDIDATES. Keyed and sorted by canonical URL."""
    pages: dict[str, list[Capture]] = {}
    for capture in sorted(captures, key=lambda c: c.timestamp, reverse=True):
        url = canonical_original(capture.original)
        if not is_page(urlsplit(url).path, url_scheme):
            continue
        tried = pages.setdefault(url, [])
        if len(tried) < MAX_CANDIDATES and all(c.digest != capture.digest or not c.digest for c in tried):
            tried.append(Capture(capture.timestamp, url, capture.digest))
    return dict(sorted(pages.items()))


def index_capture(captures: list[Capture]) -> Capture | None:
    """The latest capture of the A-Z index: the occupations of the time are the pages it links to."""
    found = [c for c in captures if urlsplit(canonical_original(c.original)).path == OOH_INDEX_PATH]
    latest = max(found, key=lambda c: c.timestamp, default=None)
    return latest and Capture(latest.timestamp, canonical_original(latest.original), latest.digest)


def replay_url(wayback: str, capture: Capture, original_bytes: bool = True) -> str:
    """id_ gives the bytes as captured; without it, the page as a person sees it in the Wayback Machine."""
    return f"{wayback.rstrip('/')}/web/{capture.timestamp}{'id_' if original_bytes else ''}/{capture.original}"


# Inline elements are dropped without a space ("Occupational Outlook <cite>Handbook</cite>, 2010-11
# Edition"); every other tag ends a word.
_INLINE_TAGS = re.compile(r"</?(?:a|b|cite|em|font|i|nobr|span|strong)\b[^>]*>", re.I)
_TAGS = re.compile(r"<!--.*?-->|<[^>]*>", re.S)


def edition_stated_by(body: bytes) -> str | None:
    """The name of the edition a captured page states (None if it states none, or none there can be)."""
    try:
        text = decode(body).text
        return getattr(stated_edition(" ".join(html.unescape(_TAGS.sub(" ", _INLINE_TAGS.sub("", text))).split())),
                       "label", None)
    except ParseError:
        return None
