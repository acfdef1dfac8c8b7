"""A batch of page files -> inputs ready to load: each parsed, or rejected with its one-line reason; and the
same staged as Parquet files for the load (warehouse/staging.py)."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa

from flows.file_hashes import FileHashes
from flows.settings import load_settings
from flows.sources import InputRejected, PageRef, digest_page, read_page
from parsers import PARSER_VERSION, ParseError, parse_page
from warehouse.load import Input
from warehouse.staging import StagedBatch, batch_key, claim_staged, read_staged_inputs, write_batch


def read_inputs(refs: list[PageRef]) -> list[Input]:
    """Read and parse pages. A page that fails becomes a rejected input; the others are unaffected."""
    return [_parsed(item, data) for item, data in _read(refs)]


def stage_inputs(refs: list[PageRef], staging_dir: str | Path) -> StagedBatch:
    """Read, parse and stage a batch; a batch staged before from the same bytes by this parser version (a
    load that failed, run again) is claimed and used as it is."""
    read = _read(refs)
    key = batch_key(PARSER_VERSION, [(item.source_url, item.sha256) for item, _ in read])
    found = claim_staged(staging_dir, key)
    if found is not None:
        parsed = sum(read_staged_inputs(found, ["parsed"]).column(0).to_pylist())
        return StagedBatch(str(found), parsed, len(read) - parsed, reused=True)
    inputs = [_parsed(item, data) for item, data in read]
    parsed = sum(1 for i in inputs if i.page is not None)
    return StagedBatch(str(write_batch(staging_dir, key, inputs)), parsed, len(inputs) - parsed, reused=False)


def hash_inputs(refs: list[PageRef], hashes: FileHashes | None = None) -> list[Input]:
    """Each page's address, sha256 and size, hashed as it is read (no page's bytes are kept); a page that
    cannot be read has its reason. With `hashes`, a local file whose identity is the one remembered there
    is not read (flows/file_hashes.py), and the files read are remembered. Threads share the work, one per
    worker: reading and sha256 release the GIL, so two cores hash a corpus in 60% of the time one takes."""
    settings = load_settings()
    shares = max(1, min(settings.workers, len(refs) // 64))  # a thread costs more than hashing a few pages
    read_from = time.time_ns()

    def share(k: int) -> list[Input]:
        inputs, read = [], []
        for ref in refs[k::shares]:
            known = hashes.known(ref.path, settings.max_bytes) if hashes and ref.path and not ref.rejected else None
            if known:
                inputs.append(Input(ref.source_url, *known))
                continue
            inputs.append(_read_one(ref, settings.max_bytes, keep=False)[0])
            if ref.path and inputs[-1].sha256:
                read.append((ref.path, inputs[-1].sha256))
        if hashes is not None:
            hashes.remember(read, read_from)
        return inputs

    if shares == 1:
        return share(0)
    hashed: list[Input] = [None] * len(refs)  # type: ignore[list-item]
    with ThreadPoolExecutor(shares) as pool:
        for k, inputs in enumerate(pool.map(share, range(shares))):
            hashed[k::shares] = inputs
    return hashed


def remember_staged(hashes: FileHashes, refs: list[PageRef], batches: list[str], read_from: int) -> None:
    """Remember the sha256 of the local files that staged batches read (from `read_from`, time.time_ns(),
    on), as their inputs record them: an ingest's parse reads each file once, and the next ingest then
    need not read it to know it unchanged."""
    paths = {ref.source_url: ref.path for ref in refs if ref.path is not None}
    read = []
    for batch in batches:
        try:
            table = read_staged_inputs(batch, ["source_url", "sha256"])
        except (OSError, pa.ArrowException):  # published and removed meanwhile: its files are read next time
            continue
        read += [(paths[url], sha256) for url, sha256 in zip(*(c.to_pylist() for c in table.columns))
                 if sha256 and url in paths]
    hashes.remember(read, read_from)
    hashes.save()


def _read(refs: list[PageRef]) -> list[tuple[Input, bytes | None]]:
    cap = load_settings().max_bytes  # read once: the settings are parsed from the environment at each call
    return [_read_one(ref, cap) for ref in refs]


def _read_one(ref: PageRef, cap: int, keep: bool = True) -> tuple[Input, bytes | None]:
    """A page's bytes (with keep=False, only their sha256 and size), or the input rejected with why it could
    not be read."""
    try:
        if keep:
            data, sha256 = read_page(ref, cap)
            nbytes = len(data)
        else:
            (sha256, nbytes), data = digest_page(ref, cap), None
    except InputRejected as exc:  # not a regular file, a bad link, over the size cap, a bad WARC record
        return Input(ref.source_url, "", exc.nbytes, reason_code=exc.code, reason=exc.reason), None
    except OSError as exc:
        return Input(ref.source_url, "", 0, reason_code="unreadable", reason=f"cannot read file: {exc.strerror}"), None
    return Input(ref.source_url, sha256, nbytes), data


def _parsed(item: Input, data: bytes | None) -> Input:
    if data is None:
        return item
    try:
        item.page = parse_page(data)
    except ParseError as exc:
        item.reason_code, item.reason = exc.code, exc.reason
    except Exception as exc:  # a parser bug must not cost the rest of the batch
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        item.reason_code, item.reason = "parser_error", f"parser failed: {type(exc).__name__}: {first_line}"
    return item
