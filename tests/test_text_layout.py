"""Statements rendered as text (layout mirror_text): the real markdown captures of current pages against
their HTML twins, plain-text renderings, and what is not a statement.

Real pages where they exist (../shared/corpus/real/markdown-captures and ooh-current, the seed). The other
inputs are made here from a real capture by the one change that makes them what they are, named in each
builder: its plain-text rendering, its Quick Facts flattened to lines, a copy without its citation, an
essay quoting it, a copy mixing it with the seed's 2006-07 statement.
"""
import re

import pytest

from parsers import parse_page
from parsers.decode import decode
from parsers.detect import detect_layout
from parsers.errors import MixedEditions, NotAStatement, ParseError, UnknownLayout

from conftest import ROOT

REAL = ROOT.parent / "shared" / "corpus" / "real"
SEED = ROOT.parent / "shared" / "corpus" / "seed" / "edinformatics_medical-records-technician_2006-07.txt"
TWINS = {  # markdown capture -> the same page as HTML
    "computer-support-specialists": "computer-and-information-technology__computer-support-specialists",
    "data-scientists": "math__data-scientists",
    "software-developers": "computer-and-information-technology__software-developers",
    "web-developers": "computer-and-information-technology__web-developers",
}
pytestmark = pytest.mark.skipif(not (REAL / "markdown-captures").is_dir() or not SEED.is_file(),
                                reason=f"no markdown captures at {REAL}: the text layout's corpus tests did not run")


def capture(name: str) -> str:
    return (REAL / "markdown-captures" / f"{name}.md").read_text(encoding="utf-8")


def twin(name: str):
    return parse_page((REAL / "ooh-current" / f"{TWINS[name]}.html").read_bytes())


def figures(page, source: str | None = None) -> list[tuple]:
    return [(f.source, f.kind, f.measure, f.value, f.text_value, f.period, f.ref_year, f.qualifier, f.setting,
             f.part, f.subject_type, f.of_occupation, f.raw_text, f.sentence)
            for f in page.figures if source is None or f.source == source]


def headline(page) -> dict:
    """The whole occupation's jobs and median wages, as the warehouse's occupation_editions takes them."""
    out = {}
    for f in page.figures:
        if f.subject_type == "occupation" and (f.kind, f.measure) in {("employment", "jobs"), ("wage", "median")}:
            out.setdefault((f.kind, f.period, f.source), f.value)
    return out


# --- builders: a real capture changed the way another rendering differs from it ---------------------------

_QF_LABELS = re.compile(r"^(?:\d{4} Median Pay|Typical Entry-Level Education|Work Experience in a Related Occupation|"
                        r"On-the-job Training|Number of Jobs, \d{4}|Job Outlook, |Employment Change, )")


def _strip_inline(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)", r"\1", text)
    text = re.sub(r"(?<![\w\\])[*_]+|(?<!\\)[*_]+(?!\w)", "", text)
    return re.sub(r"\\(.)", r"\1", text).strip()


def plain_text_of(markdown: str) -> str:
    """A plain-text rendering: no markup; headings are bare lines; list items keep a bullet; a table is a
    line per row with its cells separated by tabs, but Quick Facts, whose label and value are lines of
    their own; a definition's value loses its ':'; one blank line between blocks."""
    out: list[str] = []
    for line in re.sub(r"<!--.*?-->", "", markdown, flags=re.S).splitlines():
        stripped = line.strip()
        if re.fullmatch(r"\|?[\s:|-]*-{3}[\s:|-]*", stripped) or re.fullmatch(r"-{3,}|={3,}", stripped):
            continue
        if stripped.startswith("|"):
            cells = [_strip_inline(c) for c in re.split(r"(?<!\\)\|", stripped.strip("|"))]
            if len(cells) == 2 and _QF_LABELS.match(cells[0]):
                out.extend(cells)
            else:
                out.append("\t".join(cells))
            continue
        bullet = re.match(r"^\s*[*+-]\s+", line)
        text = _strip_inline(re.sub(r"^#{1,6}\s+|^:\s+", "", line[bullet.end():] if bullet else stripped))
        out.append(f"\u2022 {text}" if bullet and text else text)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))


