"""The write-once archive: every response the pipeline receives, as a WARC record, replayable offline.

Each fetch run appends to WARC files of its own (gzip-compressed records, `ooh-<run>-<n>.warc.gz` in
the archive folder) and never touches them after; the warehouse's `captures` table indexes them. Each
record also carries its own index row (`Ooh-*` header fields), so that records a run wrote but could not
index (it was killed) are indexed by the next run.

Reading trusts nothing a file says (ours, or another tool's): see scan_warc.
"""
from __future__ import annotations

import base64
import hashlib
import io
import mmap
import os
import re
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from flows.http import BodyDecoder, BodyError, Response

# Hop-by-hop headers describe the transfer, not the body the record keeps (already de-chunked).
_DROP = frozenset({"transfer-encoding", "connection", "keep-alive"})
MAX_WARC_BYTES = 1_000_000_000
MAX_HEAD = 64 * 1024  # a WARC header block, or an HTTP head, longer than this is not one
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 64 * 1024
_WARC_LINE = re.compile(rb"WARC/1\.[01]\r\n")
_SEPARATED_HEADER = b"\r\n\r\nWARC/1."  # the end of one record and the start of the next


class WarcArchive:
    def __init__(self, directory: Path, run_id: str):
        self.directory = Path(directory)  # made with the first record: a run that archives nothing leaves no trace
        self.run_id = run_id
        self._lock = threading.Lock()
        self._part = 0
        self._file = None

    def _open(self):
        if self._file is None or self._file.tell() > MAX_WARC_BYTES:
            if self._file:
                self._file.close()
            self._part += 1
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / f"ooh-{self.run_id}-{self._part:03d}.warc.gz"
            self._file = path.open("xb")  # write-once: never reopen an existing file
        return self._file

    def close(self) -> None:
        with self._lock:
            if self._file:
                self._file.close()
                self._file = None

    def save_response(self, response: Response, **meta) -> dict:
        """Append a response record; returns its index row (meta: url, page_url, source_kind, ...)."""
        headers = [(k, v) for k, v in response.headers if k.lower() not in _DROP]
        http = StatusAndHeaders(f"{response.status} {response.reason}".strip(), headers, protocol="HTTP/1.1")
        record_type = "revisit" if response.status == 304 else "response"
        payload = b"" if record_type == "revisit" else response.raw
        return self._append(record_type, response, http, payload, meta)

    def save_revisit(self, response: Response, **meta) -> dict:
        """The same bytes as the page's last capture: a revisit record (headers only) refers to it."""
        headers = [(k, v) for k, v in response.headers if k.lower() not in _DROP]
        http = StatusAndHeaders(f"{response.status} {response.reason}".strip(), headers, protocol="HTTP/1.1")
        return self._append("revisit", response, http, b"", meta)

    def _append(self, record_type: str, response: Response, http: StatusAndHeaders, payload: bytes, meta: dict) -> dict:
        if meta.get("sha256") is None and record_type == "response":
            meta["sha256"] = hashlib.sha256(response.body).hexdigest()
        row = {
            "record_type": record_type, "fetch_url": response.requested_url or response.url,
            "fetched_at": _naive(response.fetched_at), "status": response.status,
            "bytes": len(response.body) if record_type == "response" else None,
            "etag": response.header("etag"), "last_modified": response.header("last-modified"),
            "run_id": self.run_id, **meta,
        }
        warc_headers = {"WARC-Date": response.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"), **_index_fields(row)}
        if record_type == "revisit":
            warc_headers["WARC-Profile"] = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
        with self._lock:
            handle = self._open()
            writer = WARCWriter(handle, gzip=True)
            record = writer.create_warc_record(response.url, record_type, payload=io.BytesIO(payload),
                                               http_headers=http, warc_headers_dict=warc_headers)
            offset = handle.tell()
            writer.write_record(record)
            handle.flush()
            length = handle.tell() - offset
            name = Path(handle.name).name
        return {"warc_file": name, "warc_offset": offset, "warc_length": length, **row}


def _index_fields(row: dict) -> dict[str, str]:
    """The index row's fields a record does not hold by itself, as WARC header fields (read_index_rows)."""
    fields = {"Ooh-Source-Kind": row["source_kind"], "Ooh-Url": row["url"], "Ooh-Fetch-Url": row["fetch_url"],
              "Ooh-Page-Url": row["page_url"], "Ooh-Captured-At": _naive(row["captured_at"]).isoformat(),
              "Ooh-Fetched-At": row["fetched_at"].isoformat(), "Ooh-Run-Id": row["run_id"]}
    optional = {"Ooh-Edition": row.get("edition"), "Ooh-Sha256": row.get("sha256"), "Ooh-Bytes": row.get("bytes")}
    return {**fields, **{name: str(value) for name, value in optional.items() if value is not None}}


# --- reading: every record checked, none trusted --------------------------------------------------------
class RecordError(Exception):
    """A record that cannot be read: `code` (bad_record, too_large) and a one-line reason. `resume`: where
    the next record starts, when the bad one's extent is known."""

    def __init__(self, code: str, reason: str, resume: int | None = None):
        super().__init__(reason)
        self.code, self.reason, self.resume = code, reason, resume


@dataclass(slots=True)
class Record:
    offset: int  # where the record (or its gzip member) starts in the file
    length: int  # its bytes in the file
    headers: dict[str, str]  # WARC header fields, names lower-cased
    block: bytes  # the record's content: for a response, the HTTP message as received

    @property
    def type(self) -> str:
        return self.headers.get("warc-type", "")

    @property
    def uri(self) -> str:
        return self.headers.get("warc-target-uri", "")


@dataclass(slots=True)
class BadRecord:
    offset: int
    code: str
    reason: str


def record_limit(max_bytes: int) -> int:
    """The largest record block read: an HTTP head and a body of up to max_bytes as sent."""
    return max_bytes + MAX_HEAD


def scan_warc(path: Path, max_bytes: int) -> Iterator[Record | BadRecord]:
    """Every record of a WARC file (uncompressed, or gzip-compressed record by record), in order. A record
    that does not hold together is a BadRecord with its reason, and reading goes on at the next record:
    its own end when that is known, else the next WARC header (or gzip member holding one)."""
    with _mapped(Path(path)) as data:
        if data[:2] == _GZIP_MAGIC:
            yield from _scan_members(data, max_bytes)
        else:
            yield from _scan_plain(data, max_bytes)


def read_record(directory: Path, warc_file: str, offset: int, max_bytes: int) -> bytes:
    """The body of the response record at `offset`, content-encoding undone. Raises RecordError."""
    with _mapped(Path(directory) / warc_file) as data:
        if offset >= len(data):
            raise RecordError("bad_record", f"no record at offset {offset:,}: the file has {len(data):,} bytes")
        if data[offset:offset + 2] == _GZIP_MAGIC:
            record = _member_record(data, offset, max_bytes)[0]
        else:
            record = _plain_record(data, offset, max_bytes)[0]
    return response_body(record, max_bytes)


def response_status(record: Record) -> int:
    """The HTTP status of a response record. Raises RecordError."""
    return _http_message(record.block)[0]


def response_body(record: Record, max_bytes: int) -> bytes:
    """A response record's payload with its transfer and content encodings undone, refused past max_bytes."""
    _, headers, payload = _http_message(record.block)
    if "chunked" in headers.get("transfer-encoding", "").lower():  # as some tools archive it
        payload = _dechunked(payload)
    try:
        decoder = BodyDecoder(headers.get("content-encoding"), max_bytes)
        decoder.feed(payload)
        return decoder.finish()
    except BodyError as exc:
        raise RecordError("too_large" if exc.code == "too_large" else "bad_record", f"payload: {exc.reason}") from exc


@contextmanager
def _mapped(path: Path) -> Iterator[bytes | mmap.mmap]:
    """The file's bytes, mapped rather than read: archives run to a gigabyte per file."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            yield b""
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            yield data


def _scan_plain(data, max_bytes: int) -> Iterator[Record | BadRecord]:
    pos = _skip_blank(data, 0)
    while pos < len(data):
        try:
            record, pos = _plain_record(data, pos, max_bytes)
            yield record
        except RecordError as bad:
            yield BadRecord(pos, bad.code, bad.reason)
            pos = bad.resume if bad.resume is not None else _next_header(data, pos + 1)
        pos = _skip_blank(data, pos)


def _scan_members(data, max_bytes: int) -> Iterator[Record | BadRecord]:
    pos = 0
    while pos < len(data):
        try:
            record, pos = _member_record(data, pos, max_bytes)
            yield record
        except RecordError as bad:
            yield BadRecord(pos, bad.code, bad.reason)
            pos = bad.resume if bad.resume is not None else _next_member(data, pos + 1)


def _plain_record(data, pos: int, max_bytes: int) -> tuple[Record, int]:
    """The uncompressed record at pos, and where the next one starts. Its Content-Length is believed only
    if the record ends there (with the CRLF CRLF separator) and no other record starts inside it: a wrong
    length must not swallow the records after it."""
    headers, start = _warc_header(data, pos)
    declared = headers.get("content-length", "").strip()
    if not declared.isdigit():
        raise RecordError("bad_record", f"its Content-Length {declared!r} is not a number of bytes")
    length = int(declared)
    end = start + length
    if end > len(data):
        raise RecordError("bad_record", f"it declares {length:,} bytes, more than the {len(data) - start:,} "
                                        "left in the file")
    inner = _record_inside(data, start, end)
    if inner is not None:
        raise RecordError("bad_record", f"its declared {length:,} bytes run over the next record (at offset "
                                        f"{inner:,})", resume=inner)
    if data[end:end + 4] != b"\r\n\r\n":
        raise RecordError("bad_record", f"it does not end where its Content-Length of {length:,} bytes says")
    if length > record_limit(max_bytes):
        raise RecordError("too_large", f"a record of {length:,} bytes, more than the {record_limit(max_bytes):,} "
                                       "allowed", resume=end + 4)
    block = data[start:end]
    _check_digest(headers, block, resume=end + 4)
    return Record(pos, end + 4 - pos, headers, block), end + 4


def _member_record(data, pos: int, max_bytes: int) -> tuple[Record, int]:
    """The record of the gzip member at pos (the standard's one record per member), and where the next
    member starts."""
    plain, end = _inflated_member(data, pos, record_limit(max_bytes) + MAX_HEAD)
    try:
        record, after = _plain_record(plain, 0, max_bytes)
    except RecordError as bad:
        raise RecordError(bad.code, bad.reason, resume=end) from bad
    if _skip_blank(plain, after) < len(plain):
        raise RecordError("bad_record", "a gzip member holding more than one record: this reader needs one "
                                        "record per member (the WARC standard's advice); gunzip the file and "
                                        "read the .warc", resume=end)
    return Record(pos, end - pos, record.headers, record.block), end


def _inflated_member(data, pos: int, limit: int) -> tuple[bytes, int]:
    """The decompressed bytes of the gzip member at pos, and where it ends; never more than `limit` bytes
    (a 27 KB member can hold a gigabyte)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    parts, size, at = [], 0, pos
    try:
        while not inflater.eof:
            if at >= len(data):
                raise RecordError("bad_record", "a gzip member cut short: the file ends inside it")
            pending = data[at:at + _CHUNK]
            at += len(pending)
            while pending and not inflater.eof:
                out = inflater.decompress(pending, limit + 1 - size)
                size += len(out)
                if size > limit:
                    raise RecordError("too_large", f"a record larger than the {limit:,} bytes allowed once "
                                                   "decompressed")
                parts.append(out)
                pending = inflater.unconsumed_tail
    except zlib.error as exc:
        raise RecordError("bad_record", f"a corrupt gzip member ({exc})") from exc
    return b"".join(parts), at - len(inflater.unused_data)


def _warc_header(data, pos: int) -> tuple[dict[str, str], int]:
    """The WARC header fields of the record at pos, and where its block starts."""
    if not _WARC_LINE.match(data, pos):
        raise RecordError("bad_record", "no WARC record starts here")
    end = data.find(b"\r\n\r\n", pos, pos + MAX_HEAD)
    if end < 0:
        raise RecordError("bad_record", f"its WARC header does not end within {MAX_HEAD:,} bytes")
    return _fields(bytes(data[pos:end]).split(b"\r\n")[1:]), end + 4


def _fields(lines: list[bytes]) -> dict[str, str]:
    fields = {}
    for line in lines:
        name, sep, value = line.decode("utf-8", "replace").partition(":")
        if sep:
            fields[name.strip().lower()] = value.strip()
    return fields


def _looks_like_record(data, pos: int) -> bool:
    try:
        headers, _ = _warc_header(data, pos)
    except RecordError:
        return False
    return "warc-type" in headers and headers.get("content-length", "").strip().isdigit()


def _record_inside(data, start: int, end: int) -> int | None:
    """Where a record starts (after a record separator) inside [start, end), if one does."""
    at = data.find(_SEPARATED_HEADER, start, end)
    while at >= 0:
        if _looks_like_record(data, at + 4):
            return at + 4
        at = data.find(_SEPARATED_HEADER, at + 1, end)
    return None


def _next_header(data, start: int) -> int:
    """The next place a WARC record starts, or the end of the data."""
    at = data.find(b"WARC/1.", start)
    while at >= 0:
        if _looks_like_record(data, at):
            return at
        at = data.find(b"WARC/1.", at + 1)
    return len(data)


def _next_member(data, start: int) -> int:
    """The next gzip member that decompresses to a WARC record, or the end of the data."""
    at = data.find(_GZIP_MAGIC + b"\x08", start)
    while at >= 0:
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[at:at + 4096], 16)
        except zlib.error:
            head = b""
        if head.startswith(b"WARC/1."):
            return at
        at = data.find(_GZIP_MAGIC + b"\x08", at + 1)
    return len(data)


def _skip_blank(data, pos: int) -> int:
    while pos < len(data) and data[pos:pos + 1] in (b"\r", b"\n"):
        pos += 1
    return pos


def _check_digest(headers: dict[str, str], block: bytes, resume: int) -> None:
    """A record whose block no longer matches its WARC-Block-Digest is corrupt (a flipped byte in an
    uncompressed file has no other sign)."""
    algorithm, _, expected = headers.get("warc-block-digest", "").partition(":")
    if not expected:
        return
    try:
        digest = hashlib.new(algorithm.strip().lower().replace("-", ""), block).digest()
    except ValueError:  # an algorithm this Python does not have: nothing to check against
        return
    if expected.strip().upper().rstrip("=") not in (base64.b32encode(digest).decode().rstrip("="), digest.hex().upper()):
        raise RecordError("bad_record", f"its content does not match its {algorithm} block digest (corrupt)",
                          resume=resume)


def _http_message(block: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status, headers with lower-cased names, payload) of an HTTP response message."""
    end = block.find(b"\r\n\r\n", 0, MAX_HEAD)
    if end < 0:
        raise RecordError("bad_record", "no HTTP head in the response record")
    lines = block[:end].split(b"\r\n")
    parts = lines[0].split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
        raise RecordError("bad_record", f"not an HTTP status line: {lines[0][:60]!r}")
    return int(parts[1]), _fields(lines[1:]), block[end + 4:]


def _dechunked(payload: bytes) -> bytes:
    """A chunked payload's data; the payload itself when it is not well-formed chunks (as warcio reads it)."""
    parts, pos = [], 0
    while True:
        line_end = payload.find(b"\r\n", pos)
        size = payload[pos:line_end].split(b";")[0].strip() if line_end >= 0 else b""
        try:
            length = int(size, 16)
        except ValueError:
            return payload
        if length == 0:
            return b"".join(parts)
        parts.append(payload[line_end + 2:line_end + 2 + length])
        pos = line_end + 2 + length + 2


def read_index_rows(path: Path, max_bytes: int) -> tuple[list[dict], int]:
    """The index rows (as WarcArchive wrote them) of the records of one of the archive's files, and how many
    records could not be indexed (unreadable, or written before records carried their index fields)."""
    rows, skipped = [], 0
    for item in scan_warc(path, max_bytes):
        if isinstance(item, BadRecord) or "ooh-source-kind" not in item.headers:
            skipped += 1
            continue
        try:
            rows.append(_index_row(item, Path(path).name))
        except RecordError:
            skipped += 1
    return rows, skipped


def _index_row(record: Record, warc_file: str) -> dict:
    h = record.headers
    status, http, _ = _http_message(record.block)
    return {
        "warc_file": warc_file, "warc_offset": record.offset, "warc_length": record.length,
        "record_type": record.type, "url": h["ooh-url"], "fetch_url": h["ooh-fetch-url"],
        "page_url": h["ooh-page-url"], "source_kind": h["ooh-source-kind"], "edition": h.get("ooh-edition"),
        "captured_at": datetime.fromisoformat(h["ooh-captured-at"]),
        "fetched_at": datetime.fromisoformat(h["ooh-fetched-at"]),
        "status": status, "sha256": h.get("ooh-sha256"),
        "bytes": int(h["ooh-bytes"]) if "ooh-bytes" in h else None,
        "etag": http.get("etag"), "last_modified": http.get("last-modified"), "run_id": h["ooh-run-id"],
    }


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)
