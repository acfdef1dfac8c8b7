"""The paragraphs and tables of a statement rendered as text, from its runs of lines (parsers/textlines.py).

A run is a paragraph as the rendering has it: lines between blank lines. Tables come three ways: markdown
table rows; a plain rendering's lines of cells separated by tabs; lines that each end in a number after a
lead ending in ':' (an industry list, "Nursing care facilities 26,330"). Quick Facts may come as lines too.
"""
from __future__ import annotations

import re

from parsers.model import Block, Paragraph, Table
from parsers.text import clean
from parsers.textlines import Line

# Quick Facts as lines: "Quick Facts: <title>", then each label with its value on its line or the next.
QUICK_FACTS = re.compile(r"^Quick Facts:\s*(?P<title>\S.*)$", re.I)
_QF_LABEL = re.compile(
    r"^(?P<label>(?:(?:19|20)\d\d\s+)?Median Pay|Typical Entry-Level Education|Work Experience in a Related Occupation"
    r"|On-the-job Training|Number of Jobs,\s+(?:19|20)\d\d"
    r"|(?:Job Outlook|Employment Change),\s+(?:19|20)\d\d\s*[\u2013\u2014-]\s*\d\d(?:\d\d)?)(?:\s+(?P<value>\S.*))?$", re.I)
_BULLET = re.compile(r"^[\u2022\u00b7*\-]\s*")
# A line of an industry list: "General medical and surgical hospitals $26,640" / "Nursing care facilities
# 26,330"; a markdown capture may glue the first value to its label ("related services$128,020").
_LABEL_VALUE = re.compile(r"^(?P<label>\D.*?)(?:\s+|(?=\$))(?P<value>\$?\d[\d,]*(?:\.\d+)?%?)$")
_ENDS_IN_NUMBER = re.compile(r"\d[%)]?$")
_STARTS_WITH_NUMBER = re.compile(r"^[$(]?\d")
_YEAR_SPAN = re.compile(r"(?:19|20)\d\d\s*[\u2013\u2014-]\s*\d\d")
_MAX_CAPTION_CHARS = 160  # a table's title line, no sentence


def blocks_of_runs(paragraphs: list[list[Line]], markdown: bool) -> list[Block]:
    """The runs' blocks. A run that is no table is a paragraph per plain line; markdown lines run on into
    one paragraph, but a line that ends in a number never runs on into one that starts with one."""
    blocks: list[Block] = []
    for run in paragraphs:
        if run[0].cells is not None:
            if any(line.cells for line in run):
                caption = blocks.pop().text if blocks and _is_caption(blocks[-1]) else None
                blocks.append(_table([line.cells for line in run], caption))
            continue
        if QUICK_FACTS.match(run[0].text.strip()) and not run[0].level:
            quick_facts = _quick_facts_lines(run)
            if quick_facts.rows:
                blocks.append(quick_facts)
                continue
        rows = [_LABEL_VALUE.match(line.text.strip()) for line in run]
        after_lead = bool(blocks) and isinstance(blocks[-1], Paragraph) and blocks[-1].text.endswith(":")
        if after_lead and len(run) > 1 and all(rows):
            blocks.append(Table(rows=tuple((m["label"], m["value"]) for m in rows)))
            continue
        if not markdown and sum("\t" in line.text.strip() for line in run[:2]) and sum("\t" in line.text for line in run) > 1:
            # a plain rendering's table: a row per line, its cells separated by tabs, its caption above it
            caption = None
            if "\t" not in run[0].text.strip():
                caption, run = clean(run[0].text), run[1:]
            elif blocks and _is_caption(blocks[-1]):
                caption = blocks.pop().text
            blocks.append(_table([tuple(clean(c) for c in line.text.strip().split("\t")) for line in run], caption))
            continue
        texts: list[str] = []
        for line in run:
            text = clean(_BULLET.sub("", line.text.strip()))
            if not text:
                continue
            joins = markdown and texts and not line.level and not line.bullet and not run_break(texts[-1], text)
            if joins:
                texts[-1] = f"{texts[-1]} {text}"
            else:
                texts.append(text)
            if markdown and (line.level or line.bullet):
                texts.append("")  # a subheading or a list item is a paragraph of its own
        blocks.extend(Paragraph(text) for text in texts if text)
    return blocks


def run_break(before: str, after: str) -> bool:
    """Lines that must not run on into one paragraph: an empty one, or a number at the end of one and at
    the start of the next (joined, they would read as one figure or as a figure of the wrong words)."""
    return not before or bool(_ENDS_IN_NUMBER.search(before) and _STARTS_WITH_NUMBER.match(after))


def _quick_facts_lines(run: list[Line]) -> Table:
    """Quick Facts flattened to lines: the caption, then "label value" or "label" and "value" lines."""
    rows: list[tuple[str, str]] = []
    label = None
    for line in run[1:]:
        text = clean(line.text)
        match = _QF_LABEL.match(text)
        if label is not None and not match:
            rows.append((label, text))
            label = None
        elif match and match["value"]:
            rows.append((match["label"], match["value"]))
        elif match:
            label = match["label"]
        else:
            break
    return Table(rows=tuple(rows), header=(clean(run[0].text),))


def _is_caption(block: Block) -> bool:
    """A title line right above a table ("Employment projections data for ..., 2024–34"), no sentence."""
    return isinstance(block, Paragraph) and len(block.text) <= _MAX_CAPTION_CHARS and not block.text.endswith((".", ":"))


def _table(rows: list[tuple[str, ...]], caption: str | None = None) -> Table:
    """A markdown table. Rows above the first one of full width are its header, which a rendering may
    split: the separator row comes after the first, a spanning cell's sub-labels come as a row of their
    own ('Change, 2024–34' over 'Percent' and 'Numeric'), and a source note as a row of one cell."""
    cells = [row for row in rows if row]
    width = max(len(row) for row in cells)
    first_body = next((n for n, row in enumerate(cells) if len(row) == width and n > 0), 0)
    if rows and rows[0] and len(rows) > 1 and rows[1] == () and first_body == 0:
        first_body = 1  # header, separator, body: a header as wide as the body
    head, body = cells[:first_body], cells[first_body:]
    header: tuple[str, ...] = head[0] if head and any(head[0]) else ()
    subs = next((row for row in head[1:] if len(row) > 1), None)
    if header and subs and len(header) + len(subs) - 1 == width:
        at = next((n for n, label in enumerate(header) if _YEAR_SPAN.search(label)), len(header) - 1)
        header = header[:at] + tuple(f"{header[at]} / {sub}" for sub in subs) + header[at + 1 :]
    return Table(rows=tuple(body), header=header, caption=caption)
