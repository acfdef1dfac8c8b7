"""All the figures of a page: walk its sections in reading order, sentence by sentence and table by table.

A sentence may leave its year and pay period implicit ("The middle 50 percent earned between ..."):
the section's context carries them from the median stated before. The same fact stated twice in prose
(Significant Points and Job Outlook both say "much faster than average") is kept once, in its most
complete wording.
"""
from __future__ import annotations

from parsers.model import Edition, Figure, Paragraph, Section, Table
from parsers.prose import Context, sentence_figures
from parsers.subjects import OccupationNames
from parsers.tables import table_figures

# Sections that describe other occupations, addresses or links, never this occupation's figures.
NO_FIGURES = frozenset({"similar_occupations", "more_info", "state_area_data", "onet"})


def extract_figures(sections: list[Section], edition: Edition, title: str = "") -> list[Figure]:
    figures: list[Figure] = []
    for section in sections:
        if section.key in NO_FIGURES:
            continue
        ctx = Context(edition=edition, section=section.key)
        lead = ""
        for block in section.blocks:
            if isinstance(block, Paragraph):
                figures.extend(sentence_figures(block.text, ctx))
                lead = block.text
            elif isinstance(block, Table):
                figures.extend(table_figures(block, lead, ctx))
                lead = ""
    figures = _merge_restatements(figures)
    names = OccupationNames(title)
    for figure in figures:
        figure.of_occupation = figure.setting is None and (
            figure.source == "quick_facts" or figure.subject is None or names.named_by(figure.subject))
    return figures


def _identity(f: Figure) -> tuple:
    return (f.source, f.kind, f.measure, f.value, f.text_value, f.unit, (f.setting or "").lower(), f.soc_code)


def _completeness(f: Figure) -> tuple:
    filled = sum(x is not None for x in (f.period, f.ref_year, f.ref_month, f.qualifier, f.subject))
    return (filled, f.section != "summary")


def _merge_restatements(figures: list[Figure]) -> list[Figure]:
    """Keep one figure per prose fact, the most complete wording, at the place of its first mention.

    The same value said of other workers ("hosts and hostesses" and "counter attendants" both $8.42)
    is another fact; said of nobody in particular ("Employment is expected to grow ..."), the same."""
    kept: dict[tuple, list[int]] = {}
    out: list[Figure] = []
    for figure in figures:
        if figure.source != "prose":
            out.append(figure)
            continue
        same = [i for i in kept.get(_identity(figure), ())
                if out[i].subject is None or figure.subject is None or out[i].subject == figure.subject]
        if not same:
            kept.setdefault(_identity(figure), []).append(len(out))
            out.append(figure)
        elif _completeness(figure) > _completeness(out[same[0]]):
            out[same[0]] = figure
    return out
