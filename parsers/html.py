"""lxml helpers shared by the HTML layouts: parse, prune furniture, walk a section into blocks, read tables.

The tree is lxml's (BeautifulSoup's tree is about twenty times slower on these pages). Speed matters here:
the walk skips furniture subtrees without entering them, and reads the text of leaf blocks with lxml's
C-level text serializer.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from parsers.errors import OverLimit
from parsers.model import Block, Paragraph, Table
from parsers.text import clean

# Plain etree elements: lxml.html's element classes cost a Python lookup for every element touched.
# One parser per encoding; an explicit encoding makes libxml2 skip its own charset sniffing, which
# gets the 2010-11 pages wrong (they declare iso-8859-1 but carry windows-1252 bytes).
_PARSERS: dict[str, etree.HTMLParser] = {}

# Never section content: scripts, images, forms; charts that restate figures of other occupations;
# photo captions, video players, tab footers, "About this section" links; visually hidden elements.
# The walk skips these subtrees whole, so their insides are never visited.
SKIP_TAGS = frozenset({"script", "style", "noscript", "img", "nav", "form", "iframe", "button", "input", "select"})
SKIP_CLASSES = frozenset(
    {"ooh-chart", "ooh_right_img", "image-caption", "youtube-player", "tab-footer", "about-this-section"}
)
# Elements that start a new block of text; everything else is inline.
BLOCK_TAGS = frozenset(
    {
        "p", "div", "ul", "ol", "li", "dl", "dt", "dd", "table", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "section", "article", "fieldset", "legend", "center", "pre", "hr", "tr", "td", "th",
        "thead", "tbody", "tfoot", "caption", "header", "footer", "main", "aside", "figure", "figcaption",
    }
)
_MAX_SPAN = 50
_LEAF_BLOCKS = frozenset({"p", "li", "dt", "dd", "h3", "h4", "h5", "h6", "blockquote", "pre", "legend", "caption"})


def _has_block_child(el: etree._Element) -> bool:
    # Direct children only: libxml2 already closes a <p> at a nested block, so deeper nesting is rare.
    for child in el:
        if child.tag in BLOCK_TAGS:
            return True
    return False


def parse_html(raw: bytes, encoding: str, part: Part | None = None) -> etree._Element:
    """Parse page bytes in the encoding parsers.decode found for them.

    With `part` (markers of where the statement starts and ends), only that part, and the <head> when
    the layout reads it, is parsed: the site navigation before the statement is half of a handbook page,
    and no section ever needs it. Pages without the markers are parsed whole.
    """
    if part is not None:
        raw = part.of(raw)
    parser = _PARSERS.get(encoding)
    if parser is None:
        # collect_ids=False: no table of the ids is built (5% of what lxml takes to parse); nothing looks one up
        parser = _PARSERS[encoding] = etree.HTMLParser(encoding=encoding, remove_pis=True, collect_ids=False)
    root = etree.fromstring(raw, parser=parser)
    _refuse_truncated(parser)
    if root is None:
        raise ValueError("no HTML element in the document")
    return root


def _refuse_truncated(parser: etree.HTMLParser) -> None:
    """libxml2 stops at its resource limits (nesting deeper than 256 elements, a text node or attribute
    over 10 MB) and returns what it read so far: the rest of the page would be dropped without a word."""
    for error in parser.error_log.filter_from_fatals():  # filtered in C: a 2010-11 page logs hundreds of errors
        if error.type_name == "ERR_RESOURCE_LIMIT":
            what = ("elements nested deeper than 256" if "depth" in error.message.lower()
                    else "a text node or attribute over 10 MB")
            raise OverLimit(f"page with {what} (line {error.line}): beyond the HTML parser's limits, the rest of "
                            "the page would be dropped")


@dataclass(frozen=True, slots=True)
class Part:
    start: bytes
    end: bytes
    with_head: bool  # a malformed head (an unclosed attribute quote) can swallow the part: keep it only if read

    def of(self, raw: bytes) -> bytes:
        """The (head and) bytes from `start` up to `end` or the end of the page; `raw` if `start` is missing."""
        begin = raw.find(self.start)
        if begin < 0:
            return raw
        stop = raw.find(self.end, begin)
        body = raw[begin : stop if stop > 0 else len(raw)]
        head_end = raw.find(b"</head>", 0, begin) if self.with_head else -1
        return b"".join((raw[: head_end + 7] if head_end >= 0 else b"<html>", b"<body>", body))


def window(raw: bytes, encoding: str, marker: bytes, width: int = 120) -> str:
    """The text from the first (ASCII) `marker` on, `width` bytes long ('' if absent).

    A bytes find is many times faster than a str find or a regex search over a long non-ASCII page."""
    start = raw.find(marker)
    return raw[start : start + width].decode(encoding, "ignore") if start >= 0 else ""


_tostring = etree.tostring


def text_content(el: etree._Element) -> str:
    """All text below an element (not its tail), read in C."""
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)


def is_furniture(el: etree._Element) -> bool:
    tag = el.tag
    if tag.__class__ is not str or tag in SKIP_TAGS:  # comments count as furniture too
        return True
    classes = el.get("class")
    if classes and not SKIP_CLASSES.isdisjoint(classes.split()):
        return True
    # Visually hidden links (the current pages' video-transcript link); only links are hidden this way.
    return tag == "a" and "height:0px" in (el.get("style") or "")


def visible_text(el: etree._Element) -> str:
    """Text of a small element (a heading, a title) without its furniture."""
    parts: list[str] = []
    _visible(el, parts)
    return clean("".join(parts))


def _visible(el: etree._Element, parts: list[str]) -> None:
    if el.text:
        parts.append(el.text)
    for child in el:
        if not is_furniture(child):
            _visible(child, parts)
        if child.tail:
            parts.append(child.tail)


def blocks_of(elements: Iterable[etree._Element]) -> list[Block]:
    """Paragraphs and tables of a run of sibling elements, in reading order."""
    blocks: list[Block] = []
    inline: list[str] = []
    for el in elements:
        _walk(el, blocks, inline)
        tail = el.tail
        if tail and (inline or not tail.isspace()):
            inline.append(tail)
    if inline:
        _flush(blocks, inline)
    return blocks


def _walk(el: etree._Element, blocks: list[Block], inline: list[str]) -> None:
    # The hottest loop of parsing (every element of every section): is_furniture, _has_block_child and
    # text_content are written out here, a Python call each saved per element.
    tag = el.tag
    if tag.__class__ is not str or tag in SKIP_TAGS:
        return
    classes = el.get("class")
    if classes and not SKIP_CLASSES.isdisjoint(classes.split()):
        return
    if tag == "br":
        inline.append("\n")
        return
    if tag == "a" and "height:0px" in (el.get("style") or ""):
        return
    if tag == "table":
        if inline:
            _flush(blocks, inline)
        table = read_table(el)
        if table.rows:
            blocks.append(table)
        return
    leaf = True
    for child in el:
        if child.tag in BLOCK_TAGS:
            leaf = False
            break
    if tag not in BLOCK_TAGS:
        if leaf:
            inline.append(_tostring(el, method="text", encoding="unicode", with_tail=False))
        else:
            _descend(el, blocks, inline)
        return
    if inline:
        _flush(blocks, inline)
    if leaf and tag in _LEAF_BLOCKS:
        text = " ".join(_tostring(el, method="text", encoding="unicode", with_tail=False).split())
        if text:
            blocks.append(Paragraph(text))
        return
    _descend(el, blocks, inline)
    if inline:
        _flush(blocks, inline)


def _descend(el: etree._Element, blocks: list[Block], inline: list[str]) -> None:
    # Whitespace before any text is dropped when the buffer is flushed (_flush splits it away), so it is
    # not buffered: the line breaks between block elements would otherwise cost a flush each.
    text = el.text
    if text and (inline or not text.isspace()):
        inline.append(text)
    for child in el:
        _walk(child, blocks, inline)
        tail = child.tail
        if tail and (inline or not tail.isspace()):
            inline.append(tail)


def _flush(blocks: list[Block], inline: list[str]) -> None:
    text = " ".join("".join(inline).split())
    inline.clear()
    if text:
        blocks.append(Paragraph(text))


def read_table(table: etree._Element) -> Table:
    """Header labels (one per column, spans expanded) and body rows as cleaned cell text."""
    caption_el = table.find("caption")
    header_rows: list[list[etree._Element]] = []
    body_rows: list[tuple[str, ...]] = []
    for tr in _rows(table):
        cells = [c for c in tr if c.tag == "td" or c.tag == "th"]
        if not cells:
            continue
        if tr.getparent().tag == "thead" or all(c.tag == "th" and c.get("scope") in ("col", "colgroup") for c in cells):
            header_rows.append(cells)
        else:
            body_rows.append(tuple(" ".join(text_content(c).split()) for c in cells))
    return Table(
        rows=tuple(body_rows),
        header=_header_labels(header_rows),
        caption=visible_text(caption_el) if caption_el is not None else None,
    )


def _rows(table: etree._Element):
    """The table's own rows (not those of nested tables), footers left out."""
    for child in table:
        if child.tag == "tr":
            yield child
        elif child.tag in ("thead", "tbody"):
            yield from (tr for tr in child if tr.tag == "tr")


def _span(cell: etree._Element, name: str) -> int:
    value = cell.get(name)
    if value is None:
        return 1
    value = value.strip()
    # Browsers clamp spans (colspan to 1000, rowspan to 65534); a handbook table spans a few columns, and a
    # huge span would only multiply cells.
    if not (value.isascii() and value.isdigit() and 0 < len(value) <= 6):
        return 1
    return max(1, min(int(value), _MAX_SPAN))


def _header_labels(rows: list[list[etree._Element]]) -> tuple[str, ...]:
    """Expand colspan/rowspan into one label per column: 'Change, 2008-18 / Number'."""
    grid: dict[tuple[int, int], str] = {}
    width = 0
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while (r, c) in grid:
                c += 1
            text = visible_text(cell)
            colspan, rowspan = _span(cell, "colspan"), _span(cell, "rowspan")
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text
            c += colspan
            width = max(width, c)
    labels = []
    for c in range(width):
        parts: list[str] = []
        for r in range(len(rows)):
            text = grid.get((r, c), "")
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        labels.append(" / ".join(parts))
    return tuple(labels)