def quick_facts_as_lines(markdown: str) -> str:
    """The capture with its Quick Facts table flattened to lines, a label and its value each on a line."""
    def flatten(table: re.Match) -> str:
        rows = [[c.strip() for c in re.split(r"(?<!\\)\|", row.strip().strip("|"))] for row in table[0].splitlines()]
        rows = [r for r in rows if not all(re.fullmatch(r"-{3,}", c) for c in r if c)]
        return "\n".join([rows[0][0]] + [cell for row in rows[1:] for cell in row]) + "\n"
    return re.sub(r"^\| Quick Facts:.*\n(?:\|.*\n)+", flatten, markdown, count=1, flags=re.M)


def without_citation(markdown: str) -> str:
    """The capture cut short of its suggested citation: the glossary pop-ups follow the statement at once."""
    kept = [line for line in markdown.splitlines()
            if not re.match(r"\*\*(?:Suggested citation|Last modified date):", line)]
    return "\n".join(kept)


def essay_quoting(markdown: str) -> str:
    """An article about the occupation that quotes the first paragraph of each section of the capture,
    naming each section in its sentences."""
    lines = ["# What the handbook says about web developers", ""]
    heading = None
    for line in markdown.split("**Suggested citation:**")[0].splitlines():
        if line.startswith("## ") and "About this section" in line:
            heading = _strip_inline(line[3:].split("[About this section]")[0])
        elif heading and len(line) > 60 and not line.startswith(("!", "|", "#", "*")):
            lines += [f"Its section \u201c{heading}\u201d says: \u201c{_strip_inline(line)}\u201d", ""]
            heading = None
    return "\n".join(lines)


def mixed_with_the_seed(markdown: str) -> str:
    """The capture with the seed's 2006-07 statement pasted in above its citation."""
    seed = SEED.read_text(encoding="utf-8")
    statement = seed[seed.index("Medical Records and Health Information Technicians\n\nSignificant Points"):
                     seed.index("Questions or Comments?")]
    return markdown.replace("**Suggested citation:**", statement + "\n**Suggested citation:**", 1)


# --- the markdown captures and their HTML twins ----------------------------------------------------------

@pytest.mark.parametrize("name", sorted(TWINS))
def test_markdown_capture_parses_like_its_html_twin(name):
    md, html = parse_page(capture(name).encode()), twin(name)
    assert (md.layout, html.layout) == ("mirror_text", "tabbed")
    assert md.edition == html.edition and md.edition.label == "2024-34"
    assert (md.title, md.soc_code, md.soc_codes, md.canonical_url) == (
        html.title, html.soc_code, html.soc_codes, html.canonical_url)
    assert [s.key for s in md.sections] == [s.key for s in html.sections]
    assert [s.heading for s in md.sections] == [s.heading for s in html.sections]
    assert figures(md, "quick_facts") == figures(html, "quick_facts") and len(figures(md, "quick_facts")) == 9
    assert headline(md) == headline(html) and ("employment", None, "quick_facts") in headline(md)
    # and every other figure, word for word
    assert figures(md) == figures(html)


@pytest.mark.parametrize("name", sorted(TWINS))
def test_chrome_charts_and_glossary_popups_are_not_in_the_statement(name):
    page = parse_page(capture(name).encode())
    text = "\n".join(s.text for s in page.sections)
    for chrome in ("Skip to Content", "An official website", "OOH HOME", "Please enable javascript",
                   "Video transcript available", "About this section", "Suggested citation", "Last modified date",
                   "Median annual wages, May 2024", "Total, all occupations", "median annual wage for all workers",
                   "tab describes", "<-", "->", "](", "**"):
        assert chrome not in text, chrome
    assert not any(f.value == 49500 for f in page.figures)  # all workers' median, in charts and pop-ups


