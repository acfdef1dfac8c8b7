"""The current handbook layout (bls.gov/ooh/<group>/<slug>.htm): nine tabs, Quick Facts on the first.

Each tab is one section, named by the id of its h2. Glossary pop-ups carry h2 elements of their own but
sit outside the tabs, so nothing of theirs (such as the national median wage) enters a section.
"""
from __future__ import annotations

import re

from parsers import selectors as sel
from parsers.decode import Decoded
from parsers.editions import span_edition
from parsers.errors import MissingContent
from parsers.html import blocks_of, parse_html, visible_text, window
from parsers.layouts.draft import Draft
from parsers.layouts.registry import Layout, PageClass, quick_facts_rows
from parsers.layouts.soc import own_soc_code, projection_soc_cells, soc_codes_of
from parsers.model import Page, Section
from parsers.taxonomy import TABBED_HEADING_IDS
from parsers.text import clean

# "Job Outlook, 2024–34" in Quick Facts, "Employment Change, projected 2024-34" in the glossary pop-up.
_PROJECTION_SPAN = re.compile(r"^(?:projected\s+)?((?:19|20)\d\d)\s*[\u2013\u2014-]\s*(\d\d(?:\d\d)?)\b")
_SPAN_LABELS = (b"Job Outlook, ", b"Employment Change, ")


def parse(doc: Decoded) -> Draft:
    windows = (window(doc.raw, doc.encoding, label)[len(label) :] for label in _SPAN_LABELS)
    span = next(filter(None, map(_PROJECTION_SPAN.match, windows)), None)
    if span is None:
        raise MissingContent("tabbed page that names no projection span ('Job Outlook, 2024–34')")
    edition = span_edition(int(span.group(1)), span.group(2))

    root = parse_html(doc.raw, doc.encoding, sel.TABBED_PART)
    titles = sel.TABBED_TITLE(root) or [visible_text(h1) for h1 in sel.TABBED_H1(root)]
    title = clean(titles[0]) if titles else ""
    if not title:
        raise MissingContent("tabbed page without an h1 title")

    sections: list[Section] = []
    onet_links: list[str] = []
    for tab in sel.tabbed_tabs(root):
        headings = sel.TABBED_TAB_H2(tab)
        if not headings:
            continue
        h2 = headings[0]
        key = TABBED_HEADING_IDS.get(h2.get("id"), "other")
        if key == "more_info":
            onet_links = sel.onet_links(tab)
        sections.append(Section(key, visible_text(h2), tuple(blocks_of(h2.itersiblings()))))

    canonical = sel.TABBED_CANONICAL(root)
    table_socs = projection_soc_cells(sections)
    return Draft(
        edition=edition,
        title=title,
        sections=sections,
        soc_codes=soc_codes_of(table_socs, onet_links),
        soc_code=own_soc_code(table_socs, onet_links),
        canonical_url=canonical[0] if canonical else None,
    )



# A statement with Quick Facts, and what it has; the same for any rendering of such a statement.
QUICK_FACTS = PageClass("tabbed_quick_facts",
                        ("summary", "what_they_do", "work_environment", "how_to_become_one", "pay", "job_outlook",
                         "state_area_data", "similar_occupations", "more_info"),
                        ("employment/jobs", "wage/median", "projection/table", "outlook/category", "projection/openings"))
# Military careers: no Summary tab, no Quick Facts, no figures every such page states.
NO_QUICK_FACTS = PageClass("tabbed", ("what_they_do", "work_environment", "how_to_become_one", "pay", "job_outlook",
                                      "similar_occupations", "more_info"), ())


def classify(page: Page) -> PageClass:
    return QUICK_FACTS if quick_facts_rows(page.sections) else NO_QUICK_FACTS


LAYOUT = Layout(
    "tabbed", parse, classify, "the current tabbed layout",
    # Tab panes with h2 ids such as what-they-do (military careers has no Summary tab-1 and no Quick Facts).
    html_markers=((b'id="panes"', b'id="what-they-do"'), (b'id="panes"', b'id="quickfacts"')),
    order=10,
)
