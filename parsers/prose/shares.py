"""Shares of an occupation's jobs: in an industry or workplace, held by a part of the occupation, or of a
group of its workers (self-employed, part-time or full-time, union members).

A sentence may state several shares ("About 31 percent of medical scientists were employed in scientific
research and development services firms; 13 percent were employed in ..., and 10 percent in hospitals").
Each share is read from its own clause, the words between it and the next share:

    [left words] SHARE [each] [of WHO] [, aside,] PREDICATE

- WHO is whose share it is ("of chefs and head cooks", "of these jobs"); without one, the workers the
  section last named (Context.subject);
- PREDICATE says where they work ("were employed by hotels"), which group they are ("were
  self-employed", "worked part time", "belonged to a union"), or nothing, when the left words say it:
  "Insurance carriers employed 67 percent of all underwriters", "Food preparation and serving supervisors
  held 88 percent of these jobs", "the education services industry with 15 percent", "child day care
  services (65 percent)". A clause that is only "10 percent in hospitals" continues the list before it.
"""
from __future__ import annotations

import re
from decimal import Decimal

from parsers.model import Figure
from parsers.numbers import (
    QUALIFIER_WORDS, FRACTION_WORDS, NUMBER_WORDS, fraction, fraction_words, parse_count_word, parse_number, parse_number_words,
    percent_to_fraction,
)
from parsers.prose.sentences import NUM, Context, qualified, stated_year
from parsers.text import clean

_SMALL = r"\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten"
SHARE = re.compile(
    rf"\b(?P<pct>{NUM}|{NUMBER_WORDS})(?:\s+percent\b|%)"
    rf"|\b(?P<n>{_SMALL})\s+(?:out\s+of|in)\s+(?:every\s+)?(?P<d>{_SMALL})\b(?!\s+percent|,\d|\.\d)"
    rf"|\b(?P<frac>{FRACTION_WORDS})\b(?!-time|\s+(?:of\s+)?(?:the\s+)?(?:decade|century|year|time|day|hour)s?\b)",
    re.I)
# Cheap to scan for: the words every share has. SHARE is then tried only around each of them.
_ANCHOR = re.compile(r"percent\b|%|\b(?:out\s+of|in)\s+(?:every\s+)?(?:\d|one|two|three|four|five|six|seven|eight|nine|ten)"
                     r"|half|third|quarter|fourth|fifth", re.I)


def _shares_in(sentence: str) -> list[re.Match]:
    found: dict[int, re.Match] = {}
    for anchor in _ANCHOR.finditer(sentence):
        for m in SHARE.finditer(sentence, max(0, anchor.start() - 30), min(len(sentence), anchor.end() + 16)):
            if m.start() <= anchor.start() < m.end() and m.start() not in found:
                found[m.start()] = m
    return [found[k] for k in sorted(found)]


# Words that show a percent is a change, not a share ("grow 14 percent", "a 6-percent increase").
_CHANGE_BEFORE = re.compile(r"\b(?:grow|increase|decline|decrease|rise|fall|change|growth|gain)\w*\s+(?:by\s+|of\s+)?"
                            r"(?:about\s+|approximately\s+|nearly\s+|almost\s+|more\s+than\s+)?$", re.I)
_CHANGE_AFTER = re.compile(r"^\s*(?:growth|increase|decline|decrease|change|faster|slower|of\s+(?:all\s+)?occupations)", re.I)

_SHARE_OF = re.compile(r"^the\s+\S+\s+percent\s+of\s+", re.I)
_AMONG = re.compile(r"^\s*(?:Among|Of)\s+(?!these\b|them\b|the\s+total\b|this\b)(?P<who>[^,]{3,80}),\s", re.I)

# --- the words after a share ---
_EACH = re.compile(r"^\s+each\b", re.I)
_VERB = (r"(?:were|was|are|is|worked|work|works|working|held|hold|belonged|belong|belongs|had|have|has|found|"
         r"employed|made|make|accounted)")
_OF_WHOM = re.compile(
    rf"^\s+of\s+(?:all\s+|the\s+|these\s+|those\s+|such\s+)?(?P<who>[^.;\u2014()]+?)"
    rf"(?=\s+{_VERB}\b|\s+in\s+(?:19|20)\d\d\b|,\s+(?:in|mainly|mostly|primarily|many|most|some|which|who|while|"
    rf"three|two|and\s+(?:about|another|the|\d))\b|[.;]\s|[.;]?$|\u2014|\(|\))", re.I)
