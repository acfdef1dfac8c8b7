"""Wages: medians (of the occupation, a part of it, or an industry) and percentiles.

A median sentence may state several medians, each of its own workers or industry:

    Median annual wages of WHO [employed in PLACE] [in May 2008] were $A [in PLACE] [, and $B in PLACE2]
    Median annual wages in May 2008 were $A for WHO1, $B for WHO2, and $C for WHO3.
    ... were $78,510, and for those in management of companies and enterprises, wages were $74,730.
    In the two industries employing the largest numbers of WHO\u2014PLACE1 and PLACE2\u2014median hourly wages
    were $21.71 and $23.84, respectively.

Each amount is read with the words around it (the words between it and the amounts before and after);
what the sentence's head says (who, where, the pay period) holds for every amount that does not say
otherwise. Amounts that compare with everyone ("compared to $13.99 per hour for all production
occupations") are not this occupation's.
"""
from __future__ import annotations

import re
from functools import lru_cache

from parsers.model import Figure
from parsers.numbers import QUALIFIER_WORDS, parse_number, qualifier
from parsers.prose.sentences import (
    INTRODUCTION, MONEY, MONTH, NATIONAL, NUM, PER, PERIOD_WORDS, Q, Context, stated_year,
)
from parsers.text import clean

_WAGE_WORDS = r"(?:wages?|earnings|salar(?:y|ies)|compensation|incomes?|pay)"
# The head of a median sentence: "Median annual wage-and-salary earnings of ...", "The median hourly wage
# for ...", "median annual wages" ("medial" too: the 2010-11 Grounds Maintenance Workers page misspells
# one median so), "earned a median of", "earned annual median wages of".
MEDIAN = re.compile(
    rf"\bmedia[nl]\s+(?:(?:total|net|cash)\s+)?(?:(?P<per>annual|yearly|hourly|weekly)\s+)?(?:(?:total|net|cash)\s+)?"
    rf"(?:wage-and-salary\s+|base\s+)?{_WAGE_WORDS}\b"
    rf"|\b(?:earned|had|received)\s+(?:an?\s+)?(?:(?P<per2>annual|hourly)\s+)?median(?:\s+{_WAGE_WORDS})?\s+of\b", re.I)
_MONEY = re.compile(rf"(?P<money>{MONEY})")
# Amounts of everyone, not of this occupation.
_COMPARED = re.compile(r"\b(?:compared\s+(?:to|with)|(?<!greater\s)(?<!more\s)(?<!less\s)(?<!fewer\s)than)\s+(?:the\s+)?$", re.I)
_FOR_ALL = re.compile(r"^[^$;]{0,40}?\b(?:for|of)\s+all\s+[\w\s,-]*?(?:occupations|workers)\b", re.I)
# Amounts in percentile phrases belong to the percentile rules.
_PERCENTILE_BEFORE = re.compile(r"\b(?:10|25|50|75|90)\s+percent\b[^;]*$|\bmiddle\s+half\b[^;]*$", re.I)

# --- the words about one amount ---
_PER_AFTER = re.compile(r"^\s*(?:an?|per)\s+(?P<per>hour|year|week)\b", re.I)
# The amount's own place or workers run to the next amount: "$40,910 in the motion picture and video
# industries and $36,250 in ...", "$80,220 for advertising and promotions managers, $108,580 for ..."
_END_OF_OWN = r"(?=,?\s+(?:while|but|compared|higher|lower|as\s+compared)\b|,\s+(?:the|which)\s+industr|[;.]\s|[;.]?$)"
_SETTING_AFTER = re.compile(
    rf"^\s*(?:(?:an?|per)\s+(?:hour|year|week)\s+)?(?:,\s*)?(?:in|at)\s+(?:the\s+)?(?P<place>[^$;]+?){_END_OF_OWN}", re.I)
