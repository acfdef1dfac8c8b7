"""A page rendered as text (plain, or markdown) read into lines that say what they are.

Markdown renderings (reader tools, knowledge-base copies) carry the page's structure in their syntax:
`#` headings, `| table | rows |`, `* bullets`, links `[text](url)` and images `![alt](src)`. Here the syntax
becomes fields of a `Line` and the text keeps only what a reader sees: link text, no images, no emphasis
marks, no escapes. Plain text gives lines with no level and no cells: a plain rendering has lost them.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_BULLET = re.compile(r"^\s*[*+\-\u2022\u00b7]\s+")
_RULE = re.compile(r"^\s*(?:-{3,}|={3,}|\*{3,}|_{3,})\s*$")  # a thematic break, or a setext heading's underline
_SEPARATOR_CELL = re.compile(r"^:?-{3,}:?$")
_CELL_BORDER = re.compile(r"(?<!\\)\|")
# Inline markup, removed in this order: images (also inside a link's text), links (the URL may hold one
# level of parentheses), autolinks, emphasis marks, backslash escapes.
_IMAGE = re.compile(r"!\[[^\]]*\]\((?:[^()]|\([^)]*\))*\)")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
# Emphasis marks are runs of * and _ at a word's edge ("***Webmasters***", "**_skills._**Data"); inside a word
# they are the word's ("O*NET", "snake_case").
_EMPHASIS = re.compile(r"(?<![^\W_]|\\)[*_]+|(?<!\\)[*_]+(?![^\W_])")
# Some captures drop the spaces around a link ("a bachelor's[degree](...)in"): a link's text glued to a
# word on either side is a word of its own.
_GLUED = re.compile(r"(?<=\w)\x00(?=\w)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+\S", re.M)


@dataclass(frozen=True, slots=True)
class Line:
    text: str  # what a reader sees, whitespace as written (plain) or collapsed (markdown)
    level: int = 0  # 1-6 for a markdown heading
    cells: tuple[str, ...] | None = None  # a markdown table row; () for the separator row under its header
    bullet: bool = False  # an item of a list
    image: bool = False  # a line that held images only (the next paragraph is their caption)
    raw: str = ""  # the line as written, links and all

    @property
    def blank(self) -> bool:
        return not self.text.strip() and self.cells is None


def is_markdown(text: str) -> bool:
    """Two or more `#` heading lines: a markdown rendering (a plain one has no such lines)."""
    return len(_MARKDOWN_HEADING.findall(text, 0, 200_000)) >= 2


def read_lines(text: str) -> list[Line]:
    if not is_markdown(text):
        return [Line(line.rstrip(), raw=line) for line in text.splitlines()]
    return [_markdown_line(line) for line in _COMMENT.sub("", text).splitlines()]


def inline(text: str) -> str:
    """Markdown inline markup to the text a reader sees: '[**Pay**](#tab-5)' -> 'Pay'."""
    if "!" in text:
        text = _IMAGE.sub("", text)
    if "[" in text:
        text = _GLUED.sub(" ", _LINK.sub("\x00\\1\x00", text)).replace("\x00", "")
    if "<" in text:
        text = _AUTOLINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    return " ".join(html.unescape(text).split())


def _markdown_line(line: str) -> Line:
    stripped = line.strip()
    if not stripped or _RULE.match(stripped):
        return Line("", raw=line)
    if stripped.startswith("|"):
        cells = [cell.strip() for cell in _CELL_BORDER.split(stripped.strip("|"))]
        if any(cells) and all(_SEPARATOR_CELL.match(cell) for cell in cells if cell):
            return Line("", cells=(), raw=line)  # the row under a table's header
        cells = tuple(inline(cell) for cell in cells)
        return Line(" ".join(cells), cells=cells, raw=line)
    heading = _HEADING.match(stripped)
    if heading:
        return Line(inline(heading.group(2)), level=len(heading.group(1)), raw=line)
    bullet = _BULLET.match(line)
    if bullet:
        return Line(inline(line[bullet.end():]), bullet=True, raw=line)
    text = inline(stripped)
    return Line(text, image=not text and "![" in stripped, raw=line)
