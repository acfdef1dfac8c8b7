"""A handbook statement rendered as text, plain or markdown, of any edition.

Mirror sites, reader tools and copies republish statements as text: the seed is a mirror's plain text of
a 2006-07 statement; the markdown captures are whole current pages. Whatever wraps the statement is not
part of it: site navigation and banners above, a copyright notice below, and on captures of the current
site the glossary pop-ups, rendered as sections of their own after the statement (their median wage is
all workers', never the occupation's). The statement runs from its first section heading to its end line:
the printed editions' "Source: Bureau of Labor Statistics ... Occupational Outlook Handbook, 2006-07
Edition", the current site's "Suggested citation:".

Headings are told by what they say (parsers/taxonomy.py), on lines of their own; a heading named inside a
sentence is text. In markdown, sections are the headings at the level of the first one; deeper headings
are subheadings, kept as text as the HTML layouts keep them. A plain rendering has no levels: the current
site's Summary recaps each section under its heading, and the sections are told from the recap by order
(see _plain_starts).

A rendering may lose headings ("Employment", "Earnings" in the seed). A lost heading leaves two or more
blank lines where it stood; the paragraphs after such a gap belong to the next section of the edition's
fixed order that no heading on the page claims.
"""
from __future__ import annotations

import re

from parsers.decode import Decoded
from parsers.editions import printed_edition, printed_editions, span_edition
from parsers.errors import MissingContent, MixedEditions, NotAStatement
from parsers.layouts import tabbed
from parsers.layouts.draft import Draft
from parsers.layouts.registry import Layout, PageClass, quick_facts_rows
from parsers.layouts.soc import own_soc_code, projection_soc_cells, soc_codes_of
from parsers.model import Edition, Page, Section, Table
from parsers.taxonomy import HEADING_ALIASES, SECTION_KEYS, section_key
from parsers.text import clean
from parsers.textblocks import QUICK_FACTS, blocks_of_runs
from parsers.textlines import Line, is_markdown, read_lines

# The order of sections in a printed statement (2004-05 through 2010-11 editions) and on the current site.
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
CURRENT_ORDER = tabbed.QUICK_FACTS.sections

# Where the statement ends: the printed editions' source line, the current site's suggested citation (its
# "Last modified date" line follows it).
_END = re.compile(r"^(?:Source:\s+Bureau of Labor Statistics\b|Suggested citation\b|Last modified date\b)", re.I)
_CITATION = re.compile(r"^Suggested citation\b", re.I)
_BLS_URL = re.compile(r"https?://(?:www\.)?bls\.gov/[^\s)>\]]+?\.htm\b")
_ONET_LINK = re.compile(r"(?:onetonline\.org|online\.onetcenter\.org)/link/\w+/\d{2}-\d{4}(?:\.\d{2})?")
# The current site's section headings carry a link to the section's help pop-up.
_ABOUT = re.compile(r"\s*About this section$", re.I)
# The edition a statement states as its own: printed editions name it; current pages state their
# projection span in Quick Facts ("Job Outlook, 2024–34", "Employment Change, 2024–34").
_SPAN = re.compile(r"^(?:Job Outlook|Employment Change),\s+((?:19|20)\d\d)\s*[\u2013\u2014-]\s*(\d\d(?:\d\d)?)\b", re.I)
# A chart of the current site: its title, caption, bars (label, value), note and source line. The HTML
# layout skips charts (they repeat the text's figures beside other occupations'); so does this one.
_CHART_CAPTION = re.compile(r"^(?:Median (?:annual|hourly) wages|Percent change in employment|Employment change),"
                            r"\s+(?:May\s+|projected\s+)?(?:19|20)\d\d", re.I)
