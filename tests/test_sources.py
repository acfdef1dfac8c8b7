"""Sources where one bad entry never costs the rest: WARC files with corrupt records, records whose declared
length is wrong, and bombs among good records; folders with named pipes, sockets, devices, dangling links,
link loops and links out of the folder among good pages. Each bad entry is listed with its reason and
recorded as a rejected input; the good ones load; nothing hangs."""
import gzip
import hashlib
import io
import os
import random
import re
import shutil
import socket
import threading
import tracemalloc
import zlib
from pathlib import Path

import duckdb
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conftest import PAGES, run
from fake_sites import BOMB_BYTES, gzip_bomb
from flows.batch import read_inputs
from flows.sources import (InputRejected, PageRef, digest_page, list_local_pages, list_warc_pages, read_file,
                           read_page)

GOOD = sorted((PAGES / "current").glob("*.html"))[:5] + sorted((PAGES / "2010-11").glob("*.html"))[:4]
CAP = 1_000_000


def page_url(n: int) -> str:
    return f"https://www.bls.gov/ooh/test/page-{n}.htm"


def response_record(url: str, body: bytes, headers: tuple = (("Content-Type", "text/html"),)) -> bytes:
    """One uncompressed WARC response record as warcio writes it, digests included."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    http = StatusAndHeaders("200 OK", [*headers, ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
    return out.getvalue()


def good(n: int) -> bytes:
    return response_record(page_url(n), GOOD[n].read_bytes())


def declaring(record: bytes, length: int) -> bytes:
    """The record with another length in its WARC header (the first Content-Length: the WARC header's)."""
    return re.sub(rb"Content-Length: \d+", f"Content-Length: {length}".encode(), record, count=1)


def flipped(data: bytes) -> bytes:
    """16 bytes in the middle inverted."""
    middle = len(data) // 2
    return data[:middle] + bytes(b ^ 0xFF for b in data[middle:middle + 16]) + data[middle + 16:]


def bomb_member(size: int = BOMB_BYTES) -> bytes:
    """A gzip member holding one response record of `size` zero bytes, made without holding them."""
    http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {size}\r\n\r\n".encode()
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://www.bls.gov/ooh/test/bomb.htm\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\nWARC-Date: 2025-01-01T00:00:00Z\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http) + size}\r\n\r\n").encode()
    packer, block = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS), bytes(2**20)
    parts = [packer.compress(head + http), *(packer.compress(block) for _ in range(size // len(block)))]
    return b"".join([*parts, packer.compress(b"\r\n\r\n"), packer.flush()])


@pytest.fixture(scope="module")
def plain_warc(tmp_path_factory) -> Path:
    """Good records 0, 2, 4, 6, 7 around: a corrupt one (1), one declaring a terabyte (3), one whose length
    runs over the next record (5), and a header that is no header."""
    overlong = good(5)
    overlong = declaring(overlong, len(overlong) + len(good(6)) // 2)
    garbage = b"WARC/1.0\r\nWARC-Type: response\r\nthis is not a header\r\n\r\n<html>noise</html>\r\n\r\n"
    path = tmp_path_factory.mktemp("warc") / "plain.warc"
    path.write_bytes(b"".join([good(0), flipped(good(1)), good(2), declaring(good(3), 10**12), good(4), overlong,
                               good(6), garbage, good(7)]))
    return path


@pytest.fixture(scope="module")
def gzip_warc(tmp_path_factory) -> Path:
    """Good records 0, 2, 4, 5, 6 (one gzip member each) around: a corrupt member (1), a record declaring a
    terabyte (3), a member that decompresses to 200 MiB, and a response whose gzip payload decodes to 200 MiB."""
    payload_bomb = response_record("https://www.bls.gov/ooh/test/payload-bomb.htm", gzip_bomb(),
                                   (("Content-Type", "text/html"), ("Content-Encoding", "gzip")))
    members = [gzip.compress(good(0)), flipped(gzip.compress(good(1))), gzip.compress(good(2)),
               gzip.compress(declaring(good(3), 10**12)), gzip.compress(good(4)), bomb_member(),
               gzip.compress(good(5)), gzip.compress(payload_bomb), gzip.compress(good(6))]
    path = tmp_path_factory.mktemp("warc") / "records.warc.gz"
    path.write_bytes(b"".join(members))
    return path


def read_all(refs) -> dict[str, tuple]:
    """source_url -> ('page', title) or (reason_code, reason), read with CAP."""
    out = {}
    for ref in refs:
        try:
            data, _ = read_page(ref, CAP)
            out[ref.source_url] = ("page", len(data))
        except InputRejected as exc:
            out[ref.source_url] = (exc.code, exc.reason)
    return out


def test_bad_records_of_a_warc_are_skipped_with_their_reasons_and_the_good_ones_read(plain_warc):
    read = read_all(list_warc_pages(plain_warc, CAP))
    pages = [url for url, (kind, _) in read.items() if kind == "page"]
    assert pages == [page_url(n) for n in (0, 2, 4, 6, 7)]
    assert all(read[page_url(n)][1] == len(GOOD[n].read_bytes()) for n in (0, 2, 4, 6, 7))
    bad = [(code, re.sub(r"offset [\d,]+", "offset N", reason)) for code, reason in read.values() if code != "page"]
    data = plain_warc.read_bytes()
    huge = data.index(b"Content-Length: 1000000000000")  # good(n) is another record each time (ids, dates)
    tail = len(data) - (data.index(b"\r\n\r\n", huge) + 4)  # the bytes after its WARC header
    assert bad == [
        ("bad_record", "WARC record at offset N: its content does not match its sha1 block digest (corrupt)"),
        ("bad_record", "WARC record at offset N: it declares 1,000,000,000,000 bytes, more than the "
                       f"{tail:,} left in the file"),
        ("bad_record", "WARC record at offset N: its declared "
                       f"{len(good(5)) + len(good(6)) // 2:,} bytes run over the next record (at offset N)"),
        ("bad_record", "WARC record at offset N: its Content-Length '' is not a number of bytes"),
    ]
    offsets = [int(url.rsplit("=", 1)[1]) for url, (code, _) in read.items() if code != "page"]
    assert all(data[offset:offset + 8] == b"WARC/1.0" for offset in offsets)  # each names where its record starts


def test_bad_members_and_bombs_of_a_gzip_warc_are_skipped_and_the_good_ones_read(gzip_warc):
    assert gzip_warc.stat().st_size < 2 * len(gzip_bomb())  # a small file holding 400 MiB
    tracemalloc.start()
    try:
        read = read_all(list_warc_pages(gzip_warc, CAP))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [url for url, (kind, _) in read.items() if kind == "page"] == [page_url(n) for n in (0, 2, 4, 5, 6)]
    bad = [(code, re.sub(r"offset [\d,]+", "offset N", reason)) for code, reason in read.values() if code != "page"]
    assert [code for code, _ in bad] == ["bad_record", "bad_record", "too_large", "too_large"]
    assert bad[0][1].startswith("WARC record at offset N: a corrupt gzip member (")
    assert bad[1][1].startswith("WARC record at offset N: it declares 1,000,000,000,000 bytes, more than the ")
    assert bad[2][1] == f"WARC record at offset N: a record larger than the {CAP + 2 * 65536:,} bytes allowed once decompressed"
    assert bad[3][1] == f"WARC record at offset N: payload: body larger than the {CAP:,} bytes allowed once gzip-decoded"
    assert peak < BOMB_BYTES / 20  # neither bomb was decoded past the cap


def test_ingest_of_a_warc_loads_the_good_records_and_records_the_bad_ones(gzip_warc, env, tmp_path):
    warehouse = tmp_path / "warc.duckdb"
    result = run(["ingest", "--source", f"warc:{gzip_warc}", "--warehouse", str(warehouse)], env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "Loaded 9 files" in result.stdout and "5 new pages" in result.stdout and "4 rejected" in result.stdout
    assert len([line for line in result.stdout.splitlines() if line.startswith("  rejected ")]) == 4
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rejected = con.execute("SELECT reason_code, count(*) FROM rejected_inputs GROUP BY ALL ORDER BY 1").fetchall()
        pages = con.execute("SELECT count(*) FROM page_sources").fetchone()[0]
    finally:
        con.close()
    assert rejected == [("bad_record", 2), ("too_large", 2)] and pages == 5


def test_a_file_that_is_no_warc_is_refused_as_a_whole(env, tmp_path):
    html = tmp_path / "page.warc"
    shutil.copy(GOOD[0], html)
    result = run(["ingest", "--source", f"warc:{html}", "--warehouse", str(tmp_path / "w.duckdb")], env)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"ooh ingest: {html} is not a WARC file (it does not start with a WARC record)"]


@pytest.mark.parametrize("compressed", [False, True], ids=["warc", "warc.gz"])
def test_one_damaged_byte_costs_at_most_the_record_it_is_in(compressed, tmp_path):
    records = [good(n) for n in range(len(GOOD))]
    data = b"".join(gzip.compress(r) for r in records) if compressed else b"".join(records)
    originals = {hashlib.sha256(path.read_bytes()).hexdigest() for path in GOOD}
    rng = random.Random(20250101)
    path = tmp_path / ("damaged.warc.gz" if compressed else "damaged.warc")
    for _ in range(40):
        at = rng.randrange(len(data))
        path.write_bytes(data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1:])
        read = read_all(list_warc_pages(path, CAP))  # never raises: every bad record is a rejection
        bodies = [read_page(ref, CAP)[0] for ref in list_warc_pages(path, CAP) if not ref.rejected
                  and read[ref.source_url][0] == "page"]
        assert len(bodies) >= len(GOOD) - 1, (at, read)
        assert all(hashlib.sha256(body).hexdigest() in originals for body in bodies), at  # nothing damaged read


# --- folders ---------------------------------------------------------------------------------------------
@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """Two pages (and a link to one of them) among everything a folder can hold that is no page."""
    root, elsewhere = tmp_path / "pages", tmp_path / "elsewhere"
    (root / "sub").mkdir(parents=True)
    elsewhere.mkdir()
    shutil.copy(GOOD[0], root / "a.html")
    shutil.copy(GOOD[1], root / "sub" / "b.html")
    shutil.copy(GOOD[2], elsewhere / "c.html")
    (root / "big.html").write_bytes(b"<html>" + b" " * 6_000_000)  # over the default cap of 5,000,000
    os.mkfifo(root / "pipe")
    monkeypatch.chdir(root)  # a socket's path must be short
    sock = socket.socket(socket.AF_UNIX)
    sock.bind("sock")
    sock.close()
    os.symlink(root / "nowhere.html", root / "dangling")
    os.symlink("loop", root / "loop")
    os.symlink("..", root / "sub" / "up")
    os.symlink(elsewhere / "c.html", root / "outside.html")
    os.symlink("/dev/zero", root / "zero")
    os.symlink("a.html", root / "inside.html")
    return root


def listed(refs, root: Path) -> dict[str, tuple | None]:
    return {str(ref.path.relative_to(root)): ref.rejected and ref.rejected[0] for ref in refs}


def test_a_folder_lists_its_regular_files_and_says_why_it_skips_the_rest(folder):
    refs = list_local_pages(folder)
    assert listed(refs, folder) == {
        "a.html": None, "big.html": None, "dangling": "dangling_link", "inside.html": None, "loop": "link_loop",
        "outside.html": "outside_link", "pipe": "not_a_file", "sock": "not_a_file", "sub/b.html": None,
        "sub/up": "link_loop", "zero": "outside_link",
    }
    reasons = {str(ref.path.relative_to(folder)): ref.rejected[1] for ref in refs if ref.rejected}
    assert reasons["pipe"] == "a named pipe (FIFO), not a regular file"
    assert reasons["sock"] == "a socket, not a regular file"
    assert reasons["dangling"] == f"a link to {folder / 'nowhere.html'}, which does not exist"
    assert reasons["loop"] == "a symbolic link loop (loop)"
    assert reasons["sub/up"] == f"a link to {folder}, a folder it is inside of"
    assert reasons["outside.html"] == (f"a link to {folder.parent / 'elsewhere' / 'c.html'}, outside the source "
                                       "folder (--follow-outside-links reads it)")


def test_links_out_of_the_folder_are_read_only_when_allowed_and_never_a_device(folder):
    refs = list_local_pages(folder, follow_outside_links=True)
    assert listed(refs, folder)["outside.html"] is None and listed(refs, folder)["zero"] == "not_a_file"
    assert [ref.rejected[1] for ref in refs if ref.path.name == "zero"] == ["a character device, not a regular file"]


def hashed(path: Path, cap: int) -> tuple[str, int]:
    return digest_page(PageRef(path.as_uri(), path=path), cap)


def test_hashing_as_it_reads_gives_what_reading_the_whole_file_does(folder, tmp_path):
    for size in (0, 1, (1 << 20) - 1, 1 << 20, (3 << 20) + 7):  # around the buffer's size
        page = tmp_path / f"p{size}.html"
        page.write_bytes(os.urandom(size))
        data, sha256 = read_page(PageRef(page.as_uri(), path=page), 1 << 22)
        assert hashed(page, 1 << 22) == (sha256, len(data))
    assert hashed(page, page.stat().st_size) == (sha256, len(data))  # exactly at the cap
    with pytest.raises(InputRejected) as over:
        hashed(page, page.stat().st_size - 1)
    assert over.value.code == "too_large"


@pytest.mark.parametrize("read", [read_file, hashed], ids=["read", "hashed"])
def test_reading_never_waits_on_a_pipe_nor_reads_a_device_for_ever(folder, read):
    outcomes = {}

    def attempt(name: str, path: Path) -> None:
        try:
            read(path, CAP)
            outcomes[name] = "read"
        except InputRejected as exc:
            outcomes[name] = (exc.code, exc.reason)

    threads = [threading.Thread(target=attempt, args=(name, path), daemon=True)
               for name, path in (("pipe", folder / "pipe"), ("zero", Path("/dev/zero")), ("big", folder / "big.html"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)  # only a hang takes this long
    assert not any(thread.is_alive() for thread in threads)
    assert outcomes == {
        "pipe": ("not_a_file", "a named pipe (FIFO), not a regular file"),
        "zero": ("not_a_file", "a character device, not a regular file"),
        "big": ("too_large", f"6,000,006 bytes, more than the {CAP:,} allowed (OOH_MAX_BYTES)"),
    }


def test_ingest_of_a_folder_loads_its_pages_and_reports_every_entry_it_skipped(folder, env, tmp_path):
    warehouse = tmp_path / "folder.duckdb"
    result = run(["ingest", "--source", str(folder), "--warehouse", str(warehouse)], env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert ("Loaded 11 files" in result.stdout and "2 new pages" in result.stdout and "1 duplicates" in result.stdout
            and "8 rejected" in result.stdout)
    rejected = {line.split(": ", 1)[0].rsplit("/", 1)[1]: line.rsplit("[", 1)[1].rstrip("]")
                for line in result.stdout.splitlines() if line.startswith("  rejected ")}
    assert rejected == {"big.html": "too_large", "dangling": "dangling_link", "loop": "link_loop",
                        "outside.html": "outside_link", "pipe": "not_a_file", "sock": "not_a_file", "up": "link_loop",
                        "zero": "outside_link"}
    # inside.html is a link to a.html: the same bytes, parsed once and linked to both addresses
    assert "1 more has the bytes of a file listed before, and takes its outcome without a parse" in result.stderr
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM rejected_inputs").fetchone()[0] == 8
        assert con.execute("SELECT count(*), count(DISTINCT page_id) FROM page_sources WHERE source_url LIKE '%/a.html' "
                           "OR source_url LIKE '%/inside.html'").fetchone() == (2, 1)
    finally:
        con.close()
    allowed = run(["ingest", "--source", str(folder), "--warehouse", str(tmp_path / "allowed.duckdb"),
                   "--follow-outside-links"], env)
    assert allowed.returncode == 0, allowed.stderr
    assert "3 new pages" in allowed.stdout and "7 rejected" in allowed.stdout
    assert "zero: a character device, not a regular file [not_a_file]" in allowed.stdout