_FOR_AFTER = re.compile(rf"^\s*(?:(?:an?|per)\s+(?:hour|year)\s+)?for\s+(?P<who>[^$;]+?){_END_OF_OWN}", re.I)
_RESPECTIVELY = re.compile(r"^\s*,?\s*respectively\b", re.I)
# Before an amount that follows another: "and for those in management of companies and enterprises,
# wages were", "; those employed in local government earned", "while underwriters' median annual wages in
# agencies, brokerages, and other insurance-related activities were", "for manicurists and pedicurists",
# "and in nonresidential building construction,"
_OWN_HEAD = re.compile(
    r"^.*(?:^|,|;|\band\b|\bwhile\b)\s*(?:and\s+|while\s+)?(?:for\s+)?"
    r"(?P<who>(?:those|[a-z][\w'\u2019-]*(?:\s+[a-z][\w'\u2019-]*){0,6}?))?(?:'s?|\u2019s?)?\s*"
    r"(?:(?:median\s+)?(?:annual\s+|hourly\s+)?(?:median\s+)?(?:wages?|earnings)\s+)?"
    r"(?:(?:working|employed|who\s+worked|practicing)\s+)?(?:in|at|for|by|with)\s+(?:the\s+)?(?P<place>[^$;]+?)\s*,?\s*"
    r"(?:(?:median\s+)?(?:annual\s+|hourly\s+)?(?:wages?|earnings)\s+)?(?:(?:were|was|earned|had|received)\s+)?"
    r"(?:(?:an?\s+|total\s+)?(?:median\s+)?(?:annual\s+|hourly\s+)?(?:median\s+)?(?:wages?|earnings|compensation|salar\w+)\s+of\s+)?"
    rf"(?:(?:{QUALIFIER_WORDS})\s+)?$", re.I | re.S)
_FOR_BEFORE = re.compile(r"^.*(?:^|,|;|\band\b)\s*(?:and\s+)?for\s+(?P<who>[^$;,]+?)\s*,?\s*$", re.I | re.S)
_CONNECTIVES = re.compile(r"^(?:and|while|but|for|wages|median)\b\s*|['\u2019]s?$", re.I)

# --- the head's words ---
# "of WHO [working|employed] in PLACE", "for WHO", "among WHO"
_OF_WHOM = re.compile(r"^\s*(?:,\s*(?:including\s+[^,]+,\s*)?)?(?:of|for|among)\s+(?P<who>.+)$", re.I | re.S)
_WHO_IN_PLACE = re.compile(
    r"^(?P<who>.*?)\s*(?:\b(?:working|employed|who\s+worked|who\s+work)\s+)?\b(?:in|at|with|by|for)\s+(?!May\b)(?:the\s+)?(?P<place>.+)$",
    re.I | re.S)
_THOSE = re.compile(r"^(?:those|workers|employees)$", re.I)
_NOT_A_PLACE = re.compile(rf"^(?:this|these|the)\s+occupations?\b|^(?:(?:{MONTH})\s+)?(?:19|20)\d\d\b|^all\b", re.I)
# "Median hourly wages in the industries employing the largest numbers of EMTs and paramedics in May 2008"
_LARGEST_EMPLOYERS = re.compile(
    r"(?:\bin\s+)?(?:the\s+)?(?:(?:two|three)\s+)?industr(?:y|ies)\s+(?:that\s+)?(?:employing|employed|employ)\s+(?:among\s+)?"
    r"the\s+(?:largest|most)\s+(?:numbers?\s+of\s+)?(?P<who>[^,;\u2014$]+?)(?=\s+in\s+(?:May\s+)?(?:19|20)\d\d|\s*[,;\u2014.]|\s+were\b|$)",
    re.I)
_PLACES_LISTED = re.compile(r"\u2014(?P<places>[^\u2014]+)\u2014")
# "In the architectural, engineering, and related services industry, the median annual wage for ..."
_INTRO_PLACE = re.compile(r"^\s*In\s+(?:the\s+)?(?P<place>[^$]+?\b(?:industry|industries|government|sector)),\s+", re.I)
_IN_YEAR_WORDS = re.compile(rf"\s*,?\s*\b(?:in|during|as\s+of)\s+(?:(?:{MONTH})\s+)?(?:19|20)\d\d\b,?", re.I)
_ACCORDING = re.compile(r"^\s*(?:According\s+to|Based\s+on)\b[^,]*,\s*", re.I)
# "Architectural, engineering, and related services employed more landscape architects than any other group
# of industries, and there the median annual wage was ..."
_THERE = re.compile(r"^\s*(?P<place>[^;]+?)\s+employed\s+more\s+[^;]*?\bthan\s+any\s+other\b", re.I)
# "Senior designers, who may supervise junior staff ..., earned a median of $60,000": who they are, not
# what they do
_RELATIVE = re.compile(r",?\s+(?:who|which|that)\s+.*$", re.I)
_SOURCE = re.compile(r"\b(?:an?|the|its)\s+(?:[\w-]+\s+)?(?:survey|study|report|census)\b|\b(?:magazine|association|society|"
                     r"council|according|data\s+from)\b", re.I)
