"""Copies: inputs with the same bytes as an earlier input of the same ingest. Each content is parsed once.

The same bytes parsed by the same parser give the same page, so a copy is not parsed. After the parse, a
copy takes its original's outcome, read from the staged batch that parsed the original: the same page,
linked to the copy's address too, or the same reason for rejecting it. The copies are staged as one more
batch (`stage_copies`), and the load treats them as it treats duplicates found in the batches.

Copies are common where pages were saved more than once: 34 files of the 2010-11 corpus have the bytes
of another (27 pages saved two or three times). Before an ingest parses, copies are found by sha256. Only
files that share their size and their ends with another can be copies, so an ingest that hashes nothing
else hashes only those (`hash_same_sized`).
"""
from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from flows.batch import hash_inputs, read_inputs
from flows.file_hashes import FileHashes
from flows.sources import PageRef
from parsers import PARSER_VERSION
from warehouse.load import Input
from warehouse.staging import batch_key, claim_staged, read_staged_inputs, write_batch


@dataclass(frozen=True, slots=True)
class Copy:
    ref: PageRef
    input: Input  # hashed: its address, sha256 and size
    of: str  # the address of the earlier input with these bytes, which is parsed


def find_copies(refs: list[PageRef], hashed: dict[int, Input]) -> dict[int, Copy]:
    """Copies among `refs`, by position: each input (of those hashed, by position) whose bytes an earlier
    one has."""
    first: dict[str, int] = {}
    copies = {}
    for no in sorted(hashed):
        item = hashed[no]
        if not item.sha256 or item.reason is not None:  # not read: nothing to compare
            continue
        origin = first.setdefault(item.sha256, no)
        if origin != no:
            copies[no] = Copy(refs[no], item, refs[origin].source_url)
    return copies


def hash_same_sized(refs: list[PageRef], hashes: FileHashes | None = None) -> dict[int, Input]:
    """The local files among `refs` that share their size, and their first and last 4 KiB, with another,
    hashed (by position): only they can be copies. The rest are read only by the parse. (Pages that differ
    only in a date or an address often have the same size: captures of one page, copies of the corpus with
    a byte changed. Their ends tell most of them apart for a fraction of reading them whole.)"""
    by_size: dict[int, list[int]] = defaultdict(list)
    for no, ref in enumerate(refs):
        if ref.path is not None and ref.rejected is None:
            try:
                by_size[os.stat(ref.path).st_size].append(no)
            except OSError:  # the parse says why it cannot be read
                continue
    by_ends: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    for size, group in by_size.items():
        if len(group) > 1:
            for no in group:
                by_ends[(size, _ends(refs[no].path, size))].append(no)
    candidates = sorted(no for group in by_ends.values() if len(group) > 1 for no in group)
    return dict(zip(candidates, hash_inputs([refs[no] for no in candidates], hashes)))


_END = 4096


def _ends(path: Path, size: int) -> bytes:
    """A digest of a file's first and last 4 KiB (b"" when it cannot be read: hashing it then says why)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return b""
    try:
        return hashlib.blake2b(os.pread(fd, _END, 0) + os.pread(fd, _END, max(_END, size - _END)),
                               digest_size=16).digest()
    except OSError:
        return b""
    finally:
        os.close(fd)


def stage_copies(copies: list[Copy], batches: list[str], staging_dir: str | Path) -> str:
    """Stage the copies as one batch, each with its original's outcome, read from the staged `batches`. A copy
    whose original did not have the copy's bytes when it was parsed (a file changed since it was hashed) is
    parsed after all."""
    originals = {copy.of for copy in copies}
    outcomes: dict[str, list] = {}
    for batch in batches:
        table = read_staged_inputs(batch, ["source_url", "sha256", "parsed", "reason_code", "reason"])
        for url, *outcome in zip(*(column.to_pylist() for column in table.columns)):
            if url in originals:
                outcomes[url] = outcome
    inputs, again = [], []
    for copy in copies:
        sha256, parsed, code, reason = outcomes.get(copy.of, (None, None, None, None))
        item = copy.input
        if sha256 != item.sha256:
            again.append(copy.ref)
        elif parsed:
            inputs.append(Input(item.source_url, item.sha256, item.nbytes, known=True))
        else:
            inputs.append(Input(item.source_url, item.sha256, item.nbytes, reason_code=code, reason=reason))
    inputs += read_inputs(again)
    key = batch_key(PARSER_VERSION, [(f"copy:{item.source_url}", item.sha256) for item in inputs])
    # the same batch a failed load left (released under its key) is this one: taken, not left behind
    found = claim_staged(staging_dir, key)
    return str(found if found is not None else write_batch(staging_dir, key, inputs))
