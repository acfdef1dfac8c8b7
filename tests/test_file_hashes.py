"""Remembered file hashes (flows/file_hashes.py): a file unchanged since an ingest hashed it is not read
again to decide that it need not be parsed; any write to it, even one that puts its size and times back,
makes the next ingest read it."""
import hashlib
import os
import time

import pytest

from flows import batch, file_hashes
from flows.file_hashes import FILE_NAME, FileHashes
from flows.sources import list_local_pages


@pytest.fixture
def pages(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    for no in range(5):
        (folder / f"p{no}.html").write_bytes(b"<p>page %d</p>" % no)
    (folder / "empty.html").write_bytes(b"")
    return folder


@pytest.fixture
def settled(monkeypatch):
    """Files count as settled as soon as they are written (the real rule wants two seconds)."""
    monkeypatch.setattr(file_hashes, "SETTLED_NS", 0)


def _digests(inputs):
    return [(i.source_url, i.sha256, i.nbytes, i.reason_code) for i in inputs]


def _no_reading(monkeypatch):
    read = []
    real = batch.digest_page

    def counting(ref, cap):
        read.append(ref.path.name)
        return real(ref, cap)

    monkeypatch.setattr(batch, "digest_page", counting)
    return read


def test_a_file_unchanged_since_it_was_hashed_is_not_read_again(pages, tmp_path, settled, monkeypatch):
    refs = list_local_pages(pages)
    hashes = FileHashes(tmp_path / "data")
    first = batch.hash_inputs(refs, hashes)
    hashes.save()
    assert (tmp_path / "data" / FILE_NAME).is_file() and hashes.hits == 0

    read = _no_reading(monkeypatch)
    again = FileHashes(tmp_path / "data")
    second = batch.hash_inputs(refs, again)
    assert _digests(second) == _digests(first)
    assert read == [] and again.hits == 6


def test_any_write_makes_the_file_read_again_even_with_its_size_and_times_put_back(pages, tmp_path, settled,
                                                                                   monkeypatch):
    refs = list_local_pages(pages)
    hashes = FileHashes(tmp_path / "data")
    batch.hash_inputs(refs, hashes)
    hashes.save()
    changed = pages / "p3.html"
    before = changed.stat()
    changed.write_bytes(b"<p>page X</p>")  # the same size
    os.utime(changed, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same times
    assert changed.stat().st_size == before.st_size and changed.stat().st_mtime_ns == before.st_mtime_ns

    read = _no_reading(monkeypatch)
    inputs = batch.hash_inputs(refs, FileHashes(tmp_path / "data"))
    assert read == ["p3.html"]
    assert {i.source_url.rsplit("/", 1)[1]: i.sha256 for i in inputs}["p3.html"] == \
        hashlib.sha256(b"<p>page X</p>").hexdigest()


def test_a_file_changed_just_before_it_was_read_is_not_remembered(pages, tmp_path):
    """A write in the same tick of a coarse clock as the read would leave the file's identity as it was."""
    path = pages / "p0.html"
    hashes = FileHashes(tmp_path / "data")
    hashes.remember([(path, hashlib.sha256(path.read_bytes()).hexdigest())], time.time_ns())
    hashes.save()
    assert not (tmp_path / "data" / FILE_NAME).exists()
    long_after = path.stat().st_ctime_ns + file_hashes.SETTLED_NS
    hashes.remember([(path, hashlib.sha256(path.read_bytes()).hexdigest())], long_after)
    hashes.save()
    assert FileHashes(tmp_path / "data").known(path, 1 << 20) == (hashlib.sha256(path.read_bytes()).hexdigest(), 13)


def test_a_damaged_or_foreign_file_of_hashes_is_read_past_and_replaced(pages, tmp_path, settled, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / FILE_NAME).write_bytes(b"not parquet at all")
    refs = list_local_pages(pages)
    read = _no_reading(monkeypatch)
    hashes = FileHashes(tmp_path / "data")
    assert _digests(batch.hash_inputs(refs, hashes)) == _digests(batch.hash_inputs(refs))
    assert len(read) == 12  # every file, twice: nothing was remembered
    hashes.save()
    assert FileHashes(tmp_path / "data").known(pages / "p1.html", 1 << 20) is not None


def test_a_remembered_file_over_the_size_allowed_is_read_and_refused(pages, tmp_path, settled):
    refs = list_local_pages(pages)
    hashes = FileHashes(tmp_path / "data")
    batch.hash_inputs(refs, hashes)
    hashes.save()
    assert FileHashes(tmp_path / "data").known(pages / "p1.html", 5) is None
