"""Loopback stand-ins for bls.gov and the Wayback Machine, serving the real corpus under the real URL
paths, with faults on demand and a log of every request. Tests start and stop them; they listen on
127.0.0.1 only."""
from __future__ import annotations

import csv
import gzip
import hashlib
import json
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
        key = (path, len(body))
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
    """The CDX API and id_ replay for captures of given original URLs."""

    def __init__(self, captures: dict[str, tuple[str, bytes]], robots: str = "User-agent: *\nAllow: /\n"):
        # captures: original URL -> (14-digit timestamp, bytes)
        super().__init__({}, robots)
        self.captures = captures

    def body_for(self, req: BaseHTTPRequestHandler, path: str) -> bytes | None:
        if path == "/cdx/search/cdx":
            query = parse_qs(urlsplit(req.path).query)
            prefix, start, end = query["url"][0], query["from"][0], query["to"][0]
            rows = [["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]]
            for original, (stamp, body) in sorted(self.captures.items()):
                if original.split("://", 1)[1].startswith(prefix) and start <= stamp[: len(start)] <= end:
                    rows.append(["gov,bls)" + urlsplit(original).path, stamp, original, "text/html", "200",
                                 hashlib.sha1(body).hexdigest().upper(), str(len(body))])
            return json.dumps(rows).encode()
        if path.startswith("/web/"):
            stamp, _, original = path[len("/web/"):].partition("/")
            capture = self.captures.get(original)
            if capture and stamp == capture[0] + "id_":
                return capture[1]
        return super().body_for(req, path)


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