@pytest.mark.parametrize("name", ["web-developers", "data-scientists"])
def test_without_a_citation_the_glossary_popups_still_end_the_statement(name):
    page = parse_page(without_citation(capture(name)).encode())
    assert figures(page) == figures(twin(name))
    assert [s.key for s in page.sections] == [s.key for s in twin(name).sections]
    assert "tab describes" not in "\n".join(s.text for s in page.sections)


@pytest.mark.parametrize("name", ["web-developers", "software-developers"])
def test_quick_facts_flattened_to_lines(name):
    markdown = quick_facts_as_lines(capture(name))
    assert "| Quick Facts" not in markdown
    assert re.search(r"^\[Number of Jobs, 2024\]\(.*\)\n[\d,]+$", markdown, flags=re.M)
    page = parse_page(markdown.encode())
    assert figures(page, "quick_facts") == figures(twin(name), "quick_facts")
    assert not any(re.search(r"\b2024 \d", b.text) for s in page.sections for b in s.blocks if hasattr(b, "text"))


@pytest.mark.parametrize("name", sorted(TWINS))
def test_plain_text_rendering_of_a_current_page(name):
    plain = plain_text_of(capture(name))
    assert "#" not in plain.split("Summary", 1)[1].split("Suggested citation")[0].replace("O*NET", "")
    page, html = parse_page(plain.encode()), twin(name)
    assert (page.layout, page.edition, page.title) == ("mirror_text", html.edition, html.title)
    assert [s.key for s in page.sections] == [s.key for s in html.sections]
    assert figures(page, "quick_facts") == figures(html, "quick_facts")
    assert headline(page) == headline(html)
    assert figures(page) == figures(html)  # the tables too, from their lines of tab-separated cells
    assert "median annual wage for all workers" not in "\n".join(s.text for s in page.sections)


@pytest.mark.parametrize("name", ["web-developers", "data-scientists"])
def test_plain_text_without_a_citation_ends_at_the_glossary_popups(name):
    plain = plain_text_of(without_citation(capture(name)))
    assert "Suggested citation" not in plain and "\nWhat They Do\n" in plain
    page, html = parse_page(plain.encode()), twin(name)
    assert [s.key for s in page.sections] == [s.key for s in html.sections]
    assert figures(page) == figures(parse_page(plain_text_of(capture(name)).encode()))
    assert "tab describes" not in "\n".join(s.text for s in page.sections)


def markdown_of_the_seed() -> str:
    """The seed as markdown: its headings as '##' lines, its bullets as '*' items (lost headings stay lost)."""
    from parsers.taxonomy import section_key

    out = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if text and len(text) <= 80 and not text.endswith((".", ":")) and section_key(text):
            out.append(f"## {text}")
        else:
            out.append(f"* {text[1:].strip()}" if text.startswith("\u2022") else line)
    return "\n".join(out)


def test_markdown_rendering_of_a_printed_statement():
    markdown = markdown_of_the_seed()
    assert markdown.count("\n## ") == 7
    page, seed = parse_page(markdown.encode()), parse_page(SEED.read_bytes())
    assert (page.edition, page.title) == (seed.edition, seed.title)
    assert [(s.key, s.heading) for s in page.sections] == [(s.key, s.heading) for s in seed.sections]
    assert figures(page) == figures(seed)


def test_the_seed_is_still_read_as_before():
    page = parse_page(SEED.read_bytes())
    assert (page.layout, page.edition.label, page.title) == ("mirror_text", "2006-07",
                                                             "Medical Records and Health Information Technicians")
    assert [s.heading for s in page.sections if not s.heading] == ["", ""]  # Employment and Earnings, lost


# --- what is not a statement ---------------------------------------------------------------------------

