"""The words of a run's report (flows/report.py): what `ooh` prints and the artifacts say, from one place."""
from __future__ import annotations

from flows import report as words
from warehouse.load import LoadSummary
from warehouse.load_report import LoadReport
from warehouse.versions import Version

CHECKS = {"jobs_positive": 0, "percentiles_in_order": 2}


def summary() -> LoadSummary:
    return LoadSummary(load_id=7, inputs_seen=4, pages_new=1, pages_replaced=1, pages_unchanged=1, inputs_rejected=1,
                       sections_written=9, figures_written=30, rejected=[("file:///x/empty.html", "empty", "empty file")],
                       quality=dict(CHECKS))


def test_the_printed_lines():
    lines = words.load_lines(summary(), "pages/", "w.duckdb")
    assert lines[0].startswith("Loaded 4 files from pages/ into w.duckdb (load 7): 1 new pages, 1 re-parsed, 1 unchanged")
    assert lines[1] == "  rejected file:///x/empty.html: empty file [empty]"
    assert lines[2] == ('Data quality: 2 findings (percentiles_in_order: 2); list them with: ooh query '
                        '"SELECT * FROM quality_report"')
    assert words.quality_line({"a": 0, "b": 0}) == "Data quality: all 2 checks pass."


def test_the_summary_artifact_holds_the_printed_lines_then_what_changed():
    lines = words.load_lines(summary(), "pages/", "w.duckdb")
    version = Version("abc123", (), "2026-12-01 05:00:01 UTC", "ingest", 7)
    report = LoadReport(new=[("2024-34", "Tellers")], changed=[], version=version)
    markdown = words.ingest_markdown(lines, report, 2.345, words.version_line(report))
    assert markdown.splitlines()[:5] == ["# Ingest", "", lines[0], "", "- rejected file:///x/empty.html: empty file [empty]"]
    assert lines[2] in markdown
    assert "**New occupations (1):**\n\n- Tellers (2024-34)" in markdown and "**Changed occupations:** none." in markdown
    assert "Duration: 2.3 s." in markdown
    assert markdown.endswith("Warehouse version: abc123 (load 7, published 2026-12-01 05:00:01 UTC by ingest).")
    assert "another writer" in words.version_line(LoadReport())  # the version there is not this run's


def test_the_tables():
    report = LoadReport(findings=[("percentiles_in_order", "2010-11", "Tellers", "p10 > median"),
                                  ("percentiles_in_order", "2010-11", "Chefs", "p25 > p75")])
    assert words.rejected_rows(summary()) == [{"file": "file:///x/empty.html", "reason": "empty file", "code": "empty"}]
    assert words.quality_rows(summary(), report) == [
        {"check": "jobs_positive", "findings": 0, "examples": ""},
        {"check": "percentiles_in_order", "findings": 2,
         "examples": "Tellers (2010-11): p10 > median; Chefs (2010-11): p25 > p75"}]
