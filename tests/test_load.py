"""The warehouse load: bulk, idempotent, every input accounted for, nothing loaded ever lost."""
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from flows.batch import read_inputs
from flows.sources import list_local_pages
from parsers import PARSER_VERSION
from warehouse.db import connect
from warehouse.load import save_inputs, save_load
from warehouse.publish import publishing
from warehouse.staging import write_batch

from conftest import BAD, PAGES

FIGURES_COLUMNS = ["edition", "base_year", "occupation_title", "soc_code", "source_url", "section", "kind", "measure",
                   "value", "unit", "period", "ref_year", "ref_month", "qualifier", "setting", "raw_text", "sentence"]


@pytest.fixture(scope="module")
def good_inputs():
    return read_inputs(list_local_pages(PAGES))


@pytest.fixture(scope="module")
def bad_inputs():
    return read_inputs(list_local_pages(BAD))


@pytest.fixture
def con(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    yield con
    con.close()


def counts(con) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("pages", "page_sources", "sections", "extracted_figures", "rejected_inputs", "editions",
                      "occupations")}


def rows(con, table: str) -> list[tuple]:
    return sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr)


def test_load_writes_every_page_and_figure(con, good_inputs):
    summary = save_inputs(con, good_inputs, source="fixtures", parser_version=PARSER_VERSION)
    assert summary.pages_new == len(good_inputs) == 14
    assert summary.inputs_rejected == 0
    expected_figures = sum(len(i.page.figures) for i in good_inputs)
    assert counts(con)["extracted_figures"] == expected_figures == summary.figures_written
    assert counts(con)["sections"] == sum(len(i.page.sections) for i in good_inputs)
    assert {r[0] for r in con.execute("SELECT edition FROM editions").fetchall()} == {"2006-07", "2010-11", "2024-34"}
    assert con.execute("SELECT DISTINCT load_id FROM extracted_figures").fetchall() == [(summary.load_id,)]


def test_loading_the_same_pages_twice_leaves_the_same_rows(con, good_inputs):
    save_inputs(con, good_inputs, source="fixtures", parser_version=PARSER_VERSION)
    before = {t: rows(con, t) for t in ("pages", "page_sources", "sections", "extracted_figures", "occupations")}
    second = save_inputs(con, good_inputs, source="fixtures", parser_version=PARSER_VERSION)
    assert (second.pages_new, second.pages_unchanged, second.figures_written) == (0, 14, 0)
    assert {t: rows(con, t) for t in before} == before
    assert con.execute("SELECT count(*) FROM loads").fetchone()[0] == 2


def test_a_new_parser_version_replaces_a_pages_rows(con, good_inputs):
    save_inputs(con, good_inputs[:2], source="fixtures", parser_version=PARSER_VERSION)
    for item in good_inputs[:2]:
        item.page.parser_version = "next"
    try:
        summary = save_inputs(con, good_inputs[:2], source="fixtures", parser_version="next")
    finally:
        for item in good_inputs[:2]:
            item.page.parser_version = PARSER_VERSION
    assert summary.pages_replaced == 2
    assert con.execute("SELECT DISTINCT parser_version FROM pages").fetchall() == [("next",)]
    assert con.execute("SELECT count(*) FROM extracted_figures").fetchone()[0] == sum(
        len(i.page.figures) for i in good_inputs[:2])


def test_bad_inputs_are_recorded_and_the_rest_of_the_batch_loads(con, good_inputs, bad_inputs):
    summary = save_inputs(con, good_inputs + bad_inputs, source="mixed", parser_version=PARSER_VERSION)
    assert summary.pages_new == 14
    assert summary.inputs_rejected == len(bad_inputs) == 5
    reasons = dict(con.execute("SELECT regexp_extract(source_url, '[^/]+$'), reason_code FROM rejected_inputs").fetchall())
    assert reasons == {"binary.png": "binary", "empty.html": "empty", "ocos028_404-not-found.html": "not_found_page",
                       "ocos069_teachers-landing-page.html": "landing_page", "unknown-layout.html": "unknown_layout"}
    assert all(r for (r,) in con.execute("SELECT reason FROM rejected_inputs").fetchall())
    again = save_inputs(con, bad_inputs, source="bad", parser_version=PARSER_VERSION)
    assert again.inputs_rejected == 5 and counts(con)["rejected_inputs"] == 5  # the same bad bytes add nothing


def test_a_source_whose_bytes_went_bad_keeps_its_old_page_out_of_the_views(con, good_inputs, bad_inputs):
    save_inputs(con, good_inputs, source="fixtures", parser_version=PARSER_VERSION)
    broken = bad_inputs[0]
    broken.source_url, original = good_inputs[0].source_url, broken.source_url
    try:
        save_inputs(con, [broken], source="fixtures", parser_version=PARSER_VERSION)
    finally:
        broken.source_url = original
    assert counts(con)["pages"] == 14  # nothing loaded is lost ...
    live = {r[0] for r in con.execute("SELECT source_url FROM current_pages").fetchall()}
    assert good_inputs[0].source_url not in live  # ... but the views show what the sources hold now
    assert len(live) == 13
    assert con.execute("SELECT count(*) FROM figures WHERE source_url = ?", [good_inputs[0].source_url]).fetchone()[0] == 0