_CHART_SOURCE = re.compile(r"^Source:\s+U\.S\. Bureau of Labor Statistics,", re.I)
_CHART_LINES = 60
# Site furniture inside a statement: the video player's notices, the tab-to-tab links ("<- Pay Job Outlook ->").
_FURNITURE = re.compile(r"^(?:Please enable javascript|Video transcript available\b|<-\s|.*\s->$)", re.I)
_MAX_HEADING_CHARS = 80
# A statement has at least this many of the handbook's headings (the shortest 2010-11 ones have six).
MIN_HEADINGS = 4
# Headings of several words, which an essay about a statement names inside its sentences.
_QUOTED_HEADINGS = re.compile(
    r"\b(" + "|".join(sorted((re.escape(h) for h in HEADING_ALIASES if " " in h), key=len, reverse=True))
    + r"|how to become)\b", re.I)


def parse(doc: Decoded) -> Draft:
    markdown = is_markdown(doc.text)
    lines = _without_furniture(read_lines(doc.text))
    heads = [i for i, line in enumerate(lines) if _heading_key(line, markdown)]
    if not heads:
        raise MissingContent("text page without handbook section headings")
    start = heads[0]
    end = next((i for i in range(start, len(lines)) if _END.match(lines[i].text.strip())), None)
    stop = end if end is not None else len(lines)
    edition, printed = _edition(lines[start : stop + 1], doc.text)
    body = lines[start:stop]
    sections = _sections(body, markdown, PRINTED_ORDER if printed else CURRENT_ORDER,
                         SECTION_KEYS if printed else CURRENT_ORDER)
    title = _title(lines, start, sections, markdown)
    if not title:
        raise MissingContent("text page without an occupation title above its first heading")
    onet = [m.group(0) for line in body for m in _ONET_LINK.finditer(line.raw)]
    table_socs = projection_soc_cells(sections)
    return Draft(
        edition=edition,
        title=title,
        sections=sections,
        soc_codes=soc_codes_of(table_socs, onet),
        soc_code=own_soc_code(table_socs, onet),
        canonical_url=_canonical_url(lines, end),
    )


def _heading_key(line: Line, markdown: bool) -> str | None:
    """The section a line heads, if it is a heading: a markdown heading, or a short plain line."""
    if markdown and not line.level:
        return None
    stripped = _ABOUT.sub("", line.text.strip())
    if not stripped or len(stripped) > _MAX_HEADING_CHARS or stripped.endswith((".", ":")):
        return None
    return section_key(stripped)


def _without_furniture(lines: list[Line]) -> list[Line]:
    """The lines without the site's furniture, charts and photo captions; the blank lines after what is
    dropped go with it, so that no gap is left where a plain rendering's lost heading could be seen."""
    drop: set[int] = set()
    for i, line in enumerate(lines):
        text = line.text.strip()
        if _FURNITURE.match(text):
            drop.add(i)
        elif _CHART_CAPTION.match(text) and line.cells is None:
            source = next((j for j in range(i + 1, min(i + _CHART_LINES, len(lines)))
                           if _CHART_SOURCE.match(lines[j].text.strip())), None)
            if source is not None:
                title = next((j for j in range(i - 1, -1, -1) if not lines[j].blank), None)
                first = title if title is not None and _is_chart_title(lines[title]) else i
                drop.update(range(first, source + 1))
        elif line.image:  # a photo: the paragraph after it is its caption
            caption = next((j for j in range(i + 1, min(i + 3, len(lines))) if not lines[j].blank), None)
            if caption is not None and not lines[caption].level and lines[caption].cells is None:
                drop.add(caption)
    if not drop:
        return lines
    kept: list[Line] = []
    after_drop = False
    for i, line in enumerate(lines):
        if i in drop:
            after_drop = True
        elif not (after_drop and line.blank and (not kept or kept[-1].blank)):
            kept.append(line)
            after_drop = after_drop and line.blank
    return kept


def _is_chart_title(line: Line) -> bool:
    """The chart's title: the occupation's name as a subheading, or a short line that heads no section."""
    text = line.text.strip()
    return (line.level > 2 or not line.level) and not section_key(_ABOUT.sub("", text)) and len(text) <= _MAX_HEADING_CHARS \
        and not text.endswith((".", ":"))


