"""Projections and outlook: the growth category, percent change, new jobs and openings."""
from __future__ import annotations

import re

from parsers.model import Figure
from parsers.numbers import parse_number, qualifier
from parsers.prose.sentences import (
    NUM, Q, SCALED, Context, projection_span, qualified,
)
from parsers.text import clean

# "add 286,600 new jobs over the 2008-18 decade"
NEW_JOBS = re.compile(rf"\b(?:add|adding|create|creating|result\s+in)\s+{Q}(?P<num>{SCALED})\s+new\s+jobs\b", re.I)
def new_jobs(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    end, period = projection_span(sentence, ctx.edition)
    return [ctx.figure("projection", "change", parse_number(m["num"]), "jobs", m.group(0), sentence,
                       ref_year=end or ctx.edition.projection_end, period=period or ctx.edition.projection_period,
                       qualifier=qualifier(m["q"]))]


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

