"""Handbook editions: the catalogue of every edition since 1998-99, and the edition a page states.

A printed edition "YYYY-YY" reports employment and wages of two years before its first year (2006-07 ->
2004, 2010-11 -> 2008) and projects ten years from that base (2004-14, 2008-18). The web handbook kept
edition names until 2018-19; since 2019 it has none and is labelled by its projection span ("2024-34"),
whose first year is its base year. The catalogue (editions.csv, one row per edition) maps every clue a
page gives to one name, so that a 2012-13 page saying only "Job Outlook, 2010-20" is named "2012-13".
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from parsers.errors import ImplausibleEdition
from parsers.model import Edition

# The handbook's editions on the web start with 1998-99; printed ones go back further. A page naming an
# earlier year, or a year still to come, names no edition there has been.
FIRST_YEAR = 1990
PROJECTION_YEARS = 10  # every edition projects ten years from its base year
CATALOGUE = Path(__file__).with_name("editions.csv")

_PRINTED = re.compile(r"Occupational Outlook Handbook,\s+((?:19|20)\d\d)-(\d\d)\s+Edition", re.I)
# Quick Facts and its glossary pop-ups: "Job Outlook, 2010-20", "Employment Change, projected 2024–34"
_SPAN = re.compile(r"(?:Job Outlook|Employment Change),\s+(?:projected\s+)?"
                   r"((?:19|20)\d\d)\s*[\u2013\u2014-]\s*(\d\d(?:\d\d)?)\b")
_JOBS = re.compile(r"Number of Jobs,\s+((?:19|20)\d\d)\b")
_PAY = re.compile(r"\b((?:19|20)\d\d)\s+Median Pay\b", re.I)


@dataclass(frozen=True, slots=True)
class CatalogueEdition:
    """One row of editions.csv."""

    name: str  # "2010-11"; web editions since 2019 by projection span, "2024-34"
    on_site_from: date  # its release on bls.gov
    on_site_to: date | None  # the day before the next edition's release; None while it is the current one
    url_scheme: str  # 'ocos': /oco/ocosNNN.htm (through 2010-11); 'ooh': /ooh/<group>/<slug>.htm (since 2012-13)
    hosts: tuple[str, ...]  # where its pages were: stats.bls.gov too, before the site moved to www.bls.gov
    base_year: int
    projection_start: int
    projection_end: int
    notes: str

    @property
    def edition(self) -> Edition:
        return Edition(self.name, self.base_year, self.projection_start, self.projection_end)


@cache
def read_catalogue() -> tuple[CatalogueEdition, ...]:
    """Every edition, oldest first."""
    with CATALOGUE.open(newline="", encoding="utf-8") as handle:
        return tuple(
            CatalogueEdition(row["edition"], date.fromisoformat(row["on_site_from"]),
                             date.fromisoformat(row["on_site_to"]) if row["on_site_to"] else None,
                             row["url_scheme"], tuple(row["hosts"].split()), int(row["base_year"]),
                             int(row["projection_start"]), int(row["projection_end"]), row["notes"])
            for row in csv.DictReader(handle))


def catalogue_edition(name: str) -> CatalogueEdition | None:
    return next((e for e in read_catalogue() if e.name == name), None)


def printed_edition(text: str) -> Edition | None:
    """The edition named by "Occupational Outlook Handbook, 2010-11 Edition", if the text names one."""
    match = _PRINTED.search(text)
    return _printed(match) if match else None


def printed_editions(text: str) -> list[Edition]:
    """Every edition the text names as "Occupational Outlook Handbook, YYYY-YY Edition", in order."""
    return [_printed(match) for match in _PRINTED.finditer(text)]


def _printed(match: re.Match) -> Edition:
    first = int(match.group(1))
    if int(match.group(2)) != (first + 1) % 100 or not FIRST_YEAR <= first <= date.today().year + 1:
        raise ImplausibleEdition(f"the page names a '{match.group(1)}-{match.group(2)} Edition', which is no handbook "
                                 f"edition (two consecutive years, from {FIRST_YEAR} to next year)")
    return Edition(f"{first}-{match.group(2)}", first - 2, first - 2, first + 8)


def span_end(start: int, end: str) -> int:
    """The last year of a span as printed: "2024-34" ends in 2034, "1998-08" in 2008 (a two-digit end is the
    first year after `start` that ends in it)."""
    return int(end) if len(end) == 4 else start + (int(end) - start) % 100


def span_edition(start: int, end: str) -> Edition:
    """The edition of a projection span as printed ("2024", "34")."""
    return projection_edition(start, span_end(start, end))


def projection_edition(start: int, end: int) -> Edition:
    """The edition that projected start-end: its catalogue name ("2010-20" -> "2012-13"), else the span
    itself as web editions since 2019 are named ("2024-2034" -> "2024-34")."""
    if end - start != PROJECTION_YEARS or not FIRST_YEAR <= start <= date.today().year:
        raise ImplausibleEdition(f"the page names projections for {start}-{end}, which no edition has made (ten years "
                                 f"from a base year between {FIRST_YEAR} and this year)")
    return base_year_edition(start)


def base_year_edition(year: int) -> Edition:
    """The edition whose employment figures are of `year` ("Number of Jobs, 2010" -> 2012-13)."""
    known = next((e for e in read_catalogue() if e.base_year == year), None)
    return known.edition if known else Edition(f"{year}-{(year + PROJECTION_YEARS) % 100:02d}", year, year,
                                               year + PROJECTION_YEARS)


def stated_edition(text: str) -> Edition | None:
    """The edition a page's text states, by the strongest clue it gives: the edition's name ("Occupational
    Outlook Handbook, 2014-15 Edition", in the title or the citation line), its projection span ("Job Outlook,
    2010-20"), its base year ("Number of Jobs, 2010"), last the year of its Median Pay ("2010 Median Pay":
    wages were updated during some editions, so a year with no edition of its own is the year after a
    base year). None when it states none. Raises ImplausibleEdition for a name no edition can have."""
    printed = printed_edition(text)
    if printed:
        return printed
    span = _SPAN.search(text)
    if span:
        return span_edition(int(span.group(1)), span.group(2))
    jobs = _JOBS.search(text)
    if jobs:
        return base_year_edition(int(jobs.group(1)))
    pay = _PAY.search(text)
    if pay:
        year = int(pay.group(1))
        bases = {e.base_year for e in read_catalogue()}
        return base_year_edition(year if year in bases or year - 1 not in bases else year - 1)
    return None
