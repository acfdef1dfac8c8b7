"""What a parsed page should have, and whether it has it: the checks behind the corpus quality gate.

Pages fall into classes by layout, shape and edition; each layout says which sections and figures a
page of each of its classes has (parsers/layouts/registry.py). A check is
True (found), False (missing) or absent (does not apply to the page). `coverage` sums them per class.
"""
from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from collections.abc import Iterable

from parsers.layouts import LAYOUTS, PageClass
from parsers.layouts.registry import quick_facts_rows
from parsers.model import Page, Paragraph
from parsers.subjects import words
from parsers.text import clean, split_sentences

# Quick Facts labels and the figures each must yield when its cell states a value.
QUICK_FACTS = (
    (re.compile(r"median pay$", re.I), "quick_facts/median_pay", {("wage", "median")}),
    (re.compile(r"^(?:typical )?entry-level education", re.I), "quick_facts/entry_level_education", {("education", "entry_level")}),
    (re.compile(r"^work experience", re.I), "quick_facts/work_experience", {("education", "work_experience")}),
    (re.compile(r"^on-the-job training", re.I), "quick_facts/on_the_job_training", {("education", "on_the_job_training")}),
    (re.compile(r"^number of jobs", re.I), "quick_facts/number_of_jobs", {("employment", "jobs")}),
    (re.compile(r"^job outlook", re.I), "quick_facts/job_outlook", {("projection", "change_percent"), ("outlook", "category")}),
    (re.compile(r"^employment change", re.I), "quick_facts/employment_change", {("projection", "change")}),
)
# Things that are never section text.
CHROME = ("About this section", "Skip to Content", "Suggested citation", "Last Modified Date", "Job Interview Tips",
          "the median annual wage for all workers was", "Please enable javascript", "Video transcript available")


def page_shape(page: Page) -> PageClass:
    """The class of the page within its layout, and what such pages have (the layout's own say)."""
    return LAYOUTS[page.layout].classify(page)


def page_class(page: Page) -> str:
    """The gate's class of a page: its layout's class and its edition ("ocos_full 2010-11"), for a layout
    may render several editions, whose pages have different sections."""
    return f"{page_shape(page).name} {page.edition.label}"


def checks(page: Page) -> dict[str, bool]:
    shape = page_shape(page)
    keys = {s.key for s in page.sections}
    result = {f"section/{key}": key in keys for key in shape.sections}
    for name in shape.figures:
        result[f"figure/{name}"] = _has_figure(page, name)
    quick = {(f.kind, f.measure) for f in page.figures if f.source == "quick_facts"}
    quick_facts = quick_facts_rows(page.sections)
    for label, value in quick_facts:
        for pattern, name, wanted in QUICK_FACTS:
            if pattern.search(label) and value:
                result[name] = wanted <= quick
    # Recall: sentences that state a median wage or a number of jobs all yielded their figure.
    result["recall/median_wage_sentences"] = not _unclaimed(page, ("pay",), _STATES_MEDIAN)
    result["recall/jobs_sentences"] = not _unclaimed(page, ("employment", "work_environment"), _STATES_JOBS)
    # Nothing invented: each figure's words stand in its sentence, and the pages' chrome is never text.
    result["sane/raw_text_in_sentence"] = all(clean(f.raw_text) in clean(f.sentence) for f in page.figures)
    result["sane/no_chrome_in_sections"] = not any(c in s.text for s in page.sections for c in CHROME)
    result["sane/percentiles_in_order"] = _percentiles_in_order(page)
    # Every number parsed, and in range: shares are fractions, wages at least a dollar, counts not negative.
    result["sane/values_parsed"] = all(f.value is not None for f in page.figures if f.unit != "category")
    result["sane/values_plausible"] = all(_plausible(f) for f in page.figures if f.value is not None)
    # Precision: whose each figure is. One whole-occupation median and job count per period and year (a
    # restatement is one), no figure of a named part taken for the whole, no industry stated twice with two
    # values unless parts tell them apart.
    result["precise/one_whole_median"] = _one_whole(page, "wage", "median")
    result["precise/one_whole_jobs"] = _one_whole(page, "employment", "jobs")
    result["precise/no_part_marked_whole"] = not parts_marked_whole(page)
    result["precise/settings_distinct"] = not repeated_settings(page)
    if quick_facts:
        for name, kind, measure in (("jobs", "employment", "jobs"), ("median_pay", "wage", "median")):
            agreed = _agree(page, kind, measure)
            if agreed is not None:
                result[f"agree/quick_facts_{name}_with_text"] = agreed
    return result


