"""Handbook editions and the years they describe.

A printed edition "YYYY-YY" reports employment and wages of two years before its first year (2006-07 ->
2004, 2010-11 -> 2008) and projects ten years from that base (2004-14, 2008-18). The current web handbook
has no edition name; it is labelled by its projection span ("2024-34"), whose first year is its base year.
"""
from __future__ import annotations

import re
from datetime import date

from parsers.errors import ImplausibleEdition
from parsers.model import Edition

# The handbook's editions on the web start with 1998-99; printed ones go back further. A page naming an
# earlier year, or a year still to come, names no edition there has been.
FIRST_YEAR = 1990
PROJECTION_YEARS = 10  # every edition projects ten years from its base year

_PRINTED = re.compile(r"Occupational Outlook Handbook,\s+((?:19|20)\d\d)-(\d\d)\s+Edition", re.I)


def printed_edition(text: str) -> Edition | None:
    """The edition named by "Occupational Outlook Handbook, 2010-11 Edition", if the text names one."""
    match = _PRINTED.search(text)
    if not match:
        return None
    first = int(match.group(1))
    if int(match.group(2)) != (first + 1) % 100 or not FIRST_YEAR <= first <= date.today().year + 1:
        raise ImplausibleEdition(f"the page names a '{match.group(1)}-{match.group(2)} Edition', which is no handbook "
                                 f"edition (two consecutive years, from {FIRST_YEAR} to next year)")
    return Edition(f"{first}-{match.group(2)}", first - 2, first - 2, first + 8)


def projection_edition(start: int, end: int) -> Edition:
    """The web handbook labelled by its projection span, e.g. 2024-2034 -> "2024-34"."""
    if end - start != PROJECTION_YEARS or not FIRST_YEAR <= start <= date.today().year:
        raise ImplausibleEdition(f"the page names projections for {start}-{end}, which no edition has made (ten years "
                                 f"from a base year between {FIRST_YEAR} and this year)")
    return Edition(f"{start}-{end % 100:02d}", start, start, end)
