"""The next version of the warehouse without copying it: the spare version (`<file>.spare`, the one before
the previous, warehouse/publish.py) is brought up to the published one by writing only what the versions
published since then wrote, and the new write goes on from there.

What makes that possible is how versions are written:
- each version records the versions it was built on (warehouse/versions.py), so the spare can be known
  to be an ancestor of the published version, with the same schema and shape;
- the large tables (pages, their sections, figures and refused figures) are written only by loads, each
  row with its load's id, never updated, and deleted only where a load writes the same page again: what
  the published version has that the spare has not is its rows of the loads after the spare's latest,
  and the spare's rows of the pages those loads wrote again are what it must lose;
- every other table is small (loads, occupations, links, quality findings, the fetch archive's index) and
  is copied whole where its rows differ (by their count and the sum of their hashes).

Every table's row count is then compared with the published version's: any difference (a table written
some other way, a file edited by hand) and the spare is not used; the caller copies the warehouse instead.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.db import SCHEMA_VERSION, SHAPE_SHA256
from warehouse.errors import WarehouseError
from warehouse.versions import Version

# Written by loads only: rows carry their load's id and change only by being deleted with their page.
LOAD_TABLES = ("pages", "sections", "extracted_figures", "refused_figures")


class CatchUpFailed(WarehouseError):
    """The spare did not come out equal to the published version: it is not used."""


def usable(spare: Version | None, published: Version | None) -> bool:
    """Whether the spare can be brought up to the published version: one of its ancestors, of this code's
    schema and shape, as the published one is."""
    return (spare is not None and published is not None and spare.id in published.lineage
            and spare.schema_version == published.schema_version == SCHEMA_VERSION
            and spare.shape_sha256 == published.shape_sha256 == SHAPE_SHA256)


def catch_up(con: duckdb.DuckDBPyConnection, published: Path, since_load: int) -> None:
    """Make the warehouse open on `con` (a usable spare, whose latest load is `since_load`) hold what the
    `published` file holds. Raises CatchUpFailed (or a DuckDB error) when it does not."""
    con.execute(f"ATTACH '{_quoted(published)}' AS published (READ_ONLY)")
    try:
        tables = [name for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'published' ORDER BY table_name").fetchall()]
        # pages both hold, written again by a later load (by a newer parser version): the spare's rows go
        rewritten = [page for (page,) in con.execute(
            "SELECT page_id FROM published.pages WHERE load_id > ? INTERSECT SELECT page_id FROM main.pages",
            [since_load]).fetchall()]
        for table in LOAD_TABLES:
            if rewritten:
                con.execute(f"DELETE FROM main.{table} WHERE page_id IN (SELECT unnest(?::VARCHAR[]))", [rewritten])
            # load ids grow with the rows' order, so DuckDB skips the row groups of earlier loads
            con.execute(f"INSERT INTO main.{table} SELECT * FROM published.{table} WHERE load_id > ?", [since_load])
        for table in _differing(con, [t for t in tables if t not in LOAD_TABLES]):
            con.execute(f"DELETE FROM main.{table}")
            con.execute(f"INSERT INTO main.{table} SELECT * FROM published.{table}")
        counts = " UNION ALL ".join(
            f"SELECT '{t}', (SELECT count(*) FROM main.{t}), (SELECT count(*) FROM published.{t})" for t in tables)
        differ = [f"{name} {ours} rows, not {theirs}" for name, ours, theirs in con.execute(counts).fetchall()
                  if ours != theirs]
        if differ:
            raise CatchUpFailed(f"the spare version did not come out as the published one ({'; '.join(differ)})")
    finally:
        con.execute("DETACH published")


def _differing(con: duckdb.DuckDBPyConnection, tables: list[str]) -> list[str]:
    """The small tables whose rows differ between the spare and the published version, by their count and
    the sum of their rows' hashes (in one query: most are unchanged, and each statement costs milliseconds)."""
    if not tables:
        return []
    digest = "(SELECT count(*) || ':' || coalesce(sum(hash(r)), 0) FROM {}.{} AS r)"
    sums = " UNION ALL ".join(f"SELECT '{t}', {digest.format('main', t)}, {digest.format('published', t)}"
                              for t in tables)
    return [name for name, ours, theirs in con.execute(sums).fetchall() if ours != theirs]


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
