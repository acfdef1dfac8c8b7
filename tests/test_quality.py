"""Data quality checks: each finds what it is for, names the occupation, edition and values, and is
stored with the load; the whole corpus passes them."""
import pytest

from flows.batch import read_inputs
from flows.sources import list_local_pages
from parsers import PARSER_VERSION
from warehouse.db import connect
from warehouse.identity import save_identity
from warehouse.load import save_inputs
from warehouse.quality import CHECKS, save_quality_checks

from conftest import PAGES

MRT_2010 = "2010-11:medical-records-and-health-information-technicians"
MRT_NOW = "2024-34:medical-records-specialists"


@pytest.fixture(scope="module")
def inputs():
    return read_inputs(list_local_pages(PAGES))


@pytest.fixture
def con(tmp_path, inputs):
    con = connect(tmp_path / "w.duckdb")
    summary = save_inputs(con, inputs, source="fixtures", parser_version=PARSER_VERSION)
    save_identity(con)
    yield con, summary.load_id
    con.close()


def corrupt(con, occupation_id: str, where: str, assignment: str) -> None:
    """Change one figure of an occupation's page, as a parser bug would."""
    figure = con.execute(
        f"""SELECT page_id, min(figure_no) FROM extracted_figures
            WHERE page_id = (SELECT page_id FROM current_pages WHERE occupation_id = ?) AND {where}
            GROUP BY page_id""", [occupation_id]).fetchone()
    assert figure is not None, (occupation_id, where)
    con.execute(f"UPDATE extracted_figures SET {assignment} WHERE page_id = ? AND figure_no = ?", figure)


def findings(con, load_id) -> list[tuple]:
    return con.execute("""SELECT q.check_name, q.edition, o.title, q.detail FROM quality_violations AS q
                          JOIN occupations AS o USING (occupation_id) WHERE q.load_id = ? ORDER BY 1""",
                       [load_id]).fetchall()


def test_the_fixture_pages_pass_every_check(con):
    con, load_id = con
    found = save_quality_checks(con, load_id)
    assert set(found) == {path.stem for path in CHECKS} and len(found) == 6
    assert sum(found.values()) == 0, findings(con, load_id)
    assert con.execute("SELECT quality_violations FROM loads WHERE load_id = ?", [load_id]).fetchone()[0] == 0


@pytest.mark.parametrize("check, occupation_id, where, assignment, detail", [
    ("percentiles_in_order", MRT_2010, "measure = 'p25' AND source = 'prose'", "value = 99999",
     "p25 99,999, median 30,610"),
    ("projection_arithmetic", MRT_2010, "measure = 'employment_target' AND source = 'table'", "value = value + 1000",
     "Medical records and health information technicians: base 172,500 + change 35,100 = 207,600, not the target 208,600"),
    ("change_percent_consistent", MRT_NOW, "measure = 'change_percent' AND source = 'table'", "value = 17",
     "change 13,800 of base 194,800 is 7.1%, the page says 17%"),
    ("hourly_annual_consistent", MRT_NOW, "measure = 'median' AND period = 'hour' AND source = 'quick_facts'",
     "value = 30", "50,250 a year against 30 an hour x 2,080 = 62,400"),
    ("jobs_positive", MRT_2010, "kind = 'employment' AND measure = 'jobs'", "value = 0", "0 jobs (as stated: "),
    ("figure_has_sentence", MRT_NOW, "TRUE", "sentence = ''", "figure 1 ("),
])
def test_each_check_finds_a_corrupted_figure(con, check, occupation_id, where, assignment, detail):
    con, load_id = con
    corrupt(con, occupation_id, where, assignment)
    found = save_quality_checks(con, load_id)
    assert found[check] == 1 and sum(found.values()) == 1, findings(con, load_id)
    (name, edition, title, text), = findings(con, load_id)
    assert name == check and occupation_id.startswith(edition) and title.startswith("Medical Records")
    assert detail in text, text
    assert con.execute("SELECT quality_violations FROM loads WHERE load_id = ?", [load_id]).fetchone()[0] == 1
    report = con.execute("SELECT check_name, occupation_title, detail FROM quality_report").fetchall()
    assert report == [(check, title, text)]


def test_the_whole_corpus_passes_every_check(corpus_warehouse):
    rows = corpus_warehouse.execute("SELECT check_name, edition, occupation_id, detail FROM quality_report").fetchall()
    assert rows == []
    checked = corpus_warehouse.execute("SELECT quality_violations FROM loads ORDER BY load_id DESC LIMIT 1").fetchone()[0]
    assert checked == 0  # the checks ran (NULL would mean they did not)
