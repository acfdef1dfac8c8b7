"""Draw the pages of the hand-labelled audit (tests/audit/sample.csv) at random, with a committed seed.

From each edition's folder of ../shared/corpus: pages that parse, none of fixtures/, one page per group of
byte-identical files, none of the samples drawn before (--exclude). Running it again with the same seed and
corpus draws the same pages.

    scripts/draw_audit_sample.py                                    the development sample
    scripts/draw_audit_sample.py --seed 20261201 --per-edition 12 --exclude tests/audit/sample.csv \
        --out tests/audit/holdout.csv                               pages labelled after the parser was tuned
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.audit import SAMPLE, read_sample  # noqa: E402
from flows.gate import CORPUS  # noqa: E402
from flows.settings import PROJECT_ROOT  # noqa: E402
from parsers import ParseError, parse_page  # noqa: E402

FOLDERS = {"2010-11": CORPUS / "real" / "ooh-2010-11", "current": CORPUS / "real" / "ooh-current"}


def candidates(folder: Path, exclude: set[str]) -> list[Path]:
    seen: set[str] = set()
    out = []
    for path in sorted(p for p in folder.glob("*.html")):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if path.name in exclude or digest in seen:
            continue
        seen.add(digest)
        try:
            parse_page(data)
        except ParseError:
            continue
        out.append(path)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--per-edition", type=int, default=20)
    parser.add_argument("--exclude", type=Path, action="append", default=[], help="a sample whose pages to leave out")
    parser.add_argument("--out", type=Path, default=SAMPLE)
    args = parser.parse_args()
    exclude = {p.name for p in (PROJECT_ROOT / "fixtures" / "pages").rglob("*") if p.is_file()}
    exclude |= {row.page for path in args.exclude for row in read_sample(path)}
    drawn = {row.sha256 for path in args.exclude for row in read_sample(path)}
    rows = []
    for edition, folder in FOLDERS.items():
        pool = [p for p in candidates(folder, exclude) if hashlib.sha256(p.read_bytes()).hexdigest() not in drawn]
        for path in sorted(random.Random(f"{args.seed}/{edition}").sample(pool, args.per_edition)):
            rows.append({"edition": edition, "page": path.name, "path": str(path.relative_to(CORPUS)),
                         "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "seed": args.seed})
    with args.out.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} pages -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