_WHO_DIRECT = re.compile(rf"^\s+(?P<who>(?:[\w,-]+\s+){{0,6}}?[\w-]+)(?=\s+{_VERB}\b)", re.I)
_ASIDE = re.compile(r"^\s*(?:,[^,.;]{1,60},|\u2014[^\u2014.;]{1,90}\u2014|\([^)]{1,90}\))", re.I)
_SELF_EMPLOYED = re.compile(r"^\s*(?:(?:were|was|are|is)\s+(?:also\s+)?|worked\s+as\s+)self[-\s]\s*employed\b", re.I)
_UNION = re.compile(
    r"^\s*(?:(?:were|was|are|is)\s+(?:union\s+members|members\s+of\s+(?:a\s+|labor\s+)?unions?|covered\s+by\s+(?:a\s+)?union)"
    r"|(?:belonged|belong|belongs)\s+to\s+(?:a\s+)?(?:labor\s+)?unions?)", re.I)
_SCHEDULE = re.compile(r"^\s*(?:(?:were|was|are|is)\s+(?:employed\s+)?|(?:worked|work|works|had|have|has)\s+)"
                       r"(?:a\s+)?(?P<g>part[-\s]time|full[-\s]time|variable(?=\s+schedules?\b))", re.I)
_WHERE = re.compile(
    r"^\s*(?:(?:were|was|are|is)\s+(?:employed|found|located|concentrated)?\s*|(?:worked|work|works|working|were\s+working)"
    r"\s+(?:directly\s+|primarily\s+|mainly\s+|mostly\s+|chiefly\s+)?(?=as\s+employees\s+of\b|in\b|by\b|for\b|at\b|with\b)"
    r"|(?:held|had)\s+jobs\s+|employed\s+)?"
    r"(?:in|by|for|at|with|within|as\s+employees\s+of)\s+(?P<setting>(?:U\.S\.|[^.;])+)", re.I)
# Words that end an industry's name, not a group of workers' ("support activities", "State government").
_INDUSTRY_WORDS = re.compile(r"\b(?:activities|services|industry|industries|governments?|manufacturing|establishments|"
                             r"firms|companies|agencies|offices|hospitals|stores|dealers|carriers|institutions|sector|trade)$", re.I)
# A share of everyone, not of this occupation: "compared with 12 percent for all occupations".
_OF_EVERYONE = re.compile(r"^\s+(?:for|of|among|in)\s+(?:all|the\s+average\s+for\s+all)\s+(?:[\w,-]+\s+){0,6}?(?:occupations|workers)\b", re.I)
_COMPARED = re.compile(r"\b(?:compared\s+(?:to|with)|(?<!more\s)(?<!less\s)(?<!fewer\s)than|versus)\s+(?:about\s+|only\s+)?$", re.I)

# --- the words before a share ---
# Each pattern starts with a greedy ".*" so that it finds the last clause before the share; each ends with
# the words that may come between the verb and the share ("employed about", "held the remaining").
_TAIL = rf"(?:(?:{QUALIFIER_WORDS}|another|the\s+remaining|only|some)\s+)*$"
# "Insurance carriers employed 67 percent"; "Local governments—primarily ...—employed 44 percent"
_EMPLOYED_BY = re.compile(
    r"^.*(?:\A|;\s+|\bwhile\s+|\bwhereas\s+|,\s+but\s+|\bof\s+[^,;]*?,\s+(?:and\s+)?)(?!which\b|that\b|who\b)(?P<setting>[^;]*?)"
    r"(?:\s*\u2014[^\u2014]+\u2014\s*|(?<!\bwere)(?<!\bwas)(?<!\bare)(?<!\bis)(?<!\bwhich)(?<!\bthat)(?<!\bwho)\s+)(?:directly\s+)?employed\s+" + _TAIL,
    re.I | re.S)
# "Food preparation and serving supervisors held 88 percent of these jobs", "chefs and head cooks held the
# remaining 12 percent", "Electrical ... technicians make up 33 percent of all engineering technicians"
_HELD_BY = re.compile(
    r"^.*(?:\A|;\s+|,\s+(?:and|while|but)\s+|\b(?:jobs|workers|employment)\s+and\s+)(?P<who>[^;,]*?)\s+"
    r"(?:held|hold|holds|accounted\s+for|account\s+for|accounts\s+for|made\s+up|make\s+up|makes\s+up|represented)\s+"
    + _TAIL, re.I | re.S)
