"""Employment: numbers of jobs, of the occupation, of its parts, in an industry, and of the self-employed.
(Shares of jobs are shares.py's.)"""
from __future__ import annotations

import re

from parsers.model import Figure
from parsers.numbers import parse_number, qualifier
from parsers.prose.sentences import INTRODUCTION, Q, SCALED, Context, qualified, stated_year
from parsers.text import clean

JOBS = re.compile(
    rf"\b(?:held|had|holding|provided|accounted\s+for)\s+(?:a\s+total\s+of\s+)?{Q}(?P<num>{SCALED})\s+"
    rf"(?:wage-and-salary\s+|salaried\s+)?jobs\b", re.I)
# "there were about 54,800 jobs for postsecondary mathematical science teachers in 2008"
THERE_WERE_JOBS = re.compile(
    rf"\bthere\s+were\s+{Q}(?P<num>{SCALED})\s+(?:wage-and-salary\s+|salaried\s+)?jobs\b(?:\s+for\s+(?P<who>[^.;]+?)(?=\s+in\s+(?:19|20)\d\d|[,.;]|$))?", re.I)
# "The Federal Government employed 35,300 engineering technicians"; "State governments employed 31,300";
# "more than 2.4 million people served in the Armed Forces" (the occupation's size).
EMPLOYED_COUNT = re.compile(
    rf"\bemployed\s+{Q}(?P<num>{SCALED})\b(?!\s*(?:percent|%)|,\d|\.\d)"
    rf"(?:\s+(?P<who>(?!in\b|by\b|of\b|and\b|or\b)[a-z][\w/-]*(?:\s+(?!in\b|by\b|and\b|or\b|mostly\b|mainly\b|chiefly\b)[a-z][\w/-]*){{0,6}}))?"
    rf"|\b(?P<num2>{SCALED})\s+(?P<who2>people|persons|individuals|workers)\s+served\s+in\b", re.I)
# "Of these, about 58,900 were held by preschool or child care administrators, about 230,600 by
# elementary or secondary school administrators, and 124,600 by postsecondary administrators."
OF_THESE = re.compile(r"^(?:Of|Among)\s+(?:these|them|this\s+total|the\s+total|the\s+[\d,.]+(?:\s+million)?\s+jobs)\b[^,]*,\s*", re.I)
_ITEM = re.compile(
    rf"^{Q}(?P<num>{SCALED})\b(?!\s*(?:percent|%))\s+(?:(?:were|was)\s+)?(?:(?:held|employed)\s+)?"
    rf"(?P<prep>by|in|as|at|for)?\s*(?P<who>.+?)[\s,.]*$", re.I)
_ITEM_SPLIT = re.compile(r"(?:,\s+(?:and\s+)?|\s+and\s+)(?=(?:(?:about|approximately|nearly|almost|more\s+than|over|around)\s+)?\d)", re.I)
SELF_EMPLOYED_COUNT = re.compile(
    rf"\b(?P<num>{SCALED})\s+(?!percent\b)(?P<who>(?:[\w,-]+\s+){{0,12}}?)(?:were|are)\s+self[-\s]\s*employed", re.I)
# Where the clause before "employed" begins: "In 2008, the Federal Government employed ...", "..., and local
# governments employed 25,100"
_CLAUSE_BEFORE = re.compile(r"^(?:.*(?:;\s+|,\s+(?:and|while|but)\s+|\bwhile\s+))?", re.S)
_SERVED_IN = re.compile(r"\s*(?:the\s+|their\s+)?(?P<where>[^,;.(]+)")
_PREDICATE = re.compile(r"\s+(?:constitute|constitutes|are|is|were|was|make\s+up|makes\s+up|form|forms|represent|rank)\b", re.I)
_NOT_A_SETTING = re.compile(r"^(?:they|who|which|that|it|he|she|these|those|workers|most|many|some)\b", re.I)
_NOT_SUBJECTS = frozenset({"jobs", "the jobs", "workers", "employment", "all jobs", "these jobs", "them"})


