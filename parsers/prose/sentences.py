"""What the sentence rules share: number patterns, the context a section carries from sentence to
sentence, and the year, pay period, qualifier and workers a sentence states."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from parsers.model import Edition, Figure
from parsers.numbers import QUALIFIER_WORDS, month_number, qualifier
from parsers.text import clean

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
SCALED = rf"(?:{NUM})(?:\s+(?:thousand|million|billion)\b)?"
MONEY = rf"\$\s?(?:{NUM})"
Q = rf"(?:(?P<q>{QUALIFIER_WORDS})\s+)?"
# Patterns start at the number or at a fixed word (fast to scan for); a qualifier before the number is
# looked up backwards from the match ("About 2 out of 5", "more than 200").
_Q_BEFORE = re.compile(rf"(?:^|[\s,(])(?P<q>{QUALIFIER_WORDS})\s+$", re.I)
MONTH = r"January|February|March|April|May|June|July|August|September|October|November|December"
COUNT_WORD = r"\d+|one|two|three|four|five|six|seven|eight|nine|ten"

IN_YEAR = re.compile(rf"\b(?:in|during|as of)\s+(?:(?P<month>{MONTH})\s+)?(?P<year>(?:19|20)\d\d)\b", re.I)
_THROUGH = re.compile(
    r"\bthrough\s+(?P<end>(?:19|20)\d\d)\b"
    r"|\b(?:from|between)\s+(?P<start>(?:19|20)\d\d)\s+(?:to|and)\s+(?P<to>(?:19|20)\d\d)\b"
    r"|\b(?P<first>(?:19|20)\d\d)\s*[-\u2013]\s*(?P<last>\d\d)\s+decade\b",
    re.I,
)
PER = re.compile(r"^\W*(?:an?|per)\s+(?P<per>hour|year|week)\b", re.I)
PERIOD_WORDS = {"annual": "year", "yearly": "year", "hourly": "hour", "weekly": "week", "hour": "hour", "year": "year", "week": "week"}
# Wages of everyone, not of this occupation (the glossary's "median annual wage for all workers").
NATIONAL = re.compile(r"\ball (?:workers|occupations)\b|\bnational\b|\bu\.s\. economy\b", re.I)


@dataclass(slots=True)
class Context:
    """What earlier sentences of a section said that later ones leave implicit."""

    edition: Edition
    section: str
    year: int | None = None
    month: int | None = None
    period: str | None = None  # pay period of the last median wage stated
    subject: str | None = None  # the workers of the last median wage stated

    def figure(self, kind: str, measure: str, value: Decimal | None, unit: str, raw: str, sentence: str, **kw) -> Figure:
        """A figure of this section; `raw` is the words as stated, `sentence` the sentence they stand in."""
        return Figure(kind=kind, measure=measure, value=value, unit=unit, section=self.section,
                      raw_text=clean(raw), sentence=sentence, **kw)


def qualified(m: re.Match, sentence: str) -> tuple[str | None, str]:
    """The qualifier written just before a match, and the raw words including it."""
    before = _Q_BEFORE.search(sentence, max(0, m.start() - 40), m.start())
    if before is None:
        return None, m.group(0)
    return qualifier(before["q"]), sentence[before.start("q") : m.end()]


def stated_year(sentence: str) -> tuple[int | None, int | None]:
    match = IN_YEAR.search(sentence)
    if not match:
        return None, None
    return int(match["year"]), month_number(match["month"])


def projection_span(sentence: str, edition: Edition) -> tuple[int | None, str | None]:
    """The target year and the projection period a sentence names ("through 2014", "from 2024 to 2034",
    "over the 2008-18 decade"); (None, None) when it names none."""
    match = _THROUGH.search(sentence)
    if match and match["to"]:
        return int(match["to"]), f"{match['start']}-{match['to']}"
    if match and match["last"]:
        start = int(match["first"])
        end = start // 100 * 100 + int(match["last"])
        return end, f"{start}-{end}"
    if match:
        end = int(match["end"])
        start = edition.projection_start if end == edition.projection_end else None
        return end, f"{start}-{end}" if start else None
    return None, None


ASIDE = re.compile(r"\s*\((?:including|excluding)[^)]*\)|,?\s*(?:including|excluding) [^,]*,?")
OF_WHOM = re.compile(r"\b(?:of|for|among)\s+(?P<s>.+)$")


def of_whom(text: str) -> str | None:
    """The workers a clause names: 'of medical records technicians' -> 'medical records technicians'."""
    text = ASIDE.sub(" ", IN_YEAR.sub("", text))
    match = OF_WHOM.search(text.strip(" ,"))
    words = clean(match["s"] if match else text).strip(" ,")
    return words.lower() or None if len(words) <= 120 else None



# "In 2008, ", "As the largest healthcare occupation, " before the workers a sentence names.
INTRODUCTION = re.compile(r"^\s*(?:(?:In|As|With|Among|During|By)\b[^,]*,\s*)+", re.I)

# The end of a median's middle words: "... were about ", "... equal to or greater than ".
MID_END = re.compile(rf"\s*(?:\b(?:was|were|is|are|of)\s+)?(?:(?P<q>{QUALIFIER_WORDS})\s+)?$", re.I)
# Where: "Median hourly wages in general medical and surgical hospitals were ...", or, after the workers,
