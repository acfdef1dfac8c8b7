"""`ooh report`: the static site built from the marts, on the whole corpus, read as files and opened in
headless Chromium from file:// (the system's, tests/browser.py). The browser test reads the numbers the
pages embed and the charts were drawn from, never the pictures."""
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from browser import NoChromium, chromium_path, open_browser, visit
from flows.cli import main
from warehouse.errors import WarehouseError
from warehouse.site import build_site

MEDICAL = "medical-records-and-health-information-technicians"


@pytest.fixture(scope="module")
def warehouse_copy(corpus_warehouse, tmp_path_factory):
    """The corpus warehouse as a file of its own: the report opens it read-only, which DuckDB refuses while
    this process holds it open for writing."""
    corpus_warehouse.execute("CHECKPOINT")
    path = corpus_warehouse.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    copy = tmp_path_factory.mktemp("report") / "corpus.duckdb"
    copy.write_bytes(Path(path).read_bytes())
    return copy


@pytest.fixture(scope="module")
def site(warehouse_copy, tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "report"
    progress: list[str] = []
    summary = build_site(warehouse_copy, out, progress=progress.append)
    return out, summary, progress


def _embedded(html: str, element_id: str):
    match = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S)
    assert match, element_id
    return json.loads(match.group(1))


def test_the_site_has_an_index_and_a_page_per_occupation_key(site, corpus_warehouse):
    out, summary, progress = site
    keys = corpus_warehouse.execute("SELECT count(DISTINCT occupation_key) FROM occupation_timeline").fetchone()[0]
    assert summary.occupation_pages == keys == len(list((out / "occupations").glob("*.html")))
    assert summary.editions == ["2006-07", "2010-11", "2024-34"]
    assert (out / "index.html").is_file() and (out / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    assert progress[0].startswith("reading the marts") and progress[-1] == f"wrote {keys:,}/{keys:,} occupation pages"
    assert f"{keys:,} occupation pages" in summary.line() and str(out / "index.html") in summary.line()


def test_every_page_loads_only_files_of_the_site(site):
    """Opened from file:// with no network: scripts and styles are the site's own, by relative paths."""
    out, _, _ = site
    for page in [out / "index.html", *sorted((out / "occupations").glob("*.html"))[:50]]:
        html = page.read_text()
        for ref in re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html):
            assert not re.match(r"[a-z]+:", ref) and (page.parent / ref).resolve().is_file(), (page.name, ref)


def test_the_index_embeds_the_editions_movers_and_growth_of_the_marts(site, corpus_warehouse):
    out, _, _ = site
    html = (out / "index.html").read_text()
    editions = _embedded(html, "data-editions")
    assert [(e["edition"], e["occupations"]) for e in editions] == corpus_warehouse.execute(
        "SELECT edition, count(*) FROM occupation_timeline GROUP BY 1 ORDER BY 1").fetchall()
    jobs = _embedded(html, "data-movers-jobs")
    largest = corpus_warehouse.execute(
        "SELECT max(abs(jobs_change_percent)) FROM edition_diff WHERE newer_edition = '2024-34'").fetchone()[0]
    assert jobs and abs(Decimal(str(jobs[0]["jobs_change_percent"]))) == largest
    growth = _embedded(html, "data-growth")
    assert [g["projection_change_percent"] for g in growth] == sorted((g["projection_change_percent"] for g in growth),
                                                                      reverse=True)
    assert {o["key"] for o in _embedded(html, "data-occupations")} >= {MEDICAL}


def test_the_medical_records_page_has_three_editions_and_the_text_changes(site):
    out, _, _ = site
    html = (out / "occupations" / f"{MEDICAL}.html").read_text()
    rows = _embedded(html, "data-timeline")
    assert [(r["edition"], r["jobs"], r["median_wage"], r["median_wage_constant"]) for r in rows] == [
        ("2006-07", 159_000, 25_590, 42_499), ("2010-11", 172_500, 30_610, 44_598), ("2024-34", 194_800, 50_250, 50_250)]
    assert 'id="diff-2010-11-2024-34"' in html and 'id="diff-2006-07-2010-11"' in html
    later = html.split('id="diff-2010-11-2024-34"', 1)[1]
    assert "held about <mark class=\"figure\">172,500</mark> jobs" in later  # a removed sentence, its figure marked
    assert "continues as Medical Records Specialists (2024-34), with 82% of its employment" in html
    assert "split off into Health Information Technologists and Medical Registrars (2024-34)" in html


def test_a_second_build_replaces_the_first_and_a_folder_of_other_things_is_refused(warehouse_copy, tmp_path):
    out = tmp_path / "site"
    build_site(warehouse_copy, out)
    (out / "occupations" / "stale.html").write_text("from an older build")
    build_site(warehouse_copy, out)
    assert not (out / "occupations" / "stale.html").exists()
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep")
    with pytest.raises(WarehouseError, match="holds no earlier report"):
        build_site(warehouse_copy, other)
    assert (other / "notes.txt").read_text() == "keep"