def test_an_essay_quoting_a_statement_is_refused():
    essay = essay_quoting(capture("web-developers"))
    assert essay.count("Its section") >= 6
    with pytest.raises(NotAStatement) as info:
        parse_page(essay.encode())
    assert "essay" in info.value.reason and "\n" not in info.value.reason
    assert info.value.code == "not_a_statement"


def test_a_page_mixing_editions_is_refused():
    with pytest.raises(MixedEditions) as info:
        parse_page(mixed_with_the_seed(capture("web-developers")).encode())
    assert "2006-07 and 2024-34" in info.value.reason and "\n" not in info.value.reason
    assert info.value.code == "mixed_editions"


def test_text_without_the_handbooks_headings_is_an_unknown_layout():
    with pytest.raises(UnknownLayout) as info:
        parse_page(b"Shopping list\n\neggs\nmilk\n\nJob Outlook\n")
    assert "plain text or markdown" in info.value.reason
    assert isinstance(info.value, ParseError)


def test_captures_are_detected_by_content():
    for name in TWINS:
        assert detect_layout(decode(capture(name).encode())) == "mirror_text"
        assert detect_layout(decode(plain_text_of(capture(name)).encode())) == "mirror_text"


# --- the warehouse: one statement in two renderings is one occupation of one edition --------------------

def _load(tmp_path, names: list[str], html: bool):
    from flows.batch import read_inputs
    from flows.sources import list_local_pages
    from parsers import PARSER_VERSION
    from warehouse.db import connect
    from warehouse.load import save_inputs

    folder = tmp_path / "pages"
    folder.mkdir(parents=True)
    for name in names:
        (folder / f"{name}.md").write_bytes((REAL / "markdown-captures" / f"{name}.md").read_bytes())
        if html:
            (folder / f"{TWINS[name]}.html").write_bytes((REAL / "ooh-current" / f"{TWINS[name]}.html").read_bytes())
    con = connect(tmp_path / "w.duckdb")
    summary = save_inputs(con, read_inputs(list_local_pages(folder)), source="test", parser_version=PARSER_VERSION)
    assert summary.inputs_rejected == 0
    return con


HEADLINE = ("SELECT occupation_id, edition, occupation_title, jobs, median_annual_wage, median_hourly_wage, "
            "outlook_category FROM occupation_editions ORDER BY occupation_id")


def test_a_markdown_capture_loads_as_the_same_occupation_and_edition_as_its_html_page(tmp_path):
    names = sorted(TWINS)
    alone = _load(tmp_path / "alone", names, html=False)
    both = _load(tmp_path / "both", names, html=True)
    assert both.execute("SELECT count(*) FROM pages").fetchone()[0] == 8
    assert both.execute("SELECT count(DISTINCT occupation_id) FROM pages").fetchone()[0] == 4
    # counted once, from the HTML page; the capture alone says the same
    assert both.execute("SELECT DISTINCT layout FROM current_pages").fetchall() == [("tabbed",)]
    rows = both.execute(HEADLINE).fetchall()
    assert len(rows) == 4 and rows == alone.execute(HEADLINE).fetchall()
    assert alone.execute("SELECT DISTINCT layout FROM current_pages").fetchall() == [("mirror_text",)]
    assert both.execute("SELECT count(*) FROM figures").fetchone()[0] == alone.execute(
        "SELECT count(*) FROM figures").fetchone()[0]
    assert ("2024-34:data-scientists", "2024-34", "Data Scientists", 245900) == rows[1][:4]


def test_ooh_parse_reads_a_markdown_capture_and_refuses_an_essay_in_one_line(tmp_path, capsys):
    from flows.cli import main

    assert main(["parse", str(REAL / "markdown-captures" / "web-developers.md")]) == 0
    assert capsys.readouterr().out.startswith("Web Developers and Digital Designers (2024-34 edition, data year 2024; "
                                              "layout mirror_text")
    essay = tmp_path / "essay.md"
    essay.write_text(essay_quoting(capture("web-developers")))
    assert main(["parse", str(essay)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "[not_a_statement]" in error
