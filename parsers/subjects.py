"""Whose a figure is: the page's occupation as a whole, a named part of it, an industry or workplace, or a
group of its workers.

"Median annual wages of salaried construction managers were ..." is of Construction Managers as a whole;
"Median annual wages of biomedical engineers were ..." on the Engineers page is of a part of it, and so is
"chefs and head cooks" on "Chefs, Head Cooks, and Food Preparation and Serving Supervisors", although every
word of it is in the title. The parts a page has are known from the page itself (its projections table's
rows, its tables of employment or wages by detailed occupation); a part the page names only in a sentence
keeps the sentence's words.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from parsers.model import Figure

# Words that qualify workers without naming another occupation ("salaried construction managers",
# "cashiers, except gaming", "full-time wage-and-salary paralegals").
_QUALIFYING = frozenset("and or the of a an all most many some various other including wage salary salaried paid "
                        "full time self employed".split())
# "Food Processing Occupations" are "food processing workers"; "railroad" workers are "rail" workers.
_SAME = {"occupation": "worker", "railroad": "rail"}
# Words for the page's workers, not for some of them: "They held about 1.3 million jobs", "these workers".
_PRONOUNS = frozenset({"they", "these", "these workers", "such workers", "those workers", "this occupation",
                       "workers", "employees", "people", "jobs", "the jobs", "these jobs", "all jobs", "them",
                       "the occupation", "workers in this occupation", "employment", "it"})
_PRONOUN_START = ("they ", "these ", "such workers", "those workers")
# Words that name workers only by what they are doing, not which ones: "workers in the occupation".
_WORKERS_OF_IT = re.compile(r"^(?:the\s+)?(?:workers|employees|people|jobs)\s+(?:in|of)\s+(?:this|the|these)\s+occupations?$")
# "Counselors, all other", "Engineering technicians, except drafters, all other": the rest of an occupation.
_RESIDUAL = re.compile(r",\s*all\s+other\b|\ball\s+other\s+\w+$|^all\s+other\b")
_DEFINED = re.compile(r"\s\((?P<abbr>[A-Z]{2,6})s?\)")
# "workers" adds nothing to the title's words: "machine setter, operator, and tender occupations".
_GENERIC_WORKERS = frozenset({"worker"})
# How a sentence qualifies the workers it names, dropped from a part's name.
_NAME_QUALIFIERS = re.compile(
    r"^(?:the\s+|all\s+|most\s+|many\s+|some\s+)?(?:(?:full-time|part-time|salaried|wage-and-salary|wage\s+and\s+salary)\s+)*",
    re.I)

# Groups of an occupation's workers that are not a specialty: a setting that names one is a group.
GROUPS = (
    (re.compile(r"^self[-\s]\s*employed\b", re.I), "self-employed"),
    (re.compile(r"^part[-\s]time\b", re.I), "part-time"),
    (re.compile(r"^full[-\s]time\b", re.I), "full-time"),
    (re.compile(r"^union\s+members$", re.I), "union members"),
    (re.compile(r"^variable\s+schedules?$", re.I), "variable schedule"),
)


# Workers told apart by experience, not by specialty: "beginning attendants had median earnings of ...".
EXPERIENCE = re.compile(r"^(?:beginning|entry[-\s]level|starting|new|newly\s+\w+|experienced|first[-\s]year|senior)\b", re.I)


def words(text: str) -> list[str]:
    """Content words, singular, before any "except": 'Cashiers, except gaming' -> ['cashier']."""
    return list(_content_words(text))


@lru_cache(maxsize=8192)
def _content_words(text: str) -> tuple[str, ...]:
    out = []
    for word in re.sub(r"[^a-z0-9 ]+", " ", text.lower().split(" except ")[0]).split():
        if word in _QUALIFYING:
            continue
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("s") and len(word) > 3 and not word.endswith("ss"):
            word = word[:-1]
        out.append(_SAME.get(word, word))
    return tuple(out)


@lru_cache(maxsize=8192)
def name_key(text: str) -> frozenset[str]:
    """A name's words including any "except" clause (marked), so that the projections row "Secretaries and
    administrative assistants, except legal, medical, and executive" is told from its title."""
    head, _, rest = text.lower().partition(" except ")
    return frozenset(words(head)) | frozenset(f"except:{w}" for w in words(rest))


@lru_cache(maxsize=4096)
def group_of(setting: str | None) -> str | None:
    """The group a setting names ("self-employed", "union members", "beginning attendants"), or None for an
    industry or workplace."""
    if not setting:
        return None
    if EXPERIENCE.match(setting):
        return setting
    return next((name for pattern, name in GROUPS if pattern.search(setting)), None)


