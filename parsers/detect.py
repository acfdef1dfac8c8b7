"""Which layout a decoded page is in.

Detection walks the registered layouts (parsers/layouts): an HTML page is in the layout whose markers it
carries, found by plain substring search (fast, and it needs no parsed tree); a text page is in the text
layout that recognises its content. An unknown layout is an error, never a guess.
"""
from __future__ import annotations

import re

from parsers.decode import Decoded
from parsers.errors import LandingPage, NotFoundPage, UnknownLayout
from parsers.layouts import LAYOUTS

_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype|html|head|body|meta|title)\b", re.I | re.S)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


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
        html_layouts = [layout for layout in LAYOUTS.values() if layout.html_markers]
        for layout in html_layouts:
            # Markers are ASCII: searched in the bytes, many times faster than in a long non-ASCII str.
            if any(all(marker in raw for marker in markers) for markers in layout.html_markers):
                return layout.name
        if b"Occupational Outlook Handbook" in raw and b"<h2" not in raw:
            raise LandingPage(f"handbook page '{title}' has no occupation sections (an index or landing page)")
        raise UnknownLayout(f"HTML page of no known handbook layout (title '{title[:80]}'): "
                            f"{_none_of(layout.describe for layout in html_layouts)}")
    text_layouts = [layout for layout in LAYOUTS.values() if layout.recognise]
    for layout in text_layouts:
        if layout.recognise(doc):
            return layout.name
    raise UnknownLayout(f"text of no known handbook layout: {_none_of(layout.describe for layout in text_layouts)}")


def _none_of(descriptions) -> str:
    names = list(descriptions)
    if len(names) == 2:
        return f"neither {names[0]} nor {names[1]}"
    return "not " + " nor ".join(names) if names else "no layout is registered"
