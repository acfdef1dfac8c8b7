"""What a re-ingest costs: the whole corpus ingested into a new warehouse, then again unchanged, then again
with 1% of its pages changed, each measured inside the flow, as ratios to the first.

    python benchmarks/ingest_incremental.py [CORPUS_DIR ...] [--copies N] [--repeat N]

Everything is measured in one run of this script, and only the ratios mean something (these machines are
noisy). Each ingest is `ooh ingest` in a subprocess, against one Prefect server this script starts on
loopback (or the one PREFECT_API_URL names); its time is what Prefect logs, from "Beginning flow run" to
the flow's "Finished in state" (benchmarks/ingest_overhead.py). A changed page has one byte changed (a
space near its end becomes a tab), so that it is a new page.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_overhead import DEFAULT_CORPUS, _one_byte_changed, copy_corpus, flow_environment, run_flow  # noqa: E402

TARGET_UNCHANGED, TARGET_CHANGED = 0.10, 0.15


def change_pages(files: list[Path], share: float, round_no: int) -> int:
    """Change one byte of every 1/share-th page (a different byte each round, so each round's are new)."""
    step = max(1, round(1 / share))
    changed = files[round_no % step::step]
    for path in changed:
        path.write_bytes(_one_byte_changed(path.read_bytes(), round_no + 1))
    return len(changed)


def measure(corpus: list[Path], scratch: Path, env: dict, copies: int = 1, repeat: int = 3) -> dict:
    """The best of `repeat` rounds of each ingest (first, unchanged, changed: seconds inside the flow), with the
    number of files, of pages changed, and each ingest's summary line. `env`: flow_environment's."""
    source = scratch / f"corpus{copies}"
    count = copy_corpus(corpus, source, copies=copies)
    files = sorted(p for p in source.rglob("*") if p.is_file())
    best = {"first": float("inf"), "unchanged": float("inf"), "changed": float("inf")}
    lines: dict[str, str] = {}
    changed = 0
    for round_no in range(repeat):
        seconds, _, lines["first"] = run_flow(source, scratch / "data", env)
        best["first"] = min(best["first"], seconds)
        seconds, _, lines["unchanged"] = run_flow(source, scratch / "data", env, fresh=False)
        best["unchanged"] = min(best["unchanged"], seconds)
        changed = change_pages(files, 0.01, round_no)
        seconds, _, lines["changed"] = run_flow(source, scratch / "data", env, fresh=False)
        best["changed"] = min(best["changed"], seconds)
    shutil.rmtree(source, ignore_errors=True)
    return {**best, "files": count, "pages_changed": changed, "lines": lines}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="*", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--copies", type=int, default=1, help="the corpus this many times (distinct copies)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best counts")
    args = parser.parse_args()
    missing = [d for d in args.corpus if not d.is_dir()]
    if missing:
        print(f"no corpus at {', '.join(map(str, missing))}: pass corpus folders as arguments", file=sys.stderr)
        return 2
    scratch = Path(tempfile.mkdtemp(prefix="ooh-bench-"))
    try:
        with flow_environment(scratch) as env:
            found = measure(args.corpus, scratch, env, args.copies, args.repeat)
        print(f"{found['files']} files; best of {args.repeat}")
        for name, what in (("first", "first ingest, new warehouse"), ("unchanged", "the same files again"),
                           ("changed", f"again with {found['pages_changed']} pages changed (1%)")):
            print(f"{what:<42} {found[name]:7.2f} s   {found['lines'][name][:150]}")
        for name, target in (("unchanged", TARGET_UNCHANGED), ("changed", TARGET_CHANGED)):
            ratio = found[name] / found["first"]
            print(f"{name} / first: {ratio:.3f} (target <= {target}): {'met' if ratio <= target else 'NOT met'}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
