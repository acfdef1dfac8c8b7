"""Write tests/lineage/links_2010-11_to_2024-34.csv: every link between an occupation of the 2010-11
edition and one of the current edition on the corpus (../shared/corpus), with its kind, shares and
evidence, and a reviewer's note for each.

A row whose link is unchanged keeps its note; a new or changed row gets an empty note, which
tests/test_lineage.py refuses until someone has read the link against the two pages and written what they
found (`ok`, or why the kind is right although it looks wrong). The test also fails while this file and
the corpus warehouse disagree, so a change to the links never lands unreviewed.

    python scripts/write_link_review.py              # load the corpus into a scratch warehouse
    python scripts/write_link_review.py --warehouse W
"""
from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from warehouse.db import connect  # noqa: E402
from warehouse.identity import REVIEW_COLUMNS, REVIEWED_LINKS, link_review_rows  # noqa: E402


def corpus_warehouse(path: Path):
    from flows.gate import CORPUS_DIRS, read_folders
    from parsers import PARSER_VERSION
    from warehouse.identity import save_identity
    from warehouse.load import save_inputs

    con = connect(path)
    save_inputs(con, read_folders(CORPUS_DIRS), source="corpus", parser_version=PARSER_VERSION)
    save_identity(con)
    return con


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, help="a warehouse holding the corpus (default: load it now)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        con = (connect(args.warehouse, read_only=True) if args.warehouse
               else corpus_warehouse(Path(scratch) / "corpus.duckdb"))
        try:
            rows = link_review_rows(con, "2010-11", "2024-34")
        finally:
            con.close()
    notes = {}
    if REVIEWED_LINKS.exists():
        with REVIEWED_LINKS.open(newline="") as handle:
            notes = {tuple(r[c] for c in REVIEW_COLUMNS[:-1]): r["review"] for r in csv.DictReader(handle)}
    for row in rows:
        row["review"] = notes.get(tuple(row[c] for c in REVIEW_COLUMNS[:-1]), "")
    REVIEWED_LINKS.parent.mkdir(parents=True, exist_ok=True)
    with REVIEWED_LINKS.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=REVIEW_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    unreviewed = sum(1 for row in rows if not row["review"])
    print(f"wrote {REVIEWED_LINKS.relative_to(ROOT)}: {len(rows)} links, {unreviewed} to review")
    return 0


if __name__ == "__main__":
    sys.exit(main())
