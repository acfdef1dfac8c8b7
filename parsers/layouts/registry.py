"""What a layout module declares about itself: one `Layout` each, named `LAYOUT` in its module.

Detection walks the registered layouts (parsers/detect.py), `parse_page` dispatches through them, and the
corpus gate asks them which class a parsed page is in and what a page of that class must have
(parsers/coverage.py). Adding a layout is adding a module (and its fixtures): nothing else names it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from parsers.decode import Decoded
from parsers.layouts.draft import Draft
from parsers.model import Page, Section, Table
from parsers.text import clean


@dataclass(frozen=True, slots=True)
class PageClass:
    """Pages of one shape of a layout, and what every such page has: its sections and its figures (as
    'kind/measure', or 'projection/table' for a projections table; see parsers/coverage.py)."""

    name: str
    sections: tuple[str, ...]
    figures: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    parse: Callable[[Decoded], Draft]
    classify: Callable[[Page], PageClass]  # the class of a page this layout parsed
    describe: str  # how a user knows such pages, for the message that no layout fits
    # How its pages are recognised. HTML layouts: byte strings every page carries, as alternative sets (a
    # page is in the layout when it holds every marker of one set). Text layouts: a function of the decoded
    # text that answers True or False, or raises a ParseError when the text is the handbook's but no page
    # of the layout (an essay quoting a statement).
    html_markers: tuple[tuple[bytes, ...], ...] = ()
    recognise: Callable[[Decoded], bool] | None = None
    order: int = 0  # detection tries layouts in this order (lower first)


def quick_facts_rows(sections: list[Section]) -> list[tuple[str, str]]:
    """(label, value) of the page's Quick Facts table, cleaned; empty when the page has none."""
    return [
        (clean(row[0]), clean(row[1]))
        for section in sections
        for block in section.blocks
        if isinstance(block, Table) and " ".join(block.header).lower().startswith("quick facts")
        for row in block.rows
        if len(row) >= 2
    ]
