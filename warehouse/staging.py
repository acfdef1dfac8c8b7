"""Parsed pages staged as Parquet files: what parse tasks hand to the load, by reference.

A batch of inputs (each parsed, or rejected with its reason) becomes one folder of Parquet files, one per
warehouse table it feeds, named by the parser version and a digest of what was read (each input's address
and the sha256 of its bytes). The load reads every batch's files in bulk with DuckDB, so no process holds
a whole corpus of parsed pages in memory, and an orchestrator passes a path instead of megabytes of
objects. A batch already staged with the same bytes and parser version (a load that failed and is run
again) is used as it is instead of being parsed again.

Folders are written beside their final name and renamed into place, so a folder that exists is whole.
A batch belongs to one run from its staging to its load: it is written under a private name
("<key>@<owner>"), and a batch left by a failed load is claimed by renaming it to one. Two runs of the
same pages (two warehouses fed from one data folder) therefore never read a folder the other deletes
when its load is published. A failed load releases its batches to their key for the next run to use.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

# The tables a batch stages, in the order the load reads them.
TABLES = ("inputs", "pages", "sections", "figures", "refused")
_DECIMAL = pa.decimal128(18, 6)
_FIGURE_FIELDS = ("kind", "measure", "text_value", "unit", "period", "qualifier", "setting", "soc_code",
                  "subject", "source", "of_occupation", "raw_text", "sentence", "subject_type", "part")
_REFUSED_FIELDS = ("kind", "measure", "raw_text", "value", "sentence", "reason")


@dataclass(frozen=True, slots=True)
class StagedBatch:
    """A staged batch's folder and what is in it (the counts a log line or a summary needs)."""

    path: str
    parsed: int
    rejected: int
    reused: bool  # staged by an earlier run with the same bytes and parser version


def occupation_id(edition: str, title: str) -> str:
    return f"{edition}:{re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')}"


def batch_key(parser_version: str, reads: list[tuple[str, str]]) -> str:
    """The folder name of a batch: the parser version and a digest of (address, sha256) of each input."""
    digest = hashlib.sha256("\n".join(f"{url}\t{sha}" for url, sha in reads).encode()).hexdigest()[:32]
    return f"p{re.sub(r'[^A-Za-z0-9.]+', '_', parser_version)}-{digest}"


def claim_staged(staging_dir: str | Path, key: str) -> Path | None:
    """The batch a failed load left under `key`, now this run's own; None when there is none (or another
    run claimed it first: a rename succeeds for one of them only)."""
    path = Path(staging_dir) / key
    private = _private(path)
    try:
        os.rename(path, private)
    except FileNotFoundError:
        return None
    os.utime(private)  # claimed now: prune leaves a batch in use alone
    return private


def write_batch(staging_dir: str | Path, key: str, inputs: list) -> Path:
    """Write a batch's tables (inputs: warehouse.load.Input) as Parquet under a private name of `key` in
    staging_dir; returns its folder."""
    final = _private(Path(staging_dir) / key)
    scratch = final.with_name(f".{final.name}.tmp")
    scratch.mkdir(parents=True)
    try:
        for name, table in _tables(inputs).items():
            pq.write_table(table, scratch / f"{name}.parquet", compression="none")
        os.rename(scratch, final)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return final


def read_staged_inputs(batch: str | Path, columns: list[str]) -> pa.Table:
    """Columns of a staged batch's inputs. (Through ParquetFile: read_table's dataset machinery costs a
    process 30 ms of imports.)"""
    return pq.ParquetFile(Path(batch) / "inputs.parquet").read(columns=columns)


def release(paths: list[str]) -> None:
    """Batches a load could not publish, back under their key for the next run to use (one copy of a key
    is enough: a second is removed)."""
    for path in map(Path, paths):
        if "@" not in path.name:
            continue
        try:
            os.rename(path, path.with_name(path.name.split("@", 1)[0]))
        except FileNotFoundError:
            pass
        except OSError:  # the key is there already (released by another run)
            shutil.rmtree(path, ignore_errors=True)


def _private(path: Path) -> Path:
    return path.with_name(f"{path.name}@{os.getpid()}-{secrets.token_hex(4)}")


def prune(staging_dir: str | Path, parser_version: str, scratch_age_seconds: float = 3600) -> int:
    """Tidy what a killed run left: remove batches another parser version staged and scratch folders, and
    release this version's batches a run claimed and never loaded. Folders younger than
    scratch_age_seconds are left alone, so that a run working now keeps its own. Returns how many."""
    staging_dir = Path(staging_dir)
    if not staging_dir.is_dir():
        return 0
    ours, tidied = batch_key(parser_version, []).rsplit("-", 1)[0] + "-", 0  # "p<version>-"
    for path in staging_dir.iterdir():
        if path.name.startswith(".") or (path.name.startswith(ours) and "@" in path.name):
            if time.time() - path.stat().st_mtime < scratch_age_seconds:
                continue
        elif path.name.startswith(ours):
            continue
        if path.name.startswith(ours):
            release([str(path)])
        else:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        tidied += 1
    return tidied


