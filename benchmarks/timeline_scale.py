"""One occupation's timeline across every edition of the catalogue: the query `ooh timeline` runs, on a
warehouse of 18 editions made from the corpus.

    python benchmarks/timeline_scale.py [--repeat N] [--keep DIR]

--keep DIR keeps the built warehouse as DIR/w.duckdb, and times it again without building it when it is
there already (the views of the checkout are laid on it again first, so a change to them is measured).

The warehouse holds the real 2010-11 and 2024-34 pages, and for each other edition of parsers/editions.csv
the same pages as that edition's: the 2010-11 pages for the printed editions and the current ones for the
web editions, with the edition's name, base year and projection span wherever a page states its own (as
tests/test_edition_templates.py makes them). Only the ratio to the target means something: these machines
are noisy.
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
from flows.gate import CORPUS  # noqa: E402
from flows.sources import list_local_pages  # noqa: E402
from parsers import PARSER_VERSION  # noqa: E402
from parsers.editions import read_catalogue  # noqa: E402
from warehouse.identity import save_identity  # noqa: E402
from warehouse.load import save_inputs  # noqa: E402
from warehouse.publish import publishing  # noqa: E402
from warehouse.query import TIMELINE_SQL, read_query  # noqa: E402
from warehouse.quality import save_quality_checks  # noqa: E402

TARGET_MS = 50
PRINTED, WEB = CORPUS / "real" / "ooh-2010-11", CORPUS / "real" / "ooh-current"


def as_edition(data: bytes, edition, web: bool) -> bytes:
    span, end = f"{edition.projection_start}", edition.projection_end % 100
    if web:  # base year 2024, projection end 2034
        return (data.replace("2024\u201334".encode(), b"@DASH@").replace(b"2024-34", b"@SPAN@")
                .replace(b"2034", str(edition.projection_end).encode()).replace(b"2024", str(edition.base_year).encode())
                .replace(b"@DASH@", f"{span}\u2013{end:02d}".encode()).replace(b"@SPAN@", f"{span}-{end:02d}".encode()))
    return (data.replace(b"2010-11", b"@NAME@").replace(b"2008-18", b"@SPAN@")
            .replace(b"2018", str(edition.projection_end).encode()).replace(b"2008", str(edition.base_year).encode())
            .replace(b"@SPAN@", f"{span}-{end:02d}".encode()).replace(b"@NAME@", edition.name.encode()))


def make_source(target: Path) -> int:
    count = 0
    for edition in read_catalogue():
        web = edition.url_scheme == "ooh"
        folder = WEB if web else PRINTED
        for path in sorted(folder.glob("*.htm*")):
            data = path.read_bytes()
            if edition.name not in ("2010-11", "2024-34"):
                data = as_edition(data, edition, web)
            out = target / edition.name / path.name
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
            count += 1
    return count


def measure(repeat: int = 10, title: str = "medical records", keep: Path | None = None) -> dict:
    """The best time of `ooh timeline TITLE` on the 18-edition warehouse (made, or the one kept in `keep`),
    with what the warehouse holds and the rows it answered."""
    scratch = keep or Path(tempfile.mkdtemp(prefix="ooh-timeline-"))
    try:
        warehouse = scratch / "w.duckdb"
        if keep and warehouse.exists():
            files, built, pages = None, None, read_query(warehouse, "SELECT count(*) FROM pages").rows[0][0]
            with publishing(warehouse):
                pass  # lays this checkout's views on the kept warehouse
        else:
            scratch.mkdir(parents=True, exist_ok=True)
            files = make_source(scratch / "source")
            started = time.perf_counter()
            refs = list_local_pages(scratch / "source")
            with publishing(warehouse) as con:
                summary = save_inputs(con, read_inputs(refs), source="editions", parser_version=PARSER_VERSION)
                save_identity(con)
                save_quality_checks(con, summary.load_id)
            built, pages = time.perf_counter() - started, summary.pages_new
            shutil.rmtree(scratch / "source", ignore_errors=True)
        editions = read_query(warehouse, "SELECT count(*) FROM editions").rows[0][0]
        sql, params = TIMELINE_SQL.replace("{year}", "2024"), [2024, title]
        best, rows = float("inf"), []
        for _ in range(repeat):
            started = time.perf_counter()
            rows = read_query(warehouse, sql, params).rows
            best = min(best, time.perf_counter() - started)
        return {"best": best, "rows": rows, "editions": editions, "pages": pages, "files": files, "built": built,
                "megabytes": warehouse.stat().st_size / 1e6}
    finally:
        if not keep:
            shutil.rmtree(scratch, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--title", default="medical records")
    parser.add_argument("--keep", type=Path, help="keep the warehouse in this folder and reuse it")
    args = parser.parse_args()
    found = measure(args.repeat, args.title, args.keep)
    made = (f"{found['files']} files as {found['editions']} editions" if found["files"]
            else f"kept warehouse of {found['editions']} editions")
    print(f"{made}: {found['pages']} pages, {found['megabytes']:.0f} MB"
          + (f", built in {found['built']:.0f} s" if found["built"] else ""))
    best, rows = found["best"], found["rows"]
    print(f"`ooh timeline \"{args.title}\"`: {len(rows)} rows, {len({r[1] for r in rows})} editions; "
          f"best of {args.repeat}: {best * 1000:.1f} ms (target < {TARGET_MS} ms): "
          f"{'met' if best * 1000 < TARGET_MS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