def there_were_jobs(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    year, month = stated_year(sentence)
    return [ctx.figure("employment", "jobs", parse_number(m["num"]), "jobs", m.group(0), sentence, ref_year=year,
                       ref_month=month, qualifier=qualifier(m["q"]), subject=clean(m["who"]) if m["who"] else None)]


def employed_count(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    """Jobs a named employer holds ("The Federal Government employed 35,300 engineering technicians"): an
    industry's; people who "served in" the Armed Forces: the occupation's."""
    year, month = stated_year(sentence)
    if year:
        ctx.year, ctx.month = year, month
    if m["num2"]:
        # "more than 2.4 million people served in the Armed Forces": the occupation; "In addition, more than
        # 1.0 million people served in their Reserve components ...": a part of it
        q, raw = qualified(m, sentence)
        first = not ctx.served
        ctx.served = True
        where = _SERVED_IN.match(sentence, m.end())
        part = {} if first or not where else {"part": clean(where["where"]), "subject_type": "part"}
        return [ctx.figure("employment", "jobs", parse_number(m["num2"]), "jobs", raw, sentence, ref_year=year,
                           ref_month=month, qualifier=q, subject=clean(m["who2"]), **part)]
    before = sentence[: m.start()]
    setting = clean(INTRODUCTION.sub("", before[_CLAUSE_BEFORE.match(before).end():])).strip(" ,")
    setting = re.sub(r"^(?:the|a)\s+", "", setting, flags=re.I)
    if not setting or _NOT_A_SETTING.match(setting) or len(setting) > 100:
        return []
    who = clean(m["who"]) if m["who"] else None
    return [ctx.figure("employment", "jobs", parse_number(m["num"]), "jobs", m.group(0), sentence, ref_year=year or ctx.year,
                       ref_month=month if year else ctx.month, qualifier=qualifier(m["q"]), setting=setting,
                       subject=who or ctx.subject)]


def jobs(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    """'Cashiers held about 3.55 million jobs'; in a list, each item's own workers: "Motorcycle mechanics held
    around 18,800 jobs, motorboat mechanics held approximately 22,100 jobs, and ..."."""
    year, month = stated_year(sentence)
    if year:  # "About 2 out of 5 jobs were in hospitals" speaks of the same year
        ctx.year, ctx.month = year, month
    start = max((x.end() for x in JOBS.finditer(sentence, 0, m.start())), default=0)
    subject = clean(INTRODUCTION.sub("", sentence[start: m.start()]))
    subject = re.sub(r"^(?:[,;]\s*)?(?:and\s+|while\s+|but\s+)?", "", subject).strip(" ,")
    # "Plumbers, pipelayers, pipefitters, and steamfitters constitute one of the largest ..., holding about"
    subject = _PREDICATE.split(subject, 1)[0].strip(" ,") or None
    if start == 0 and not ctx.names_part(subject):
        ctx.subject = None  # the occupation's jobs: what follows is of the whole occupation again
    elif start == 0 and ctx.opening and len(JOBS.findall(sentence)) == 1:
        # "Janitors and cleaners ... held about 2.4 million jobs." opens what the paragraph says of them
        ctx.subject = subject
    return [ctx.figure("employment", "jobs", parse_number(m["num"]), "jobs", m.group(0), sentence,
                       ref_year=year, ref_month=month, qualifier=qualifier(m["q"]), subject=subject)]


def of_these(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    """Jobs of each part (or in each industry) a list after "Of these," names."""
    year, month = stated_year(sentence)
    figures = []
    for item in _ITEM_SPLIT.split(sentence[m.end():]):
        parsed = _ITEM.match(item.strip())
        if not parsed or not parsed["who"]:
            continue
        where = (parsed["prep"] or "").lower() in ("in", "at", "for")
        who = re.sub(r"^(?:the|a)\s+", "", clean(parsed["who"]), flags=re.I)
        figures.append(ctx.figure("employment", "jobs", parse_number(parsed["num"]), "jobs", item.strip(" ,."),
                                  sentence, ref_year=year or ctx.year, ref_month=month if year else ctx.month,
                                  qualifier=qualifier(parsed["q"]),
                                  **({"setting": who} if where else {"part": who, "subject_type": "part"})))
    return figures


def self_employed_count(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    year, month = stated_year(sentence)
    q, raw = qualified(m, sentence)
    who = clean(m["who"])
    return [ctx.figure("employment", "self_employed", parse_number(m["num"]), "jobs", raw, sentence,
                       ref_year=year or ctx.year, ref_month=month if year else ctx.month, qualifier=q,
                       setting="self-employed", subject_type="group",
                       subject=ctx.subject if not who or who.lower() in _NOT_SUBJECTS else who)]
