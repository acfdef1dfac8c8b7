"""Pure normalizers: the words of a figure to an exact value. Unparseable input gives None, never a guess."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation, localcontext
from functools import lru_cache

_SCALES = {"thousand": Decimal(1_000), "million": Decimal(1_000_000), "billion": Decimal(1_000_000_000)}
_NUMBER = re.compile(
    r"^(?P<sign>[-\u2212\u2013])?\s*\$?\s*(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?:\s+(?P<scale>thousand|million|billion))?$",
    re.I,
)
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "a": 1, "an": 1, "half": None,
}
_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen").split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
# A number written in words, as the pages write shares: "Forty-three percent", "nine percent".
NUMBER_WORDS = (rf"(?:{'|'.join(_TENS)})(?:[-\s](?:{'|'.join(_UNITS[1:10])}))?|{'|'.join(reversed(_UNITS[1:]))}")
# Shares written as fractions: "about half", "one-third", "two-thirds", "one quarter".
_FRACTIONS = {"half": (1, 2), "third": (1, 3), "thirds": (1, 3), "quarter": (1, 4), "quarters": (1, 4),
              "fourth": (1, 4), "fourths": (1, 4), "fifth": (1, 5), "fifths": (1, 5)}
FRACTION_WORDS = (r"(?:(?:one|a|two|three|four)[-\s])?(?:half|thirds?|quarters?|fourths?|fifths?)")
MONTHS = {
    m: i
    for i, m in enumerate(
        ("january february march april may june july august september october november december").split(), 1
    )
}
# Words before a number and the qualifier they give it.
QUALIFIERS = {
    "about": "about",
    "approximately": "about",
    "around": "about",
    "roughly": "about",
    "an estimated": "about",
    "more than": "more_than",
    "over": "more_than",
    "in excess of": "more_than",
    "less than": "less_than",
    "fewer than": "less_than",
    "under": "less_than",
    "nearly": "less_than",  # "nearly 2 million": just below
    "almost": "less_than",
    "at least": "at_least",
    "equal to or greater than": "at_least",
    "at most": "at_most",
    "up to": "at_most",
}
QUALIFIER_WORDS = "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len, reverse=True))
_SIX_PLACES = Decimal("0.000001")
# Longer than any number a page states, however absurd; such a string is no number (parsers/plausible.py
# refuses the long ones that are read, with the reason).
_MAX_DIGITS = 60


@lru_cache(maxsize=8192)  # the same few thousand numbers recur on every page (years, percents, table cells)
def parse_number(text: str) -> Decimal | None:
    """'159,000' -> 159000; '3.55 million' -> 3550000; '$8.49' -> 8.49; '-600' -> -600."""
    match = _NUMBER.match(" ".join(text.split()))
    if not match or len(match["digits"]) + len(match["frac"] or "") > _MAX_DIGITS:
        return None
    try:
        value = Decimal(match["digits"].replace(",", "") + (match["frac"] or ""))
    except InvalidOperation:
        return None
    if match["scale"]:
        value *= _SCALES[match["scale"].lower()]
    if match["sign"]:
        value = -value
    return _tidy(value)


def parse_count_word(text: str) -> int | None:
    """'2' -> 2, 'two' -> 2, 'One' -> 1."""
    text = text.strip().lower()
    if text.isascii() and text.isdigit():  # str.isdigit() also accepts '²', which int() refuses
        return int(text) if len(text) <= _MAX_DIGITS else None
    return _WORDS.get(text)


def parse_number_words(text: str) -> int | None:
    """'Forty-three' -> 43, 'nine' -> 9, '12' -> 12."""
    text = " ".join(text.lower().replace("-", " ").split())
    if text.isascii() and text.isdigit():
        return int(text) if len(text) <= _MAX_DIGITS else None
    first, _, rest = text.partition(" ")
    if first in _TENS:
        if not rest:
            return _TENS[first]
        return _TENS[first] + _UNITS.index(rest) if rest in _UNITS[1:10] else None
    return _UNITS.index(text) if text in _UNITS else None


def fraction_words(text: str) -> Decimal | None:
    """'half' -> 0.5, 'one-third' -> 0.333333, 'two-thirds' -> 0.666667, 'a quarter' -> 0.25."""
    words = text.lower().replace("-", " ").split()
    if not words or words[-1] not in _FRACTIONS:
        return None
    count = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4}.get(words[0], 1) if len(words) > 1 else 1
    _, denominator = _FRACTIONS[words[-1]]
    return fraction(count, denominator)


def fraction(numerator: int, denominator: int) -> Decimal | None:
    """'2 out of 5' -> 0.4 (rounded to six places when it does not terminate)."""
    if not denominator or numerator > denominator:
        return None
    return _tidy((Decimal(numerator) / Decimal(denominator)).quantize(_SIX_PLACES))


def percent_to_fraction(percent: Decimal) -> Decimal:
    return _tidy(percent / 100)


def qualifier(words: str | None) -> str | None:
    if not words:
        return None
    return QUALIFIERS.get(" ".join(words.split()).lower())


def month_number(name: str | None) -> int | None:
    return MONTHS.get(name.lower()) if name else None


def _tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros but never switch to exponent notation (Decimal('1E+5'))."""
    try:
        return _tidied(value)
    except InvalidOperation:  # more digits than the default context's 28: an absurd number, kept to be refused
        with localcontext() as ctx:
            ctx.prec = 2 * _MAX_DIGITS
            return _tidied(value)


def _tidied(value: Decimal) -> Decimal:
    value = value.normalize()
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value