_IN_WORDS = re.compile(r"\b(?:half|thirds?|quarters?|fourths?|fifths?)\b", re.I)
_STATES_MEDIAN = re.compile(r"\bmedian\b[^$]*\$\s?\d", re.I)
_STATES_JOBS = re.compile(r"\b(?:held|holding|had)\s+(?:about\s+|approximately\s+|nearly\s+|over\s+)?\d[\d,.]*(?:\s+million)?\s+jobs\b", re.I)
_ABOUT_EVERYONE = re.compile(r"\ball (?:workers|occupations|transportation occupations)\b|\bnational\b", re.I)


def _unclaimed(page: Page, sections: tuple[str, ...], states: re.Pattern) -> list[str]:
    """Sentences of the sections that state such a figure but yielded none (about everyone's wages aside)."""
    used = {clean(f.sentence) for f in page.figures}
    return [
        sentence
        for section in page.sections if section.key in sections
        for block in section.blocks if isinstance(block, Paragraph)
        for sentence in split_sentences(block.text)
        if states.search(sentence) and not _ABOUT_EVERYONE.search(sentence) and clean(sentence) not in used
    ]


def _has_figure(page: Page, name: str) -> bool:
    if name == "projection/table":
        return any(f.kind == "projection" and f.measure == "employment_base" and f.source == "table" for f in page.figures)
    kind, measure = name.split("/")
    if (kind, measure) == ("employment", "jobs"):
        return any(f.kind == kind and f.measure == measure and f.setting is None for f in page.figures)
    return any(f.kind == kind and f.measure == measure for f in page.figures)


def _plausible(f) -> bool:
    if f.unit == "fraction":
        return 0 <= f.value <= 1
    if f.unit == "usd":
        return f.value >= 1
    if f.unit in ("jobs", "programs", "schools") and f.measure != "change":
        return f.value >= 0 and not (f.unit != "jobs" and 1900 <= f.value <= 2099)
    return True


def _percentiles_in_order(page: Page) -> bool:
    """p10 <= p25 <= median <= p75 <= p90 among the figures of one setting, period and year."""
    groups: dict[tuple, dict[str, object]] = defaultdict(dict)
    for f in page.figures:
        if f.kind == "wage" and f.value is not None and f.source != "quick_facts":
            groups[(f.setting, f.subject, f.period, f.ref_year, f.section)].setdefault(f.measure, f.value)
    order = ("p10", "p25", "median", "p75", "p90")
    for values in groups.values():
        present = [values[m] for m in order if m in values]
        if present != sorted(present):
            return False
    return True


def _agree(page: Page, kind: str, measure: str) -> bool | None:
    """Quick Facts agrees with the text, where the text states one such figure for the whole occupation.

    The text rounds ("about 2.8 million" for 2,805,100): the Quick Facts figure is rounded to the
    text's significant digits before comparing. None where the text gives no single figure to compare.
    """
    pairs = 0
    for quick in (f for f in page.figures if f.source == "quick_facts" and f.kind == kind and f.measure == measure):
        text = [f for f in page.figures if f.source == "prose" and f.kind == kind and f.measure == measure
                and f.setting is None and f.period == quick.period]
        if len(text) != 1 or quick.value is None or text[0].value is None:
            continue
        pairs += 1
        if _round_like(quick.value, text[0]) != text[0].value:
            return False
    return True if pairs else None


def _one_whole(page: Page, kind: str, measure: str) -> bool:
    """At most one value of the measure for the whole occupation per period and year; a rounded
    restatement ("about 2.8 million" for 2,805,100) is the same value."""
    groups: dict[tuple, list] = defaultdict(list)
    for f in page.figures:
        if f.of_occupation and f.kind == kind and f.measure == measure and f.value is not None:
            groups[(f.period, f.ref_year if f.source != "quick_facts" else None)].append(f)
    by_period: dict[str, list] = defaultdict(list)
    for (period, _), figures in groups.items():
        by_period[period or ""].extend(figures)
    for figures in by_period.values():
        exact = [f for f in figures if f.qualifier != "about"] or figures[:1]
        if len({f.value for f in exact}) > 1:
            return False
        if any(_round_like(exact[0].value, f) != f.value for f in figures if f.qualifier == "about"):
            return False
    return True


