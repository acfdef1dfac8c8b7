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
