"""Which figures a page states can be believed: each value is checked against what its measure can be, and
numbers written in forms the handbook never uses are refused rather than read as something else.

A refused figure is kept, with its words, its sentence and the reason, so that it can be looked at
(the warehouse's refused_figures table); the page and the run go on without it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from parsers.model import Edition, Figure

# What a value can be, by (kind, measure or unit, pay period), and why. The handbook's own extremes are far
# inside these (hourly medians from $7 to about $120, annual ones up to "$239,200 or more", the largest
# occupation about 8 million jobs); the bounds only catch what no page could mean.
_JOBS = (Decimal(1), Decimal(200_000_000), "jobs in one U.S. occupation (1 to 200 million)")
RANGES: dict[tuple[str, str, str | None], tuple[Decimal, Decimal, str]] = {
    ("wage", "usd", "hour"): (Decimal(1), Decimal(500), "an hourly wage ($1 to $500)"),
    ("wage", "usd", "week"): (Decimal(40), Decimal(20_000), "a weekly wage ($40 to $20,000)"),
    ("wage", "usd", "year"): (Decimal(1_000), Decimal(2_000_000), "an annual wage ($1,000 to $2 million)"),
    ("wage", "usd", None): (Decimal(1), Decimal(2_000_000), "a wage ($1 to $2 million)"),
    ("employment", "jobs", None): _JOBS,
    ("employment", "share", None): (Decimal(0), Decimal(1), "a share of jobs (0 to 100 percent)"),
    ("projection", "employment_base", None): _JOBS,
    ("projection", "employment_target", None): _JOBS,
    ("projection", "openings", None): _JOBS,
    ("projection", "change", None): (Decimal(-200_000_000), Decimal(200_000_000), "a change in jobs (within 200 million)"),
    ("projection", "change_percent", None): (Decimal(-100), Decimal(1_000), "a percent change (-100 to 1,000 percent)"),
    ("programs", "count", None): (Decimal(1), Decimal(100_000), "a count of programs or schools (1 to 100,000)"),
}
# The warehouse stores values as DECIMAL(18, 6).
WHOLE_DIGITS, DECIMALS = 12, 6
_TOO_LARGE = Decimal(10) ** WHOLE_DIGITS
# A figure's year lies within its edition's data: at most this many years before the base year, and no
# later than the projection's last year.
YEARS_BEFORE_BASE = 10

# Numbers in forms the handbook never writes, which a looser reading would turn into another number:
# "-$50,250" (a negative wage), "$5.025e4", "$50 250", "$50.250,00", "$5 trillion", and a median of
# "$999 billion" (pages do write "more than $1 million annually" of top executives' pay, never a median).
_MALFORMED = re.compile(  # matched at each "$" (str.find finds them far faster than a regex scan)
    r"\$\s?(?P<number>\d[\d,.]*)(?:(?P<exponent>[eE][+-]?\d+)|(?P<spaced>(?:\s\d{3})+\b)"
    r"|\s+(?P<scale>trillion|quadrillion|million|billion)\b)?",
    re.I,
)
_SIGNED = re.compile(r"(?:^|[^\w$,.])[-\u2212]\s?$")  # what comes before the dollar of "-$50,250"
_DECIMAL_COMMA = re.compile(r"\d{1,3}(?:\.\d{3})+,\d{1,2}")
_WHY_MALFORMED = {
    "sign": "a negative amount of money",
    "exponent": "a number in exponent notation",
    "spaced": "digits grouped by spaces",
    "comma": "a decimal comma",
    "scale": "a wage with a scale word (trillion, or a median in millions or billions)",
}


@dataclass(frozen=True, slots=True)
class Refused:
    """A figure the page seems to state, not kept, and why."""

    section: str
    kind: str | None
    measure: str | None
    raw_text: str
    value: str | None  # as read, when it was read
    sentence: str
    reason: str


def screen(figures: list[Figure], edition: Edition) -> tuple[list[Figure], list[Refused]]:
    """The figures that can be believed, and the others refused with their reasons."""
    kept, refused = [], []
    for figure in figures:
        reason = implausible(figure, edition)
        if reason is None:
            kept.append(figure)
        else:
            refused.append(Refused(figure.section, figure.kind, figure.measure, figure.raw_text,
                                   None if figure.value is None else str(figure.value), figure.sentence, reason))
    return kept, refused


def implausible(figure: Figure, edition: Edition) -> str | None:
    """Why a figure cannot be what it says, or None."""
    value = figure.value
    if value is not None:
        if abs(value) >= _TOO_LARGE or (value != value.to_integral_value() and -value.as_tuple().exponent > DECIMALS):
            sign, digits, exponent = value.as_tuple()
            decimals = max(0, -exponent)
            whole = len(digits) - decimals if exponent <= 0 else len(digits) + exponent
            return (f"{figure.raw_text!r}: {value} has {whole} whole digits and {decimals} decimals; a figure has at "
                    f"most {WHOLE_DIGITS} and {DECIMALS}")
        bounds = RANGES.get((figure.kind, figure.measure, None)) or RANGES.get((figure.kind, figure.unit, figure.period))
        if bounds is None and figure.kind == "wage":
            bounds = RANGES[("wage", "usd", None)]
        if bounds is not None and not bounds[0] <= value <= bounds[1]:
            return f"{figure.raw_text!r}: {value} is not {bounds[2]}"
    if figure.ref_year is not None:
        first, last = edition.base_year - YEARS_BEFORE_BASE, edition.projection_end
        if not first <= figure.ref_year <= last:
            return f"{figure.raw_text!r}: the year {figure.ref_year} is outside the {edition.label} edition's {first}-{last}"
    return None


def malformed_numbers(text: str, section: str) -> list[Refused]:
    """Numbers in a paragraph that start like money but are written in a form the handbook never uses (the
    sentence rules do not read them)."""
    out = []
    at = text.find("$")
    while at >= 0:
        match = _MALFORMED.match(text, at)
        what = match and _malformed(match, text)
        if what:
            start = at - 2 if what == "sign" and text[at - 1].isspace() else at - 1 if what == "sign" else at
            words = text[start:match.end()].strip()
            out.append(Refused(section, None, None, words, None, text,
                               f"{words!r}: {_WHY_MALFORMED[what]}, which the handbook never writes"))
        at = text.find("$", at + 1)
    return out


def _malformed(match: re.Match, text: str) -> str | None:
    """What is wrong with a number that starts like money, or None when nothing is."""
    if _SIGNED.search(text, max(0, match.start() - 3), match.start()):
        return "sign"  # "-$50,250"; "$30,000-$40,000" is a range
    if match["scale"] and match["scale"].lower() in ("million", "billion"):
        # "more than $1 million annually" is how pages write top pay; never a median
        return "scale" if "median" in text[max(0, match.start() - 80):match.start()].lower() else None
    if _DECIMAL_COMMA.fullmatch(match["number"]):
        return "comma"  # "$50.250,00"
    return next((name for name in ("exponent", "spaced", "scale") if match[name]), None)