# "wage-and-salary retail salespersons, including commission": what the wage counts, not who earns it
_INCLUDING = re.compile(r",?\s*\(?(?:including|excluding)\s+[^,)]*\)?,?", re.I)
_AMONG = re.compile(r"^\s*(?:Among|For)\s+(?P<who>[^,]+),", re.I)
_END_OF_HEAD = re.compile(rf"\s*,?\s*(?:\b(?:was|were|is|are|of|varied\b[^$]*)\s+)?(?:(?P<q>{QUALIFIER_WORDS})\s+)?$", re.I)
# Who earned it, when the words before "median" say so: "physicians practicing primary care had total ..."
_CLAUSE_START = re.compile(r"^(?:.*(?:[;:]\s+|,\s+(?:and|while|but)\s+))?", re.S)
_EARNING_VERB = re.compile(r"\s+(?:had|have|earned|earn|received|receive|reported|report)(?:\s+(?:a|an|the|total|annual))*\s*$", re.I)
_GENERIC = frozenset({"those", "workers", "all workers", "employees"})
# Compiled once: these run for every amount and every place a median sentence names.
_TRAILING_AND = re.compile(r"[\s,]+(?:and|or)?\s*$")
_LEADING_ARTICLE = re.compile(r"^(?:the|a)\s+", re.I)
_PER_MONTH = re.compile(r"\s*(?:an?|per)\s+month\b")
_INDUSTRY = re.compile(r"\bindustr(?:y|ies)\b", re.I)
_TRAILING_WHO_AND = re.compile(r"[\s,]+(?:and)?$")
_NOT_NAMED = re.compile(r"(?:these|those|such|the)\b|all\s|workers\b", re.I)


def _period(words: str | None) -> str | None:
    return PERIOD_WORDS[words.lower()] if words else None


def _place(text: str | None) -> str | None:
    if not text:
        return None
    place = _TRAILING_AND.sub("", clean(_IN_YEAR_WORDS.sub("", text))).strip(" ,")
    place = _LEADING_ARTICLE.sub("", place)
    return place if place and not _NOT_A_PLACE.match(place) else None


def _subject_before(sentence: str, end: int) -> str | None:
    clause = sentence[_CLAUSE_START.match(sentence[:end]).end() : end]
    verb = _EARNING_VERB.search(clause)
    if not verb:
        return None
    words = clean(INTRODUCTION.sub("", clause[: verb.start()])).lower()
    return words if 0 < len(words) <= 120 else None


def _head(sentence: str, m: re.Match, first_money: int):
    return _read_head(sentence, m.start(), first_money)


@lru_cache(maxsize=1024)  # the current pages state the same median sentence in Summary and in Pay
def _read_head(sentence: str, start: int, first_money: int):
    """Who and where the head of a median sentence names, and its qualifier: the words between "median
    wages" and the first amount."""
    m = MEDIAN.match(sentence, start)
    mid = sentence[m.end(): first_money]
    if NATIONAL.search(mid) and not re.search(r"\b(?:of|for)\s+(?!all\b)", mid):
        return None
    end = _END_OF_HEAD.search(mid, max(0, len(mid) - 60))
    q = qualifier(end["q"]) if end and end["q"] else None
    mid = mid[: end.start()] if end else mid
    who = place = None
    low = sentence.lower()  # cheap tests first: most heads have no "largest" and no dash
    largest = (_LARGEST_EMPLOYERS.search(mid) or _LARGEST_EMPLOYERS.search(sentence)) \
        if ("largest" in low or " most " in low) else None
    listed = _PLACES_LISTED.search(sentence[: first_money]) if "\u2014" in sentence else None
    mid = _IN_YEAR_WORDS.sub(" ", mid)
    of = _OF_WHOM.match(mid)
    if of:
        who = of["who"]
        split = _WHO_IN_PLACE.match(who)
        if split and _place(split["place"]) and not _LARGEST_EMPLOYERS.search(who):
            who, place = split["who"], _place(split["place"])
    elif not largest:
        inside = re.match(r"^\s*(?:in|at)\s+(?:the\s+)?(?P<place>.+?)\s*,?\s*$", mid, re.I | re.S)
        place = _place(inside["place"]) if inside else None
        bare = clean(mid).strip(" ,")
        if not inside and bare and not re.match(r"(?:in|at|for|of|among|were|was|including)\b", bare, re.I) and len(bare) < 120:
            who = bare  # "Median hourly wages coating, painting, and spraying machine setters ... were"
    if largest and not of:
        who = largest["who"]
        # "in other motor vehicle dealers, the industry employing the largest number of motorboat mechanics"
        before = mid[: largest.start()] if largest.start() < len(mid) else ""
        inside = re.match(r"^\s*(?:in|at)\s+(?:the\s+)?(?P<place>[^\u2014]+?)\s*,?\s*$", before, re.I)
        after = re.match(r"^\s*,\s*(?P<place>.+?)\s*,?\s*$", mid[largest.end():], re.S) if largest.end() <= len(mid) else None
        place = _place(inside["place"]) if inside else _place(after["place"]) if after else None
    intro = _INTRO_PLACE.match(sentence) if low.startswith("in ") else None
    if intro and place is None:
        place = _place(intro["place"])
    among = _AMONG.match(sentence) if low.startswith(("among", "for")) else None
    if among and who is None:
        who = among["who"]
    if who is None and re.match(r"(?:earned|had|received)\b", m.group(0), re.I):
        # "..., beginning attendants had median earnings of $16,191"
        clause = sentence[_CLAUSE_START.match(sentence[: m.start()]).end(): m.start()]
        who = clean(_ACCORDING.sub("", INTRODUCTION.sub("", clause))) or None
    if who is None:
        who = _subject_before(sentence, m.start())
        if who and _SOURCE.search(who):
            who = None  # "a survey by Podiatry Management Magazine reported median net income of ..."
        split = _WHO_IN_PLACE.match(who or "")
        if split and place is None and _place(split["place"]):  # "those employed by local governments had"
            who, place = split["who"], _place(split["place"])
    there = _THERE.match(sentence) if "employed more" in low else None
    if there and place is None and re.search(r"\bthere\b", sentence[there.end(): m.start()], re.I):
        place = _place(there["place"])
    if who is not None:
        who = _INCLUDING.sub("", _RELATIVE.sub("", clean(who))).strip(" ,") or None
        if who and _SOURCE.search(who):
            who = None  # "a survey by Podiatry Management Magazine reported median net income of ..."
        if who and (_THOSE.match(who) or who.lower() in _GENERIC):
            who = None
    places = []
    if listed:  # "\u2014the foundation, structure, and building exterior contractors industry and the ...\u2014"
        places = [_place(p) for p in re.split(r",?\s+and\s+(?=the\b)", listed["places"])]
        if len(places) < 2:
            places = [_place(p) for p in re.split(r",\s+(?:and\s+)?|\s+and\s+", listed["places"])]
    return who, place, q, places