def _edition(statement: list[Line], text: str) -> tuple[Edition, bool]:
    """The edition the statement states as its own, and whether it is a printed one. Two different ones
    are a copy mixing two statements."""
    found: dict[str, tuple[Edition, bool]] = {}
    for line in statement:
        for edition in printed_editions(line.text):
            found.setdefault(edition.label, (edition, True))
        span = _SPAN.match(line.text.strip())
        if span:
            edition = span_edition(int(span.group(1)), span.group(2))
            found.setdefault(edition.label, (edition, False))
    if len(found) > 1:
        raise MixedEditions(f"the page states {' and '.join(sorted(found))} as its own edition: a copy that mixes "
                            "statements of different editions")
    if found:
        return next(iter(found.values()))
    edition = printed_edition(text)
    if edition is None:
        raise MissingContent("text page that names no handbook edition ('Occupational Outlook Handbook, 2006-07 "
                             "Edition', or Quick Facts' 'Job Outlook, 2024–34')")
    return edition, True


def _section_starts(body: list[Line], markdown: bool, allowed: tuple[str, ...]) -> tuple[dict[int, str], set[int], int]:
    """{line: section key} of the headings that start sections, the lines of markdown headings that start
    something else (a pop-up: skipped to the next section), and where the statement stops. Headings of
    sections the edition does not have (the current site's "Employment" inside Job Outlook) are text."""
    keyed = [(i, key) for i, line in enumerate(body) if (key := _heading_key(line, markdown)) in allowed]
    if not markdown:
        starts, stop = _plain_starts(keyed, len(body), allowed)
        return starts, set(), stop
    level = body[keyed[0][0]].level if keyed else 0
    starts: dict[int, str] = {}
    others: set[int] = set()
    for i, line in enumerate(body):
        if line.level != level:
            continue
        key = _heading_key(line, markdown)
        if key in starts.values():  # a section again: the glossary pop-ups repeat the tabs' names
            return starts, others, i
        if key is None:
            others.add(i)
        elif key in allowed:
            starts[i] = key
    return starts, others, len(body)


def _plain_starts(keyed: list[tuple[int, str]], end: int, order: tuple[str, ...]) -> tuple[dict[int, str], int]:
    """A plain rendering's section starts, and where its statement stops.

    Headings come in runs in the edition's order; a heading that goes back in the order starts another run:
    the current site's Summary recaps its sections in one run before the sections, and its glossary
    pop-ups (where no citation ends the statement first) repeat them in others after. The sections are
    the run with the most lines under its headings, with the runs next to it that repeat none of its
    sections; of a run before it that does, the headings ahead of the first repeated one (the Summary)."""
    runs: list[list[tuple[int, str]]] = []
    for i, key in keyed:
        if not runs or order.index(key) <= order.index(runs[-1][-1][1]):
            runs.append([])
        runs[-1].append((i, key))
    if not runs:
        return {}, end
    starts_of = [run[0][0] for run in runs] + [end]
    best = max(range(len(runs)), key=lambda n: starts_of[n + 1] - starts_of[n])
    taken = list(runs[best])
    keys = {key for _, key in taken}
    last = best
    for run in runs[best + 1 :]:
        if keys & {key for _, key in run}:
            break
        taken += run
        keys |= {key for _, key in run}
        last += 1
    for run in reversed(runs[:best]):
        shared = [n for n, (_, key) in enumerate(run) if key in keys]
        taken = run[: shared[0] if shared else len(run)] + taken
        keys |= {key for _, key in run}
        if shared:
            break
    return dict(taken), starts_of[last + 1]


