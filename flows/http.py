"""fetch_* over HTTP, politely: one request at a time per host, paced, retried, capped, robots.txt obeyed.

`PoliteClient.fetch` returns a `Response` (whatever the status: a 404 is an answer to record) or a
`Failure` with a one-line reason after the retries are spent. A 403 raises `HardStop`: the server
refuses this client, and the run must stop rather than try to get round it.
"""
from __future__ import annotations

import email.utils
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from flows.politeness import PRODUCT, RETRYABLE, HostClock, Politeness, host_of

MAX_REDIRECTS = 5


class HardStop(Exception):
    """The server refused this client (403): stop the run, report, do not retry."""


@dataclass(slots=True)
class Response:
    url: str  # the URL that answered (after redirects)
    status: int
    reason: str
    headers: list[tuple[str, str]]
    raw: bytes  # the body as sent, content-encoding and all (what the archive keeps)
    body: bytes  # the body decoded
    fetched_at: datetime
    attempts: int

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass(slots=True)
class Failure:
    url: str
    attempts: int
    last_status: int | None
    reason: str


class _Retry(Exception):
    def __init__(self, reason: str, status: int | None = None, wait: float | None = None):
        super().__init__(reason)
        self.reason, self.status, self.wait = reason, status, wait


class PoliteClient:
    def __init__(self, politeness: Politeness, clock: HostClock | None = None):
        self.politeness = politeness
        self.clock = clock or HostClock()
        self._client = httpx.Client(
            headers={"User-Agent": politeness.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(politeness.timeout),
            follow_redirects=False,
            # Requests are made one at a time; a connection per host is all that is ever open.
            limits=httpx.Limits(max_connections=max(1, len(politeness.allowed_hosts)), max_keepalive_connections=4),
        )
        self._robots: dict[str, Protego | None] = {}
        # Called with each robots.txt answer and what it was for, so that the archive keeps it too.
        self.observer = None
        self._gaps: dict[str, float] = {}  # a robots.txt Crawl-delay longer than ours

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def fetch(self, url: str, *, cdx: bool = False, etag: str | None = None,
              last_modified: str | None = None) -> Response | Failure:
        if host_of(url) not in self.politeness.allowed_hosts:
            return Failure(url, 0, None, f"host {host_of(url)} is not on the allow-list")
        if not self.allowed_by_robots(url):
            return Failure(url, 0, None, "disallowed by robots.txt")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        last: _Retry | None = None
        backoff = self.politeness.backoff
        for attempt in range(1, self.politeness.retries + 2):
            try:
                return self._follow(url, headers, cdx, attempt)
            except _Failed as failed:
                return Failure(url, attempt, failed.status, failed.reason)
            except _Retry as retry:
                last = retry
                if attempt > self.politeness.retries:
                    break
                wait = retry.wait if retry.wait is not None else backoff
                if wait > self.politeness.max_retry_after:
                    return Failure(url, attempt, retry.status,
                                   f"{retry.reason}; asked to wait {wait:.0f} s, more than the {self.politeness.max_retry_after:.0f} s allowed")
                self.clock.hold(host_of(url), wait)
                backoff *= 2
        return Failure(url, attempt, last.status if last else None, f"{last.reason} (after {attempt} attempts)")

    def _follow(self, url: str, headers: dict, cdx: bool, attempt: int) -> Response:
        seen = {url}
        for _ in range(MAX_REDIRECTS + 1):
            response = self._request(url, headers, cdx, attempt)
            if not isinstance(response, str):
                return response
            location = urljoin(url, response)
            if location in seen:
                raise _Failed(f"redirect loop at {location}")
            if host_of(location) not in self.politeness.allowed_hosts:
                raise _Failed(f"redirected to {host_of(location)}, which is not on the allow-list")
            if not self.allowed_by_robots(location):
                raise _Failed(f"redirected to {location}, disallowed by robots.txt")
            seen.add(location)
            url = location
        raise _Failed(f"more than {MAX_REDIRECTS} redirects")

    def _request(self, url: str, headers: dict, cdx: bool, attempt: int) -> Response | str:
        """One request: a Response, or the Location of a redirect. Raises _Retry or HardStop."""
        host = host_of(url)
        self.clock.wait_turn(host)
        fetched_at = datetime.now(timezone.utc)
        try:
            with self._client.stream("GET", url, headers=headers) as reply:
                status = reply.status_code
                if 300 <= status < 400 and status != 304 and reply.headers.get("location"):
                    return reply.headers["location"]
                if status == 403:
                    raise HardStop(f"{host} answered 403 Forbidden to {url}: the server refuses this client. "
                                   "Stop here; check the contact address (OOH_CONTACT) and the site's terms "
                                   "before trying again.")
                if status in RETRYABLE:
                    raise _Retry(f"HTTP {status}", status, _retry_after(reply.headers.get("retry-after")))
                raw = self._read_capped(reply)
                body = _decode(raw, reply.headers.get("content-encoding"))
                return Response(str(reply.url), status, reply.reason_phrase, list(reply.headers.multi_items()),
                                raw, body, fetched_at, attempt)
        except httpx.TimeoutException as exc:
            raise _Retry(f"timed out after {self.politeness.timeout:g} s ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise _Retry(f"connection failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")) from exc
        finally:
            self.clock.release(host, max(self.politeness.wait_for(cdx), self._gaps.get(host, 0.0)))

    def _read_capped(self, reply: httpx.Response) -> bytes:
        cap = self.politeness.max_bytes
        declared = reply.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise _Failed(f"response of {int(declared):,} bytes is larger than the {cap:,} allowed")
        chunks, size = [], 0
        for chunk in reply.iter_raw():
            size += len(chunk)
            if size > cap:
                raise _Failed(f"response larger than the {cap:,} bytes allowed")
            chunks.append(chunk)
        return b"".join(chunks)

    def allowed_by_robots(self, url: str) -> bool:
        parts = urlsplit(url)
        host = parts.netloc.lower()
        if parts.path == "/robots.txt":
            return True
        if host not in self._robots:
            self._robots[host] = self._read_robots(f"{parts.scheme}://{host}/robots.txt")
            rules = self._robots[host]
            delay = rules.crawl_delay(PRODUCT) if rules else None
            if delay:
                self._gaps[host] = float(delay)
        rules = self._robots[host]
        return rules is None or rules.can_fetch(url, PRODUCT)

    def _read_robots(self, robots_url: str) -> Protego | None:
        """The host's rules; None (all allowed) when it has no robots.txt. An unreadable one allows nothing."""
        answer = self.fetch(robots_url)
        if isinstance(answer, Response) and self.observer is not None:
            self.observer(answer, "robots")
        if isinstance(answer, Response) and answer.status == 200:
            return Protego.parse(answer.body.decode("utf-8", "replace"))
        if isinstance(answer, Response) and 400 <= answer.status < 500:
            return None
        return Protego.parse("User-agent: *\nDisallow: /\n")


class _Failed(_Retry):
    """Not worth retrying: the same request will fail the same way."""


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _decode(raw: bytes, encoding: str | None) -> bytes:
    encoding = (encoding or "").strip().lower()
    if encoding in ("", "identity"):
        return raw
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise _Failed(f"unsupported content-encoding {encoding}")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS)
    try:
        body = inflater.decompress(raw) + inflater.flush()
    except zlib.error as exc:
        raise _Retry(f"corrupt {encoding} body ({exc})") from exc
    if not inflater.eof:
        raise _Retry(f"truncated {encoding} body")
    return body
