"""What publishing a load costs as the warehouse grows (warehouse/publish.py writes `.next` and renames it
into place), at the corpus's size and at warehouses of about 1 GB and 5 GB, each publishing the same small
load (about 1% of the corpus's pages). `.next` is the spare version brought up to the published one by
writing what the versions since wrote (warehouse/catch_up.py); a warehouse gets a spare at its third
publish, so each size is published twice before the timed runs.

    python benchmarks/publish_scale.py [--sizes-gb 1 5] [--repeat N] [--dir FOLDER]

Without a spare, publishing copies the file, or clones it where the filesystem makes copy-on-write clones
(XFS with reflink, btrfs: warehouse/publish.py: clone_or_copy): --dir puts the warehouses on such a one.

The large warehouses are the corpus warehouse with its pages, sections and figures copied under other
page ids (what a warehouse of many editions holds, in bytes; the copies are not linked into occupations,
so the marts do not see them). Only the ratios mean something: these machines are noisy.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.batch import read_inputs  # noqa: E402
from flows.gate import CORPUS_DIRS  # noqa: E402
from flows.sources import list_local_pages  # noqa: E402
from parsers import PARSER_VERSION  # noqa: E402
from warehouse.identity import save_identity  # noqa: E402
from warehouse.load import save_inputs  # noqa: E402
from warehouse.publish import clone_or_copy, publishing  # noqa: E402
from warehouse.quality import save_quality_checks  # noqa: E402

TARGET = 2.0  # publishing after a 1% change at 5 GB, against at the corpus's size


def corpus_warehouse(path: Path) -> list:
    """The corpus loaded as an ingest loads it; returns the inputs of about 1% of its pages, changed."""
    refs = [ref for folder in CORPUS_DIRS for ref in list_local_pages(folder)]
    with publishing(path) as con:
        summary = save_inputs(con, read_inputs(refs), source="corpus", parser_version=PARSER_VERSION)
        save_identity(con)
        save_quality_checks(con, summary.load_id)
    changed = read_inputs(refs[:: 100])
    for item in changed:  # other bytes, the same page: a new page to load
        item.sha256 = item.sha256[::-1]
    return changed


def grow(path: Path, gigabytes: float) -> None:
    """Copy the corpus's pages, sections and figures under other page ids until the file is that big."""
    import duckdb

    con = duckdb.connect(str(path))
    try:
        copy = 0
        while path.stat().st_size < gigabytes * 1e9:
            copy += 1
            for table in ("pages", "sections", "extracted_figures"):
                columns = [c for (c,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                    [table]).fetchall()]
                select = ", ".join(f"page_id || '~{copy}'" if c == "page_id" else c for c in columns)
                con.execute(f"INSERT INTO {table} SELECT {select} FROM {table} WHERE page_id NOT LIKE '%~%'")
            con.execute("CHECKPOINT")
    finally:
        con.close()


WARM_UP = 2  # publishes before a warehouse has a spare version (warehouse/catch_up.py) to build the next on


def time_publish(path: Path, changed: list, repeat: int) -> tuple[float, bool]:
    """The best time of publishing one small load, once the warehouse has versions enough to build the next
    one on its spare (the first two publishes copy the warehouse, and are not timed); and whether every
    timed one was built on the spare."""
    best, fell_back = float("inf"), []
    for n in range(WARM_UP + repeat):
        for item in changed:
            item.sha256 = f"{n:02d}{item.sha256[2:]}"  # a new page each time
        started = time.perf_counter()
        with publishing(path, report=fell_back.append if n >= WARM_UP else lambda note: None) as con:
            save_inputs(con, changed, source="changed", parser_version=PARSER_VERSION)
        if n >= WARM_UP:
            best = min(best, time.perf_counter() - started)
    return best, not fell_back


def measure(sizes_gb: list[float], repeat: int, folder: Path | None = None) -> dict:
    """Publishing a load of about 1% of the corpus into the corpus's warehouse and into ones grown to each
    size: rows of (bytes, best seconds), the pages of the load, and how the timed next versions were made
    ('spare' when each was built on the spare version, else 'clone' or 'copy', whichever the folder makes)."""
    scratch = Path(tempfile.mkdtemp(prefix="ooh-publish-", dir=folder))
    try:
        base = scratch / "corpus.duckdb"
        changed = corpus_warehouse(base)
        timed = [(base.stat().st_size, *time_publish(base, changed, repeat))]
        for size in sizes_gb:
            big = scratch / f"w{size:g}.duckdb"
            shutil.copyfile(base, big)
            grow(big, size)
            timed.append((big.stat().st_size, *time_publish(big, changed, repeat)))
            for leftover in scratch.glob(f"w{size:g}.duckdb*"):
                leftover.unlink()
        probe = scratch / "probe"
        probe.write_bytes(b"x")
        how = "spare" if all(spared for _, _, spared in timed) else clone_or_copy(probe, scratch / "probe.copy")
        return {"rows": [(size, seconds) for size, seconds, _ in timed], "pages": len(changed), "how": how,
                "where": scratch.parent}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes-gb", type=float, nargs="*", default=[1, 5])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, help="where the warehouses are made (default: the temporary folder)")
    args = parser.parse_args()
    found = measure(args.sizes_gb, args.repeat, args.dir)
    rows = found["rows"]
    made = {"spare": "the spare version brought up to date", "clone": "a copy-on-write clone", "copy": "a copy"}
    print(f"publishing a load of {found['pages']} pages (about 1% of the corpus), best of {args.repeat}, in "
          f"{found['where']} (each next version {made[found['how']]}):")
    for size, seconds in rows:
        print(f"  warehouse of {size / 1e6:9,.0f} MB: {seconds:7.3f} s   {seconds / rows[0][1]:6.1f} times the corpus's")
    ratio = rows[-1][1] / rows[0][1]
    print(f"largest / corpus: {ratio:.1f} (target <= {TARGET}): {'met' if ratio <= TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
