"""Section text by layout, checked with snippets that must be present or absent."""
import pytest

from conftest import MRT_2010, MRT_CURRENT, SEED

ALL_TEXT_ABSENT = ["About this section", "Job Interview Tips", "Copyright", "EdInformatics", "Skip to Content",
                   "Suggested citation", "Last Modified Date", "Please enable javascript"]


@pytest.mark.parametrize("page", [SEED, MRT_2010, MRT_CURRENT])
def test_no_chrome_in_any_section(parsed, page):
    text = "\n".join(s.text for s in parsed(page).sections)
    for snippet in ALL_TEXT_ABSENT:
        assert snippet not in text, snippet
    assert all(s.heading == "" or "About this section" not in s.heading for s in parsed(page).sections)


def test_seed_sections(parsed):
    page = parsed(SEED)
    assert [s.key for s in page.sections] == ["summary", "what_they_do", "work_environment", "how_to_become_one",
                                             "employment", "job_outlook", "pay", "similar_occupations", "more_info"]
    assert "Source: Bureau of Labor Statistics" not in page.sections[-1].text
    assert "Tomorrow's Jobs" not in page.sections[0].text


def test_2010_11_sections_and_running_header(parsed):
    page = parsed(MRT_2010)
    keys = [s.key for s in page.sections]
    assert keys == ["summary", "what_they_do", "work_environment", "how_to_become_one", "employment", "job_outlook",
                    "projections", "pay", "similar_occupations", "more_info", "onet"]
    sections = {s.key: s for s in page.sections}
    # Working conditions sit under a running header inside Nature of the Work.
    assert sections["work_environment"].heading == "Work environment"
    assert sections["work_environment"].text.startswith("Work environment. Medical records")
    assert "pleasant and comfortable offices" not in sections["what_they_do"].text
    # The OES wage-links box and the disclaimer are furniture; the photo caption too.
    assert "For the latest wage information" not in sections["pay"].text
    assert "Links to non-BLS Internet sites" not in sections["more_info"].text
    assert "specialize in coding medical information for insurance purposes." not in sections["what_they_do"].text
    assert "Offices of physicians\t26,210" in sections["pay"].text
    assert page.canonical_url == "http://www.bls.gov/oco/ocos103.htm"
    assert page.soc_codes == ["29-2071"]


def test_2010_11_short_statement(parsed):
    page = parsed("2010-11/ocos126_tellers.html")
    assert [s.key for s in page.sections][:3] == ["what_they_do", "how_to_become_one", "job_outlook"]
    assert {s.key: s.heading for s in page.sections}["how_to_become_one"] == "Education and Training"


def test_current_sections_skip_glossary_popups_and_charts(parsed):
    page = parsed(MRT_CURRENT)
    assert [s.key for s in page.sections] == ["summary", "what_they_do", "work_environment", "how_to_become_one",
                                             "pay", "job_outlook", "state_area_data", "similar_occupations",
                                             "more_info"]
    text = "\n".join(s.text for s in page.sections)
    assert "the median annual wage for all workers was $49,500" not in text  # glossary pop-up
    assert "Median annual wages, May 2024" not in text  # bar chart
    assert "Health technologists and technicians" not in {s.key: s for s in page.sections}["pay"].text
    assert "Video transcript available" not in text
    summary = page.sections[0].text
    assert "Number of Jobs, 2024\t194,800" in summary
    assert page.title == "Medical Records Specialists"
    assert page.soc_codes == ["29-2072"]
    assert page.edition.label == "2024-34" and page.edition.base_year == 2024


def test_page_without_quick_facts(parsed):
    page = parsed("current/military__military-careers.html")
    assert page.sections[0].key == "what_they_do"
    assert page.edition.label == "2024-34"


def test_markdown_rendering_of_a_current_page():
    # A real markdown capture (fixtures/renderings/, byte for byte from ../shared/corpus/real/markdown-captures/,
    # whose twin tests compare it with the HTML page); its figures as the HTML page states them.
    from decimal import Decimal as D

    from conftest import FIXTURES
    from parsers import parse_page

    path = FIXTURES / "renderings" / "current" / "computer-and-information-technology__web-developers.md"
    page = parse_page(path.read_bytes())
    assert (page.layout, page.edition.label, page.title) == ("mirror_text", "2024-34", "Web Developers and Digital Designers")
    assert [s.key for s in page.sections] == ["summary", "what_they_do", "work_environment", "how_to_become_one",
                                             "pay", "job_outlook", "state_area_data", "similar_occupations",
                                             "more_info"]
    quick = {(f.kind, f.measure, f.period): f.value if f.value is not None else f.text_value
             for f in page.figures if f.source == "quick_facts"}
    assert quick == {("wage", "median", "year"): D("95380"), ("wage", "median", "hour"): D("45.85"),
                     ("education", "entry_level", None): "Bachelor's degree", ("education", "work_experience", None): "None",
                     ("education", "on_the_job_training", None): "None", ("employment", "jobs", None): D("214900"),
                     ("projection", "change_percent", "2024-2034"): D("7"),
                     ("outlook", "category", "2024-2034"): "much faster than average",
                     ("projection", "change", "2024-2034"): D("15500")}
    assert page.soc_codes == ["15-1254", "15-1255"] and len(page.figures) == 50
    text = "\n".join(s.text for s in page.sections)
    for snippet in ALL_TEXT_ABSENT + ["median annual wage for all workers", "Median annual wages, May 2024", "](", "**"]:
        assert snippet not in text, snippet
