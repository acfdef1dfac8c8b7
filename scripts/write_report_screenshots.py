"""Write the README's two screenshots of `ooh report`'s site: the index and one occupation page.

    python scripts/write_report_screenshots.py --warehouse FILE [--key OCCUPATION_KEY]

Builds the site of the warehouse (the corpus warehouse: README's "The report") into a scratch folder, opens
it from file:// in the system's headless Chromium (tests/browser.py) and writes docs/report-index.png and
docs/report-occupation.png (the occupation page of --key, default the medical records technicians').
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser import open_browser, visit  # noqa: E402
from warehouse.site import build_site  # noqa: E402

DOCS = ROOT / "docs"
SHOT = {"width": 1200, "height": 1700}  # the top of each page: its charts, tables and first changes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", required=True)
    parser.add_argument("--key", default="medical-records-and-health-information-technicians")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "report"
        print(build_site(args.warehouse, out).line())
        DOCS.mkdir(exist_ok=True)
        with open_browser() as browser:
            for url, name in ((out / "index.html").as_uri(), "report-index.png"), \
                             ((out / "occupations" / f"{args.key}.html").as_uri(), "report-occupation.png"):
                page, seen = visit(browser, url)
                if seen.errors:
                    print(f"{url}: {'; '.join(seen.errors)}", file=sys.stderr)
                    return 1
                page.set_viewport_size(SHOT)
                page.screenshot(path=str(DOCS / name))
                print(f"wrote {DOCS / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
