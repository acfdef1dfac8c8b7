"""A page of every edition in the catalogue parses with its edition, sections and headline figures.

Real pages exist here for 2006-07 (the seed, as text), 2010-11 and 2024-34. For every other edition the
test page is a real one transformed the way that edition's pages differed, so far as is known: the
edition's name, base year and projection span wherever the real page states its own (title, citation
line, Quick Facts labels such as "2010 Median Pay", "Number of Jobs, 2010", "Job Outlook, 2010-20",
projection tables, prose); for the web editions of 2012-13 and 2014-15, the Quick Facts label "Entry-Level
Education" (later "Typical Entry-Level Education"); for the web editions, tables with and without ids.
The printed editions before 2010-11 are the 2010-11 page's template: their own HTML has not been seen
here, and the README says so.
"""
import re

import pytest

from conftest import MRT_2010, MRT_CURRENT, page_bytes
from parsers import parse_page
from parsers.editions import read_catalogue

CATALOGUE = read_catalogue()
LABELS_BEFORE_2016 = {"2012-13", "2014-15"}  # "Entry-Level Education", without "Typical"


def printed_page(edition) -> bytes:
    """The 2010-11 statement as the edition's: its name, base year (2008) and projection end (2018)."""
    span = f"{edition.projection_start}-{edition.projection_end % 100:02d}".encode()
    return (page_bytes(MRT_2010).replace(b"2010-11", b"@NAME@").replace(b"2008-18", b"@SPAN@")
            .replace(b"2018", str(edition.projection_end).encode()).replace(b"2008", str(edition.base_year).encode())
            .replace(b"@SPAN@", span).replace(b"@NAME@", edition.name.encode()))


def web_page(edition, ids: bool) -> bytes:
    """The current statement as the edition's: base year 2024 and projection end 2034 (in "2024-34",
    "2024–34" and "2024 to 2034")."""
    end = edition.projection_end % 100
    data = (page_bytes(MRT_CURRENT).replace("2024\u201334".encode(), b"@DASH@").replace(b"2024-34", b"@SPAN@")
            .replace(b"2034", str(edition.projection_end).encode()).replace(b"2024", str(edition.base_year).encode())
            .replace(b"@DASH@", f"{edition.projection_start}\u2013{end:02d}".encode())
            .replace(b"@SPAN@", f"{edition.projection_start}-{end:02d}".encode()))
    if edition.name in LABELS_BEFORE_2016:
        data = data.replace(b"Typical Entry-Level Education", b"Entry-Level Education")
    if not ids:
        data = re.sub(rb'(<table[^>]*?) id="[^"]*"', rb"\1", data)
    return data


def headline(page) -> dict:
    own = [f for f in page.figures if f.of_occupation]
    first = lambda pick: next((f for f in own if pick(f)), None)  # noqa: E731
    jobs = first(lambda f: f.measure == "jobs")
    wage = first(lambda f: f.kind == "wage" and f.measure == "median" and f.period == "year")
    growth = first(lambda f: f.kind == "projection" and f.measure in ("change_percent", "change"))
    return {"jobs": jobs and jobs.value, "wage": wage and (wage.value, wage.ref_year),
            "projection": growth and growth.period,
            "education": {f.measure for f in own if f.kind == "education"}}


ORIGINALS = {"ocos": parse_page(page_bytes(MRT_2010)), "ooh": parse_page(page_bytes(MRT_CURRENT))}
CASES = [pytest.param(e, True, id=e.name) for e in CATALOGUE if e.url_scheme == "ocos"] + [
    pytest.param(e, ids, id=f"{e.name}-{'ids' if ids else 'no-ids'}") for e in CATALOGUE if e.url_scheme == "ooh"
    for ids in (True, False)]


@pytest.mark.parametrize("edition,ids", CASES)
def test_a_page_of_every_edition_parses_with_its_edition_sections_and_headline_figures(edition, ids):
    page = parse_page(printed_page(edition) if edition.url_scheme == "ocos" else web_page(edition, ids))
    original = ORIGINALS[edition.url_scheme]
    assert (page.edition.label, page.edition.base_year) == (edition.name, edition.base_year)
    assert (page.edition.projection_start, page.edition.projection_end) == (edition.projection_start,
                                                                          edition.projection_end)
    assert [s.key for s in page.sections] == [s.key for s in original.sections]
    got, want = headline(page), headline(original)
    assert got["jobs"] == want["jobs"] and got["jobs"] is not None
    assert got["wage"] == (want["wage"][0], edition.base_year)
    assert got["education"] == want["education"]
    if edition.url_scheme == "ooh":  # the printed pages state no projection span in their figures
        assert got["projection"] == f"{edition.projection_start}-{edition.projection_end}"
