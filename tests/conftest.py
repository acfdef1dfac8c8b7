from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
PAGES = FIXTURES / "pages"
BAD = FIXTURES / "bad"


def page_bytes(relative: str) -> bytes:
    return (PAGES / relative).read_bytes()


SEED = "2006-07/edinformatics_medical-records-technician_2006-07.txt"
MRT_2010 = "2010-11/ocos103_medical-records-and-health-information-technicians.html"
MRT_CURRENT = "current/healthcare__medical-records-and-health-information-technicians.html"


@pytest.fixture(scope="session")
def parsed():
    """Parse each fixture page once per test session."""
    from parsers import parse_page

    cache: dict[str, object] = {}

    def get(relative: str):
        if relative not in cache:
            cache[relative] = parse_page(page_bytes(relative))
        return cache[relative]

    return get
