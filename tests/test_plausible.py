"""Figures that cannot be what they say are refused with a reason, and the page goes on; pages and editions
no handbook could have are rejected with a reason. The hostile inputs are real pages with one thing changed."""
from decimal import Decimal

import pytest

from flows.batch import read_inputs
from flows.sources import list_local_pages
from parsers import parse_page
from parsers.decode import MAX_PAGE_BYTES
from parsers.errors import ImplausibleEdition, OverLimit
from parsers.model import Edition, Figure
from parsers.plausible import implausible
from warehouse.db import connect
from warehouse.load import save_inputs

from conftest import MRT_2010, MRT_CURRENT, page_bytes

CURRENT = Edition("2024-34", 2024, 2024, 2034)
MEDIAN = "$50,250 in May 2024".encode()


def figure(kind="wage", measure="median", value="50250", unit="usd", period="year", ref_year=2024, raw="$50,250"):
    return Figure(kind=kind, measure=measure, value=None if value is None else Decimal(value), unit=unit,
                  section="pay", raw_text=raw, sentence=raw, period=period, ref_year=ref_year)


@pytest.mark.parametrize("fig, why", [
    (figure(value="0"), "0 is not an annual wage"),
    (figure(value="38850", period="hour"), "is not an hourly wage"),
    (figure(value="14.90"), "is not an annual wage"),
    (figure(value="-50250"), "is not an annual wage"),
    (figure(value="1000000000000"), "13 whole digits"),
    (figure(value="50250.1234567"), "7 decimals"),
    (figure(kind="employment", measure="jobs", unit="jobs", period=None, value="0"), "is not jobs in one U.S. occupation"),
    (figure(kind="employment", measure="share", unit="fraction", period=None, value="1.3"), "is not a share of jobs"),
    (figure(kind="projection", measure="change_percent", unit="percent", period="2024-2034", value="-120"),
     "is not a percent change"),
    (figure(ref_year=2099), "the year 2099 is outside the 2024-34 edition's 2014-2034"),
])
def test_implausible_figures_are_refused_with_the_reason(fig, why):
    assert why in implausible(fig, CURRENT)


@pytest.mark.parametrize("fig", [
    figure(), figure(value="8.49", period="hour"), figure(value="239200"), figure(value="115.00", period="hour"),
    figure(kind="employment", measure="jobs", unit="jobs", period=None, value="7700000"),
    figure(kind="projection", measure="change", unit="jobs", period="2024-2034", value="-313600"),
    figure(kind="outlook", measure="category", unit="category", period="2024-2034", value=None),
])
def test_what_the_handbook_states_is_kept(fig):
    assert implausible(fig, CURRENT) is None


def medians(page) -> list[Decimal]:
    return [f.value for f in page.figures if f.kind == "wage" and f.measure == "median" and f.subject_type == "occupation"]


@pytest.mark.parametrize("written, why", [
    ("$0 in May 2024", "0 is not an annual wage"),
    ("$1,000,000,000,000 in May 2024", "13 whole digits"),
    ("$50,250.1234567 in May 2024", "7 decimals"),
    ("$5 trillion in May 2024", "scale word"),
    ("$5.025e4 in May 2024", "exponent notation"),
    ("$50 250 in May 2024", "digits grouped by spaces"),
    ("$50.250,00 in May 2024", "decimal comma"),
    ("-$50,250 in May 2024", "negative amount"),
    ("$999 billion in May 2024", "scale word"),
])
def test_a_median_written_absurdly_is_refused_and_the_page_keeps_the_rest(written, why):
    original = parse_page(page_bytes(MRT_CURRENT))
    data = page_bytes(MRT_CURRENT).replace(MEDIAN, written.encode(), 1)
    assert data != page_bytes(MRT_CURRENT)
    page = parse_page(data)
    # what the page states elsewhere (Quick Facts' median pay, the hourly median) stays; the absurd one is gone
    assert set(medians(page)) == set(medians(original)) == {Decimal(50250), Decimal("24.16")}
    assert any(why in r.reason and r.sentence for r in page.refused), [r.reason for r in page.refused]
    assert len(page.figures) >= len(original.figures) - 2  # only that figure (and a restatement) is lost
    assert [s.key for s in page.sections] == [s.key for s in original.sections]


def test_zero_jobs_are_refused():
    data = page_bytes(MRT_CURRENT).replace(b"held about 194,800 jobs", b"held about 0 jobs", 1)
    page = parse_page(data)
    assert any("is not jobs in one U.S. occupation" in r.reason for r in page.refused)
    assert all(f.value != 0 for f in page.figures if f.measure == "jobs" and f.kind == "employment")


@pytest.mark.parametrize("old, new", [
    ("Job Outlook, 2024\u201334", "Job Outlook, 2099\u20132000"),
    ("Job Outlook, 2024\u201334", "Job Outlook, 2024\u201329"),
])
def test_a_projection_span_no_edition_has_had_rejects_the_page(old, new):
    data = page_bytes(MRT_CURRENT).replace(old.encode(), new.encode())
    with pytest.raises(ImplausibleEdition, match="which no edition has made"):
        parse_page(data)


def test_a_printed_edition_that_never_was_rejects_the_page():
    data = page_bytes(MRT_2010).replace(b"Handbook, 2010-11 Edition", b"Handbook, 2010-13 Edition")
    with pytest.raises(ImplausibleEdition, match="'2010-13 Edition', which is no handbook edition"):
        parse_page(data)


def inserted(before: bytes, what: bytes) -> bytes:
    data = page_bytes(MRT_CURRENT)
    at = data.index(before)
    return data[:at] + what + data[at:]


@pytest.mark.parametrize("data, why", [
    (lambda: inserted(b"<h2", b"<div>" * 100_000), "nested deeper than 256"),
    # libxml2 drops what follows a text node or attribute over 10 MB: the file limit refuses such pages first
    (lambda: inserted(b"<h2", b"<p>" + b"a" * 10_500_000 + b"</p>"), "over the 8 MB limit"),
    (lambda: inserted(b"<h2", b'<p title="' + b"a" * 10_500_000), "over the 8 MB limit"),
    (lambda: page_bytes(MRT_CURRENT) + b" " * MAX_PAGE_BYTES, "over the 8 MB limit"),
])
def test_a_page_beyond_the_parsers_limits_is_rejected_not_truncated(data, why):
    with pytest.raises(OverLimit, match=why):
        parse_page(data())


def test_refused_figures_are_loaded_beside_the_page_and_one_bad_number_stops_nothing(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "mrt.html").write_bytes(page_bytes(MRT_CURRENT).replace(MEDIAN, b"$1,000,000,000,000,000 in May 2024"))
    (folder / "mrt-2010.html").write_bytes(page_bytes(MRT_2010))
    con = connect(tmp_path / "w.duckdb")
    try:
        summary = save_inputs(con, read_inputs(list_local_pages(folder)), source="test", parser_version="x")
        assert summary.pages_new == 2 and summary.inputs_rejected == 0 and summary.figures_refused >= 1
        rows = con.execute("SELECT raw_text, reason, value FROM refused_figures JOIN pages USING (page_id)").fetchall()
        assert any("$1,000,000,000,000,000" in raw and "whole digits" in reason for raw, reason, _ in rows)
        assert con.execute("SELECT figures_refused FROM loads").fetchone()[0] == summary.figures_refused
        per_page = con.execute("SELECT count(*) FROM extracted_figures GROUP BY page_id").fetchall()
        assert len(per_page) == 2 and min(n for n, in per_page) > 10
    finally:
        con.close()
