"""Figures stated in sentences.

Each rule is a compiled pattern and a function that turns a match into figures. The patterns were found
on the real corpus (2006-07, 2010-11 and current wording); the cases they were written for are in
tests/test_prose.py. A rule only fires on wording that states a figure of the occupation: numbers in
addresses, dates and footnotes match none of them.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from decimal import Decimal

from parsers.model import Edition, Figure
from parsers.numbers import (
    QUALIFIER_WORDS,
    fraction,
    month_number,
    parse_count_word,
    parse_number,
    percent_to_fraction,
    qualifier,
)
from parsers.text import clean, split_sentences

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
SCALED = rf"(?:{NUM})(?:\s+(?:thousand|million|billion)\b)?"
MONEY = rf"\$\s?(?:{NUM})"
Q = rf"(?:(?P<q>{QUALIFIER_WORDS})\s+)?"
# Patterns start at the number or at a fixed word (fast to scan for); a qualifier before the number is
# looked up backwards from the match ("About 2 out of 5", "more than 200").
_Q_BEFORE = re.compile(rf"(?:^|[\s,(])(?P<q>{QUALIFIER_WORDS})\s+$", re.I)
MONTH = r"January|February|March|April|May|June|July|August|September|October|November|December"
COUNT_WORD = r"\d+|one|two|three|four|five|six|seven|eight|nine|ten"

_IN_YEAR = re.compile(rf"\b(?:in|during|as of)\s+(?:(?P<month>{MONTH})\s+)?(?P<year>(?:19|20)\d\d)\b", re.I)
_THROUGH = re.compile(
    r"\bthrough\s+(?P<end>(?:19|20)\d\d)\b"
    r"|\b(?:from|between)\s+(?P<start>(?:19|20)\d\d)\s+(?:to|and)\s+(?P<to>(?:19|20)\d\d)\b"
    r"|\b(?P<first>(?:19|20)\d\d)\s*[-\u2013]\s*(?P<last>\d\d)\s+decade\b",
    re.I,
)
_PER = re.compile(r"^\W*(?:an?|per)\s+(?P<per>hour|year|week)\b", re.I)
_PERIOD_WORDS = {"annual": "year", "yearly": "year", "hourly": "hour", "weekly": "week", "hour": "hour", "year": "year", "week": "week"}
# Wages of everyone, not of this occupation (the glossary's "median annual wage for all workers").
_NATIONAL = re.compile(r"\ball (?:workers|occupations)\b|\bnational\b|\bu\.s\. economy\b", re.I)


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
    match = _IN_YEAR.search(sentence)
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


_ASIDE = re.compile(r"\s*\((?:including|excluding)[^)]*\)|,?\s*(?:including|excluding) [^,]*,?")
_OF_WHOM = re.compile(r"\b(?:of|for|among)\s+(?P<s>.+)$")


def _subject(text: str) -> str | None:
    """The workers a clause names: 'of medical records technicians' -> 'medical records technicians'."""
    text = _ASIDE.sub(" ", _IN_YEAR.sub("", text))
    match = _OF_WHOM.search(text.strip(" ,"))
    words = clean(match["s"] if match else text).strip(" ,")
    return words.lower() or None if len(words) <= 120 else None


# --- employment/jobs ---------------------------------------------------------------------------------
JOBS = re.compile(
    rf"\b(?:held|had|holding|provided|accounted\s+for)\s+(?:a\s+total\s+of\s+)?{Q}(?P<num>{SCALED})\s+"
    rf"(?:wage-and-salary\s+|salaried\s+)?jobs\b", re.I)
# "there were about 54,800 jobs for postsecondary mathematical science teachers in 2008"
THERE_WERE_JOBS = re.compile(
    rf"\bthere\s+were\s+{Q}(?P<num>{SCALED})\s+(?:wage-and-salary\s+|salaried\s+)?jobs\b(?:\s+for\s+(?P<who>[^.;]+?)(?=\s+in\s+(?:19|20)\d\d|[,.;]|$))?", re.I)
# "add 286,600 new jobs over the 2008-18 decade"
NEW_JOBS = re.compile(rf"\b(?:add|adding|create|creating|result\s+in)\s+{Q}(?P<num>{SCALED})\s+new\s+jobs\b", re.I)
# "Government is a major employer, accounting for 41 percent of budget analyst jobs."
EMPLOYER_ACCOUNTING = re.compile(
    rf"^(?P<setting>[A-Z][^,;.]*?)\s+(?:is|was|are|were)\s+(?:a|an|the)\s+[^,;.]*\bemployers?\b[^,;.]*,\s+accounting\s+for\s+"
    rf"{Q}(?P<pct>{NUM})\s+percent\b")
# "The U.S. Postal Service employed 343,300 mail carriers in 2008"; "more than 2.4 million people served in
# the Armed Forces". Only in the employment sections, where such a sentence gives the occupation's size.
EMPLOYED_COUNT = re.compile(
    rf"\bemployed\s+{Q}(?P<num>{SCALED})\s+(?!percent\b)(?P<who>[a-z][\w,-]*(?:\s+[a-z][\w,-]*){{0,6}}?)\s+in\s+(?:19|20)\d\d\b"
    rf"|\b(?P<num2>{SCALED})\s+(?P<who2>people|persons|individuals|workers)\s+served\s+in\b", re.I)


# "In 2008, ", "As the largest healthcare occupation, " before the workers a sentence names.
_INTRODUCTION = re.compile(r"^\s*(?:(?:In|As|With|Among|During|By)\b[^,]*,\s*)+", re.I)


def there_were_jobs(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    year, month = stated_year(sentence)
    return [ctx.figure("employment", "jobs", parse_number(m["num"]), "jobs", m.group(0), sentence, ref_year=year,
                       ref_month=month, qualifier=qualifier(m["q"]), subject=clean(m["who"]).lower() if m["who"] else None)]


def new_jobs(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    end, period = projection_span(sentence, ctx.edition)
    return [ctx.figure("projection", "change", parse_number(m["num"]), "jobs", m.group(0), sentence,
                       ref_year=end or ctx.edition.projection_end, period=period or ctx.edition.projection_period,
                       qualifier=qualifier(m["q"]))]


def employer_accounting(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    return [_share(ctx, sentence, percent_to_fraction(parse_number(m["pct"])), _setting(m["setting"]), m.group(0),
                   qualifier(m["q"]), None)]


def employed_count(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    year, month = stated_year(sentence)
    if year:
        ctx.year, ctx.month = year, month
    q, raw = qualified(m, sentence) if m["num2"] else (qualifier(m["q"]), m.group(0))
    who = m["who"] or m["who2"]
    return [ctx.figure("employment", "jobs", parse_number(m["num"] or m["num2"]), "jobs", raw, sentence,
                       ref_year=year, ref_month=month, qualifier=q, subject=clean(who).lower())]


def jobs(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    year, month = stated_year(sentence)
    if year:  # "About 2 out of 5 jobs were in hospitals" speaks of the same year
        ctx.year, ctx.month = year, month
    subject = _INTRODUCTION.sub("", sentence[: m.start()])
    return [ctx.figure("employment", "jobs", parse_number(m["num"]), "jobs", m.group(0), sentence,
                       ref_year=year, ref_month=month, qualifier=qualifier(m["q"]),
                       subject=clean(subject).lower() or None)]


# --- employment/share --------------------------------------------------------------------------------
# Up to eight words name who the share is of ("of jobs", "of medical records technicians"); the setting
# runs to the end of the clause (cut in _setting, cheaper than a lazy pattern with a lookahead).
_WHO = r"(?P<who>(?:[\w,-]+\s+){0,12}?)"
# "were in", "worked for", "were employed by"; an aside may come first: "Another 31 percent, mainly
# appraisers, worked for real estate firms."
_IN_SETTING = (r"(?:,[^,.;]{1,40},\s+)?(?:(?:were|was|are|is)\s+(?:employed\s+|found\s+)?|(?:worked|work|working)\s+"
               r"(?:directly\s+|primarily\s+|mainly\s+|mostly\s+)?|held\s+jobs\s+)(?:in|by|for|at|with)\s+"
               r"(?P<setting>(?:U\.S\.|[^.;])+)")
# "percent were in", "percent—were in" ("Almost all jobs for dental hygienists—about 96 percent—were in")
_PERCENT_THEN = r"percent(?:\s*\u2014\s*|\s+)"
SHARE_OUT_OF = re.compile(
    rf"\b(?P<n>{COUNT_WORD})\s+(?:out\s+of|in)\s+(?:every\s+)?(?P<d>{COUNT_WORD})\s+{_WHO}{_IN_SETTING}", re.I)
SHARE_PERCENT = re.compile(rf"\b(?P<pct>{NUM})\s+{_PERCENT_THEN}(?:of\s+{_WHO})?{_IN_SETTING}", re.I)
_SELF_EMPLOYED = r"self[-\s]\s*employed"
SELF_EMPLOYED = re.compile(
    rf"\b(?P<pct>{NUM})\s+{_PERCENT_THEN}(?:of\s+{_WHO})?(?:were|was|are|is)\s+{_SELF_EMPLOYED}"
    # "Self-employed woodworkers accounted for 12 percent of these jobs."
    rf"|\b{_SELF_EMPLOYED}\s+(?P<who2>(?:[\w,-]+\s+){{0,6}}?)(?:accounted\s+for|make\s+up|made\s+up|held)\s+"
    rf"(?:(?P<q2>{QUALIFIER_WORDS})\s+)?(?P<pct2>{NUM})\s+percent", re.I)
SELF_EMPLOYED_COUNT = re.compile(rf"\b(?P<num>{SCALED})\s+(?!percent\b){_WHO}(?:were|are)\s+{_SELF_EMPLOYED}", re.I)
# "Team assemblers, the largest specialty, accounted for 57 percent of assembler and fabricator jobs",
# "Food preparation and serving supervisors held 88 percent of these jobs": a share of the occupation's
# jobs by specialty (the specialty is the setting, as in a projections table).
SPECIALTY_SHARE = re.compile(
    rf"(?:^|;\s+|,\s+and\s+)(?P<setting>[A-Z][^.;]*?)\s+(?:accounted\s+for|made\s+up|make\s+up|held|hold|provided)\s+"
    rf"(?:the\s+remaining\s+|another\s+)?(?:(?P<q>{QUALIFIER_WORDS})\s+)?(?P<pct>{NUM})\s+percent\s+(?:of\s+)?(?:the\s+|these\s+|all\s+)?"
    rf"(?:[\w-]+\s+){{0,5}}?(?:jobs|workers|employment|occupation)\b")
# "The industry that employed the most technical writers was the computer systems design industry,
# which had 18 percent of these workers"; "... was the computer and electronic manufacturing industry,
# with 8 percent of workers."
LARGEST_EMPLOYER = re.compile(
    rf"\b(?:was|were)\s+(?:the\s+)?(?P<setting>[^,.;]+?),\s+(?:which\s+(?:had|employed)|with)\s+"
    rf"(?:(?P<q>{QUALIFIER_WORDS})\s+)?(?P<pct>{NUM})\s+percent\s+of\s+(?:these\s+|all\s+|the\s+)?(?:[\w-]+\s+){{0,3}}?(?:workers|jobs)\b")
# "Insurance carriers employed 67 percent of all underwriters", "Hospitals employed the majority of RNs,
# with 60 percent of such jobs": the setting is the clause's subject.
EMPLOYED_SHARE = re.compile(
    rf"(?:^|;\s+)(?P<setting>[A-Z][^.;]*?)(?<!\swere)(?<!\swas)(?<!\sare)(?<!\sis)\s+(?:directly\s+)?employed\s+(?P<mid>[^.;]{{0,60}}?)\b(?P<pct>{NUM})\s+percent\b"
    rf"(?:\s+of\s+(?:all\s+|such\s+|these\s+)?(?P<who>[\w\s-]+?)(?=[,;.]|\s+(?:in|and|mostly|mainly)\b|$))?")
# Shares listed after a dash: "...in the construction industry—11 percent by specialty trade
# contractor businesses, 10 percent in nonresidential building construction, and 7 percent in ..."
DASH_LIST = re.compile(rf"\u2014\s*(?P<items>(?:{NUM})\s+percent\s+(?:in|by|for|at)\s+[^.;]+)")
# More shares listed after the first: "..., 5 percent in home healthcare services, and 3 percent in ..."
_LIST_SPLIT = re.compile(rf",?\s+(?:and\s+)?(?=(?:(?:{QUALIFIER_WORDS}|another)\s+)?(?:{NUM})\s+percent\b)", re.I)
_LIST_ITEM = re.compile(
    rf"^(?:(?P<q>{QUALIFIER_WORDS}|another)\s+)?(?P<pct>{NUM})\s+percent\s+(?:were\s+|was\s+)?(?:employed\s+|worked\s+)?"
    rf"(?:in|by|for|at)\s+(?P<setting>.+)$", re.I)
# Where a setting's clause ends: "hospitals, and 23 percent were in ...", "...; the rest", "..., while".
_SETTING_END = re.compile(
    r",?\s+(?:and|while|but|with|whereas)\s+(?:about\s+|another\s+|the\s+other\s+)?\d"
    r"|,\s+(?:while|but|which|where|and the rest|mainly|mostly|primarily|particularly|especially|including|such as)\b")
_TRAILING_YEAR = re.compile(r"\s+in\s+(?:19|20)\d\d$")


def _setting_end(words: str) -> int:
    """Where a setting's clause ends in `words` ("hospitals, mainly in ...", "grocery stores, and 23 percent")."""
    end = _SETTING_END.search(words)
    return end.start() if end else len(words.rstrip())