# "the education services industry with 15 percent", "ambulatory healthcare services, which employed"
_WITH = re.compile(r"^.*(?:\A|,\s+(?:and\s+)?|\b(?:are|were|was|is)\s+(?:in\s+)?)(?P<setting>[^,;]+?),?\s+"
                   r"(?:with|which\s+(?:had|employed)|accounting\s+for)\s+" + _TAIL, re.I | re.S)
# "child day care services (65 percent)"
_PAREN = re.compile(r"^.*(?:\A|,\s+(?:and\s+)?|\)\s*,?\s*(?:and\s+)?|\bin\s+)(?P<setting>[^,;()]+?)\s+\($", re.I | re.S)
# The share of the jobs a part holds: "... 88 percent of these jobs", "33 percent of all engineering technicians"
_OF_JOBS = re.compile(r"^\s+(?:of\s+)?(?:the\s+|these\s+|all\s+|its\s+|such\s+)?(?:[\w-]+\s+){0,5}?[\w-]+"
                      r"(?:\s+in\s+(?:19|20)\d\d)?\s*(?:[.;]|\s+and\s+|$)", re.I)

# Where a setting's clause ends: "hospitals, and 23 percent were in ...", "...; the rest", "..., while".
_SETTING_END = re.compile(
    r",?\s+(?:and|while|but|with|whereas)\s+(?:about\s+|another\s+|the\s+other\s+|nearly\s+|almost\s+)?\d"
    r"|,\s+(?:while|but|which|where|who|and the rest|mainly|mostly|primarily|particularly|especially|including|"
    r"such as|often|many|most|some|making|conducting|and\s+(?:most|many|some|another|the)|and\s+\w+\s+percent)\b"
    r"|\s+\((?!\d)|\s*\u2014|\s+(?:that|which|who)\s+|\s+(?:in|during)\s+(?:19|20)\d\d\b|\s+as\s+(?:owners|consultants|contractors)\b")
_NOT_A_SETTING = re.compile(r"(?:19|20)\d\d\b|the\s+(?:next|coming|past)\b|order\b|addition\b|general\b|particular\b", re.I)
_LEADING_THE = re.compile(r"^(?:the|a|an)\s+", re.I)
# The base of a share that is the occupation's jobs as a whole, however worded.
_JOBS_WORDS = re.compile(r"^(?:(?:all\s+)?(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:jobs|employment|positions)(?:\s+for\s+(?P<who>.+))?)$", re.I)


def _setting(words: str) -> str:
    end = _SETTING_END.search(words)
    setting = clean(words[: end.start()] if end else words)
    setting = re.sub(r"[\s,]+(?:and|or)?$", "", setting)
    return _LEADING_THE.sub("", setting.strip(" ,"))


def _value(m: re.Match) -> Decimal | None:
    if m["pct"]:
        number = parse_number(m["pct"])
        if number is None:
            words = parse_number_words(m["pct"])
            number = Decimal(words) if words is not None else None
        return percent_to_fraction(number) if number is not None else None
    if m["n"]:
        n, d = parse_count_word(m["n"]), parse_count_word(m["d"])
        return fraction(n, d) if n is not None and d else None
    return fraction_words(m["frac"])


def _who(words: str | None, ctx: Context) -> str | None:
    """The workers a share's base names: 'these jobs' and the like are the section's workers."""
    if not words:
        return ctx.subject
    words = clean(words)
    if words.lower().startswith(("these ", "those ", "such ")) or words.lower() in ("them", "workers", "all workers"):
        return ctx.subject
    jobs = _JOBS_WORDS.match(words)
    if jobs:  # "2 out of 3 jobs", "all salaried jobs for food service managers"
        return clean(jobs["who"]) if jobs["who"] else None
    return words


def shares(m: re.Match, sentence: str, ctx: Context) -> list[Figure]:
    return share_figures(sentence, ctx)


