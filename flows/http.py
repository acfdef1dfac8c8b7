"""fetch_* over HTTP, politely: one request at a time per host, paced, retried, capped, robots.txt obeyed.

`PoliteClient.fetch` returns a `Response` (whatever the status: a 404 is an answer to record) or a
`Failure` with a one-line reason after the retries are spent. A 403 raises `HardStop`: the server
refuses this client, and the run must stop rather than try to get round it. So does the run's deadline
(`RunDeadline`).

Limits hold whatever the server does: a response has a wall-clock deadline from connecting to its last
byte (httpx's timeouts are per read, so a server trickling a byte a second would never be cut off), and
its body is refused past `max_bytes` both as sent and as decoded, counted while it streams in.
"""
from __future__ import annotations

import email.utils
import threading
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from protego import Protego

from flows.politeness import PRODUCT, RETRYABLE, HostClock, Politeness, host_of

MAX_REDIRECTS = 5


class HardStop(Exception):
    """The server refused this client (403): stop the run, report, do not retry."""


class RunDeadline(HardStop):
    """The run's deadline passed: stop asking, keep what was archived."""


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
    requested_url: str = ""  # what was asked for, before redirects (the archive index's fetch_url)

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
    def __init__(self, politeness: Politeness, clock: HostClock | None = None, run_deadline: float | None = None):
        """run_deadline: seconds from now after which no request starts or goes on (RunDeadline)."""
        self.politeness = politeness
        self.clock = clock or HostClock()
        self.run_deadline = run_deadline
        self.stop_at = None if run_deadline is None else time.monotonic() + run_deadline
        self._deadline = _Deadline()
        self._client = httpx.Client(
            headers={"User-Agent": politeness.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(politeness.timeout),
            follow_redirects=False,
            # Requests are made one at a time; a connection per host is all that is ever open.
            limits=httpx.Limits(max_connections=max(1, len(politeness.allowed_hosts)), max_keepalive_connections=4),
        )
        _enforce_deadline(self._client, self._deadline)
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
            self._check_run_deadline()
            try:
                answer = self._follow(url, headers, cdx, attempt)
                answer.requested_url = url
                return answer
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
                if self.stop_at is not None and time.monotonic() + wait >= self.stop_at:
                    self._check_run_deadline(passed=True)  # waiting would outlast the run
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

    def _check_run_deadline(self, passed: bool = False) -> None:
        if self.stop_at is not None and (passed or time.monotonic() >= self.stop_at):
            raise RunDeadline(f"the run's deadline of {self.run_deadline:g} s (OOH_RUN_DEADLINE) passed: running the "
                              "same command again continues where it stopped.")

    def _request(self, url: str, headers: dict, cdx: bool, attempt: int) -> Response | str:
        """One request: a Response, or the Location of a redirect. Raises _Retry or HardStop."""
        host = host_of(url)
        self.clock.wait_turn(host)
        self._check_run_deadline()
        fetched_at = datetime.now(timezone.utc)
        until = time.monotonic() + self.politeness.deadline
        run_ends_first = self.stop_at is not None and self.stop_at < until
        self._deadline.start(self.stop_at if run_ends_first else until)
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
                raw, body = self._read_body(reply)
                return Response(str(reply.url), status, reply.reason_phrase, list(reply.headers.multi_items()),
                                raw, body, fetched_at, attempt)
        except httpx.TimeoutException as exc:
            if self._deadline.passed():
                self._check_run_deadline(passed=run_ends_first)
                raise _Failed(f"no complete response within {self.politeness.deadline:g} s "
                              "(OOH_RESPONSE_DEADLINE)") from exc
            raise _Retry(f"timed out after {self.politeness.timeout:g} s ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise _Retry(f"connection failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")) from exc
        finally:
            self._deadline.start(None)
            self.clock.release(host, max(self.politeness.wait_for(cdx), self._gaps.get(host, 0.0)))

    def _read_body(self, reply: httpx.Response) -> tuple[bytes, bytes]:
        """The body as sent and decoded, each refused past the cap as it streams in (a small gzip body
        can decode to gigabytes)."""
        cap = self.politeness.max_bytes
        declared = reply.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise _Failed(f"response of {int(declared):,} bytes is larger than the {cap:,} allowed")
        try:
            decoder = BodyDecoder(reply.headers.get("content-encoding"), cap)
            chunks, size = [], 0
            for chunk in reply.iter_raw():
                size += len(chunk)
                if size > cap:
                    raise _Failed(f"response larger than the {cap:,} bytes allowed")
                chunks.append(chunk)
                decoder.feed(chunk)
                if time.monotonic() >= self._deadline.until:  # belt and braces: the transport checks it at every read
                    raise httpx.ReadTimeout("deadline passed")
            return b"".join(chunks), decoder.finish()
        except BodyError as exc:
            raise (_Retry if exc.transient else _Failed)(exc.reason) from exc

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


class BodyError(ValueError):
    """A body that cannot be decoded within the limits. `code`: too_large, corrupt or unsupported;
    `transient`: asking again may help (a body cut short in transit)."""

    def __init__(self, code: str, reason: str, transient: bool = False):
        super().__init__(reason)
        self.code, self.reason, self.transient = code, reason, transient


class BodyDecoder:
    """A body's content-encoding undone as its bytes arrive, refused as soon as it decodes past `cap`
    bytes: a 1 MB gzip body of zeros would otherwise become a gigabyte in memory."""

    def __init__(self, encoding: str | None, cap: int):
        self.encoding = (encoding or "").strip().lower()
        self.cap = cap
        self.size = 0
        self._parts: list[bytes] = []
        if self.encoding in ("", "identity"):
            self._inflater = None
        elif self.encoding in ("gzip", "x-gzip", "deflate"):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS if "gzip" in self.encoding else zlib.MAX_WBITS)
        else:
            raise BodyError("unsupported", f"unsupported content-encoding {self.encoding}")

    def feed(self, data: bytes) -> None:
        if self._inflater is None:
            self._take(data)
            return
        try:
            while data:
                # max_length: never more than one byte past the cap at a time (0 would mean unlimited,
                # and _take has refused the body before the room left can reach 0)
                self._take(self._inflater.decompress(data, self.cap + 1 - self.size))
                data = self._inflater.unconsumed_tail
        except zlib.error as exc:
            raise BodyError("corrupt", f"corrupt {self.encoding} body ({exc})", transient=True) from exc

    def finish(self) -> bytes:
        if self._inflater is not None:
            if not self._inflater.eof:
                raise BodyError("corrupt", f"truncated {self.encoding} body", transient=True)
        return b"".join(self._parts)

    def _take(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.cap:
            encoded = f" once {self.encoding}-decoded" if self._inflater is not None else ""
            raise BodyError("too_large", f"body larger than the {self.cap:,} bytes allowed{encoded}")
        self._parts.append(data)


# --- the deadline, enforced at the socket ---------------------------------------------------------------
class _Deadline(threading.local):
    """The current request's deadline (time.monotonic()), per thread; None outside a request."""

    until: float | None = None
    binding: bool = False  # the last socket operation's timeout was cut short to the deadline

    def start(self, until: float | None) -> None:
        self.until, self.binding = until, False

    def passed(self) -> bool:
        """Whether a timeout that just happened is the deadline's (not the per-read timeout's)."""
        return self.until is not None and (self.binding or time.monotonic() >= self.until)

    def clamp(self, timeout: float | None) -> float | None:
        """The timeout of the next socket operation: never past the deadline."""
        if self.until is None:
            return timeout
        left = self.until - time.monotonic()
        self.binding = timeout is None or left <= timeout
        if left <= 0:
            raise httpcore.ReadTimeout("deadline passed")
        return min(timeout, left) if timeout is not None else left


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the deadline, headers included."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: _Deadline):
        self._stream, self._deadline = stream, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._deadline.clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._deadline.clamp(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None, timeout: float | None = None):
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, self._deadline.clamp(timeout)),
                               self._deadline)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, deadline: _Deadline):
        self._backend, self._deadline = httpcore.SyncBackend(), deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        stream = self._backend.connect_tcp(host, port, self._deadline.clamp(timeout), local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        stream = self._backend.connect_unix_socket(path, self._deadline.clamp(timeout), socket_options)
        return _DeadlineStream(stream, self._deadline)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def _enforce_deadline(client: httpx.Client, deadline: _Deadline) -> None:
    """Put every connection the client makes (directly, or through a proxy from HTTP_PROXY and the like)
    on a network backend that enforces the deadline. httpx has no parameter for an httpcore backend (and
    a transport of one's own would turn its environment proxies off), so it is set on the pools httpx
    built; checked, so that an httpx that changes this fails here, loudly, rather than fetch without
    deadlines."""
    transports = [client._transport, *(t for t in client._mounts.values() if t is not None)]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        if not isinstance(pool, httpcore.ConnectionPool) or not hasattr(pool, "_network_backend"):
            raise RuntimeError(f"httpx {httpx.__version__}: cannot set the network backend that enforces deadlines "
                               f"on {type(transport).__name__}")
        pool._network_backend = _DeadlineBackend(deadline)