def median(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    # The sentence's first head reads every amount; an amount after a second head ("..., and the median
    # annual salary for environmental engineering technicians ... was $39,510") takes that head's words.
    if "$" not in sentence:
        return []  # "The median wage is the wage at which half the workers ..."
    heads = list(MEDIAN.finditer(sentence))
    if heads[0].start() != m.start():
        return []
    amounts = [a for a in _MONEY.finditer(sentence, m.end())
               if not _COMPARED.search(sentence, max(0, a.start() - 30), a.start())
               and not _FOR_ALL.match(sentence, a.end())
               and not _PERCENTILE_BEFORE.search(sentence, max(0, a.start() - 80), a.start())
               and not _PER_MONTH.match(sentence[a.end():])]
    if not amounts:
        return []
    year, month = stated_year(sentence)
    head = _head(sentence, m, amounts[0].start())
    if head is None:
        return []
    head_who, head_place, head_q, listed_places = head
    by_industry = bool(_INDUSTRY.search(sentence[: amounts[0].start()]))
    respectively = any(_RESPECTIVELY.match(sentence, x.end()) for x in amounts) and len(listed_places) == len(amounts)
    figures = []
    for i, a in enumerate(amounts):
        after = sentence[a.end(): amounts[i + 1].start() if i + 1 < len(amounts) else len(sentence)]
        before = sentence[amounts[i - 1].end(): a.start()] if i else ""
        sub = next((h for h in reversed(heads) if i and amounts[i - 1].end() <= h.start() and h.end() <= a.start()), None)
        sub_head = _head(sentence, sub, a.start()) if sub else None
        sub_who, sub_place = sub_head[:2] if sub_head else (None, None)
        own_who, own_place = _own_words(before if sub is None or not (sub_who or sub_place) else "", after, by_industry, i == 0)
        who = own_who or sub_who or head_who
        place = own_place or sub_place or (listed_places[i] if respectively else None)
        if i == 0 and not place:
            place = head_place
        elif not place and not (head_place or listed_places or sub):
            place = None
        per = PER.match(after)
        period = _period(per["per"]) if per else _period(m["per"] or m["per2"]) or ctx.period
        if i == 0:
            ctx.year, ctx.month = year or ctx.year, month if year else ctx.month
            ctx.period = period
            if head_who or not head_place:
                ctx.subject = head_who or ctx.subject
        raw = sentence[m.start(): a.end()] if i == 0 else clean(before + a["money"]).strip(" ,;")
        figures.append(ctx.figure(
            "wage", "median", parse_number(a["money"]), "usd", raw, sentence, period=period,
            ref_year=year or ctx.year, ref_month=month if year else ctx.month,
            qualifier=head_q if i == 0 else None, setting=place, subject=who or ctx.subject))
    return figures


def _own_words(before: str, after: str, by_industry: bool, first_of_head: bool) -> tuple[str | None, str | None]:
    """The workers and the place an amount's own words name: after it ("$36,250 in radio and television
    broadcasting", "$80,220 for advertising and promotions managers"), or, for an amount that follows
    another, before it ("and for those in management of companies and enterprises, wages were $74,730")."""
    setting_after = _SETTING_AFTER.match(after)
    if setting_after:
        return None, _place(setting_after["place"])
    for_after = _FOR_AFTER.match(after)
    if for_after:
        target = for_after["who"]
        working = re.match(r"^(?:those\s+)?(?:working|employed)\s+(?:in|at|for|by|with)\s+(?:in\s+)?(?P<place>.+)$", target, re.I)
        if working:
            return None, _place(working["place"])
        split = _WHO_IN_PLACE.match(target)
        if split and split["who"].strip() and _place(split["place"]):
            return _who(split["who"]), _place(split["place"])
        if by_industry:
            return None, _place(target)  # "$48,150 for insurance carriers" after "the two industries ..."
        return _who(target), None
    if first_of_head:
        return None, None
    for_before = _FOR_BEFORE.search(before)
    if for_before and not re.match(r"those\b", for_before["who"], re.I):
        return _who(for_before["who"]), None
    own = _OWN_HEAD.search(before)
    if own and own["place"]:
        return _who(own["who"]), _place(re.sub(r"^in\s+", "", own["place"]))
    return None, None


def _who(words: str | None) -> str | None:
    who = _CONNECTIVES.sub("", clean(words or ""))
    who = _TRAILING_WHO_AND.sub("", who)
    return None if not who or _THOSE.match(who) or who.lower() in _GENERIC else who


# --- percentiles -------------------------------------------------------------------------------------
_OF_THEM = r"(?:\s+of\s+(?P<who>[^$]{1,120}?))?"
MIDDLE_50 = re.compile(
    rf"\bmiddle\s+(?:50\s+percent|half){_OF_THEM}\s+(?:earned|made|had\s+\w+|received)\s+(?:\w+\s+)?(?:between\s+)?"
    rf"(?P<a>{MONEY})\s+(?:and|to)\s+(?P<b>\$?\s?(?:{NUM}))(?=(?P<after>[^.;$]{{0,30}}))", re.I)
LOWEST_10 = re.compile(
    rf"\b(?:lowest|bottom)\s+(?:paid\s+)?10\s+percent{_OF_THEM}\s+(?:(?:earned|made|had\s+\w+|received)\s+(?:\w+\s+)?)?"
    rf"(?:less\s+than|under|below)\s+(?P<a>{MONEY})(?=(?P<after>[^.;$]{{0,30}}))", re.I)
HIGHEST_10 = re.compile(
    rf"\b(?:highest|top)\s+(?:paid\s+)?10\s+percent{_OF_THEM}\s+(?:(?:earned|made|had\s+\w+|received)\s+(?:\w+\s+)?)?"
    rf"(?:more\s+than|over|above)?\s*{Q}(?P<b>{MONEY})(?=(?P<after>[^.;$]{{0,30}}))", re.I)


def _percentile(ctx: Context, measure: str, money: str, m: re.Match, sentence: str, q: str | None = None) -> Figure:
    year, month = stated_year(sentence)
    per = PER.match(m["after"])
    period = _period(per["per"]) if per else ctx.period
    raw = m.string[m.start() : m.start("after")]
    # Of the workers the sentence names ("The middle 50 percent of physician assistants"), else of those the
    # median before was of ("The middle 50 percent earned ...", "of these workers").
    who = clean(m["who"]) if m["who"] and not _NOT_NAMED.match(m["who"].strip()) else None
    return ctx.figure("wage", measure, parse_number(money.lstrip("$ ")), "usd", raw, sentence, period=period,
                      ref_year=year or ctx.year, ref_month=month if year else ctx.month, qualifier=qualifier(q),
                      subject=who or ctx.subject)


def middle_50(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    return [_percentile(ctx, "p25", m["a"], m, sentence), _percentile(ctx, "p75", m["b"], m, sentence)]


def lowest_10(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    return [_percentile(ctx, "p10", m["a"], m, sentence)]


def highest_10(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    return [_percentile(ctx, "p90", m["b"], m, sentence, m["q"])]