def share_figures(sentence: str, ctx: Context) -> list[Figure]:
    """Every share a sentence states, each with whose it is and where (or which group)."""
    matches = [m for m in _shares_in(sentence)
               if not _CHANGE_BEFORE.search(sentence, max(0, m.start() - 30), m.start())
               and not _CHANGE_AFTER.match(sentence, m.end())
               # "(half of those for newspapers)": a share of a share, said in passing
               and not (m["frac"] and sentence[max(0, m.start() - 1): m.start()] == "(")]
    figures: list[Figure] = []
    year, month = stated_year(sentence)
    if year is None:
        year, month = ctx.year, ctx.month
    among = _AMONG.match(sentence)
    if among:  # "Among hydrologists, 26 percent were employed in ..., and 19 percent worked for ..."
        # "Among the 30 percent of salaried writers and authors, about half work in ...": the half is of them
        ctx.subject = _SHARE_OF.sub("", clean(among["who"]))
    for i, m in enumerate(matches):
        value = _value(m)
        if value is None or value > 1:
            continue
        right = sentence[m.end(): matches[i + 1].start() if i + 1 < len(matches) else len(sentence)]
        left = sentence[matches[i - 1].end() if i else 0: m.start()]
        if _OF_EVERYONE.match(right) or _COMPARED.search(left):
            continue
        read = _read_clause(m, left, right)
        if read is None:
            continue
        kind, names, who, stated_who = read
        q, raw = qualified(m, sentence)
        raw_end = m.end() + len(right) if kind == "industry" and names else m.end()
        raw = clean(sentence[m.start() - (len(raw) - len(m.group(0))): raw_end])
        base = _who(who, ctx)
        if stated_who and kind != "part":
            ctx.subject = base  # "Another 25 percent were employed by ..." is of the same workers
        for name in names:
            fields: dict = {}
            if kind == "part":
                fields = {"part": name, "subject_type": "part", "subject": base}
            elif kind == "group":
                fields = {"setting": name, "subject_type": "group", "subject": base}
            else:
                fields = {"setting": name, "subject": base}
            figures.append(ctx.figure("employment", "share", value, "fraction", raw, sentence, ref_year=year,
                                      ref_month=month, qualifier=q, **fields))
    return figures


def _read_clause(m: re.Match, left: str, right: str):
    """(kind, names, who, whether who is stated) of one share's clause, or None when it states no share of
    employment. The words after the share are read first; the words before it only when those say nothing."""
    rest = right
    each = _EACH.match(rest)
    if each:
        rest = rest[each.end():]
    of = _OF_WHOM.match(rest) or (_WHO_DIRECT.match(rest) if m["n"] else None)  # "9 out of 10 loan officers"
    who = of["who"] if of else None
    if of:
        rest = rest[of.end():]
    aside = _ASIDE.match(rest)
    if aside:
        rest = rest[aside.end():]
    rest = rest.lstrip(" \u2014")  # "The great majority\u2014more than 81 percent\u2014worked in ..."
    if _SELF_EMPLOYED.match(rest):
        return "group", ["self-employed"], who, bool(of)
    if _UNION.match(rest):
        return "group", ["union members"], who, bool(of)
    schedule = _SCHEDULE.match(rest)
    if schedule:
        group = schedule["g"].lower().replace(" ", "-")
        return "group", ["variable schedule" if group == "variable" else group], who, bool(of)
    where = _WHERE.match(rest)
    setting = _setting(where["setting"]) if where else ""
    if setting and not _NOT_A_SETTING.match(setting):
        return "industry", _split_each(setting) if each else [setting], who, bool(of)
    employed_by = _EMPLOYED_BY.search(left)
    if employed_by and clean(employed_by["setting"]):
        return "industry", [_LEADING_THE.sub("", clean(employed_by["setting"]))], who, bool(of)
    held_by = _HELD_BY.search(left)
    if held_by and clean(held_by["who"]) and (_OF_JOBS.match(right) or not right.strip(" .")):
        holder = _LEADING_THE.sub("", clean(held_by["who"]))
        # "Rail transportation and rail transportation support activities made up 87 percent": an industry
        return ("industry" if _INDUSTRY_WORDS.search(holder) else "part"), [holder], None, False
    with_ = _WITH.search(left) or _PAREN.search(left)
    if with_ and clean(with_["setting"]):
        # "Hospitals employed the majority of RNs, with 60 percent of such jobs"
        setting = re.split(r"\s+(?:directly\s+)?employed\b", with_["setting"], maxsplit=1, flags=re.I)[0]
        return "industry", [_setting(setting)], who, bool(of)
    return None


def _split_each(setting: str) -> list[str]:
    """'hotels and the special food services industry' -> two settings ("About 9 percent each ...")."""
    items = [clean(x) for x in re.split(r",\s+(?:and\s+)?|\s+and\s+", setting) if clean(x)]
    return [_LEADING_THE.sub("", x) for x in items] if len(items) > 1 else [setting]
