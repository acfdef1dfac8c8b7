"""Projections and outlook: the growth category, percent change, new jobs and openings."""
from __future__ import annotations

import re

from parsers.model import Figure
from parsers.numbers import parse_number, qualifier
from parsers.prose.sentences import NUM, Q, SCALED, Context, clause_subject, projection_span, qualified

# "add 286,600 new jobs over the 2008-18 decade"
NEW_JOBS = re.compile(rf"\b(?:add|adding|create|creating|result\s+in|provide|providing|generate|generating)\s+{Q}(?P<num>{SCALED})\s+new\s+jobs\b", re.I)
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
# "grow 7 percent", "increase by 20 percent", "have employment growth of 12 percent", "see an increase in
# employment of 13 percent", "will have 11 percent growth"
CHANGE_PERCENT = re.compile(
    rf"\b(?P<verb>grow|increase|decline|decrease|rise|fall|change)\w*\s+(?:(?:moderately|rapidly|slowly)\s+)?"
    rf"(?:in\s+employment\s+)?(?:by\s+|of\s+)?{Q}(?P<pct>{NUM})\s+percent\b"
    rf"|\b(?P<pct2>\d+(?:\.\d+)?)\s+percent\s+(?P<verb2>growth|increase|decline)\b", re.I)
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


def category(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    text = " ".join(m["cat"].lower().replace(" the ", " ").split())
    end, period = projection_span(sentence, ctx.edition)
    return [ctx.figure("outlook", "category", None, "category", m.group(0), sentence,
                       text_value=_CATEGORY_NAMES.get(text, text), ref_year=end, period=period,
                       subject=clause_subject(sentence, m.start()))]


def change_percent(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    value = parse_number(m["pct"] or m["pct2"])
    if value is not None and (m["verb"] or m["verb2"]).lower() in ("decline", "decrease", "fall"):
        value = -value
    end, period = projection_span(sentence, ctx.edition)
    q, raw = (qualifier(m["q"]), m.group(0)) if m["pct"] else qualified(m, sentence)
    return [ctx.figure("projection", "change_percent", value, "percent", raw, sentence,
                       ref_year=end or ctx.edition.projection_end, period=period or ctx.edition.projection_period,
                       qualifier=q, subject=clause_subject(sentence, m.start()))]


def openings(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    q, raw = qualified(m, sentence)
    return [ctx.figure("projection", "openings", parse_number(m["num"]), "jobs", raw, sentence,
                       period=ctx.edition.projection_period, qualifier=q)]

