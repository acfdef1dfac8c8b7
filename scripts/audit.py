"""The figure audit (tests/audit/): score the parser against the hand labels, or print a page as a
labeller reads it.

    scripts/audit.py                       precision and recall per sample and edition, every miss
    scripts/audit.py --warehouse FILE      also: the headlines of occupation_editions in FILE (a warehouse the
                                           corpus was ingested into) against the labels, and any headline
                                           wage that is a part's, an industry's or a group's
    scripts/audit.py text PAGE             the page's text (PAGE: a file name of the samples, or a path)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.audit import (  # noqa: E402
    headlines_against_labels, headlines_of_parts, nearest, read_samples, render_text, score_samples,
)
from warehouse.db import connect  # noqa: E402
from parsers import parse_page  # noqa: E402


def print_score(verbose: bool) -> None:
    pages, totals = score_samples()
    if verbose:
        for p in pages:
            if not (p.missed or p.extra):
                continue
            print(f"\n{p.page} ({p.sample}, {p.edition}): {len(p.matched)} of {len(p.labels)} labels, {len(p.extra)} extra")
            for miss in p.missed:
                near = nearest(miss, p.extra)
                print(f"  missed  {miss}" + (f"\n          stated as {near}" if near else ""))
            for extra in p.extra:
                if not any(nearest(m, [extra]) for m in p.missed):
                    print(f"  extra   {extra}")
    print(f"\n{'sample':8} {'edition':8} {'pages':>5} {'labels':>6} {'parsed':>6} {'right':>6} {'precision':>9} "
          f"{'recall':>7} {'qualifiers':>10}")
    for t in totals:
        print(f"{t.sample:8} {t.edition:8} {t.pages:>5} {t.labels:>6} {t.parsed:>6} {t.matched:>6} {t.precision:>9.1%} "
              f"{t.recall:>7.1%} {t.qualifiers_agree / t.matched if t.matched else 1:>10.1%}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    text = sub.add_parser("text", help="print a page as a labeller reads it")
    text.add_argument("page")
    parser.add_argument("--quiet", action="store_true", help="only the totals, not every miss")
    parser.add_argument("--warehouse", type=Path, help="a warehouse the corpus was ingested into")
    args = parser.parse_args()
    if args.command == "text":
        sample = {row.page: row.path for row in read_samples()}
        path = sample.get(args.page) or Path(args.page)
        print(render_text(parse_page(Path(path).read_bytes())), end="")
        return 0
    print_score(not args.quiet)
    if args.warehouse:
        con = connect(args.warehouse, read_only=True)
        try:
            compared, wrong = headlines_against_labels(con)
            parts = headlines_of_parts(con)
        finally:
            con.close()
        print(f"\nHeadlines of the labelled pages: {compared - len(wrong)} of {compared} agree with the labels")
        for line in wrong:
            print(f"  {line}")
        print(f"Headline wages that are a part's, an industry's or a group's ({Path('tests/audit/headlines_of_parts.sql')}): "
              f"{len(parts)}")
        for title, period, wage, whose in parts:
            print(f"  {title}: {wage} a {period}, stated for {whose}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
