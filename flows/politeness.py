"""How the pipeline behaves on other people's servers: identification, pacing, retries, limits.

Defaults follow what users of Scrapy expect (obey robots.txt, one request at a time per host, about a
second between requests with jitter, retry 408/429/5xx with backoff, honour Retry-After), with a
stricter pace for the Wayback Machine's CDX API, which blocks clients that send more than about 60
requests a minute.
"""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from flows.settings import Settings

RETRYABLE = frozenset({408, 429, 500, 502, 503, 504, 522, 524})
PRODUCT = "ooh-warehouse"  # the name robots.txt rules address


@dataclass(frozen=True, slots=True)
class Politeness:
    contact: str  # an e-mail address BLS can reach the operator at; goes into the User-Agent
    allowed_hosts: frozenset[str]  # host[:port] values the client may request; links elsewhere are never followed
    delay: float = 1.0  # seconds between two requests to one host
    cdx_delay: float = 2.0  # seconds between two Wayback CDX API requests (30 a minute)
    jitter: float = 0.5  # each wait is delay x (1 +- jitter/2), so that requests do not beat a rhythm
    timeout: float = 30.0  # seconds for connecting and for each read
    deadline: float = 120.0  # seconds for a whole response, from connecting to its last byte
    max_bytes: int = 5_000_000  # a larger response, as sent or decoded, is refused
    retries: int = 4  # further attempts after a retryable status or a connection error
    backoff: float = 2.0  # seconds before the first retry, doubled for each next one
    max_retry_after: float = 600.0  # a longer Retry-After ends the attempts for that URL
    freshness_days: float = 7.0  # a live page archived more recently than this is not fetched again

    @property
    def user_agent(self) -> str:
        return f"{PRODUCT}/0.1 (+{self.contact})"

    def wait_for(self, cdx: bool = False) -> float:
        base = self.cdx_delay if cdx else self.delay
        return base * (1 + self.jitter * (random.random() - 0.5))


def politeness_for(settings: Settings, contact: str, hosts: list[str], delay: float | None = None) -> Politeness:
    return Politeness(
        contact=contact, allowed_hosts=frozenset(hosts),
        delay=settings.delay if delay is None else delay,
        # an overridden delay scales the CDX API's stricter one alike
        cdx_delay=settings.cdx_delay if delay is None else delay * settings.cdx_delay / settings.delay,
        timeout=settings.timeout, deadline=settings.response_deadline, retries=settings.retries,
        max_bytes=settings.max_bytes, freshness_days=settings.freshness_days,
    )


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


@dataclass
class HostClock:
    """When each host may be asked next. Thread-safe: every request of the process goes through it."""

    sleep: object = time.sleep
    now: object = time.monotonic
    _next: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_turn(self, host: str) -> None:
        """Sleep until `host` may be asked again."""
        with self._lock:
            pause = self._next.get(host, 0.0) - self.now()
        if pause > 0:
            self.sleep(pause)

    def release(self, host: str, gap: float) -> None:
        """A request to `host` just ended: the next may start `gap` seconds from now. Counting from the
        end, not the start, keeps the spacing the server sees at least `gap`, however slow a request was."""
        with self._lock:
            self._next[host] = max(self._next.get(host, 0.0), self.now() + gap)

    def hold(self, host: str, seconds: float) -> None:
        """Ask nothing of `host` for `seconds` (a Retry-After)."""
        with self._lock:
            self._next[host] = max(self._next.get(host, 0.0), self.now() + seconds)