def _setting(words: str) -> str:
    setting = _TRAILING_YEAR.sub("", clean(words[: _setting_end(words)]))
    return setting[4:] if setting.lower().startswith("the ") else setting


_NOT_SUBJECTS = frozenset({"jobs", "the jobs", "workers", "employment", "all jobs", "these jobs", "them"})


def _share(ctx: Context, sentence: str, value: Decimal | None, setting: str, raw: str, q: str | None,
           who: str | None) -> Figure:
    year, month = stated_year(sentence)
    if year is None:
        year, month = ctx.year, ctx.month
    who = clean(who or "").lower()
    return ctx.figure("employment", "share", value, "fraction", raw, sentence, ref_year=year,
                      ref_month=month, qualifier=q, setting=setting,
                      subject=None if not who or who in _NOT_SUBJECTS else who)


def _listed_shares(ctx: Context, sentence: str, items: list[str]) -> list[Figure]:
    figures = []
    for item in items:
        m = _LIST_ITEM.match(item.strip())
        if m:
            figures.append(_share(ctx, sentence, percent_to_fraction(parse_number(m["pct"])), _setting(m["setting"]),
                                  item.strip(), qualifier(m["q"]), None))
    return figures


def share_out_of(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    n, d = parse_count_word(m["n"]), parse_count_word(m["d"])
    value = fraction(n, d) if n is not None and d else None
    first, *rest = _LIST_SPLIT.split(m["setting"])
    q, raw = qualified(m, sentence)
    return [_share(ctx, sentence, value, _setting(first), raw, q, m["who"]), *_listed_shares(ctx, sentence, rest)]


def share_percent(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    first, *rest = _LIST_SPLIT.split(m["setting"])
    q, raw = qualified(m, sentence)
    value = percent_to_fraction(parse_number(m["pct"]))
    raw = raw[: len(raw) - len(m["setting"]) + _setting_end(first)]
    return [_share(ctx, sentence, value, _setting(first), raw, q, m["who"]), *_listed_shares(ctx, sentence, rest)]


def self_employed(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    q, raw = qualified(m, sentence) if m["pct"] else (qualifier(m["q2"]), m.group(0))
    value = percent_to_fraction(parse_number(m["pct"] or m["pct2"]))
    return [_share(ctx, sentence, value, "self-employed", raw, q, m["who"] or m["who2"])]


def specialty_share(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    setting = _setting(re.sub(r",[^,]*,$", "", clean(m["setting"])))  # "Team assemblers, the largest specialty,"
    if setting.lower().startswith(("self-employed", "self employed")):
        return []  # SELF_EMPLOYED's
    raw = m.group(0).lstrip(";, ").removeprefix("and ")
    return [_share(ctx, sentence, percent_to_fraction(parse_number(m["pct"])), setting, raw, qualifier(m["q"]), None)]


def largest_employer(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    return [_share(ctx, sentence, percent_to_fraction(parse_number(m["pct"])), _setting(m["setting"]), m.group(0),
                   qualifier(m["q"]), None)]


def self_employed_count(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    year, month = stated_year(sentence)
    q, raw = qualified(m, sentence)
    who = clean(m["who"]).lower()
    return [ctx.figure("employment", "self_employed", parse_number(m["num"]), "jobs", raw, sentence,
                       ref_year=year or ctx.year, ref_month=month if year else ctx.month, qualifier=q,
                       subject=None if not who or who in _NOT_SUBJECTS else who)]


def dash_list(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    return _listed_shares(ctx, sentence, _LIST_SPLIT.split(m["items"]))


def employed_share(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    mid_end = _MID_END.search(m["mid"])
    q = qualifier(mid_end["q"]) if mid_end and mid_end["q"] else None
    raw = m.group(0).lstrip("; ")
    return [_share(ctx, sentence, percent_to_fraction(parse_number(m["pct"])), _setting(m["setting"]), raw, q, m["who"])]


# --- wages -------------------------------------------------------------------------------------------
MEDIAN = re.compile(
    # "medial" too: the 2010-11 Grounds Maintenance Workers page misspells one median so
    rf"\bmedia[nl]\s+(?:(?:total|net|cash)\s+)?(?:(?P<per>annual|yearly|hourly|weekly)\s+)?(?:(?:total|net|cash)\s+)?"
    rf"(?:wage-and-salary\s+)?(?:wages?|earnings|salar(?:y|ies)|compensation|incomes?)\b"
    rf"(?P<mid>[^$.;]{{0,200}})(?P<money>{MONEY})(?=(?P<after>[^.;$]{{0,60}}))"
    # "Staff-level graphic designers earned a median of $45,000."
    rf"|\b(?:earned|had|received)\s+a\s+median\s+of\s+(?:(?P<q2>{QUALIFIER_WORDS})\s+)?(?P<money2>{MONEY})(?=(?P<after2>[^.;$]{{0,60}}))",
    re.I,
)
MIDDLE_50 = re.compile(rf"\bmiddle\s+(?:50\s+percent|half)\s+(?:earned|made|had\s+\w+)\s+between\s+(?P<a>{MONEY})\s+and\s+(?P<b>{MONEY})(?=(?P<after>[^.;$]{{0,30}}))", re.I)
LOWEST_10 = re.compile(rf"\blowest\s+(?:paid\s+)?10\s+percent\s+(?:earned|made|had\s+\w+)\s+(?:less\s+than|under|below)\s+(?P<a>{MONEY})(?=(?P<after>[^.;$]{{0,30}}))", re.I)
HIGHEST_10 = re.compile(
    rf"\b(?:highest|top)\s+(?:paid\s+)?10\s+percent\s+(?:earned|made|had\s+\w+)\s+(?:more\s+than|over|above)?\s*{Q}(?P<b>{MONEY})(?=(?P<after>[^.;$]{{0,30}}))", re.I)
# "... were $17.86 in automotive repair and maintenance shops and $26.61 in motor vehicle manufacturing."
_MONEY_IN = re.compile(
    rf"(?P<money>{MONEY})\s+in\s+(?:the\s+)?(?P<setting>[^$.;]+?)(?=,?\s+(?:and\s+)?(?:about\s+)?\$|,\s+while\b|[.;]|$)")
_DATE = re.compile(rf"^(?:(?:{MONTH})\s+)?(?:19|20)\d\d\b")
# The end of a median's middle words: "... were about ", "... equal to or greater than ".
_MID_END = re.compile(rf"\s*(?:\b(?:was|were|is|are|of)\s+)?(?:(?P<q>{QUALIFIER_WORDS})\s+)?$", re.I)
# Where: "Median hourly wages in general medical and surgical hospitals were ...", or, after the workers,
# "... of janitors in the services to buildings and dwellings industry were ...".
_IN_PLACE = re.compile(r"^\s*in\s+(?:the\s+)?(?P<place>[^,]+?)\s*$", re.I)
_IN_INDUSTRY = re.compile(r"\bin\s+(?:the\s+)?(?P<place>[^,]+?\bindustr(?:y|ies))\b", re.I)
_OF_WHOM_START = re.compile(r"\b(?:of|for|among)\s", re.I)
# Who earned it, when the words before "median" say so: "physicians practicing primary care had total ..."
_CLAUSE_START = re.compile(r"(?:^|[;:]\s+|,\s+(?:and|while|but)\s+)(?=[^;:]*$)")
_EARNING_VERB = re.compile(r"\s+(?:had|have|earned|earn|received|receive)(?:\s+(?:a|an|the|total))*\s*$", re.I)


def _period(words: str | None, after: str, ctx: Context) -> str | None:
    if words:
        return _PERIOD_WORDS[words.lower()]
    match = _PER.match(after)
    return _PERIOD_WORDS[match["per"].lower()] if match else None


def _subject_before(sentence: str, end: int) -> str | None:
    clause = sentence[_CLAUSE_START.search(sentence[:end]).end() : end]
    verb = _EARNING_VERB.search(clause)
    if not verb:
        return None
    words = clean(_INTRODUCTION.sub("", clause[: verb.start()])).lower()
    return words if 0 < len(words) <= 120 else None


def median(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    money, after = m["money"] or m["money2"], m["after"] if m["money"] else m["after2"]
    mid = m["mid"] or ""
    if _NATIONAL.search(mid):
        return []
    mid_end = _MID_END.search(mid, max(0, len(mid) - 48))  # only the tail can hold "were about "
    q = qualifier(mid_end["q"] or m["q2"])
    mid = mid[: mid_end.start()]
    year, month = stated_year(sentence)
    period = _period(m["per"], after, ctx)
    place = _IN_INDUSTRY.search(mid) if _OF_WHOM_START.search(mid) else _IN_PLACE.match(mid)
    setting = clean(place["place"]) if place else None
    # Of the workers it names ("of tellers"), or that the clause before names ("physicians practicing
    # primary care had ..."), else of those the last median was of ("Median hourly wages were $14.48 in
    # performing arts companies" after "Median hourly wages of actors were ...").
    stated = _subject(mid) if _OF_WHOM_START.search(mid) else None
    subject = stated or _subject_before(sentence, m.start()) or ctx.subject
    ctx.year, ctx.month, ctx.period, ctx.subject = year or ctx.year, month if year else ctx.month, period, subject
    listed = [x for x in _MONEY_IN.finditer(sentence, m.start("money") if m["money"] else m.start("money2"))
              if not _DATE.match(x["setting"])]
    if listed and listed[0].start() == (m.start("money") if m["money"] else m.start("money2")):
        # "$17.86 in automotive repair and maintenance shops and $26.61 in motor vehicle manufacturing"
        return [ctx.figure("wage", "median", parse_number(x["money"]), "usd", x.group(0), sentence, period=period,
                           ref_year=year or ctx.year, ref_month=month if year else ctx.month, qualifier=q,
                           setting=clean(x["setting"]), subject=subject) for x in listed]
    return [ctx.figure("wage", "median", parse_number(money), "usd", sentence[m.start() : m.end()], sentence,
                       period=period, ref_year=year or ctx.year, ref_month=month if year else ctx.month,
                       qualifier=q, setting=setting, subject=subject)]


def _percentile(ctx: Context, measure: str, money: str, after: str, m: re.Match, sentence: str, q: str | None = None) -> Figure:
    year, month = stated_year(sentence)
    period = _period(None, after, ctx) or ctx.period
    raw = m.string[m.start() : m.start("after")]
    return ctx.figure("wage", measure, parse_number(money), "usd", raw, sentence, period=period,
                      ref_year=year or ctx.year, ref_month=month if year else ctx.month, qualifier=qualifier(q),
                      subject=ctx.subject)  # "The middle 50 percent" of the workers the median was of


def middle_50(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    return [_percentile(ctx, "p25", m["a"], m["after"], m, sentence),
            _percentile(ctx, "p75", m["b"], m["after"], m, sentence)]


def lowest_10(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    return [_percentile(ctx, "p10", m["a"], m["after"], m, sentence)]


def highest_10(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    return [_percentile(ctx, "p90", m["b"], m["after"], m, sentence, m["q"])]


# --- programs/count ----------------------------------------------------------------------------------
PROGRAMS = re.compile(
    r"\b(?P<num>\d{1,3}(?:,\d{3})+|\d+)\b(?![-,.]\d|-)\s+(?P<words>(?:[\w./&()'-]+\s+){0,8}?)(?P<unit>programs?|schools?)\b", re.I)
_ACCREDITING = re.compile(r"\baccredit|\bapprov", re.I)
_BODY = (
    re.compile(r"\b(?:accredited|approved|recognized)\s+by\s+(?:the\s+)?[^.;()]*?\((?P<abbr>[A-Z][A-Za-z&]*[A-Z])\)"),
    re.compile(r"\b(?P<abbr>[A-Z][A-Za-z&]*[A-Z])-(?:accredited|approved)\b"),
    re.compile(r"\b(?P<abbr>[A-Z][A-Za-z&]*[A-Z])\s+(?:accredited|approved|accredits|approves)\b"),
    re.compile(r"\b(?:accredited|approved|recognized)\s+by\s+(?:the\s+)?(?P<abbr>[A-Z][\w&' -]*?)(?=[,.;]|\s+(?:in|as|and)\b|$)"),
    re.compile(r"(?:^|[.;]\s+)(?:The\s+)?(?P<abbr>[A-Z][\w&'-]*(?:\s+[A-Z][\w&'-]*)*)\s+(?:accredits|approves)\b"),
)


def programs(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    if not _ACCREDITING.search(sentence):
        return []
    number = parse_number(m["num"])
    if number is None or ("," not in m["num"] and 1900 <= number <= 2099):
        return []
    body = next((match["abbr"] for pattern in _BODY if (match := pattern.search(sentence))), None)
    year, month = stated_year(sentence)
    unit = "schools" if m["unit"].lower().startswith("school") else "programs"
    q, raw = qualified(m, sentence)
    return [ctx.figure("programs", "count", number, unit, raw, sentence, ref_year=year, ref_month=month,
                       qualifier=q, setting=body)]


# --- outlook and projections -------------------------------------------------------------------------
CATEGORY = re.compile(
    r"\b(?P<cat>much faster than(?: the)? average|faster than(?: the)? average|(?:about )?as fast as(?: the)? average"
    r"|more slowly than(?: the)? average|slower than(?: the)? average|little (?:or|to) no (?:change|growth)"
    r"|decline (?:rapidly|moderately|slowly)(?: or moderately)?|average (?:job |employment )?growth)\b",
    re.I,
)
CHANGE_PERCENT = re.compile(
    rf"\b(?P<verb>grow|increase|decline|decrease|rise|fall|change)\w*\s+(?:by\s+)?{Q}(?P<pct>{NUM})\s+percent\b", re.I)
OPENINGS = re.compile(rf"\b(?P<num>{SCALED})\s+openings\b[^.;]*?\bprojected\s+each\s+year", re.I)


# The editions word the same category differently; the figure keeps one name per category (the current
# edition's), and its raw text keeps the page's words.
_CATEGORY_NAMES = {
    "about as fast as average": "as fast as average",
    "average growth": "as fast as average",
    "average job growth": "as fast as average",
    "average employment growth": "as fast as average",
    "more slowly than average": "slower than average",
    "little to no change": "little or no change",
    "little or no growth": "little or no change",
    "little to no growth": "little or no change",
}
# "Employment of cashiers is expected ...", "Biomedical engineers are expected ...", "Cashiers are ..."
_CATEGORY_SUBJECT = re.compile(r"^(?:overall\s+)?(?:employment\s+of\s+)?(?P<s>[^,;]+?)\s+(?:is|are|should|will)\b", re.I)
_NOT_WORKERS = frozenset({"employment", "overall employment", "job growth", "growth", "it", "this occupation"})


def category(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    text = " ".join(m["cat"].lower().replace(" the ", " ").split())
    end, period = projection_span(sentence, ctx.edition)
    who = _CATEGORY_SUBJECT.match(sentence[: m.start()])
    subject = clean(who["s"]).lower() if who else None
    if subject in _NOT_WORKERS or (subject or "").endswith(" employment"):
        subject = None  # "Employment is expected ...", "Overall engineering employment is ..."
    return [ctx.figure("outlook", "category", None, "category", m.group(0), sentence,
                       text_value=_CATEGORY_NAMES.get(text, text), ref_year=end, period=period, subject=subject)]


def change_percent(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    value = parse_number(m["pct"])
    if value is not None and m["verb"].lower() in ("decline", "decrease", "fall"):
        value = -value
    end, period = projection_span(sentence, ctx.edition)
    subject = re.search(r"\bemployment\s+of\s+(?P<s>.+?)\s+(?:is|are|was|will)\b", sentence[: m.start()], re.I)
    return [ctx.figure("projection", "change_percent", value, "percent", m.group(0), sentence,
                       ref_year=end or ctx.edition.projection_end, period=period or ctx.edition.projection_period,
                       qualifier=qualifier(m["q"]), subject=clean(subject["s"]).lower() if subject else None)]


def openings(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    q, raw = qualified(m, sentence)
    return [ctx.figure("projection", "openings", parse_number(m["num"]), "jobs", raw, sentence,
                       period=ctx.edition.projection_period, qualifier=q)]


Rule = tuple[tuple[str, ...], re.Pattern, Callable[[re.Match, str, Context], list[Figure]], frozenset[str]]
_OUTLOOK_SECTIONS = frozenset({"summary", "job_outlook", "projections", "employment"})
# Shares of employment are stated where employment is (current pages: in Work Environment); elsewhere
# "86 percent of graduates were in debt" is a share of something else.
_EMPLOYMENT_SECTIONS = frozenset({"summary", "employment", "work_environment"})
_PAY_SECTIONS = frozenset({"summary", "pay"})
# Accredited programs and schools: in training sections, and in the outlook ("only 28 accredited schools").
_TRAINING_SECTIONS = frozenset({"summary", "how_to_become_one", "job_outlook"})
# (words a sentence must contain for the rule to be tried, pattern, handler, sections it applies to).
# The sections are where the handbook states such figures, in every edition of the corpus; Nature of
# the Work, for one, states none. The words are a cheap filter: most sentences state no
# figure, and a substring test costs far less than the pattern.
RULES: tuple[Rule, ...] = (
    (("jobs",), JOBS, jobs, _EMPLOYMENT_SECTIONS),
    (("employed", "served"), EMPLOYED_COUNT, employed_count, frozenset({"employment"})),
    (("there were",), THERE_WERE_JOBS, there_were_jobs, _EMPLOYMENT_SECTIONS),
    (("new jobs",), NEW_JOBS, new_jobs, _OUTLOOK_SECTIONS),
    (("employer",), EMPLOYER_ACCOUNTING, employer_accounting, _EMPLOYMENT_SECTIONS),
    (("out of", " in every ", " of every "), SHARE_OUT_OF, share_out_of, _EMPLOYMENT_SECTIONS),
    (("percent",), SHARE_PERCENT, share_percent, _EMPLOYMENT_SECTIONS),
    (("self-employed", "self employed", "self- employed"), SELF_EMPLOYED, self_employed, _EMPLOYMENT_SECTIONS),
    (("self-employed", "self employed", "self- employed"), SELF_EMPLOYED_COUNT, self_employed_count, _EMPLOYMENT_SECTIONS),
    (("percent",), SPECIALTY_SHARE, specialty_share, _EMPLOYMENT_SECTIONS),
    (("percent",), LARGEST_EMPLOYER, largest_employer, _EMPLOYMENT_SECTIONS),
    (("employed",), EMPLOYED_SHARE, employed_share, _EMPLOYMENT_SECTIONS),
    (("\u2014",), DASH_LIST, dash_list, _EMPLOYMENT_SECTIONS),
    (("median", "medial"), MEDIAN, median, _PAY_SECTIONS),
    (("middle 50", "middle half"), MIDDLE_50, middle_50, _PAY_SECTIONS),
    (("lowest",), LOWEST_10, lowest_10, _PAY_SECTIONS),
    (("10 percent",), HIGHEST_10, highest_10, _PAY_SECTIONS),
    (("program", "school"), PROGRAMS, programs, _TRAINING_SECTIONS),
    (("average", "little or no", "little to no", "decline "), CATEGORY, category, _OUTLOOK_SECTIONS),
    (("percent",), CHANGE_PERCENT, change_percent, _OUTLOOK_SECTIONS),
    (("openings",), OPENINGS, openings, _OUTLOOK_SECTIONS),
)


_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=None)
def _section_rules(section: str) -> tuple[tuple[str, ...], tuple[Rule, ...]]:
    """The rules that apply in a section, and the words that trigger them."""
    rules = tuple(rule for rule in RULES if section in rule[3])
    return tuple(sorted({word for words, *_ in rules for word in words})), rules


def sentence_figures(paragraph: str, ctx: Context) -> list[Figure]:
    """Figures of every sentence of a paragraph, trying only the rules whose words the paragraph has."""
    triggers, section_rules = _section_rules(ctx.section)
    if not section_rules or (ctx.section not in _OUTLOOK_SECTIONS and not _DIGIT.search(paragraph)):
        return []  # only outlook categories are stated without a digit
    low = paragraph.lower()
    found = {word for word in triggers if word in low}  # substring tests beat one regex alternation
    if not found:
        return []
    rules = [(pattern, handler) for words, pattern, handler, _ in section_rules if not found.isdisjoint(words)]
    figures: list[Figure] = []
    for sentence in split_sentences(paragraph) if rules else ():
        for pattern, handler in rules:
            for match in pattern.finditer(sentence):
                figures.extend(handler(match, sentence, ctx))
    return figures
