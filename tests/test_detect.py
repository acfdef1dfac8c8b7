import pytest

from parsers import parse_page
from parsers.decode import decode
from parsers.detect import detect_layout
from parsers.errors import EmptyInput, BinaryInput, LandingPage, NotFoundPage, ParseError, UnknownLayout

from conftest import BAD, MRT_2010, MRT_CURRENT, SEED, page_bytes


@pytest.mark.parametrize("page,layout", [(SEED, "mirror_text"), (MRT_2010, "ocos"), (MRT_CURRENT, "tabbed"),
                                         ("current/military__military-careers.html", "tabbed")])
def test_layouts_are_detected(page, layout):
    assert detect_layout(decode(page_bytes(page))) == layout


@pytest.mark.parametrize("name,error,words", [
    ("ocos028_404-not-found.html", NotFoundPage, "404"),
    ("ocos069_teachers-landing-page.html", LandingPage, "landing page"),
    ("unknown-layout.html", UnknownLayout, "no known handbook layout"),
    ("empty.html", EmptyInput, "empty"),
    ("binary.png", BinaryInput, "binary"),
])
def test_bad_inputs_raise_with_a_one_line_reason(name, error, words):
    with pytest.raises(error) as info:
        parse_page((BAD / name).read_bytes())
    assert words in info.value.reason
    assert "\n" not in info.value.reason
    assert isinstance(info.value, ParseError) and info.value.code


def test_plain_text_that_is_not_a_statement():
    with pytest.raises(UnknownLayout):
        parse_page(b"Shopping list\n\neggs\nmilk\n")


def test_broken_html_of_a_known_layout_still_parses():
    # Truncated mid-page: the sections present are kept.
    data = page_bytes(MRT_2010)
    page = parse_page(data[: data.index(b'<h2 id="earnings">')])
    assert [s.key for s in page.sections][-1] == "projections"
    assert any(f.measure == "jobs" for f in page.figures)
