"""The write-once archive: every response the pipeline receives, as a WARC record, replayable offline.

Each fetch run appends to WARC files of its own (gzip-compressed records, `ooh-<run>-<n>.warc.gz` in
the archive folder) and never touches them after; the warehouse's `captures` table indexes them.
"""
from __future__ import annotations

import hashlib
import io
import threading
from datetime import datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from flows.http import Response

# Hop-by-hop headers describe the transfer, not the body the record keeps (already de-chunked).
_DROP = frozenset({"transfer-encoding", "connection", "keep-alive"})
MAX_WARC_BYTES = 1_000_000_000


class WarcArchive:
    def __init__(self, directory: Path, run_id: str):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.run_id = run_id
        self._lock = threading.Lock()
        self._part = 0
        self._file = None

    def _open(self):
        if self._file is None or self._file.tell() > MAX_WARC_BYTES:
            if self._file:
                self._file.close()
            self._part += 1
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
        warc_headers = {"WARC-Date": response.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")}
        if meta.get("sha256") is None and record_type == "response":
            meta["sha256"] = hashlib.sha256(response.body).hexdigest()
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
        return {
            "warc_file": name, "warc_offset": offset, "warc_length": length, "record_type": record_type,
            "fetch_url": response.url, "fetched_at": _naive(response.fetched_at), "status": response.status,
            "bytes": len(response.body) if record_type == "response" else None,
            "etag": response.header("etag"), "last_modified": response.header("last-modified"),
            "run_id": self.run_id, **meta,
        }


def read_record(directory: Path, warc_file: str, offset: int) -> bytes:
    """The body of the response record at `offset`, content-encoding undone."""
    with (Path(directory) / warc_file).open("rb") as handle:
        handle.seek(offset)
        record = next(iter(ArchiveIterator(handle)))
        return record.content_stream().read()


def iter_responses(path: Path):
    """(target URI, offset, status) of every response record of a WARC file."""
    with Path(path).open("rb") as handle:
        iterator = ArchiveIterator(handle)
        for record in iterator:
            if record.rec_type == "response" and record.http_headers is not None:
                yield (record.rec_headers.get_header("WARC-Target-URI"), iterator.get_record_offset(),
                       int(record.http_headers.get_statuscode() or 0))


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)