def _sections(body: list[Line], markdown: bool, order: tuple[str, ...], allowed: tuple[str, ...]) -> list[Section]:
    starts, others, stop = _section_starts(body, markdown, allowed)
    claimed = set(starts.values())
    sections: list[tuple[str, str, list[list[Line]]]] = []  # key, heading, paragraphs as runs of lines
    blank_run = 0
    skipping = False
    for i, line in enumerate(body[:stop]):
        if i in starts:
            sections.append((starts[i], _ABOUT.sub("", line.text.strip()), []))
            blank_run, skipping = 0, False
            continue
        if i in others or skipping or not sections:
            skipping = True
            continue
        if line.blank:
            blank_run += 1
            continue
        current_key, _, paragraphs = sections[-1]
        if blank_run >= 2 and paragraphs:
            missing = _next_unclaimed(current_key, claimed, order)
            if missing:
                claimed.add(missing)
                sections.append((missing, "", []))
                paragraphs = sections[-1][2]
        if blank_run or not paragraphs or (line.cells is None) != (paragraphs[-1][-1].cells is None):
            paragraphs.append([])
        paragraphs[-1].append(line)
        blank_run = 0
    return [Section(key, heading, tuple(blocks_of_runs(paragraphs, markdown))) for key, heading, paragraphs in sections]


def _next_unclaimed(current: str, claimed: set[str], order: tuple[str, ...]) -> str | None:
    if current not in order:
        return None
    for key in order[order.index(current) + 1 :]:
        if key not in claimed:
            return key
    return None


def _title(lines: list[Line], start: int, sections: list[Section], markdown: bool) -> str:
    """The occupation's name: the caption of Quick Facts on current pages; else in markdown the page's
    last top heading above the statement; else the line above the first heading."""
    for section in sections[:1]:
        for block in section.blocks:
            if isinstance(block, Table) and block.header:
                caption = QUICK_FACTS.match(block.header[0])
                if caption:
                    return clean(caption["title"])
    if markdown:
        top = [line for line in lines[:start] if line.level == 1]
        if top:
            return clean(top[-1].text)
    above = next((line for line in reversed(lines[:start]) if line.text.strip()), None)
    return clean(above.text) if above else ""


def _canonical_url(lines: list[Line], end: int | None) -> str | None:
    """The statement's own address, as its suggested citation gives it."""
    if end is None or not _CITATION.match(lines[end].text.strip()):
        return None
    for line in lines[end : end + 6]:
        match = _BLS_URL.search(line.raw)
        if match:
            return match.group(0)
    return None


def recognise(doc: Decoded) -> bool:
    """A statement has the handbook's headings on lines of their own; text that only names them in its
    sentences is about a statement (an essay, an article), and is refused with that reason."""
    markdown = is_markdown(doc.text)
    keys = {key for line in read_lines(doc.text) if (key := _heading_key(line, markdown))}
    if len(keys) >= MIN_HEADINGS:
        return True
    quoted = {HEADING_ALIASES.get(m.lower(), "how_to_become_one") for m in _QUOTED_HEADINGS.findall(doc.text)}
    if len(quoted) >= MIN_HEADINGS:
        raise NotAStatement(f"text that names {len(quoted)} of the handbook's sections inside its sentences but has "
                            f"{len(keys) or 'none'} as headings of their own: an essay or article quoting a statement")
    return False


PRINTED = PageClass("mirror_text", PRINTED_ORDER, ("employment/jobs", "wage/median", "outlook/category"))
# Renderings of current pages: what the HTML layout's pages of the same shape have.
CURRENT_QUICK_FACTS = PageClass("mirror_text_quick_facts", tabbed.QUICK_FACTS.sections, tabbed.QUICK_FACTS.figures)
CURRENT = PageClass("mirror_text_current", tabbed.NO_QUICK_FACTS.sections, tabbed.NO_QUICK_FACTS.figures)


def classify(page: Page) -> PageClass:
    if int(page.edition.label[:4]) != page.edition.base_year:  # a printed edition, "2006-07" of 2004
        return PRINTED
    return CURRENT_QUICK_FACTS if quick_facts_rows(page.sections) else CURRENT


LAYOUT = Layout("mirror_text", parse, classify,
                "a handbook statement as plain text or markdown (its section headings on lines of their own)",
                recognise=recognise, order=30)
