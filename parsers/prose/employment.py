"""Employment: jobs held, shares of jobs by industry, workplace or specialty, the self-employed."""
from __future__ import annotations

import re
from decimal import Decimal

from parsers.model import Figure
from parsers.numbers import QUALIFIER_WORDS, fraction, parse_count_word, parse_number, percent_to_fraction, qualifier
from parsers.prose.sentences import (
    COUNT_WORD, INTRODUCTION, MID_END, NUM, Q, SCALED, Context, qualified, stated_year,
)
from parsers.text import clean

# --- employment/jobs ---------------------------------------------------------------------------------
JOBS = re.compile(
    rf"\b(?:held|had|holding|provided|accounted\s+for)\s+(?:a\s+total\s+of\s+)?{Q}(?P<num>{SCALED})\s+"
    rf"(?:wage-and-salary\s+|salaried\s+)?jobs\b", re.I)
# "there were about 54,800 jobs for postsecondary mathematical science teachers in 2008"
THERE_WERE_JOBS = re.compile(
    rf"\bthere\s+were\s+{Q}(?P<num>{SCALED})\s+(?:wage-and-salary\s+|salaried\s+)?jobs\b(?:\s+for\s+(?P<who>[^.;]+?)(?=\s+in\s+(?:19|20)\d\d|[,.;]|$))?", re.I)
# "Government is a major employer, accounting for 41 percent of budget analyst jobs."
EMPLOYER_ACCOUNTING = re.compile(
    rf"^(?P<setting>[A-Z][^,;.]*?)\s+(?:is|was|are|were)\s+(?:a|an|the)\s+[^,;.]*\bemployers?\b[^,;.]*,\s+accounting\s+for\s+"
    rf"{Q}(?P<pct>{NUM})\s+percent\b")
# "The U.S. Postal Service employed 343,300 mail carriers in 2008"; "more than 2.4 million people served in
# the Armed Forces". Only in the employment sections, where such a sentence gives the occupation's size.
EMPLOYED_COUNT = re.compile(
    rf"\bemployed\s+{Q}(?P<num>{SCALED})\s+(?!percent\b)(?P<who>[a-z][\w,-]*(?:\s+[a-z][\w,-]*){{0,6}}?)\s+in\s+(?:19|20)\d\d\b"
    rf"|\b(?P<num2>{SCALED})\s+(?P<who2>people|persons|individuals|workers)\s+served\s+in\b", re.I)


def there_were_jobs(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    year, month = stated_year(sentence)
    return [ctx.figure("employment", "jobs", parse_number(m["num"]), "jobs", m.group(0), sentence, ref_year=year,
                       ref_month=month, qualifier=qualifier(m["q"]), subject=clean(m["who"]).lower() if m["who"] else None)]



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
    subject = INTRODUCTION.sub("", sentence[: m.start()])
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
    mid_end = MID_END.search(m["mid"])
    q = qualifier(mid_end["q"]) if mid_end and mid_end["q"] else None
    raw = m.group(0).lstrip("; ")
    return [_share(ctx, sentence, percent_to_fraction(parse_number(m["pct"])), _setting(m["setting"]), raw, q, m["who"])]


