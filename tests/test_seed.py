"""The page the project was specified from must yield exactly these figures (written from the page by hand)."""
from decimal import Decimal as D

from conftest import SEED

EXPECTED = {
    # (kind, measure, value or category, setting, period, ref_year, qualifier)
    ("employment", "jobs", D("159000"), None, None, 2004, "about"),
    ("employment", "share", D("0.4"), "hospitals", None, 2004, "about"),
    ("wage", "median", D("25590"), None, "year", 2004, None),
    ("wage", "p25", D("20650"), None, "year", 2004, None),
    ("wage", "p75", D("32990"), None, "year", 2004, None),
    ("wage", "p10", D("17720"), None, "year", 2004, None),
    ("wage", "p90", D("41760"), None, "year", 2004, None),
    ("wage", "median", D("26640"), "General medical and surgical hospitals", "year", 2004, None),
    ("wage", "median", D("26330"), "Nursing care facilities", "year", 2004, None),
    ("wage", "median", D("23870"), "Outpatient care centers", "year", 2004, None),
    ("wage", "median", D("22130"), "Offices of physicians", "year", 2004, None),
    ("programs", "count", D("184"), "CAHIIM", None, 2005, None),
    ("programs", "count", D("11"), "NCRA", None, 2005, None),
    ("outlook", "category", "much faster than average", None, "2004-2014", 2014, None),
}


def test_seed_figures_exactly(parsed):
    page = parsed(SEED)
    got = [(f.kind, f.measure, f.value if f.value is not None else f.text_value, f.setting, f.period, f.ref_year,
            f.qualifier) for f in page.figures]
    assert len(got) == len(set(got)), "a figure was extracted twice"
    assert set(got) == EXPECTED


def test_seed_page_facts(parsed):
    page = parsed(SEED)
    assert (page.layout, page.edition.label, page.edition.base_year) == ("mirror_text", "2006-07", 2004)
    assert page.title == "Medical Records and Health Information Technicians"
    assert page.soc_codes == []


def test_seed_paragraphs_without_headings_land_in_employment_and_pay(parsed):
    sections = {s.key: s for s in parsed(SEED).sections}
    assert sections["employment"].heading == ""  # the mirror lost the heading
    assert sections["employment"].text.startswith("Medical records and health information technicians held about 159,000")
    assert sections["pay"].text.startswith("Median annual earnings of medical records")
    assert "Offices of physicians" in sections["pay"].text
    assert "Job prospects should be very good" in sections["job_outlook"].text
    assert "159,000" not in sections["how_to_become_one"].text
