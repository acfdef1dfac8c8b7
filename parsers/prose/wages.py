"""Wages: medians (of the occupation, a part of it, or an industry) and percentiles."""
from __future__ import annotations

import re

from parsers.model import Figure
from parsers.numbers import QUALIFIER_WORDS, parse_number, qualifier
from parsers.prose.sentences import (
    INTRODUCTION, MID_END, MONEY, MONTH, NATIONAL, PER, PERIOD_WORDS, Q, Context, of_whom, stated_year,
)
from parsers.text import clean

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
# "... of janitors in the services to buildings and dwellings industry were ...".
_IN_PLACE = re.compile(r"^\s*in\s+(?:the\s+)?(?P<place>[^,]+?)\s*$", re.I)
_IN_INDUSTRY = re.compile(r"\bin\s+(?:the\s+)?(?P<place>[^,]+?\bindustr(?:y|ies))\b", re.I)
OF_WHOM_START = re.compile(r"\b(?:of|for|among)\s", re.I)
# Who earned it, when the words before "median" say so: "physicians practicing primary care had total ..."
_CLAUSE_START = re.compile(r"(?:^|[;:]\s+|,\s+(?:and|while|but)\s+)(?=[^;:]*$)")
_EARNING_VERB = re.compile(r"\s+(?:had|have|earned|earn|received|receive)(?:\s+(?:a|an|the|total))*\s*$", re.I)


def _period(words: str | None, after: str, ctx: Context) -> str | None:
    if words:
        return PERIOD_WORDS[words.lower()]
    match = PER.match(after)
    return PERIOD_WORDS[match["per"].lower()] if match else None


def _subject_before(sentence: str, end: int) -> str | None:
    clause = sentence[_CLAUSE_START.search(sentence[:end]).end() : end]
    verb = _EARNING_VERB.search(clause)
    if not verb:
        return None
    words = clean(INTRODUCTION.sub("", clause[: verb.start()])).lower()
    return words if 0 < len(words) <= 120 else None


def median(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    money, after = m["money"] or m["money2"], m["after"] if m["money"] else m["after2"]
    mid = m["mid"] or ""
    if NATIONAL.search(mid):
        return []
    mid_end = MID_END.search(mid, max(0, len(mid) - 48))  # only the tail can hold "were about "
    q = qualifier(mid_end["q"] or m["q2"])
    mid = mid[: mid_end.start()]
    year, month = stated_year(sentence)
    period = _period(m["per"], after, ctx)
    place = _IN_INDUSTRY.search(mid) if OF_WHOM_START.search(mid) else _IN_PLACE.match(mid)
    setting = clean(place["place"]) if place else None
    # Of the workers it names ("of tellers"), or that the clause before names ("physicians practicing
    # primary care had ..."), else of those the last median was of ("Median hourly wages were $14.48 in
    # performing arts companies" after "Median hourly wages of actors were ...").
    stated = of_whom(mid) if OF_WHOM_START.search(mid) else None
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


