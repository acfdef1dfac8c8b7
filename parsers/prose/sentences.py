"""What the sentence rules share: number patterns, the context a section carries from sentence to
sentence, and the year, pay period, qualifier and workers a sentence states."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from parsers.editions import span_end
from parsers.model import Edition, Figure
from parsers.numbers import QUALIFIER_WORDS, month_number, qualifier
from parsers.subjects import Subjects
from parsers.text import clean

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
SCALED = rf"(?:{NUM})(?:\s+(?:thousand|million|billion)\b)?"
# Money as the handbook writes it, and nothing that only starts like it: never a number with a sign before
# the dollar ("-$50,250"), an exponent, digits grouped by spaces, a decimal comma or a scale word after it
# (parsers/plausible.py refuses those, with the reason).
# (The sign is looked for behind the dollar once it is found: a lookbehind first would run at every
# position of every sentence.)
MONEY = (rf"\$(?<![^\w$,.][-\u2212]\$)(?<![^\w$,.][-\u2212]\s\$)(?<!^[-\u2212]\$)(?<!^[-\u2212]\s\$)\s?(?:{NUM})"
         rf"(?![\d]|[.,]\d|[eE][+-]?\d|\s\d{{3}}\b|\s+(?:thousand|million|billion|trillion|quadrillion)\b)")
Q = rf"(?:(?P<q>{QUALIFIER_WORDS})\s+)?"
# Patterns start at the number or at a fixed word (fast to scan for); a qualifier before the number is
# looked up backwards from the match ("About 2 out of 5", "more than 200").
_Q_BEFORE = re.compile(rf"(?:^|[\s,(\u2014])(?P<q>{QUALIFIER_WORDS})\s+$", re.I)
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
    subject: str | None = None  # the workers the section last named: later figures that name none are theirs
    title: str = ""  # the page's occupation
    opening: bool = False  # the sentence being read opens its paragraph
    served: bool = False  # a number of people who "served in" (the Armed Forces) was stated

    def names_part(self, who: str | None) -> bool:
        """Whether the words name some of the page's occupation rather than all of it (as far as the title
        tells: the page's tables are read later)."""
        return who is not None and not _subjects(self.title).is_whole(who)

    def figure(self, kind: str, measure: str, value: Decimal | None, unit: str, raw: str, sentence: str, **kw) -> Figure:
        """A figure of this section; `raw` is the words as stated, `sentence` the sentence they stand in."""
        return Figure(kind=kind, measure=measure, value=value, unit=unit, section=self.section,
                      raw_text=clean(raw), sentence=sentence, **kw)


@lru_cache(maxsize=64)
def _subjects(title: str) -> Subjects:
    return Subjects(title)


def qualified(m: re.Match, sentence: str) -> tuple[str | None, str]:
    """The qualifier written just before a match, and the raw words including it."""
    before = _Q_BEFORE.search(sentence, max(0, m.start() - 40), m.start())
    if before is None:
        return None, m.group(0)
    return qualifier(before["q"]), sentence[before.start("q") : m.end()]


@lru_cache(maxsize=1024)  # several rules ask of the same sentence
def stated_year(sentence: str) -> tuple[int | None, int | None]:
    match = IN_YEAR.search(sentence)
    if not match:
        return None, None
    return int(match["year"]), month_number(match["month"])


@lru_cache(maxsize=1024)
def projection_span(sentence: str, edition: Edition) -> tuple[int | None, str | None]:
    """The target year and the projection period a sentence names ("through 2014", "from 2024 to 2034",
    "over the 2008-18 decade"); (None, None) when it names none."""
    match = _THROUGH.search(sentence)
    if match and match["to"]:
        return int(match["to"]), f"{match['start']}-{match['to']}"
    if match and match["last"]:
        start = int(match["first"])
        end = span_end(start, match["last"])
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


