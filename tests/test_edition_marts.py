"""The marts of what changed between editions: edition_text_changes (sentences aligned by similarity),
edition_diff (figure deltas) and projection_accuracy (projections against what a later edition reports).

The alignment and the lineage rule are checked on small tables made here, running the views' own SQL
files over them; the figures on the whole corpus."""
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

VIEWS = Path(__file__).resolve().parents[1] / "warehouse" / "views"
MEDICAL = "medical-records-and-health-information-technicians"


def _view(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(next(VIEWS.glob(f"*_{name}.sql")).read_text())


def _rows(con, sql, params=None) -> list[dict]:
    result = con.execute(sql, params)
    columns = [d[0] for d in result.description]
    return [dict(zip(columns, row)) for row in result.fetchall()]


# --- edition_text_changes: the alignment, on page_text rows made here ---

@pytest.fixture
def texts():
    """A page_text of one key in two editions; the view reads only these columns."""
    con = duckdb.connect()
    con.execute("""CREATE TABLE page_text (occupation_key VARCHAR, edition VARCHAR, base_year INTEGER,
                   section VARCHAR, section_no INTEGER, text VARCHAR, page_id VARCHAR)""")

    def add(edition, base_year, section, text, section_no=1, key="k"):
        con.execute("INSERT INTO page_text VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [key, edition, base_year, section, section_no, text, f"{key}-{edition}"])

    yield con, add
    con.close()


def test_sentences_are_aligned_by_similarity_not_by_position(texts):
    con, add = texts
    add("2010-11", 2008, "employment",
        "Technicians held about 172,500 jobs in 2008. About 39 percent of jobs were in hospitals. "
        "Others worked in offices of physicians.")
    # the same sentences moved around, one reworded with new figures, one dropped, one new
    add("2024-34", 2024, "employment",
        "About 39 percent of jobs were in hospitals. A new sentence about remote work appears here. "
        "Technicians held about 194,800 jobs in 2024.")
    _view(con, "edition_text_changes")
    rows = _rows(con, "SELECT change, older_sentence, newer_sentence, similarity FROM edition_text_changes "
                      "ORDER BY change, change_no")
    assert [(r["change"], r["older_sentence"], r["newer_sentence"]) for r in rows] == [
        ("added", None, "A new sentence about remote work appears here."),
        ("changed", "Technicians held about 172,500 jobs in 2008.", "Technicians held about 194,800 jobs in 2024."),
        ("removed", "Others worked in offices of physicians.", None),
    ]  # the moved sentence is unchanged: not listed
    assert 0.5 <= rows[1]["similarity"] < 1


def test_a_sentence_pairs_with_its_most_similar_counterpart_once(texts):
    con, add = texts
    add("2010-11", 2008, "pay", "The middle 50 percent earned between $20,650 and $32,990.")
    add("2024-34", 2024, "pay", "The middle 50 percent earned between $24,290 and $39,490. "
                                "The middle 50 percent of workers earned between $24,290 and $39,490 in May.")
    _view(con, "edition_text_changes")
    rows = _rows(con, "SELECT change, newer_sentence FROM edition_text_changes ORDER BY change")
    assert rows == [{"change": "added", "newer_sentence": "The middle 50 percent of workers earned between $24,290 "
                                                          "and $39,490 in May."},
                    {"change": "changed", "newer_sentence": "The middle 50 percent earned between $24,290 and $39,490."}]


def test_sections_and_consecutive_editions_are_compared_apart(texts):
    con, add = texts
    add("2006-07", 2004, "pay", "Median earnings were $25,590 in 2004.")
    add("2010-11", 2008, "pay", "Median earnings were $30,610 in 2008.")
    add("2010-11", 2008, "summary", "Employment is expected to grow.")
    add("2024-34", 2024, "summary", "Employment is expected to grow.")  # unchanged: nothing
    add("2024-34", 2024, "pay", "Wholly different wording of a wage statement, with no words shared at all.")
    _view(con, "edition_text_changes")
    rows = _rows(con, "SELECT older_edition, newer_edition, section, change FROM edition_text_changes "
                      "ORDER BY newer_edition, change")
    assert [tuple(r.values()) for r in rows] == [
        ("2006-07", "2010-11", "summary", "added"),  # the older edition has no summary
        ("2006-07", "2010-11", "pay", "changed"),
        ("2010-11", "2024-34", "pay", "added"),
        ("2010-11", "2024-34", "pay", "removed"),
    ]


def test_sentence_breaks_keep_abbreviations_whole(texts):
    con, add = texts
    add("2010-11", 2008, "more_info", "Contact the U.S. Department of Labor.\nInternet: http://www.bls.gov/")
    add("2024-34", 2024, "more_info", "Nothing alike at all here.")
    _view(con, "edition_text_changes")
    removed = [r[0] for r in con.execute("SELECT older_sentence FROM edition_text_changes WHERE change = 'removed' "
                                         "ORDER BY change_no").fetchall()]
    assert removed == ["Contact the U.S. Department of Labor.", "Internet: http://www.bls.gov/"]


# --- projection_accuracy: the lineage rule, on timeline and link rows made here ---

@pytest.fixture
def lines():
    con = duckdb.connect()
    con.execute("""CREATE TABLE editions AS SELECT * FROM (VALUES ('2008-18', 2008), ('2012-22', 2012),
                   ('2018-28', 2018)) AS e(edition, base_year)""")
    con.execute("""CREATE TABLE occupation_timeline (occupation_key VARCHAR, occupation VARCHAR, edition VARCHAR,
                   occupation_title VARCHAR, jobs BIGINT, jobs_year INTEGER, projection_base BIGINT,
                   projection_target BIGINT, projection_change_percent DECIMAL(9, 2), projection_period VARCHAR,
                   outlook_category VARCHAR, merged_from VARCHAR[])""")
    con.execute("""CREATE TABLE lineage_links (older_edition VARCHAR, newer_edition VARCHAR, older_key VARCHAR,
                   newer_key VARCHAR, kind VARCHAR, main_line BOOLEAN)""")
    for key, kinds in {"steady": ("continues", "continues"), "merging": ("continues", "merged"),
                       "split": ("continues", "split")}.items():
        for edition, base, jobs, target in (("2008-18", 2008, 100, 120), ("2012-22", 2012, 110, 130),
                                            ("2018-28", 2018, 125, 140)):
            con.execute("INSERT INTO occupation_timeline VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                        [key, key.title(), edition, key.title(), jobs, base, jobs, target,
                         Decimal(100 * (target - jobs) / jobs).quantize(Decimal("0.01")),
                         f"{base}-{base + 10}", "faster than average"])
        for (older, newer), kind in zip((("2008-18", "2012-22"), ("2012-22", "2018-28")), kinds):
            main = kind != "split"  # a split's newer occupation is another key's
            con.execute("INSERT INTO lineage_links VALUES (?, ?, ?, ?, ?, ?)",
                        [older, newer, key, key if main else "other", kind, main])
    _view(con, "projection_accuracy")
    yield con
    con.close()


def test_a_projection_meets_the_edition_that_reports_its_year_along_a_continuing_line(lines):
    rows = _rows(lines, "SELECT * FROM projection_accuracy ORDER BY occupation_key")
    assert [(r["occupation_key"], r["projection_edition"], r["outcome_edition"]) for r in rows] == [
        ("steady", "2008-18", "2018-28")]
    row = rows[0]
    assert (row["projected_year"], row["projection_base"], row["projected_employment"], row["reported_employment"],
            row["error"], row["steps"]) == (2018, 100, 120, 125, 5, 2)
    assert row["error_percent"] == Decimal("4.17") and row["actual_change_percent"] == Decimal("25.00")


def test_no_row_where_a_merge_or_split_breaks_the_line(lines):
    keys = {r[0] for r in lines.execute("SELECT occupation_key FROM projection_accuracy").fetchall()}
    assert "merging" not in keys and "split" not in keys


def test_no_row_where_either_end_is_several_statements_merged(lines):
    lines.execute("UPDATE occupation_timeline SET merged_from = ['A', 'B'] WHERE occupation_key = 'steady' "
                  "AND edition = '2018-28'")
    assert lines.execute("SELECT count(*) FROM projection_accuracy").fetchone()[0] == 0


# --- on the corpus ---

def test_the_medical_records_figures_move_as_the_timeline_says(corpus_warehouse):
    rows = _rows(corpus_warehouse, "SELECT * FROM edition_diff WHERE occupation_key = ? ORDER BY newer_base_year",
                 [MEDICAL])
    assert [(r["older_edition"], r["newer_edition"], r["link_kind"]) for r in rows] == [
        ("2006-07", "2010-11", "continues"), ("2010-11", "2024-34", "continues")]
    first, second = rows
    assert (first["older_jobs"], first["newer_jobs"], first["jobs_change"]) == (159_000, 172_500, 13_500)
    assert (first["older_median_wage"], first["newer_median_wage"]) == (Decimal("25590"), Decimal("30610"))
    assert (first["older_median_wage_constant"], first["newer_median_wage_constant"]) == (Decimal("42499"),
                                                                                          Decimal("44598"))
    assert (second["older_jobs"], second["newer_jobs"]) == (172_500, 194_800)
    assert (second["newer_median_wage"], second["newer_median_wage_constant"]) == (Decimal("50250"), Decimal("50250"))
    assert second["real_wage_change_percent"] == Decimal("12.67")  # 50,250 / 44,598 - 1
    assert (second["older_projection_change_percent"], second["newer_projection_change_percent"]) == (20, 7)
    assert second["sentences_added"] > 0 and second["sentences_removed"] > 0


def test_the_medical_records_text_changes_pair_reworded_sentences(corpus_warehouse):
    changed = corpus_warehouse.execute(
        "SELECT older_sentence, newer_sentence FROM edition_text_changes WHERE occupation_key = ? "
        "AND older_edition = '2006-07' AND section = 'employment' AND change = 'changed'", [MEDICAL]).fetchall()
    assert ("Medical records and health information technicians held about 159,000 jobs in 2004.",
            "Medical records and health information technicians held about 172,500 jobs in 2008.") in changed
    removed = [r[0] for r in corpus_warehouse.execute(
        "SELECT older_sentence FROM edition_text_changes WHERE occupation_key = ? AND older_edition = '2010-11' "
        "AND change = 'removed'", [MEDICAL]).fetchall()]
    assert "Medical records and health information technicians held about 172,500 jobs in 2008." in removed


def test_edition_diff_counts_are_the_listed_changes(corpus_warehouse):
    mismatched = corpus_warehouse.execute("""
        SELECT d.occupation_key, d.newer_edition
        FROM edition_diff AS d
        LEFT JOIN (SELECT occupation_key, newer_edition, count(*) AS n FROM edition_text_changes GROUP BY ALL) AS c
          USING (occupation_key, newer_edition)
        WHERE d.sentences_added + d.sentences_removed + d.sentences_changed <> coalesce(c.n, 0)""").fetchall()
    assert mismatched == []
