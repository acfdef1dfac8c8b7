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


@pytest.fixture(scope="session")
def corpus_inputs():
    """Every file of ../shared/corpus (seed, 2010-11, current), read and parsed once per session."""
    from flows.gate import CORPUS_DIRS, read_folders

    return read_folders(CORPUS_DIRS)


@pytest.fixture(scope="session")
def corpus_warehouse(corpus_inputs, tmp_path_factory):
    """The whole corpus loaded into a warehouse file, the way an ingest loads it."""
    from parsers import PARSER_VERSION
    from warehouse.db import connect
    from warehouse.load import save_inputs

    con = connect(tmp_path_factory.mktemp("corpus") / "corpus.duckdb")
    save_inputs(con, corpus_inputs, source="corpus", parser_version=PARSER_VERSION)
    yield con
    con.close()
