"""A printed-edition statement as plain text, as third-party mirror sites republish it.

The mirror wraps the handbook text in its own navigation above and a copyright notice below; the
statement runs from the occupation title (the line before the first handbook heading) to the
"Source: Bureau of Labor Statistics ... Occupational Outlook Handbook, 2006-07 Edition" line.

Such renderings lose some headings ("Employment", "Earnings"). A lost heading leaves two or more blank
lines where it stood; the paragraphs after such a gap belong to the next section of the printed
statement's fixed order that no heading on the page claims.
"""
from __future__ import annotations

import re

from parsers.decode import Decoded
from parsers.editions import printed_edition
from parsers.errors import MissingContent
from parsers.layouts.draft import Draft
from parsers.layouts.registry import Layout, PageClass
from parsers.model import Block, Page, Paragraph, Section, Table
from parsers.taxonomy import section_key
from parsers.text import clean

# The order of sections in a printed statement (2004-05 through 2010-11 editions).
PRINTED_ORDER = (
    "summary",
    "what_they_do",
    "work_environment",
    "how_to_become_one",
    "employment",
    "job_outlook",
    "pay",
    "similar_occupations",
    "more_info",
)
_SOURCE_LINE = re.compile(r"^Source:\s+Bureau of Labor Statistics\b", re.I)
_BULLET = re.compile(r"^[\u2022\u00b7*\-]\s*")
# A line of an industry list: "General medical and surgical hospitals $26,640" / "Nursing care facilities 26,330"
_LABEL_VALUE = re.compile(r"^(?P<label>\D.*?)\s+(?P<value>\$?\d[\d,]*(?:\.\d+)?%?)$")
_MAX_HEADING_CHARS = 80


def parse(doc: Decoded) -> Draft:
    text = doc.text
    lines = [line.rstrip() for line in text.splitlines()]
    first_heading = next((i for i, line in enumerate(lines) if _heading_key(line)), None)
    if first_heading is None:
        raise MissingContent("text page without handbook section headings")
    title_index = next((i for i in range(first_heading - 1, -1, -1) if lines[i].strip()), None)
    if title_index is None:
        raise MissingContent("text page without an occupation title above its first heading")
    end = next((i for i in range(first_heading, len(lines)) if _SOURCE_LINE.match(lines[i].strip())), None)
    edition = printed_edition(lines[end] if end is not None else text)
    if edition is None:
        raise MissingContent("text page that names no handbook edition ('Occupational Outlook Handbook, 2006-07 Edition')")
    body = lines[first_heading : end if end is not None else len(lines)]
    return Draft(
        edition=edition,
        title=clean(lines[title_index]),
        sections=_sections(body),
        soc_codes=[],
    )


def _heading_key(line: str) -> str | None:
    stripped = line.strip()
    if not stripped or len(stripped) > _MAX_HEADING_CHARS or stripped.endswith((".", ":")):
        return None
    return section_key(stripped)


def _sections(lines: list[str]) -> list[Section]:
    claimed = {key for key in map(_heading_key, lines) if key}
    sections: list[tuple[str, str, list[list[str]]]] = []  # key, heading, paragraphs as lists of lines
    blank_run = 0
    for line in lines:
        key = _heading_key(line)
        if key:
            sections.append((key, line.strip(), []))
            blank_run = 0
            continue
        if not line.strip():
            blank_run += 1
            continue
        current_key, _, paragraphs = sections[-1]
        if blank_run >= 2 and paragraphs:
            missing = _next_unclaimed(current_key, claimed)
            if missing:
                claimed.add(missing)
                sections.append((missing, "", []))
                paragraphs = sections[-1][2]
        if blank_run or not paragraphs:
            paragraphs.append([])
        paragraphs[-1].append(line.strip())
        blank_run = 0
    return [Section(key, heading, tuple(_blocks(paragraphs))) for key, heading, paragraphs in sections]


def _next_unclaimed(current: str, claimed: set[str]) -> str | None:
    if current not in PRINTED_ORDER:
        return None
    for key in PRINTED_ORDER[PRINTED_ORDER.index(current) + 1 :]:
        if key not in claimed:
            return key
    return None


def _blocks(paragraphs: list[list[str]]) -> list[Block]:
    """Lines that all end in a number, after a lead ending in ':', are a table (an industry list)."""
    blocks: list[Block] = []
    for run in paragraphs:
        rows = [_LABEL_VALUE.match(line) for line in run]
        after_lead = bool(blocks) and isinstance(blocks[-1], Paragraph) and blocks[-1].text.endswith(":")
        if after_lead and len(run) > 1 and all(rows):
            blocks.append(Table(rows=tuple((m["label"], m["value"]) for m in rows)))
            continue
        for line in run:
            text = clean(_BULLET.sub("", line))
            if text:
                blocks.append(Paragraph(text))
    return blocks


PRINTED = PageClass("mirror_text", PRINTED_ORDER, ("employment/jobs", "wage/median", "outlook/category"))
_MARKERS = ("Significant Points", "Nature of the Work")


def recognise(doc: Decoded) -> bool:
    return all(marker in doc.text for marker in _MARKERS)


def classify(page: Page) -> PageClass:
    return PRINTED


LAYOUT = Layout("mirror_text", parse, classify,
                "a printed edition's statement as plain text (with 'Significant Points' and 'Nature of the Work')",
                recognise=recognise, order=30)