def test_the_command_builds_the_site_and_fails_in_one_line(warehouse_copy, tmp_path, capsys):
    assert main(["report", "--warehouse", str(warehouse_copy), "--out", str(tmp_path / "r")]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("Built the report of") and captured.out.count("\n") == 1
    assert "occupation pages" in captured.err  # progress goes to stderr
    assert main(["report", "--warehouse", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "s")]) == 2
    error = capsys.readouterr().err
    assert error.startswith("ooh report: no warehouse at") and error.count("\n") == 1


def test_a_warehouse_without_the_marts_is_refused_with_how_to_upgrade_it(warehouse_copy, tmp_path):
    import duckdb

    older = tmp_path / "older.duckdb"
    older.write_bytes(warehouse_copy.read_bytes())
    with duckdb.connect(str(older)) as con:  # as an ooh-warehouse from before the marts left it
        con.execute("DROP VIEW edition_diff")
    with pytest.raises(WarehouseError, match="has no edition_diff .*'ooh upgrade'"):
        build_site(older, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_coverage_is_the_gate_report_under_its_new_name(capsys):
    from flows.settings import DEFAULT_SOURCE

    main(["coverage", str(DEFAULT_SOURCE)])
    assert "parsed" in capsys.readouterr().out


# --- in the browser ---

@pytest.fixture(scope="module")
def browser():
    try:
        chromium_path()
    except NoChromium as exc:  # never a skip: CI installs Chromium, so its absence is a broken set-up
        pytest.fail(str(exc))
    with open_browser() as context:
        yield context


def test_the_index_opens_from_file_with_no_errors_and_its_search_finds_an_occupation(site, browser, tmp_path):
    out, _, _ = site
    page, seen = visit(browser, (out / "index.html").as_uri())
    assert seen.errors == []
    assert all(url.startswith("file://") for url in seen.requests), seen.requests
    page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
    assert (tmp_path / "index.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    drawn = page.evaluate("""() => ['chart-movers-jobs', 'chart-movers-wage', 'chart-growth'].map(id => {
        const chart = document.getElementById(id);
        return {id, x: chart.data[0].x, embedded: JSON.parse(document.getElementById(id.replace('chart', 'data')).textContent)};
    })""")
    measures = {"chart-movers-jobs": "jobs_change_percent", "chart-movers-wage": "real_wage_change_percent",
                "chart-growth": "projection_change_percent"}
    for chart in drawn:  # the bars are the embedded numbers (drawn largest on top, so in reverse)
        assert chart["x"] == [row[measures[chart["id"]]] for row in reversed(chart["embedded"])] and chart["x"]
    assert page.locator("#table-editions tbody tr").count() == 3
    page.fill("#search", "medical records")
    visible = page.locator("#occupations li:not([hidden]) a").all_inner_texts()
    assert "Medical Records Specialists" in visible and len(visible) < 10
    assert page.locator("#search-count").inner_text() == f"{len(visible)} occupations"
    page.close()


def test_the_medical_records_page_draws_the_right_numbers(site, browser, tmp_path):
    out, _, _ = site
    page, seen = visit(browser, (out / "occupations" / f"{MEDICAL}.html").as_uri())
    assert seen.errors == []
    assert all(url.startswith("file://") for url in seen.requests), seen.requests
    page.screenshot(path=str(tmp_path / "occupation.png"), full_page=True)
    assert (tmp_path / "occupation.png").stat().st_size > 10_000
    charts = page.evaluate("""() => {
        const jobs = document.getElementById('chart-jobs').data[0];
        const wage = document.getElementById('chart-wage').data[0];
        return {x: jobs.x, jobs: jobs.y, constant: wage.y, nominal: wage.customdata.map(c => c[0]),
                hover: wage.hovertemplate, svg: document.querySelectorAll('#chart-jobs svg.main-svg').length};
    }""")
    assert charts["x"] == ["2006-07 (2004)", "2010-11 (2008)", "2024-34 (2024)"]
    assert charts["jobs"] == [159_000, 172_500, 194_800]
    assert charts["constant"] == [42_499, 44_598, 50_250]
    assert charts["nominal"] == [25_590, 30_610, 50_250]  # shown in the tooltips
    assert "nominal" in charts["hover"] and charts["svg"] > 0  # Plotly drew it
    table = page.locator("#table-timeline tbody tr").all_inner_texts()
    assert len(table) == 3 and "$42,499" in table[0] and "172,500" in table[1] and "$50,250" in table[2]
    changes = page.locator("#diff-2010-11-2024-34 ul.changes li").count()
    assert changes > 50 and page.locator("#diff-2010-11-2024-34 mark.figure").count() > 0
    page.close()
