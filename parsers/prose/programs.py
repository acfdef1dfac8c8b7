"""Accredited or approved programs and schools, with the body that accredits them."""
from __future__ import annotations

import re

from parsers.model import Figure
from parsers.numbers import parse_number
from parsers.prose.sentences import (
    Context, qualified, stated_year,
)

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