def _part_phrases(page: Page) -> list[str]:
    """The names of the occupation's parts as the page's tables give them (projections rows but the first)."""
    return [clean(f.part).lower() for f in page.figures if f.source == "table" and f.part and f.subject_type == "part"]


def parts_marked_whole(page: Page) -> list[str]:
    """Sentences whose figure is marked the whole occupation's while the words before it name one of the
    parts the page's tables list and not the occupation itself."""
    parts = set(_part_phrases(page))
    title = set(words(page.title))
    heads = {word for word in (words(member)[-1:] for member in re.split(r",\s*(?:and\s+)?|\s+and\s+", page.title)) for word in word}
    out = []
    for f in page.figures:
        # (An accrediting body's name may hold a part's: "The Society of American Foresters accredits ...")
        if not f.of_occupation or f.source != "prose" or not parts or f.kind == "programs":
            continue
        at = clean(f.sentence).find(clean(f.raw_text))
        before = clean(f.sentence)[: at if at >= 0 else None].rsplit(";", 1)[-1].lower()
        said = set(words(before))
        names_whole = title <= said or heads <= said
        if any(re.search(rf"\b{re.escape(part)}\b", before) for part in parts) and not names_whole:
            out.append(f.sentence)
    return out


def repeated_settings(page: Page) -> list[tuple]:
    """(kind/measure, part, setting, values) stated for one industry or group with two values, where no part
    tells them apart."""
    values: dict[tuple, list] = defaultdict(list)
    for f in page.figures:
        if f.subject_type in ("industry", "group") and f.value is not None and f.kind in ("employment", "wage"):
            key = (f"{f.kind}/{f.measure}", f.period, f.ref_year, frozenset(words(f.part or "")),
                   frozenset(words(f.setting or "")))
            values[key].append(f)
    out = []
    for key, figures in values.items():
        exact = {f.value for f in figures if not _IN_WORDS.search(f.raw_text)}
        rough = [f.value for f in figures if _IN_WORDS.search(f.raw_text)]
        # "about half" restates "51 percent": a share in words is the nearest simple fraction
        if len(exact) > 1 or any(abs(r - e) > Decimal("0.05") for r in rough for e in exact) or (not exact and len(set(rough)) > 1):
            out.append(key + (sorted({f.value for f in figures}),))
    return out


def _round_like(value, stated) -> object:
    digits = sum(ch.isdigit() for ch in re.sub(r"^\D*|\s.*$", "", stated.raw_text.split("$")[-1].split("held about")[-1].strip()))
    if stated.qualifier != "about" or not digits:
        return value
    exponent = value.adjusted() - digits + 1
    return value.scaleb(-exponent).quantize(1).scaleb(exponent) if exponent > 0 else value


def coverage(pages: Iterable[tuple[str, Page]], exempt: frozenset[tuple[str, str]] = frozenset()
             ) -> dict[str, dict[str, tuple[int, int]]]:
    """{page class: {check: (pages passing, pages it applies to)}} over (name, page) pairs.

    `exempt` holds (page name, check) pairs that do not apply to that page: the gate's list of pages
    that state no such thing, each with its reason."""
    totals: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for name, page in pages:
        for check, ok in checks(page).items():
            if (name, check) in exempt:
                continue
            cell = totals[page_class(page)][check]
            cell[0] += ok
            cell[1] += 1
    return {cls: {name: (hits, n) for name, (hits, n) in sorted(items.items())} for cls, items in sorted(totals.items())}


def failures(pages: Iterable[tuple[str, Page]], exempt: frozenset[tuple[str, str]] = frozenset()
             ) -> dict[tuple[str, str], list[str]]:
    """{(page class, check): names of the pages that fail it}."""
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name, page in pages:
        for check, ok in checks(page).items():
            if not ok and (name, check) not in exempt:
                out[(page_class(page), check)].append(name)
    return dict(out)