def remove_batches(paths: list[str]) -> None:
    """Staged batches a load has published are not needed again."""
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def _tables(inputs: list) -> dict[str, pa.Table]:
    unique = {}  # byte-identical pages under several names are staged once (the first name)
    for item in inputs:
        if item.page is not None:
            unique.setdefault(item.sha256, item)
    pages = list(unique.values())
    return {"inputs": _inputs(inputs), "pages": _pages(pages), "sections": _sections(pages),
            "figures": _figures(pages), "refused": _refused(pages)}


def _inputs(items: list) -> pa.Table:
    return pa.table({
        "input_no": pa.array(range(len(items)), pa.int32()),
        "source_url": pa.array([i.source_url for i in items], pa.string()),
        "sha256": pa.array([i.sha256 for i in items], pa.string()),
        "bytes": pa.array([i.nbytes for i in items], pa.int64()),
        "parsed": pa.array([i.page is not None or i.known for i in items], pa.bool_()),
        "reason_code": pa.array([i.reason_code for i in items], pa.string()),
        "reason": pa.array([i.reason for i in items], pa.string()),
    })


def _pages(items: list) -> pa.Table:
    return pa.table({
        "page_id": pa.array([i.sha256 for i in items], pa.string()),
        "source_url": pa.array([i.source_url for i in items], pa.string()),
        "canonical_url": pa.array([i.page.canonical_url for i in items], pa.string()),
        "bytes": pa.array([i.nbytes for i in items], pa.int64()),
        "encoding": pa.array([i.page.encoding for i in items], pa.string()),
        "layout": pa.array([i.page.layout for i in items], pa.string()),
        "parser_version": pa.array([i.page.parser_version for i in items], pa.string()),
        "edition": pa.array([i.page.edition.label for i in items], pa.string()),
        "base_year": pa.array([i.page.edition.base_year for i in items], pa.int32()),
        "projection_start": pa.array([i.page.edition.projection_start for i in items], pa.int32()),
        "projection_end": pa.array([i.page.edition.projection_end for i in items], pa.int32()),
        "occupation_id": pa.array([occupation_id(i.page.edition.label, i.page.title) for i in items], pa.string()),
        "title": pa.array([i.page.title for i in items], pa.string()),
        "soc_code": pa.array([i.page.soc_code for i in items], pa.string()),
        "soc_codes": pa.array([list(i.page.soc_codes) for i in items], pa.list_(pa.string())),
    })


def _sections(items: list) -> pa.Table:
    cols = _numbered(items, "sections", "section_no", {"section_key": attrgetter("key"), "heading": attrgetter("heading"),
                                                       "text": attrgetter("text")})
    return pa.table({**{k: pa.array(v, pa.string()) for k, v in cols.items() if k != "section_no"},
                     "section_no": pa.array(cols["section_no"], pa.int32())})


def _figures(items: list) -> pa.Table:
    fields = ("section", "value", "ref_year", "ref_month", *_FIGURE_FIELDS)
    cols = _numbered(items, "figures", "figure_no", {name: attrgetter(name) for name in fields})
    cols["section_key"] = cols.pop("section")
    return pa.table({
        **{k: pa.array(cols[k], pa.string()) for k in ("page_id", "section_key", *_FIGURE_FIELDS)
           if k != "of_occupation"},
        "of_occupation": pa.array(cols["of_occupation"], pa.bool_()),
        "figure_no": pa.array(cols["figure_no"], pa.int32()),
        "value": pa.array(cols["value"], _DECIMAL),
        "ref_year": pa.array(cols["ref_year"], pa.int32()),
        "ref_month": pa.array(cols["ref_month"], pa.int32()),
    })


def _refused(items: list) -> pa.Table:
    cols = _numbered(items, "refused", "refusal_no", {name: attrgetter(name) for name in ("section", *_REFUSED_FIELDS)})
    cols["section_key"] = cols.pop("section")
    return pa.table({**{k: pa.array(v, pa.string()) for k, v in cols.items() if k != "refusal_no"},
                     "refusal_no": pa.array(cols["refusal_no"], pa.int32())})


def _numbered(items: list, attribute: str, number: str, fields: dict) -> dict[str, list]:
    """Columns of each page's sections, figures or refusals, numbered from 1 within the page."""
    # Column by column: one C-level map per field instead of a Python step per field of every element.
    owned = [(item.sha256, getattr(item.page, attribute)) for item in items]
    elements = [element for _, page_elements in owned for element in page_elements]
    return {
        "page_id": [sha256 for sha256, page_elements in owned for _ in page_elements],
        number: [no for _, page_elements in owned for no in range(1, len(page_elements) + 1)],
        **{name: list(map(get, elements)) for name, get in fields.items()},
    }
