"""Reading text renderings into lines and blocks: tables of (input, expected), grouped by where the cases
came from (parsers/textlines.py, parsers/textblocks.py)."""
import pytest

from parsers.textblocks import blocks_of_runs, run_break
from parsers.textlines import inline, is_markdown, read_lines


@pytest.mark.parametrize("markdown,text", [
    # from the captures
    ("[2024 Median Pay](#TB_inline?height=325&width=325&inlineId=qf-wage)", "2024 Median Pay"),
    ("***Back-end web developers*** are", "Back-end web developers are"),
    ("More Information, Including Links to O\\*NET", "More Information, Including Links to O*NET"),
    ("including O*NET, a source", "including O*NET, a source"),
    ("**_Problem-solving skills._**Data", "Problem-solving skills.Data"),
    ("[![Image 2: Department of Labor Logo](https://www.dol.gov/logo.svg) United States Department of Labor](https://www.dol.gov/)",
     "United States Department of Labor"),
    ("a bachelor's[degree](https://www.bls.gov/ooh/field-of-degree/home.htm)in[computer science](https://x.htm)or",
     "a bachelor's degree in computer science or"),
    ("What Data Scientists Do[About this section](https://www.bls.gov/ooh/math/data-scientists.htm#TB_inline?x=1)",
     "What Data Scientists Do About this section"),
    ("at <https://www.bls.gov/ooh/math/data-scientists.htm> (visited *May 27, 2026*).",
     "at https://www.bls.gov/ooh/math/data-scientists.htm (visited May 27, 2026)."),
    ("snake_case stays", "snake_case stays"),
])
def test_inline_markup(markdown, text):
    assert inline(markdown) == text


@pytest.mark.parametrize("before,after,breaks", [
    ("Number of Jobs, 2024", "214,900", True),
    ("Median annual wages, May 2024", "$112,590", True),
    ("Web developers held about", "86,000 jobs in 2024.", False),
    ("The median annual wage was $90,930 in May", "2024.", False),
    ("", "anything", True),
])
def test_numbers_never_run_on_across_lines(before, after, breaks):
    assert run_break(before, after) is breaks


# The projections table as the web-developers capture has it: no separator row; the spanning cell's
# sub-labels and the source note as rows of their own.
SPLIT_HEADER = """# Job Outlook

## Employment

| Occupational Title | SOC Code | Employment, 2024 | Projected Employment, 2034 | Change, 2024\u201334 | Employment by Industry |
| Percent | Numeric |
| SOURCE: U.S. Bureau of Labor Statistics, Employment Projections program |
| **Web developers** | 15-1254 | 86,000 | 92,500 | 8 | 6,500 | [Get data](https://data.bls.gov/projections/x) |
"""


def test_a_split_table_header_is_put_back_together():
    lines = read_lines(SPLIT_HEADER)
    table_rows = [line for line in lines if line.cells is not None]
    (table,) = blocks_of_runs([table_rows], markdown=True)
    assert table.header == ("Occupational Title", "SOC Code", "Employment, 2024", "Projected Employment, 2034",
                            "Change, 2024\u201334 / Percent", "Change, 2024\u201334 / Numeric", "Employment by Industry")
    assert table.rows == (("Web developers", "15-1254", "86,000", "92,500", "8", "6,500", "Get data"),)


def test_plain_text_is_read_as_it_is():
    assert is_markdown("Pay\n\nThe median wage was $1.\n# not a heading in a plain page") is False
    assert [line.text for line in read_lines("  Pay  \n#1 fan")] == ["  Pay", "#1 fan"]
