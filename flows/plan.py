"""read_* the plan of a Wayback backfill without running it (`ooh fetch wayback --dry-run`): for each edition,
the CDX queries, the pages they list, those the archive holds already, and the requests the run would make.
It asks the CDX API (what the archive does not hold fresh) and nothing else: no replay, nothing archived,
the warehouse only read. Plain library code, no Prefect."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from flows.crawl import Crawl, Discovery
from flows.politeness import Politeness
from parsers.editions import CatalogueEdition, catalogue_edition
from warehouse.archive_index import read_archived_editions, read_known
from warehouse.db import connect


@dataclass(slots=True)
class EditionPlan:
    edition: CatalogueEdition
    discovery: Discovery
    archived: int = 0  # pages with a capture stating the edition archived already
    unmatched: int = 0  # pages whose every capture is archived already, stating another edition
    to_fetch: int = 0  # pages the run fetches: a replay each, at least
    candidates: int = 0  # their captures the run may try: replays at most

    @property
    def index_requests(self) -> int:
        """The A-Z index replay the run reads first, unless the archive holds it."""
        return int(self.discovery.index_url is not None and not self.discovery.index_read)


@dataclass(slots=True)
class Plan:
    wayback: str
    editions: list[EditionPlan] = field(default_factory=list)
    asked: int = 0  # requests this plan made

    @property
    def cdx_requests(self) -> int:
        """What the run asks of the CDX API: what this plan asked (it archives nothing)."""
        return self.asked

    @property
    def least(self) -> int:
        return self.cdx_requests + sum(e.index_requests + e.to_fetch for e in self.editions)

    @property
    def most(self) -> int:
        return self.cdx_requests + sum(e.index_requests + e.candidates for e in self.editions)


def read_plan(editions: list[str], wayback_url: str, warehouse: Path, politeness: Politeness,
              archive_dir: Path) -> Plan:
    con = connect(warehouse, read_only=True) if Path(warehouse).exists() else None
    crawl = Crawl(politeness, archive_dir, "plan", keep=False)
    try:
        plan = Plan(wayback_url)
        for name in editions:
            found = crawl.discover_wayback(wayback_url, name, lambda urls: _known(con, urls), read_index=False)
            entry = EditionPlan(catalogue_edition(name), found)
            pages = found.targets
            known = _known(con, [c.fetch_url for t in pages for c in (t, *t.others)])
            archived = _archived(con, [t.url for t in pages])
            todo, entry.archived, entry.unmatched = crawl.still_wanted(pages, known, archived)
            entry.to_fetch, entry.candidates = len(todo), sum(1 + len(t.others) for t in todo)
            plan.editions.append(entry)
        plan.asked = crawl.requests
        return plan
    finally:
        crawl.close()
        if con is not None:
            con.close()


def _known(con: duckdb.DuckDBPyConnection | None, urls: list[str]) -> dict[str, dict]:
    return read_known(con, urls) if con is not None else {}


def _archived(con: duckdb.DuckDBPyConnection | None, urls: list[str]) -> set[tuple[str, str]]:
    return read_archived_editions(con, urls) if con is not None else set()
