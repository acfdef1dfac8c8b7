"""The old handbook layout (bls.gov/oco/ocosNNN.htm, through the 2010-11 edition).

Sections are the runs of elements between h2 headings. Working conditions have no heading of their own:
they start at the "Work environment." running header inside Nature of the Work and become their own
`work_environment` section here, so that every edition offers the same sections.
"""
from __future__ import annotations

import re

from lxml import etree

from parsers import selectors as sel
from parsers.decode import Decoded
from parsers.editions import printed_edition
from parsers.errors import LandingPage, MissingContent
from parsers.html import blocks_of, parse_html, visible_text, window
from parsers.layouts.draft import Draft
from parsers.layouts.registry import Layout, PageClass
from parsers.layouts.soc import own_soc_code, projection_soc_cells, soc_codes_of
from parsers.model import Page, Section
from parsers.taxonomy import OCOS_HEADING_IDS, section_key

_WORK_ENVIRONMENT = re.compile(r"^\s*work environment\b", re.I)


def parse(doc: Decoded) -> Draft:
    edition = printed_edition(window(doc.raw, doc.encoding, b"Occupational Outlook Handbook, "))
    if edition is None:
        raise MissingContent("ocos page without an 'Occupational Outlook Handbook, YYYY-YY Edition' line")
    content = sel.OCOS_CONTENT(parse_html(doc.raw, doc.encoding, sel.OCOS_PART))
    if not content:
        raise MissingContent("ocos page without its content column (div#bodytext)")
    content = content[0]
    titles = sel.OCOS_TITLE(content)
    if not titles:
        raise MissingContent("ocos page without a title between <!-- OOH Title --> comments")
    title = visible_text(titles[0])
    headings = sel.OCOS_H2(content)
    if not headings:
        raise LandingPage(f"'{title}' has no sections: a landing page pointing to other statements")

    sections: list[Section] = []
    for h2 in headings:
        heading = visible_text(h2)
        key = OCOS_HEADING_IDS.get(h2.get("id") or "") or section_key(heading) or "other"
        elements = list(_section_elements(h2))
        if key == "what_they_do":
            before, after = _split_at_work_environment(elements)
            sections.append(Section(key, heading, tuple(blocks_of(before))))
            if after:
                header = visible_text(sel.OCOS_RUNNING_HEADER(after[0])[0]).rstrip(".")
                sections.append(Section("work_environment", header, tuple(blocks_of(after))))
            continue
        sections.append(Section(key, heading, tuple(blocks_of(elements))))

    urls = sel.OCOS_CITATION_URL(content)
    table_socs, onet = projection_soc_cells(sections), sel.onet_links(content)
    return Draft(
        edition=edition,
        title=title,
        sections=sections,
        soc_codes=soc_codes_of(table_socs, onet),
        soc_code=own_soc_code(table_socs, onet),
        canonical_url=urls[0].strip() if urls else None,
    )


def _section_elements(h2: etree._Element):
    """The siblings after a heading, up to the next heading or the end of the statement."""
    for el in h2.itersiblings():
        if el.tag == "h2":
            return
        if isinstance(el.tag, str):
            classes = el.get("class")
            if classes and not sel.OCOS_END_CLASSES.isdisjoint(classes.split()):
                return
            if _is_furniture(el) or _is_picture(el):
                continue
        yield el


def _is_furniture(el: etree._Element) -> bool:
    """The OES wage-links box and the boxes in <fieldset> (a disclaimer); only the O*NET box is content."""
    if el.get("id") == "oes_links" and sel.OCOS_OES_LINKS(el):
        return True
    if el.tag == "fieldset":
        legend = el.find("legend")
        return legend is None or "O*NET" not in visible_text(legend)
    return False


def _is_picture(el: etree._Element) -> bool:
    """A photo with its caption: <p align=center><img ...><br><em>caption</em></p>."""
    return el.tag == "p" and next(el.iterchildren("img"), None) is not None  # find() goes through ElementPath


def _split_at_work_environment(elements: list[etree._Element]):
    for i, el in enumerate(elements):
        if isinstance(el.tag, str):
            for span in sel.OCOS_RUNNING_HEADER(el):
                if _WORK_ENVIRONMENT.match(visible_text(span)):
                    return elements[:i], elements[i:]
    return elements, []


# Statements with Significant Points.
FULL = PageClass("ocos_full", ("summary", "what_they_do", "work_environment", "how_to_become_one", "employment",
                               "job_outlook", "projections", "pay", "similar_occupations", "more_info", "onet"),
                 ("employment/jobs", "wage/median", "projection/table", "outlook/category"))
# Short statements: no Significant Points, Employment or Projections Data (11 of them have no Sources of
# Additional Information either).
SHORT = PageClass("ocos_short", ("what_they_do", "how_to_become_one", "job_outlook", "pay", "similar_occupations", "onet"),
                  ("employment/jobs", "wage/median", "projection/table", "outlook/category"))


def classify(page: Page) -> PageClass:
    return FULL if any(s.key == "summary" for s in page.sections) else SHORT


LAYOUT = Layout(
    "ocos", parse, classify, "the 2010-11 ocos layout",
    # /oco/ocosNNN.htm pages: the title sits between OOH Title comments.
    html_markers=((b"<!-- OOH Title -->",),),
    order=20,
)
