"""Write warehouse/DATA_DICTIONARY.md from a new, empty warehouse's schema and warehouse/contract/.

Run after changing a view, a table or the contract; tests/test_contract.py fails until the file matches.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from warehouse.contract import DICTIONARY, render_dictionary  # noqa: E402
from warehouse.db import connect  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        con = connect(Path(scratch) / "empty.duckdb")
        try:
            text = render_dictionary(con)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 1
        finally:
            con.close()
    DICTIONARY.write_text(text)
    print(f"wrote {DICTIONARY.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
