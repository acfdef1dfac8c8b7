"""Loopback stand-ins for bls.gov and the Wayback Machine, serving the real corpus under the real URL
paths, with faults on demand and a log of every request. Tests start and stop them; they listen on
127.0.0.1 only."""
from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
import socket
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

LAST_MODIFIED = "Thu, 28 Aug 2025 12:00:00 GMT"
TRICKLE_FOR = 120.0  # seconds a trickling answer goes on, unless the client hangs up first
BOMB_BYTES = 200 * 2**20  # what the gzip bomb decodes to: 200 MiB of zeros, about 200 KB as sent


def gzip_bomb(size: int = BOMB_BYTES) -> bytes:
    """A gzip stream of `size` zero bytes (about a thousandth of that)."""
    packer, block = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS), bytes(2**20)
    return b"".join([*(packer.compress(block) for _ in range(size // len(block))), packer.flush()])


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A client that hangs up on a kept-alive connection (after refusing a body, say) is no error."""
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


class FakeSite:
    """A site: routes (path -> bytes), a robots.txt, faults per path, a request log."""

    def __init__(self, pages: dict[str, bytes], robots: str = "User-agent: *\nAllow: /\n"):
        self.pages = dict(pages)
        self.robots = robots
        self.faults: dict[str, list[str]] = {}  # path -> faults to play, one per request, in order
        self.log: list[list] = []  # [monotonic time of arrival, path with query, status]
        self._lock = threading.Lock()
        self._gzip: dict[tuple[str, int], bytes] = {}
        self._bomb: bytes | None = None
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def setup(self):
                super().setup()
                # Headers and body go out in two writes: without this, Nagle's algorithm and delayed
                # ACKs add 40 ms to every response.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self):
                site.handle(self)

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fault(self, path: str, *faults: str) -> None:
        if "gzip-bomb" in faults and self._bomb is None:  # made now, not while a request waits for it
            self._bomb = gzip_bomb()
        with self._lock:
            self.faults.setdefault(path, []).extend(faults)

    @property
    def bomb(self) -> bytes | None:
        return self._bomb

    def requests(self, path: str | None = None) -> list[tuple[float, str, int]]:
        with self._lock:
            return [tuple(entry) for entry in self.log if path is None or urlsplit(entry[1]).path == path]

    # --- serving ---------------------------------------------------------------------------------------
    def handle(self, req: BaseHTTPRequestHandler) -> None:
        path = urlsplit(req.path).path
        with self._lock:  # logged on arrival: the time a request reached the server is what pacing is about
            fault = self.faults[path].pop(0) if self.faults.get(path) else None
            entry = [time.monotonic(), req.path, None]
            self.log.append(entry)
        req.log_entry = entry  # send() fills in the status before the body goes out: a client may be done first
        try:
            entry[2] = self.respond(req, path, fault)
        except (BrokenPipeError, ConnectionResetError):  # the client hung up first (a 403 it stops at)
            entry[2] = 0

    def body_for(self, req: BaseHTTPRequestHandler, path: str) -> bytes | None:
        if path == "/robots.txt":
            return self.robots.encode()
        return self.pages.get(path)

    def respond(self, req: BaseHTTPRequestHandler, path: str, fault: str | None) -> int:
        if fault and fault.startswith("429"):
            return self.send(req, 429, b"slow down", {"Retry-After": fault.split(":")[1]})
        if fault in ("503", "500", "403"):
            return self.send(req, int(fault), b"no")
        if fault and fault.startswith("slow"):
            time.sleep(float(fault.split(":")[1]))
        if fault and fault.startswith("trickle-head"):  # even the status line, a byte at a time
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"." * 2000 + b"\r\n\r\n"
            return self.trickle(req, head, float(fault.split(":")[1]))
        if fault == "redirect-loop":
            return self.send(req, 302, b"", {"Location": path})
        body = self.body_for(req, path)
        if body is None:
            return self.send(req, 404, b"<html><head><title>404: File Not Found</title></head></html>")
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        if req.headers.get("If-None-Match") == etag:
            return self.send(req, 304, b"", {"ETag": etag})
        headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED, "Content-Type": "text/html"}
        if fault == "oversize":
            return self.send(req, 200, body * 40, headers)
        if fault == "gzip-bomb":
            if self._bomb is None:
                self._bomb = gzip_bomb()
            return self.send(req, 200, self._bomb, {**headers, "Content-Encoding": "gzip"})
        if fault and fault.startswith("trickle"):  # headers at once, then the body a byte at a time
            req.send_response(200)
            for name, value in headers.items():
                req.send_header(name, value)
            req.send_header("Content-Length", str(len(body)))
            req.end_headers()
            req.wfile.flush()
            return self.trickle(req, body, float(fault.split(":")[1]))
        if fault == "drop":  # promise the whole body, send half, hang up
            req.send_response(200)
            for name, value in headers.items():
                req.send_header(name, value)
            req.send_header("Content-Length", str(len(body)))
            req.end_headers()
            req.wfile.write(body[: len(body) // 2])
            req.wfile.flush()
            req.close_connection = True
            req.connection.shutdown(2)
            return 200
        if fault == "truncated-gzip" or "gzip" in (req.headers.get("Accept-Encoding") or ""):
            packed = self.gzipped(path, body)
            if fault == "truncated-gzip":
                packed = packed[: len(packed) // 2]
            return self.send(req, 200, packed, {**headers, "Content-Encoding": "gzip"})
        return self.send(req, 200, body, headers)

    @staticmethod
    def trickle(req: BaseHTTPRequestHandler, data: bytes, interval: float) -> int:
        """Send `data` a byte every `interval` seconds: each read the client makes gets something, so
        no per-read timeout ever fires. Ends when the client hangs up (or after TRICKLE_FOR seconds)."""
        req.close_connection = True
        ends = time.monotonic() + TRICKLE_FOR
        for byte in data:
            if time.monotonic() > ends:
                break
            req.wfile.write(bytes([byte]))
            req.wfile.flush()
            time.sleep(interval)
        return 200

    def gzipped(self, path: str, body: bytes) -> bytes:
        key = (path, hashlib.sha1(body).digest())  # by content: CDX answers of one path differ by query
        if key not in self._gzip:
            self._gzip[key] = gzip.compress(body, compresslevel=6)
        return self._gzip[key]

    @staticmethod
    def send(req: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict | None = None) -> int:
        req.log_entry[2] = status
        req.send_response(status)
        if status == 403:
            req.close_connection = True
        for name, value in (headers or {}).items():
            req.send_header(name, value)
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        if body:
            req.wfile.write(body)
        return status


class FakeWayback(FakeSite):
    """The CDX API and id_ replay for captures of given original URLs, each captured once or several times.

    The CDX API as the Wayback Machine's answers it, for what the project asks: url with matchType=prefix
    (or exact), from/to (partial timestamps), filter=original:REGEX (a whole-field match; other filters
    are ignored: every capture here is a 200 text/html), collapse=digest (adjacent equal digests of a URL),
    and limit with showResumeKey/resumeKey paging. Replays ignore the scheme and a :80 port, as the
    Wayback Machine does."""

    def __init__(self, captures: dict[str, tuple[str, bytes] | list[tuple[str, bytes]]],
                 robots: str = "User-agent: *\nAllow: /\n"):
        # captures: original URL -> (14-digit timestamp, bytes), or a list of them
        super().__init__({}, robots)
        self.captures = captures

    def timeline(self) -> list[tuple[str, str, bytes]]:
        """(original, timestamp, bytes) of every capture, in CDX order (by URL, then time)."""
        rows = [(original, stamp, body) for original, held in self.captures.items()
                for stamp, body in (held if isinstance(held, list) else [held])]
        return sorted(rows, key=lambda row: (_key(row[0]), row[1]))

    def body_for(self, req: BaseHTTPRequestHandler, path: str) -> bytes | None:
        if path == "/cdx/search/cdx":
            return self.cdx(parse_qs(urlsplit(req.path).query))
        if path.startswith("/web/"):
            stamp, _, original = path[len("/web/"):].partition("/")
            return next((body for o, t, body in self.timeline() if _key(o) == _key(original) and stamp == t + "id_"),
                        None)
        return super().body_for(req, path)

    def cdx(self, query: dict[str, list[str]]) -> bytes:
        url, start, end = query["url"][0], query.get("from", [""])[0], query.get("to", ["9"])[0]
        prefix = query.get("matchType", ["exact"])[0] == "prefix"
        patterns = [re.compile(f[len("original:"):]) for f in query.get("filter", []) if f.startswith("original:")]
        rows, last = [], {}
        for original, stamp, body in self.timeline():
            bare = original.split("://", 1)[1]
            if not (bare.startswith(url) if prefix else bare == url) or not start <= stamp[: len(start)] <= end:
                continue
            if not all(p.fullmatch(original) for p in patterns):
                continue
            digest = hashlib.sha1(body).hexdigest().upper()
            if "collapse" in query and last.get(_key(original)) == digest:
                continue
            last[_key(original)] = digest
            rows.append(["gov,bls)" + urlsplit(original).path, stamp, original, "text/html", "200", digest,
                         str(len(body))])
        offset = int(query.get("resumeKey", ["0"])[0])
        limit = int(query.get("limit", [str(len(rows))])[0])
        page = [["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
                *rows[offset : offset + limit]]
        if "showResumeKey" in query and offset + limit < len(rows):
            page += [[], [str(offset + limit)]]
        return json.dumps(page).encode()


def _key(original: str) -> str:
    """A URL as the Wayback Machine matches it: without scheme or a :80 port."""
    parts = urlsplit(original)
    return parts.netloc.lower().removesuffix(":80") + parts.path


def live_site(corpus: Path) -> FakeSite:
    """The current corpus at /ooh/<group>/<slug>.htm, and the real A-Z index at /ooh/a-z-index.htm."""
    pages = {}
    for path in (corpus / "real" / "ooh-current").glob("*.html"):
        group, slug = path.stem.split("__")
        pages[f"/ooh/{group}/{slug}.htm"] = path.read_bytes()
    pages["/ooh/a-z-index.htm"] = next((corpus / "real" / "index-pages").glob("*.html")).read_bytes()
    return FakeSite(pages)


def wayback_site(corpus: Path, stamp: str = "20100601120000") -> FakeWayback:
    """The 2010-11 corpus as Wayback captures of its original URLs (http://www.bls.gov/oco/ocosNNN.htm)."""
    manifest = corpus / "real" / "MANIFEST.tsv"
    captures = {}
    with manifest.open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["path"].startswith("ooh-2010-11/") and "/errors/" not in row["path"] and row["original_url"]:
                captures[row["original_url"]] = (stamp, (corpus / "real" / row["path"]).read_bytes())
    return FakeWayback(captures)


# --- several editions of the same URLs, in both URL eras ----------------------------------------------
OCOS_PAGES = ("ocos103", "ocos001", "ocos002")  # medical records technicians, accountants, administrative managers
OOH_PAGES = ("healthcare__medical-records-and-health-information-technicians", "healthcare__medical-assistants")
# Captures whose date falls in one edition's window but whose content states the one before: a stale copy.
# Each is the latest capture of its window, so it is the first one tried.
STALE = {("http://www.bls.gov/oco/ocos103.htm", "20091201120000"): "2006-07",
         ("https://www.bls.gov/ooh/healthcare/medical-records-and-health-information-technicians.htm",
          "20230901120000"): "2020-30"}
NOT_LISTED = "/ooh/healthcare/an-occupation-the-index-does-not-list.htm"  # captured, but no A-Z index links it


def as_printed_edition(page: bytes, edition) -> bytes:
    """A 2010-11 ocos page rewritten to state another printed edition: its name and projection span."""
    span = f"{edition.projection_start}-{edition.projection_end % 100:02d}".encode()
    return page.replace(b"2010-11 Edition", f"{edition.name} Edition".encode()).replace(b"2008-18", span)


def as_web_edition(page: bytes, edition) -> bytes:
    """A current page rewritten to state another web edition: the years of Quick Facts and of the text, and
    for the editions named by two years (2012-13 to 2018-19) a citation line naming it, as theirs had."""
    base, end = edition.base_year, edition.projection_end
    page = page.replace("2024–34".encode(), f"{base}–{end % 100:02d}".encode())
    page = page.replace(b"2024 to 2034", f"{base} to {end}".encode())
    page = re.sub(rb"(?<![\d,$.])2024(?!\d)", str(base).encode(), page)
    if edition.name != f"{base}-{end % 100:02d}":
        citation = (f"<p>Bureau of Labor Statistics, U.S. Department of Labor, <em>Occupational Outlook Handbook, "
                    f"{edition.name} Edition</em>, on the Internet.</p></body>")
        page = page.replace(b"</body>", citation.encode(), 1)
    return page


def _middle(edition) -> str:
    from datetime import timedelta

    end = edition.on_site_to or edition.on_site_from + timedelta(days=120)
    return (edition.on_site_from + (end - edition.on_site_from) / 2).strftime("%Y%m%d") + "120000"


def editions_wayback(corpus: Path) -> FakeWayback:
    """Every catalogue edition's captures of the same few URLs, made from real corpus pages rewritten to
    state that edition (as_printed_edition, as_web_edition): three /oco/ocosNNN.htm pages through 2010-11
    (on stats.bls.gov for 1998-99, and 2000-01 but for ocos001), two /ooh/<group>/<slug>.htm pages and the
    A-Z index of the time since 2012-13 (https since 2018-28), a page captured that no index lists, and the
    STALE captures."""
    from parsers.editions import catalogue_edition, read_catalogue

    real = corpus / "real"
    ocos = {name: next((real / "ooh-2010-11").glob(f"{name}_*.html")).read_bytes() for name in OCOS_PAGES}
    ooh = {name: (real / "ooh-current" / f"{name}.html").read_bytes() for name in OOH_PAGES}
    index = next((real / "index-pages").glob("*.html")).read_bytes()
    captures: dict[str, list[tuple[str, bytes]]] = {}
    for edition in read_catalogue():
        stamp = _middle(edition)
        if edition.url_scheme == "ocos":
            for name, page in ocos.items():
                host = edition.hosts[0] if name != "ocos001" else edition.hosts[-1]
                captures.setdefault(f"http://{host}/oco/{name}.htm", []).append(
                    (stamp, as_printed_edition(page, edition)))
            continue
        scheme = "https" if edition.base_year >= 2018 else "http"
        for name, page in ooh.items():
            group, slug = name.split("__")
            captures.setdefault(f"{scheme}://www.bls.gov/ooh/{group}/{slug}.htm", []).append(
                (stamp, as_web_edition(page, edition)))
        captures.setdefault(f"{scheme}://www.bls.gov/ooh/a-z-index.htm", []).append((stamp[:8] + "000000", index))
        if edition.name == "2014-15":
            captures[f"http://www.bls.gov{NOT_LISTED}"] = [(stamp, as_web_edition(ooh[OOH_PAGES[0]], edition))]
    for (original, stamp), stated in STALE.items():
        page = ocos["ocos103"] if "/oco/" in original else ooh[OOH_PAGES[0]]
        rewrite = as_printed_edition if "/oco/" in original else as_web_edition
        captures[original].append((stamp, rewrite(page, catalogue_edition(stated))))
    return FakeWayback(captures)
