"""Whether the workers a sentence names are the page's occupation as a whole.

"Median annual wages of salaried construction managers were ..." is of Construction Managers;
"Median annual wages of biomedical engineers were ..." on the Engineers page is of a part of it.
"""
from __future__ import annotations

import re

# Words that qualify workers without naming another occupation ("salaried construction managers",
# "cashiers, except gaming", "full-time wage-and-salary paralegals").
_QUALIFYING = frozenset("and or the of a an all other including wage salary salaried full time self employed".split())
_SAME = {"occupation": "worker"}  # "Food Processing Occupations" are "food processing workers"
_PRONOUNS = ("they ", "these ", "such workers")  # "They held about 1.3 million jobs"


def words(text: str) -> list[str]:
    """Content words, singular, before any "except": 'Cashiers, except gaming' -> ['cashier']."""
    out = []
    for word in re.sub(r"[^a-z0-9 ]+", " ", text.lower().split(" except ")[0]).split():
        if word in _QUALIFYING:
            continue
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("s") and len(word) > 3 and not word.endswith("ss"):
            word = word[:-1]
        out.append(_SAME.get(word, word))
    return out


class OccupationNames:
    """An occupation's title, ready to be compared with the subjects of many sentences."""

    def __init__(self, title: str):
        self.title = title
        self.words = words(title)
        # "Geoscientists and Hydrologists" names two occupations; "geoscientists" is one of them.
        self.several = " and " in title.lower().split(" except ")[0]

    def named_by(self, subject: str) -> bool:
        """The same words, qualifiers aside ("salaried construction managers"); the title's words first
        ("plumbers, pipelayers, pipefitters, and steamfitters constitute ..."); or,
        for a title of one occupation, most of its words ("mail carriers" for "Postal Service Mail
        Carriers"). A pronoun ("They held ...") names the page's occupation."""
        if f"{subject.strip().lower()} ".startswith(_PRONOUNS):
            return True
        said = words(subject)
        if not self.words or not said:
            return False
        if said[: len(self.words)] == self.words or set(said) == set(self.words):
            return True
        if self.several and " and " not in subject.lower():
            return False
        return set(said) <= set(self.words) and len(set(said)) * 3 >= len(set(self.words)) * 2
