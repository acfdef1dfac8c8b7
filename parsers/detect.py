"""Which layout a decoded page is in.

Detection looks for markers every page of a layout carries, by plain substring search (fast, and it does
not need a parsed tree). An unknown layout is an error, never a guess.
"""
from __future__ import annotations

import re

from parsers.decode import Decoded
from parsers.errors import LandingPage, NotFoundPage, UnknownLayout

_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype|html|head|body|meta|title)\b", re.I | re.S)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)

# Markers, checked in order. A page is in a layout when it contains every marker of one of its lists.
HTML_LAYOUTS = (
    # The current handbook (2012 onwards): tab panes with h2 ids such as what-they-do (military careers
    # has no Summary tab-1 and no Quick Facts).
    ("tabbed", ((b'id="panes"', b'id="what-they-do"'), (b'id="panes"', b'id="quickfacts"'))),
    # The old handbook (through 2010-11): /oco/ocosNNN.htm pages, title between OOH Title comments.
    ("ocos", ((b"<!-- OOH Title -->",),)),
)
# A plain-text rendering of a printed-edition statement (such as a mirror site's page).
TEXT_MARKERS = ("Significant Points", "Nature of the Work")


def is_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:2048]))


def detect_layout(doc: Decoded) -> str:
    """Return the layout name. Raises NotFoundPage, LandingPage or UnknownLayout with a one-line reason."""
    text, raw = doc.text, doc.raw
    if is_html(text):
        title_match = _TITLE.search(text[:8192])
        title = " ".join(title_match.group(1).split()) if title_match else ""
        if re.search(r"\b404\b|not found", title, re.I):
            raise NotFoundPage(f"a '{title}' error page saved in place of an occupation page")
        for layout, marker_sets in HTML_LAYOUTS:
            # Markers are ASCII: searched in the bytes, many times faster than in a long non-ASCII str.
            if any(all(marker in raw for marker in markers) for markers in marker_sets):
                return layout
        if b"Occupational Outlook Handbook" in raw and b"<h2" not in raw:
            raise LandingPage(f"handbook page '{title}' has no occupation sections (an index or landing page)")
        raise UnknownLayout(
            f"HTML page of no known handbook layout (title '{title[:80]}'): "
            "neither the current tabbed layout nor the 2010-11 ocos layout"
        )
    if all(marker in text for marker in TEXT_MARKERS):
        return "mirror_text"
    raise UnknownLayout("plain text without the handbook's 'Significant Points' and 'Nature of the Work' headings")