@lru_cache(maxsize=256)
def _title_acronyms(title: str) -> dict[str, list[str]]:
    """'Emergency Medical Technicians and Paramedics' -> {'emt': ['emergency', 'medical', 'technician']}:
    the initials of each occupation the title names in two words or more, as the pages abbreviate them."""
    out = {}
    for segment in re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\u2014", title):
        named = segment.split()
        if len(named) >= 2:
            out["".join(w[0] for w in named).lower()] = words(segment)
    return out


def aliases_defined(text: str) -> dict[str, list[str]]:
    """Abbreviations a page defines: "advanced practice registered nurses (APRNs)" -> {'aprn': [...]}."""
    out = {}
    for m in _DEFINED.finditer(text):
        abbr = m["abbr"].lower()
        long = text[max(0, m.start() - 80): m.start()].split()[-len(abbr):]
        if len(long) == len(abbr) and "".join(w[0] for w in long).lower() == abbr:
            out[abbr] = words(" ".join(long))
    return out


# Plural nouns in titles that name no workers: "Medical Records and Health Information Technicians" is one
# occupation, "Administrative Services and Facilities Managers" one kind of manager.
_NOT_PEOPLE = frozenset("records services sciences operations products systems materials goods arts sales affairs "
                        "relations communications resources facilities".split())


