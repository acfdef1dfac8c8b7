"""Write fixtures/golden/<path>.json for every page under fixtures/pages: what the parser makes of it.

Run after a parser change, then review `git diff fixtures/golden` line by line: every change there is a
change in what the warehouse will say. tests/test_golden.py fails until the files match again.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parsers import parse_page  # noqa: E402

PAGES = ROOT / "fixtures" / "pages"
GOLDEN = ROOT / "fixtures" / "golden"


def golden_path(page: Path) -> Path:
    return GOLDEN / page.relative_to(PAGES).with_suffix(".json")


def golden_dict(page: Path) -> dict:
    """The parsed page without section texts (tests/test_layouts.py checks those by snippets)."""
    return parse_page(page.read_bytes()).to_dict(with_text=False)


def main() -> int:
    for page in sorted(p for p in PAGES.rglob("*") if p.is_file()):
        target = golden_path(page)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(golden_dict(page), indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
