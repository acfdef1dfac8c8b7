"""Figures stated in sentences.

Each rule is a compiled pattern and a function that turns a match into figures, in a module per topic
(employment, wages, outlook, programs) around what they share (sentences.py). The patterns were found on
the real corpus (2006-07, 2010-11 and current wording); the cases they were written for are in
tests/test_prose.py. A rule only fires on wording that states a figure: numbers in addresses, dates and
footnotes match none of them.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from parsers.model import Figure
from parsers.prose import employment as emp
from parsers.prose import outlook as out
from parsers.prose import programs as prog
from parsers.prose import wages as wage
from parsers.prose.sentences import Context, stated_year
from parsers.text import split_sentences

__all__ = ["RULES", "Context", "sentence_figures", "stated_year"]

Rule = tuple[tuple[str, ...], re.Pattern, Callable[[re.Match, str, Context], list[Figure]], frozenset[str]]
_OUTLOOK_SECTIONS = frozenset({"summary", "job_outlook", "projections", "employment"})
# Shares of employment are stated where employment is (current pages: in Work Environment); elsewhere
# "86 percent of graduates were in debt" is a share of something else.
_EMPLOYMENT_SECTIONS = frozenset({"summary", "employment", "work_environment"})
_PAY_SECTIONS = frozenset({"summary", "pay"})
# Accredited programs and schools: in training sections, and in the outlook ("only 28 accredited schools").
_TRAINING_SECTIONS = frozenset({"summary", "how_to_become_one", "job_outlook"})
# (words a sentence must contain for the rule to be tried, pattern, handler, sections it applies to).
# The sections are where the handbook states such figures, in every edition of the corpus; Nature of
# the Work, for one, states none. The words are a cheap filter: most sentences state no
# figure, and a substring test costs far less than the pattern.
RULES: tuple[Rule, ...] = (
    (("jobs",), emp.JOBS, emp.jobs, _EMPLOYMENT_SECTIONS),
    (("employed", "served"), emp.EMPLOYED_COUNT, emp.employed_count, frozenset({"employment"})),
    (("there were",), emp.THERE_WERE_JOBS, emp.there_were_jobs, _EMPLOYMENT_SECTIONS),
    (("new jobs",), out.NEW_JOBS, out.new_jobs, _OUTLOOK_SECTIONS),
    (("employer",), emp.EMPLOYER_ACCOUNTING, emp.employer_accounting, _EMPLOYMENT_SECTIONS),
    (("out of", " in every ", " of every "), emp.SHARE_OUT_OF, emp.share_out_of, _EMPLOYMENT_SECTIONS),
    (("percent",), emp.SHARE_PERCENT, emp.share_percent, _EMPLOYMENT_SECTIONS),
    (("self-employed", "self employed", "self- employed"), emp.SELF_EMPLOYED, emp.self_employed, _EMPLOYMENT_SECTIONS),
    (("self-employed", "self employed", "self- employed"), emp.SELF_EMPLOYED_COUNT, emp.self_employed_count, _EMPLOYMENT_SECTIONS),
    (("percent",), emp.SPECIALTY_SHARE, emp.specialty_share, _EMPLOYMENT_SECTIONS),
    (("percent",), emp.LARGEST_EMPLOYER, emp.largest_employer, _EMPLOYMENT_SECTIONS),
    (("employed",), emp.EMPLOYED_SHARE, emp.employed_share, _EMPLOYMENT_SECTIONS),
    (("\u2014",), emp.DASH_LIST, emp.dash_list, _EMPLOYMENT_SECTIONS),
    (("median", "medial"), wage.MEDIAN, wage.median, _PAY_SECTIONS),
    (("middle 50", "middle half"), wage.MIDDLE_50, wage.middle_50, _PAY_SECTIONS),
    (("lowest",), wage.LOWEST_10, wage.lowest_10, _PAY_SECTIONS),
    (("10 percent",), wage.HIGHEST_10, wage.highest_10, _PAY_SECTIONS),
    (("program", "school"), prog.PROGRAMS, prog.programs, _TRAINING_SECTIONS),
    (("average", "little or no", "little to no", "decline "), out.CATEGORY, out.category, _OUTLOOK_SECTIONS),
    (("percent",), out.CHANGE_PERCENT, out.change_percent, _OUTLOOK_SECTIONS),
    (("openings",), out.OPENINGS, out.openings, _OUTLOOK_SECTIONS),
)


_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=None)
def _section_rules(section: str) -> tuple[tuple[str, ...], tuple[Rule, ...]]:
    """The rules that apply in a section, and the words that trigger them."""
    rules = tuple(rule for rule in RULES if section in rule[3])
    return tuple(sorted({word for words, *_ in rules for word in words})), rules


def sentence_figures(paragraph: str, ctx: Context) -> list[Figure]:
    """Figures of every sentence of a paragraph, trying only the rules whose words the paragraph has."""
    triggers, section_rules = _section_rules(ctx.section)
    if not section_rules or (ctx.section not in _OUTLOOK_SECTIONS and not _DIGIT.search(paragraph)):
        return []  # only outlook categories are stated without a digit
    low = paragraph.lower()
    found = {word for word in triggers if word in low}  # substring tests beat one regex alternation
    if not found:
        return []
    rules = [(pattern, handler) for words, pattern, handler, _ in section_rules if not found.isdisjoint(words)]
    figures: list[Figure] = []
    for sentence in split_sentences(paragraph) if rules else ():
        for pattern, handler in rules:
            for match in pattern.finditer(sentence):
                figures.extend(handler(match, sentence, ctx))
    return figures