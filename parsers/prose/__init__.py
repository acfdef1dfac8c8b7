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
from parsers.prose import shares
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
# Shares are read a sentence at a time (shares.py): the rule's pattern matches once, at the start.
_SENTENCE = re.compile(r"\A")
# ("1 in 5": " in 2" would be every "in 2008")
_SHARE_WORDS = ("percent", "out of", "half", "third", "quarter", "fourth", " in every ", " in 3 ", " in 4 ", " in 5 ",
                " in 10 ")
RULES: tuple[Rule, ...] = (
    (("jobs",), emp.JOBS, emp.jobs, _EMPLOYMENT_SECTIONS),
    (("employed", "served"), emp.EMPLOYED_COUNT, emp.employed_count, frozenset({"employment", "work_environment"})),
    (("of th", "among these"), emp.OF_THESE, emp.of_these, _EMPLOYMENT_SECTIONS),
    (("there were",), emp.THERE_WERE_JOBS, emp.there_were_jobs, _EMPLOYMENT_SECTIONS),
    (("new jobs",), out.NEW_JOBS, out.new_jobs, _OUTLOOK_SECTIONS),
    (_SHARE_WORDS, _SENTENCE, shares.shares, _EMPLOYMENT_SECTIONS),
    # Earnings sections state union membership ("About 25 percent ... belonged to a union") among wages.
    (("union", "self-employed", "self employed", "part time", "part-time"), _SENTENCE, shares.shares, frozenset({"pay"})),
    (("self-employed", "self employed", "self- employed"), emp.SELF_EMPLOYED_COUNT, emp.self_employed_count, _EMPLOYMENT_SECTIONS),
    (("median", "medial"), wage.MEDIAN, wage.median, _PAY_SECTIONS),
    (("middle 50", "middle half"), wage.MIDDLE_50, wage.middle_50, _PAY_SECTIONS),
    (("lowest", "bottom"), wage.LOWEST_10, wage.lowest_10, _PAY_SECTIONS),
    (("10 percent",), wage.HIGHEST_10, wage.highest_10, _PAY_SECTIONS),
    (("program", "school"), prog.PROGRAMS, prog.programs, _TRAINING_SECTIONS),
    (("average", "little or no", "little to no", "decline "), out.CATEGORY, out.category, _OUTLOOK_SECTIONS),
    (("percent",), out.CHANGE_PERCENT, out.change_percent, _OUTLOOK_SECTIONS),
    (("openings",), out.OPENINGS, out.openings, _OUTLOOK_SECTIONS),
)


_DIGIT = re.compile(r"\d")


def _has_digit(text: str) -> bool:
    """Whether the text holds a digit (any that \\d matches). Ten substring scans find an ASCII digit in
    a fraction of the time of a regex scan, which is left for non-ASCII text without one."""
    return any(digit in text for digit in "0123456789") or (not text.isascii() and _DIGIT.search(text) is not None)


# Only outlook categories and shares in words ("Over half of ...") are stated without a digit.
_WITHOUT_DIGITS = frozenset({out.category, shares.shares})


@lru_cache(maxsize=None)
def _section_rules(section: str, digits: bool) -> tuple[tuple[str, ...], tuple[Rule, ...]]:
    """The rules that apply in a section (to a paragraph with digits, or without), and the words that
    trigger them."""
    rules = tuple(rule for rule in RULES if section in rule[3] and (digits or rule[2] in _WITHOUT_DIGITS))
    return tuple(sorted({word for words, *_ in rules for word in words})), rules


def sentence_figures(paragraph: str, ctx: Context) -> list[Figure]:
    """Figures of every sentence of a paragraph, trying only the rules whose words the paragraph has."""
    if not _section_rules(ctx.section, True)[1]:
        return []  # Nature of the Work states no figures
    triggers, section_rules = _section_rules(ctx.section, _has_digit(paragraph))
    if not section_rules:
        return []
    low = paragraph.lower()
    found = {word for word in triggers if word in low}  # substring tests beat one regex alternation
    if not found:
        return []
    rules = [(words, pattern, handler) for words, pattern, handler, _ in section_rules if not found.isdisjoint(words)]
    figures: list[Figure] = []
    sentences = split_sentences(paragraph)
    for n, sentence in enumerate(sentences):
        ctx.opening = n == 0
        if len(sentences) > 1:  # the paragraph has the rules' words: which has this sentence?
            low = sentence.lower()
            here = {word for word in found if word in low}
        else:
            here = found
        for words, pattern, handler in rules:
            if here.isdisjoint(words):
                continue
            for match in pattern.finditer(sentence):
                figures.extend(handler(match, sentence, ctx))
    return figures
