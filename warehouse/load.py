"""Save parsed pages and rejected inputs to the warehouse: in bulk (Arrow tables), in one transaction,
idempotently.

A page is identified by the sha256 of its bytes. Loading bytes already loaded by the same parser version
writes nothing; bytes loaded by another parser version are parsed rows replaced. A load that fails
leaves the warehouse as it was.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

import duckdb
import pyarrow as pa

from parsers import Page
from warehouse.db import insert_rows

_DECIMAL = pa.decimal128(18, 6)


@dataclass(slots=True)
class Input:
    """One file (or response) a source read, and what parsing made of it."""

    source_url: str
    sha256: str
    nbytes: int
    page: Page | None = None
    reason_code: str | None = None  # set when the input was rejected
    reason: str | None = None


@dataclass(slots=True)
class LoadSummary:
    load_id: int
    inputs_seen: int = 0
    pages_new: int = 0
    pages_replaced: int = 0
    pages_unchanged: int = 0
    inputs_duplicate: int = 0  # files whose bytes another file of the load also has: stored once, linked
    inputs_rejected: int = 0
    sections_written: int = 0
    figures_written: int = 0
    figures_refused: int = 0  # figures the pages state that were not kept (refused_figures has why)
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # source_url, code, reason
    quality: dict[str, int] = field(default_factory=dict)  # data quality check -> findings after this load


def occupation_id(edition: str, title: str) -> str:
    return f"{edition}:{re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')}"


def save_inputs(
    con: duckdb.DuckDBPyConnection,
    inputs: list[Input],
    *,
    source: str,
    parser_version: str,
    flow_run_id: str | None = None,
) -> LoadSummary:
    """Write one load. Returns what it did; raises (and rolls back) on a database error."""
    con.execute("BEGIN TRANSACTION")
    try:
        summary = _save(con, inputs, source, parser_version, flow_run_id)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return summary


def _save(con, inputs, source, parser_version, flow_run_id) -> LoadSummary:
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]
    con.execute(
        "INSERT INTO loads (load_id, started_at, source, parser_version, flow_run_id) VALUES (?, ?, ?, ?, ?)",
        [load_id, now, source, parser_version, flow_run_id],
    )
    summary = LoadSummary(load_id=load_id, inputs_seen=len(inputs))

    parsed = [i for i in inputs if i.page is not None]
    rejected = [i for i in inputs if i.page is None]
    unique: dict[str, Input] = {}
    for item in parsed:  # byte-identical pages under several names are stored once
        unique.setdefault(item.sha256, item)
    known = dict(
        con.execute(
            "SELECT page_id, parser_version FROM pages WHERE page_id IN (SELECT unnest(?))", [list(unique)]
        ).fetchall()
    )
    to_write = [i for sha, i in unique.items() if known.get(sha) != i.page.parser_version]
    replaced = [i.sha256 for i in to_write if i.sha256 in known]
    summary.pages_new = len(to_write) - len(replaced)
    summary.pages_replaced = len(replaced)
    summary.pages_unchanged = len(unique) - len(to_write)
    summary.inputs_duplicate = len(parsed) - len(unique)

    if replaced:
        for table in ("extracted_figures", "sections", "pages"):
            con.execute(f"DELETE FROM {table} WHERE page_id IN (SELECT unnest(?))", [replaced])
    if to_write:  # whatever is there for these pages is another parse's (or a page deleted by hand)
        con.execute("DELETE FROM refused_figures WHERE page_id IN (SELECT unnest(?))", [[i.sha256 for i in to_write]])
    if to_write:
        insert_rows(con, "editions", _editions(to_write, load_id), conflict="DO NOTHING")
        insert_rows(con, "occupations", _occupations(to_write, load_id), conflict="DO NOTHING")
        insert_rows(con, "pages", _pages(to_write, load_id))
        sections = _sections(to_write, load_id)
        figures = _figures(to_write, load_id)
        insert_rows(con, "sections", sections)
        insert_rows(con, "extracted_figures", figures)
        refused = _refused(to_write, load_id)
        insert_rows(con, "refused_figures", refused)
        summary.sections_written, summary.figures_written = sections.num_rows, figures.num_rows
        summary.figures_refused = refused.num_rows
    if parsed:
        # A source re-read with other bytes now points at them; the same bytes change nothing.
        insert_rows(
            con,
            "page_sources",
            pa.table({
                "source_url": [i.source_url for i in parsed],
                "page_id": [i.sha256 for i in parsed],
                "load_id": pa.array([load_id] * len(parsed), pa.int32()),
            }),
            conflict="(source_url) DO UPDATE SET page_id = excluded.page_id, load_id = excluded.load_id "
            "WHERE page_sources.page_id <> excluded.page_id",
        )
    if rejected:
        insert_rows(
            con,
            "rejected_inputs",
            pa.table({
                "source_url": [i.source_url for i in rejected],
                "sha256": [i.sha256 for i in rejected],
                "bytes": pa.array([i.nbytes for i in rejected], pa.int64()),
                "reason_code": [i.reason_code for i in rejected],
                "reason": [i.reason for i in rejected],
                "load_id": pa.array([load_id] * len(rejected), pa.int32()),
            }),
            conflict="DO NOTHING",
        )
        # A source that now fails to parse no longer holds the page it held.
        con.execute(
            "DELETE FROM page_sources WHERE source_url IN (SELECT unnest(?))", [[i.source_url for i in rejected]]
        )
    summary.inputs_rejected = len(rejected)
    summary.rejected = [(i.source_url, i.reason_code, i.reason) for i in rejected]
    con.execute(
        """UPDATE loads SET finished_at = ?, inputs_seen = ?, pages_new = ?, pages_replaced = ?,
               pages_unchanged = ?, inputs_duplicate = ?, inputs_rejected = ?, sections_written = ?,
               figures_written = ?, figures_refused = ?
           WHERE load_id = ?""",
        [datetime.now(timezone.utc).replace(tzinfo=None), summary.inputs_seen, summary.pages_new,
         summary.pages_replaced, summary.pages_unchanged, summary.inputs_duplicate, summary.inputs_rejected,
         summary.sections_written, summary.figures_written, summary.figures_refused, load_id],
    )
    return summary


def _editions(items: list[Input], load_id: int) -> pa.Table:
    editions = {i.page.edition.label: i.page.edition for i in items}
    return pa.table({
        "edition": list(editions),
        "base_year": pa.array([e.base_year for e in editions.values()], pa.int32()),
        "projection_start": pa.array([e.projection_start for e in editions.values()], pa.int32()),
        "projection_end": pa.array([e.projection_end for e in editions.values()], pa.int32()),
        "load_id": pa.array([load_id] * len(editions), pa.int32()),
    })


def _occupations(items: list[Input], load_id: int) -> pa.Table:
    rows = {occupation_id(i.page.edition.label, i.page.title): i.page for i in items}
    return pa.table({
        "occupation_id": list(rows),
        "edition": [p.edition.label for p in rows.values()],
        "title": [p.title for p in rows.values()],
        "soc_code": [p.soc_code for p in rows.values()],
        "soc_codes": pa.array([p.soc_codes for p in rows.values()], pa.list_(pa.string())),
        "load_id": pa.array([load_id] * len(rows), pa.int32()),
    })


def _pages(items: list[Input], load_id: int) -> pa.Table:
    return pa.table({
        "page_id": [i.sha256 for i in items],
        "source_url": [i.source_url for i in items],
        "canonical_url": [i.page.canonical_url for i in items],
        "bytes": pa.array([i.nbytes for i in items], pa.int64()),
        "encoding": [i.page.encoding for i in items],
        "layout": [i.page.layout for i in items],
        "parser_version": [i.page.parser_version for i in items],
        "edition": [i.page.edition.label for i in items],
        "occupation_id": [occupation_id(i.page.edition.label, i.page.title) for i in items],
        "title": [i.page.title for i in items],
        "soc_code": [i.page.soc_code for i in items],
        "load_id": pa.array([load_id] * len(items), pa.int32()),
    })


def _sections(items: list[Input], load_id: int) -> pa.Table:
    cols: dict[str, list] = {k: [] for k in ("page_id", "section_no", "section_key", "heading", "text")}
    for item in items:
        for no, section in enumerate(item.page.sections, 1):
            cols["page_id"].append(item.sha256)
            cols["section_no"].append(no)
            cols["section_key"].append(section.key)
            cols["heading"].append(section.heading)
            cols["text"].append(section.text)
    n = len(cols["page_id"])
    return pa.table({**cols, "section_no": pa.array(cols["section_no"], pa.int32()),
                     "load_id": pa.array([load_id] * n, pa.int32())})


_FIGURE_FIELDS = ("kind", "measure", "text_value", "unit", "period", "qualifier", "setting", "soc_code",
                  "subject", "source", "of_occupation", "raw_text", "sentence", "subject_type", "part")


def _figures(items: list[Input], load_id: int) -> pa.Table:
    cols: dict[str, list] = {k: [] for k in ("page_id", "figure_no", "section_key", "value", "ref_year",
                                             "ref_month", *_FIGURE_FIELDS)}
    for item in items:
        for no, figure in enumerate(item.page.figures, 1):
            cols["page_id"].append(item.sha256)
            cols["figure_no"].append(no)
            cols["section_key"].append(figure.section)
            cols["value"].append(figure.value)
            cols["ref_year"].append(figure.ref_year)
            cols["ref_month"].append(figure.ref_month)
            for name in _FIGURE_FIELDS:
                cols[name].append(getattr(figure, name))
    n = len(cols["page_id"])
    return pa.table({
        **cols,
        "figure_no": pa.array(cols["figure_no"], pa.int32()),
        "value": pa.array(cols["value"], _DECIMAL),
        "ref_year": pa.array(cols["ref_year"], pa.int32()),
        "ref_month": pa.array(cols["ref_month"], pa.int32()),
        "load_id": pa.array([load_id] * n, pa.int32()),
    })


_REFUSED_FIELDS = ("kind", "measure", "raw_text", "value", "sentence", "reason")


def _refused(items: list[Input], load_id: int) -> pa.Table:
    cols: dict[str, list] = {k: [] for k in ("page_id", "refusal_no", "section_key", *_REFUSED_FIELDS)}
    for item in items:
        for no, refused in enumerate(item.page.refused, 1):
            cols["page_id"].append(item.sha256)
            cols["refusal_no"].append(no)
            cols["section_key"].append(refused.section)
            for name in _REFUSED_FIELDS:
                cols[name].append(getattr(refused, name))
    n = len(cols["page_id"])
    return pa.table({
        **{k: pa.array(v, pa.string()) for k, v in cols.items() if k != "refusal_no"},
        "refusal_no": pa.array(cols["refusal_no"], pa.int32()),
        "load_id": pa.array([load_id] * n, pa.int32()),
    })
