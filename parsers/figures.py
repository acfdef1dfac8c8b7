"""All the figures of a page: walk its sections in reading order, sentence by sentence and table by table.

A sentence may leave its year and pay period implicit ("The middle 50 percent earned between ..."):
the section's context carries them from the median stated before. The same fact stated twice in prose
(Significant Points and Job Outlook both say "much faster than average") is kept once, in its most
complete wording.
"""
from __future__ import annotations

from parsers.model import Edition, Figure, Paragraph, Section, Table
from parsers.plausible import Refused, malformed_numbers
from parsers.prose import Context, sentence_figures
from parsers.subjects import Subjects, aliases_defined, attribute
from parsers.tables import table_figures

# Sections that describe other occupations, addresses or links, never this occupation's figures.
NO_FIGURES = frozenset({"similar_occupations", "more_info", "state_area_data", "onet"})


def extract_figures(sections: list[Section], edition: Edition, title: str = "",
                    malformed: list[Refused] | None = None) -> list[Figure]:
    """The page's figures; numbers written in forms the handbook never uses are added to `malformed`
    (parsers/plausible.py), looked for in the same walk over the paragraphs."""
    figures: list[Figure] = []
    for section in sections:
        if section.key in NO_FIGURES:
            continue
        ctx = Context(edition=edition, section=section.key, title=title)
        lead = ""
        for block in section.blocks:
            if isinstance(block, Paragraph):
                figures.extend(sentence_figures(block.text, ctx))
                lead = block.text
                if malformed is not None and "$" in block.text:
                    malformed.extend(malformed_numbers(block.text, section.key))
            elif isinstance(block, Table):
                figures.extend(table_figures(block, lead, ctx))
                lead = ""
    # Abbreviations are defined where the page first names the workers: its first paragraphs
    defined = aliases_defined(" ".join(b.text for s in sections[:2] for b in s.blocks[:4] if isinstance(b, Paragraph)))
    attribute(figures, Subjects(title, _named_parts(figures), defined))
    return _merge_restatements(figures)


def _named_parts(figures: list[Figure]) -> list[str]:
    """The parts of the occupation the page's tables name: its projections table's rows, and the rows of
    tables by detailed occupation."""
    return list(dict.fromkeys(f.part for f in figures if f.source == "table" and f.part))


def _identity(f: Figure) -> tuple:
    """A prose fact: what, how much, and whose (the same value of another part or setting is another fact)."""
    return (f.source, f.kind, f.measure, f.value, f.text_value, f.unit, f.subject_type, (f.part or "").lower(),
            (f.setting or "").lower(), f.soc_code)


def _completeness(f: Figure) -> tuple:
    filled = sum(x is not None for x in (f.period, f.ref_year, f.ref_month, f.qualifier, f.subject))
    return (filled, f.section != "summary")


def _merge_restatements(figures: list[Figure]) -> list[Figure]:
    """Keep one figure per prose fact, the most complete wording, at the place of its first mention.

    The same value said of other workers ("hosts and hostesses" and "counter attendants" both $8.42, or a
    part and the whole occupation both 11 percent) is another fact."""
    kept: dict[tuple, int] = {}
    out: list[Figure] = []
    for figure in figures:
        if figure.source != "prose":
            out.append(figure)
            continue
        same = kept.get(_identity(figure))
        if same is None:
            kept[_identity(figure)] = len(out)
            out.append(figure)
        elif _completeness(figure) > _completeness(out[same]):
            out[same] = figure
    return out
