"""`make bench-scale`: every measure of scale in one run, then one table of them against their targets.

    python benchmarks/scale.py [--quick] [--publish-dir FOLDER]

In order, each printed as it is measured:
- the corpus ingested into a new warehouse, again unchanged, and again with 1% of its pages changed (inside
  the flow, best of 3), then the same on the corpus ten times over (distinct copies, one byte changed; one
  round): benchmarks/ingest_incremental.py;
- the peak memory of an ingest of the corpus and of ten times it (benchmarks/ingest_overhead.py);
- publishing a load of 1% of the corpus into warehouses of the corpus's size, 1 GB and 5 GB
  (benchmarks/publish_scale.py; --publish-dir puts them on another filesystem, such as one that makes
  copy-on-write clones);
- one occupation's timeline on a warehouse of the catalogue's 18 editions (benchmarks/timeline_scale.py).

Minutes of work and gigabytes of scratch files; not part of the tests. Only the ratios mean something:
these machines are noisy. --quick: one round of each ingest, a 1 GB warehouse only, and no ten-times corpus.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ingest_incremental  # noqa: E402
import publish_scale  # noqa: E402
import timeline_scale  # noqa: E402
from ingest_overhead import DEFAULT_CORPUS, TARGET_MEMORY, flow_environment, peak_memory  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round, 1 GB, no ten-times corpus")
    parser.add_argument("--publish-dir", type=Path, help="where the publishing warehouses are made")
    args = parser.parse_args()
    missing = [d for d in DEFAULT_CORPUS if not d.is_dir()]
    if missing:
        print(f"no corpus at {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    repeat, copies = (1, [1]) if args.quick else (3, [1, 10])
    verdicts: list[tuple[str, str, str, bool]] = []  # what, result, target, met

    def verdict(what: str, value: float, target: float, shown: str, below: bool = False) -> None:
        met = value < target if below else value <= target
        verdicts.append((what, shown, f"{'<' if below else '<='} {target:g}", met))

    scratch = Path(tempfile.mkdtemp(prefix="ooh-scale-"))
    try:
        with flow_environment(scratch) as env:
            for times in copies:
                found = ingest_incremental.measure(DEFAULT_CORPUS, scratch, env, times, 1 if times > 1 else repeat)
                print(f"corpus x{times} ({found['files']} files): first {found['first']:.2f} s, unchanged "
                      f"{found['unchanged']:.2f} s, {found['pages_changed']} pages changed {found['changed']:.2f} s",
                      flush=True)
                for name, target in (("unchanged", ingest_incremental.TARGET_UNCHANGED),
                                     ("changed", ingest_incremental.TARGET_CHANGED)):
                    ratio = found[name] / found["first"]
                    what = "unchanged re-ingest" if name == "unchanged" else "re-ingest with 1% changed"
                    verdict(f"{what} / first, corpus x{times}", ratio, target, f"{ratio:.3f}")
            peaks = {}
            for times in copies:
                peaks[times] = peak_memory(DEFAULT_CORPUS, scratch, env, times)[0]
                print(f"peak memory, corpus x{times}: {peaks[times] / 2**20:.0f} MiB", flush=True)
            if 10 in peaks:
                growth = peaks[10] / peaks[1]
                verdict("peak memory, corpus x10 / x1", growth, TARGET_MEMORY, f"{growth:.2f}")
        published = publish_scale.measure([1] if args.quick else [1, 5], repeat, args.publish_dir)
        rows = published["rows"]
        for size, seconds in rows:
            print(f"publishing {published['pages']} pages into {size / 1e6:,.0f} MB: {seconds:.3f} s "
                  f"({published['how']})", flush=True)
        ratio = rows[-1][1] / rows[0][1]
        verdict(f"publish into {rows[-1][0] / 1e9:.1f} GB / {rows[0][0] / 1e6:.0f} MB ({published['how']})", ratio,
                publish_scale.TARGET, f"{ratio:.1f}")
        timeline = timeline_scale.measure(3 if args.quick else 10)
        print(f"timeline across {timeline['editions']} editions: {timeline['best'] * 1000:.1f} ms", flush=True)
        verdict(f"one timeline across {timeline['editions']} editions, ms", timeline["best"] * 1000,
                timeline_scale.TARGET_MS, f"{timeline['best'] * 1000:.1f}", below=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    width = max(len(what) for what, *_ in verdicts)
    print()
    for what, shown, target, met in verdicts:
        print(f"{what:<{width}}  {shown:>7}  target {target:<7}  {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
