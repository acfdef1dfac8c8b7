"""What the report's pages say in words and marks (warehouse/site/words.py): tables of cases."""
import json
from decimal import Decimal

import pytest

from warehouse.site.words import highlight_figures, lineage_sentences, plain, script_json

HIGHLIGHT = [
    # (sentence, the other edition's sentence, expected HTML)
    ("held about 172,500 jobs in 2008.", "held about 159,000 jobs in 2004.",
     'held about <mark class="figure">172,500</mark> jobs in <mark class="figure">2008</mark>.'),
    ("About 39 percent of jobs were in hospitals.", "About 39 percent were in offices.",
     "About 39 percent of jobs were in hospitals."),  # the same figure is not a change
    ("earned between $24,290 and $39,490.", "earned between $20,650 and $39,490.",
     'earned between <mark class="figure">$24,290</mark> and $39,490.'),
    ("a 2-year program, 7% growth", None,
     'a <mark class="figure">2</mark>-year program, <mark class="figure">7%</mark> growth'),  # added: all marked
    # a comma after a figure stays outside its mark; markup in the text stays text
    ("1, 2, and 3 <b>", "1 and 3", '1, <mark class="figure">2</mark>, and 3 &lt;b&gt;'),
]


@pytest.mark.parametrize(("sentence", "other", "expected"), HIGHLIGHT)
def test_the_figures_the_other_edition_does_not_state_are_marked(sentence, other, expected):
    assert str(highlight_figures(sentence, other)) == expected


def test_embedded_json_cannot_end_its_script_element():
    text = str(script_json({"title": "</script><script>alert(1)</script>", "wage": Decimal("50250.00")}))
    assert "</script" not in text and json.loads(text) == {"title": "</script><script>alert(1)</script>", "wage": 50250}


def test_plain_values_keep_whole_numbers_whole():
    assert [plain(Decimal("42499.00")), plain(Decimal("12.67")), plain([Decimal("1")]), plain("x")] == [42499, 12.67, [1], "x"]


LINK = {"older_title": "Medical Records and Health Information Technicians", "older_edition": "2010-11",
        "newer_edition": "2024-34", "older_key": "medical", "evidence": "soc_crosswalk"}


def test_the_lineage_reads_as_sentences():
    lines = lineage_sentences("medical", [
        {**LINK, "newer_title": "Medical Records Specialists", "newer_key": "medical", "kind": "continues",
         "share_of_older": 0.823, "share_of_newer": 1.0, "main_line": True},
        {**LINK, "newer_title": "Health Information Technologists", "newer_key": "other", "kind": "split",
         "share_of_older": 0.177, "share_of_newer": 1.0, "main_line": False},
        {**LINK, "older_title": "Other Clerks", "older_key": "clerks", "newer_title": "Medical Records Specialists",
         "newer_key": "medical", "kind": "contributed", "share_of_older": 0.02, "share_of_newer": 0.004,
         "main_line": False},
    ])
    assert lines == [
        "Medical Records and Health Information Technicians (2010-11) continues as Medical Records Specialists "
        "(2024-34), with 82% of its employment.",
        "Part of Medical Records and Health Information Technicians (2010-11) (18% of its employment) split off "
        "into Health Information Technologists (2024-34), another occupation.",
        "Medical Records Specialists (2024-34) drew less than 1% of its employment from Other Clerks (2010-11), "
        "mainly another occupation (contributed).",
    ]