# --- the workers a clause is about ---
# Where the clause that ends at a figure begins: the sentence, or a coordinated clause ("...; the number of
# library assistants is expected ...", "..., and employment of ...").
_AND_CLAUSE = re.compile(r",?\s+and\s+(?=(?:the\s+)?(?:number|employment|jobs?)\s+(?:of|for)\b)", re.I)
# "Employment of cashiers is expected ...", "Jobs for rehabilitation counselors are ...", "The number of
# special education teachers is ...", "Biomedical engineers are expected ...", "Marriage and family
# therapists will experience growth ...", "Food service manager jobs are expected ...".
_CLAUSE_SUBJECT = re.compile(  # used with match(pos): no "^"
    r"\s*(?:(?:between|from)\s+(?:19|20)\d\d\s+and\s+(?:19|20)\d\d,\s*|overall,\s*|however,\s*|in\s+addition,\s*)*"
    r"(?:(?:the\s+)?overall\s+|total\s+)?(?:(?:wage[-\s]and[-\s]salary\s+)?(?:employment|jobs|job\s+openings|job\s+growth|"
    r"(?:the\s+)?number)\s+(?:of|for|in)\s+(?:jobs\s+for\s+)?)?(?P<s>[^;]+?)(?:\s*\u2014[^\u2014]*\u2014\s*|\s+)"
    r"(?:is|are|will|should|was|were|may|could|can|has|have)\b", re.I)
# "As such, ", "By contrast, ", "However, ", "In 2008, " before the clause's subject.
_LEAD_IN = re.compile(
    r"(?:(?:However|Overall|Also|Nonetheless|Still|Thus|Similarly|Likewise|As\s+such|By\s+contrast|In\s+contrast|"
    r"In\s+addition|As\s+a\s+result|Consequently|Moreover|Furthermore),\s*"
    r"|(?:In|During|Between|From|By)\s+(?:\w+\s+)?(?:19|20)\d\d[^,]{0,20},\s*)*", re.I)
# "employment of slot key persons to grow", "Employment of drywall and ceiling tile installers\u2014the largest
# specialty\u2014is expected"
_EMPLOYMENT_OF = re.compile(
    r"\b(?:employment(?:\s+growth)?|jobs|the\s+number)\s+(?:of|for)\s+(?:jobs\s+for\s+)?(?P<s>[^;]+?)"
    r"(?:\s*\u2014[^\u2014]*\u2014\s*|\s+)(?:is|are|will|should|to|was|were|may|could)\b", re.I)
# "...; political scientists, faster than the average": the verb is the clause before's
_ELLIPSIS = re.compile(r"\s*(?P<s>[A-Za-z][^,;]{2,80}),\s*(?:about\s+)?$", re.I)
_DASHED = re.compile(r"\s*\u2014[^\u2014]*(?:\u2014|$)")
_APPOSITION = re.compile(r",\s+(?:the|a|an|which|who)\s+[^,]+,?$", re.I)
# Words that name no workers: "Employment is expected ...", "Job opportunities should be ...".
NOT_WORKERS = re.compile(
    r"^(?:the\s+)?(?:overall\s+)?(?:[\w-]+\s+)?(?:employment|growth|job\s+growth|opportunities|job\s+opportunities|"
    r"prospects|job\s+prospects|competition|demand|it|this|this\s+occupation|the\s+occupation|they|these\s+\w+|"
    r"employment\s+change|projected\s+growth|the\s+number\s+of\s+jobs)$", re.I)


@lru_cache(maxsize=1024)
def clause_subject(sentence: str, end: int) -> str | None:
    """The workers the clause that ends at `end` is about ("employment of X is projected ...", "... will
    cause employment of slot key persons to grow"), or None when it names none ("Employment is projected to
    grow ...")."""
    start = max(sentence.rfind("; ", 0, end), sentence.rfind(": ", 0, end)) + 2
    start = max(start, 0) if start > 1 else 0
    for clause in _AND_CLAUSE.finditer(sentence, start, end):
        start = clause.end()
    start += len(_LEAD_IN.match(sentence, start, end).group(0))
    match = (_EMPLOYMENT_OF.search(sentence, start, end) or _CLAUSE_SUBJECT.match(sentence, start, end)
             or _ELLIPSIS.match(sentence, start, end))
    if not match:
        return None
    who = _APPOSITION.sub("", _DASHED.sub("", clean(match["s"])))
    who = re.sub(r"\s+jobs$", "", who, flags=re.I)  # "Food service manager jobs" ("engineering employment" names no one)
    return None if not who or NOT_WORKERS.match(who) or len(who) > 120 else who