@lru_cache(maxsize=256)
def _members(title: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The occupations a title names: (head noun, the words that tell its coordinated kinds apart). 'Chefs, Head Cooks, and Food Preparation and Serving Supervisors' names 'chef',
    'cook' and 'supervisor'; 'Construction and Building Inspectors' names one, 'inspector' (a word that is
    no plural noun belongs to the next: "construction" is told from "building"); 'Appraisers and Assessors
    of Real Estate' names 'appraiser' and 'assessor'; 'Teachers\u2014Adult Literacy and Remedial Education'
    names 'teacher'."""
    base = re.split(r"\s+except\s+|,\s+except\b", title, flags=re.I)[0]
    if "\u2014" in base:
        base = base.split("\u2014")[0]
    members, pending = [], []
    # "Office Clerks, General", "Library Assistants, Clerical": a last word after a comma qualifies the rest.
    base = re.sub(r",\s*(?:general|clerical|all\s+other|other)\s*$", "", base, flags=re.I)
    segments = [seg for seg in re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+", base) if seg.strip()]
    for n, segment in enumerate(segments):
        pending.append(words(re.split(r"\s+(?:of|for|in)\s+", segment, flags=re.I)[0]))
        head = pending[-1][-1] if pending[-1] else ""
        last = segment.split()[-1].lower() if segment.split() else ""
        if n == len(segments) - 1 or (re.search(r"[^s]s$", last) and last not in _NOT_PEOPLE):
            if head:
                members.append((head, _telling(pending)))
            pending = []
    return tuple(members)


def _telling(coordinated: list[tuple[str, ...]]) -> frozenset[str]:
    """The words that tell apart the kinds a coordination names: all but the head in "Construction and
    Building Inspectors" ({construction, building}), but not a word the kinds share, the last modifier before
    the head in "Heavy and Tractor-trailer Truck Drivers" ({heavy, tractor, trailer}). One kind alone names
    none ("Postal Service Mail Carriers")."""
    if len(coordinated) < 2:
        return frozenset()
    *front, last = coordinated
    modifiers = list(last[:-1])
    if len(modifiers) >= 2:
        modifiers = modifiers[:-1]
    return frozenset(w for ws in front for w in ws) | frozenset(modifiers)


class Subjects:
    """One page's occupation and the parts of it the page names, ready to tell whose each figure is."""

    def __init__(self, title: str, parts: Iterable[str] = (), aliases: dict[str, str] | None = None):
        self.title = title
        self._cache: dict[tuple[str, str], object] = {}  # the same words come back figure after figure
        # Abbreviations stand for their words: "EMTs" for "emergency medical technicians" (the title's
        # own initials, and any the page defines: "advanced practice registered nurses (APRNs)").
        self.aliases = {**_title_acronyms(title), **{k.lower(): v for k, v in (aliases or {}).items()}}
        self.words = self._words(title)
        self.members = _members(title)
        self.parts: dict[frozenset[str], str] = {}
        # A part the page's tables name is a part, whatever its words ("Administrative services managers"
        # on "Administrative Services and Facilities Managers"), unless its words are the title's.
        self.key = self._key(title)
        self.parts = {self._key(part): part for part in parts if self._key(part) != self.key}

    def _cached(self, name: str, text: str, compute):
        key = (name, text)
        if key not in self._cache:
            self._cache[key] = compute(text)
        return self._cache[key]

    def _alias(self, word: str) -> list[str]:
        # "RNs", "EMTs": short words keep their "s" in words(); an abbreviation's plural is the abbreviation
        return self.aliases.get(word) or (word.endswith("s") and self.aliases.get(word[:-1])) or [word]

    def _words(self, text: str) -> list[str]:
        return self._cached("words", text, lambda t: [w for word in words(t) for w in self._alias(word)])

    def _key(self, text: str) -> frozenset[str]:
        return self._cached("key", text, lambda t: frozenset(w for word in name_key(t) for w in self._alias(word)))

    def names_part(self, name: str) -> bool:
        """Whether a table row's title is a part of the occupation: one the page's tables name, a residual
        ("all other"), or some of the occupations the title names ("Photographic process workers" on
        "Photographic Process Workers and Processing Machine Operators"). Else it is an industry."""
        said = set(self._words(name))
        if _RESIDUAL.search(name.lower()) or self._key(name) in self.parts:
            return True
        return bool(said) and said <= set(self.words) and any(head in said for head, _ in self.members) \
            and not self.is_whole(name)

    def is_whole(self, who: str | None) -> bool:
        """Whether the words name the page's occupation as a whole (or no one in particular).

        A pronoun does ("They held ...", "these workers"), and so do the title's words, qualifiers aside
        ("salaried construction managers"). Fewer of the title's words do when they still name
        every occupation the title names: "inspectors" on "Construction and Building Inspectors", "mail
        carriers" on "Postal Service Mail Carriers", "appraisers and assessors"; "chefs and head cooks" on
        "Chefs, Head Cooks, and Food Preparation and Serving Supervisors" does not. Neither do words the
        title does not have ("civil engineering technicians", "Cooks, restaurant"), nor a residual ("Counselors,
        all other"), nor a part the page's tables name."""
        if who is None:
            return True
        return self._cached("whole", who, self._is_whole)

    def _is_whole(self, who: str) -> bool:
        low = " ".join(who.lower().split())
        if not low or low in _PRONOUNS or f"{low} ".startswith(_PRONOUN_START) or _WORKERS_OF_IT.match(low):
            return True
        if _RESIDUAL.search(low):
            return False
        said = self._words(who)
        if not self.words or not said:
            return not said
        if self._key(who) in self.parts:
            return False
        if set(said) == set(self.words):
            return True
        if not set(said) - _GENERIC_WORKERS <= set(self.words):
            return False  # "civil engineering technicians", "Insulation workers, mechanical"
        # "electrical engineers" on "Electrical and Electronics Engineers" names one of two kinds
        return all(head in said and (telling.isdisjoint(said) or telling <= set(said)) for head, telling in self.members)

    def part_name(self, who: str) -> str:
        """A part's name: the page's own name for it where the page has one (its projections row, also when
        a sentence shortens it: "outdoor equipment mechanics" for "Outdoor power equipment and other small
        engine mechanics"), else the words as the sentence says them, without qualifiers ("salaried")."""
        said = self._key(who)
        known = self.parts.get(said)
        if known is None and said:
            wider = [name for key, name in self.parts.items() if said < key]
            known = wider[0] if len(wider) == 1 else None
        return known or _NAME_QUALIFIERS.sub("", " ".join(who.split()).strip(" ,"))


def attribute(figures: list[Figure], subjects: Subjects) -> None:
    """Settle whose each figure is, from the part and setting its rule found and the workers it names.

    A table row whose rule could not tell a part from an industry (subject_type "row") is a part when the
    page names that part elsewhere (its projections table), else an industry."""
    for f in figures:
        if f.source == "quick_facts" or f.subject_type == "occupation":
            f.subject_type, f.of_occupation = "occupation", True  # Quick Facts, a projections table's total
            continue
        if f.subject_type == "row":
            row = f.setting or ""
            if subjects.names_part(row):
                f.part, f.setting = subjects.part_name(row), None
            f.subject_type = None
        if f.part is None and f.subject and not subjects.is_whole(f.subject):
            f.part = subjects.part_name(f.subject)
        elif f.part is not None and subjects.is_whole(f.part):
            f.part = None  # a table row or lead that names the occupation itself
        if f.part and EXPERIENCE.match(f.part) and not f.setting:
            f.setting, f.part = f.part, None  # a group of the occupation's workers, not a part of it
        group = group_of(f.setting) if f.kind != "programs" else None
        if group:
            f.setting, f.subject_type = group, "group"
        elif f.setting and f.kind != "programs":
            f.subject_type = "industry"
        else:
            f.subject_type = "part" if f.part else "occupation"
        f.of_occupation = f.subject_type == "occupation"
