"""Raise the corpus gate's floors (tests/gate/floors.json) to what the parser reaches now. Never lowers one.

Lowering a floor is a deliberate edit of floors.json, reviewed like any other change.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.gate import CORPUS_DIRS, FLOORS, measure, read_floors, read_folders  # noqa: E402


def main() -> int:
    missing = [str(d) for d in CORPUS_DIRS if not d.is_dir()]
    if missing:
        print(f"no corpus at {', '.join(missing)}", file=sys.stderr)
        return 2
    measured, _ = measure(read_folders(CORPUS_DIRS))
    floors = read_floors()
    for cls, checks in measured.items():
        for check, (hits, n) in checks.items():
            share = round(hits / n, 4)
            old = floors.setdefault(cls, {}).get(check)
            if old is None or share > old:
                floors[cls][check] = share
                print(f"{cls} {check}: {old} -> {share}")
    FLOORS.write_text(json.dumps(floors, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