def test_byte_identical_pages_are_stored_once_and_linked(con, good_inputs):
    twin = good_inputs[1]
    copy = type(twin)(twin.source_url + ".copy", twin.sha256, twin.nbytes, twin.page)
    summary = save_inputs(con, [twin, copy], source="twins", parser_version=PARSER_VERSION)
    assert summary.pages_new == 1 and summary.inputs_duplicate == 1
    assert counts(con)["pages"] == 1 and counts(con)["page_sources"] == 2


def test_a_failed_load_leaves_the_warehouse_as_it_was(con, good_inputs):
    save_inputs(con, good_inputs[:3], source="fixtures", parser_version=PARSER_VERSION)
    before = counts(con)
    con.execute("CREATE TABLE block AS SELECT 1")  # make the next load fail half-way:
    con.execute("DROP TABLE extracted_figures")  # its figures have nowhere to go
    with pytest.raises(duckdb.Error):
        save_inputs(con, good_inputs[3:], source="fixtures", parser_version=PARSER_VERSION)
    assert con.execute("SELECT count(*) FROM pages").fetchone()[0] == before["pages"]
    assert con.execute("SELECT count(*) FROM loads").fetchone()[0] == 1


@pytest.mark.parametrize("table", ["quality_violations", "extracted_figures"])
def test_a_load_and_what_is_derived_from_it_commit_together_or_not_at_all(con, good_inputs, tmp_path, table):
    save_inputs(con, good_inputs[:3], source="fixtures", parser_version=PARSER_VERSION)
    before = counts(con)
    batch = str(write_batch(tmp_path, "rest", good_inputs[3:]))
    # the quality checks fail, after the pages and the links are written; or the pages' figures do
    con.execute(f"DROP TABLE {table}")
    with pytest.raises(duckdb.Error, match=f"{table} does not exist"):  # the failure's own error
        save_load(con, [batch], source="fixtures", parser_version=PARSER_VERSION)
    for name, count in before.items():  # the pages written before the failure are not kept
        if name != table:
            assert con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == count, name
    assert con.execute("SELECT count(*) FROM loads").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM occupation_lineage").fetchone()[0] == 0


def test_a_load_goes_straight_into_the_version_being_built_not_through_duckdbs_log(tmp_path, good_inputs):
    warehouse = tmp_path / "w.duckdb"
    batch = str(write_batch(tmp_path, "all", good_inputs))
    with publishing(warehouse) as con:
        summary = save_load(con, [batch], source="fixtures", parser_version=PARSER_VERSION)
        # written to the log, the 14 pages' rows would be over half a megabyte, and written again at publishing
        assert not Path(f"{warehouse}.next.wal").exists()
    assert summary.pages_new == 14 and set(summary.quality) and summary.figures_written > 600
    with duckdb.connect(str(warehouse), read_only=True) as published:
        assert published.execute("SELECT count(*) FROM pages").fetchone()[0] == 14
        assert published.execute("SELECT count(*) FROM occupation_lineage").fetchone()[0] > 0


def test_figures_view_contract(con, good_inputs):
    save_inputs(con, good_inputs, source="fixtures", parser_version=PARSER_VERSION)
    columns = [r[0] for r in con.execute("DESCRIBE figures").fetchall()]
    assert columns[: len(FIGURES_COLUMNS)] == FIGURES_COLUMNS
    url, = con.execute("SELECT DISTINCT source_url FROM figures WHERE edition = '2006-07'").fetchone()
    assert url.startswith("file:///") and Path(url[7:]).is_file()
    assert con.execute("SELECT count(*) FROM figures WHERE sentence IS NULL OR raw_text IS NULL").fetchone()[0] == 0


def test_medical_records_technicians_across_three_editions(con, good_inputs):
    save_inputs(con, good_inputs, source="fixtures", parser_version=PARSER_VERSION)
    got = con.execute(
        """SELECT base_year, jobs, median_annual_wage FROM occupation_editions
           WHERE occupation_title ILIKE 'medical records%' ORDER BY base_year""").fetchall()
    assert got == [(2004, Decimal("159000"), Decimal("25590")), (2008, Decimal("172500"), Decimal("30610")),
                   (2024, Decimal("194800"), Decimal("50250"))]


def test_connect_read_only_never_creates_a_file(tmp_path):
    from warehouse.db import WarehouseError

    with pytest.raises(WarehouseError, match="run 'ooh ingest' first"):
        connect(tmp_path / "missing.duckdb", read_only=True)
    assert not (tmp_path / "missing.duckdb").exists()
