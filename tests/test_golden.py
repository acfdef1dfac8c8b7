"""Golden pairs: every fixture page parses to exactly its reviewed JSON (scripts/regenerate_golden.py)."""
import json
import sys

import pytest

from conftest import FIXTURES, PAGES, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from regenerate_golden import golden_dict, golden_path  # noqa: E402

FIXTURE_PAGES = sorted(p for p in PAGES.rglob("*") if p.is_file())


def test_every_fixture_page_has_a_golden_file():
    assert len(FIXTURE_PAGES) >= 13
    missing = [p.name for p in FIXTURE_PAGES if not golden_path(p).exists()]
    assert not missing, f"run scripts/regenerate_golden.py and review: {missing}"
    orphans = {p.relative_to(FIXTURES / "golden") for p in (FIXTURES / "golden").rglob("*.json")} - {
        golden_path(p).relative_to(FIXTURES / "golden") for p in FIXTURE_PAGES}
    assert not orphans


@pytest.mark.parametrize("page", FIXTURE_PAGES, ids=[p.name for p in FIXTURE_PAGES])
def test_golden(page):
    expected = json.loads(golden_path(page).read_text())
    got = json.loads(json.dumps(golden_dict(page), ensure_ascii=False))
    for key in expected:
        if key != "figures":
            assert got[key] == expected[key], key
    assert len(got["figures"]) == len(expected["figures"])
    for n, (g, e) in enumerate(zip(got["figures"], expected["figures"])):
        assert g == e, f"figure {n}"
