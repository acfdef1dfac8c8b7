"""Parse-and-extract throughput on the real corpus, next to bare lxml.html.fromstring on the same bytes.

    python benchmarks/parse_throughput.py [CORPUS_DIR ...]

Both run in this process, alternately, best of --repeat runs each: the machines this runs on are noisy,
so only the ratio means something. The target is a ratio of at least 0.4.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parsers import ParseError, parse_page  # noqa: E402

DEFAULT_CORPUS = [ROOT.parent / "shared" / "corpus" / "real" / "ooh-2010-11", ROOT.parent / "shared" / "corpus" / "real" / "ooh-current"]
TARGET = 0.4


def load(dirs: list[Path]) -> list[bytes]:
    files = sorted(p for d in dirs for p in d.rglob("*.htm*") if p.is_file())
    return [p.read_bytes() for p in files]


def time_once(pages: list[bytes], work) -> float:
    started = time.perf_counter()
    for data in pages:
        work(data)
    return time.perf_counter() - started


def ours(data: bytes) -> None:
    try:
        parse_page(data)
    except ParseError:
        pass  # rejected inputs are part of the work


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="*", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    missing = [d for d in args.corpus if not d.is_dir()]
    if missing:
        print(f"no corpus at {', '.join(map(str, missing))}: pass corpus folders as arguments", file=sys.stderr)
        return 2
    pages = load(args.corpus)
    megabytes = sum(map(len, pages)) / 1e6
    best_lxml = best_ours = float("inf")
    for _ in range(args.repeat):
        best_lxml = min(best_lxml, time_once(pages, lxml.html.fromstring))
        best_ours = min(best_ours, time_once(pages, ours))
    ratio = best_lxml / best_ours
    print(f"{len(pages)} pages, {megabytes:.1f} MB, best of {args.repeat}")
    print(f"bare lxml.html.fromstring        {len(pages) / best_lxml:6.0f} pages/s  {megabytes / best_lxml:6.1f} MB/s")
    print(f"parse_page (sections + figures)  {len(pages) / best_ours:6.0f} pages/s  {megabytes / best_ours:6.1f} MB/s")
    print(f"ratio {ratio:.2f} of bare lxml (target {TARGET}): {'met' if ratio >= TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
