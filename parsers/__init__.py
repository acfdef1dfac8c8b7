"""Handbook pages in, sections and figures out. Pure: no network, no orchestration, no database.

    from parsers import parse_page
    page = parse_page(data)          # bytes of an OOH page (HTML, or a mirror's plain text)
    page.sections, page.figures

Errors are `parsers.errors.ParseError` subclasses with a one-line `reason`.
"""
from __future__ import annotations

from parsers.decode import decode
from parsers.detect import detect_layout
from parsers.errors import ParseError
from parsers.figures import extract_figures
from parsers.layouts import LAYOUTS
from parsers.model import Figure, Page, Section
from parsers.plausible import screen

# Bump when a change alters what any page parses to: the warehouse re-loads pages parsed by another version.
PARSER_VERSION = "7"


def parse_page(data: bytes) -> Page:
    doc = decode(data)
    layout = detect_layout(doc)
    draft = LAYOUTS[layout].parse(doc)
    malformed: list = []
    figures, refused = screen(extract_figures(draft.sections, draft.edition, draft.title, malformed), draft.edition)
    return Page(
        layout=layout,
        parser_version=PARSER_VERSION,
        encoding=doc.encoding,
        edition=draft.edition,
        title=draft.title,
        soc_codes=draft.soc_codes,
        soc_code=draft.soc_code,
        canonical_url=draft.canonical_url,
        sections=draft.sections,
        figures=figures,
        refused=refused + malformed,
    )


__all__ = ["PARSER_VERSION", "Figure", "Page", "ParseError", "Section", "parse_page"]
