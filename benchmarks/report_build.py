"""Seconds `ooh report` takes to build the site from a warehouse (the target on the corpus: under 10 s).

    python benchmarks/report_build.py --warehouse FILE [--runs N]

Runs the command N times (default 3) into a new folder, as a user would (a new process each time: imports,
reading the marts, writing the pages), and prints each run's wall-clock seconds and the median. Build the
corpus warehouse first with `ooh ingest --source ../shared/corpus/seed --warehouse FILE`, then
`real/ooh-2010-11`, then `real/ooh-current`.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OOH = shutil.which("ooh", path=str(Path(sys.executable).parent)) or "ooh"
TARGET = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    seconds = []
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(1, args.runs + 1):
            out = Path(scratch) / f"report-{run}"
            started = time.perf_counter()
            done = subprocess.run([OOH, "report", "--warehouse", args.warehouse, "--out", str(out)],
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True)
            seconds.append(time.perf_counter() - started)
            if done.returncode != 0:
                print(done.stderr.strip(), file=sys.stderr)
                return done.returncode
            print(f"run {run}: {seconds[-1]:.2f} s  ({done.stdout.strip()})")
    median = statistics.median(seconds)
    print(f"median of {len(seconds)}: {median:.2f} s (target: under {TARGET:g} s) "
          f"{'OK' if median < TARGET else 'OVER THE TARGET'}")
    return 0 if median < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
