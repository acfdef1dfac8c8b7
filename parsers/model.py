"""The structures a parsed page is made of.

Parsers return these; nothing here knows about HTML, Prefect or DuckDB. `to_dict` gives the JSON shape
used by golden files and by `ooh parse`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Edition:
    """One handbook edition: its label and the years its figures describe."""

    label: str  # "2006-07", "2010-11"; the current site is labelled by its projection span, "2024-34"
    base_year: int  # the year of the employment and wage data the edition reports
    projection_start: int
    projection_end: int

    @property
    def projection_period(self) -> str:
        return f"{self.projection_start}-{self.projection_end}"


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class Table:
    """A table as cell text. `header` holds one label per column (spanning headers joined with ' / ')."""

    rows: tuple[tuple[str, ...], ...]
    header: tuple[str, ...] = ()
    caption: str | None = None


Block = Paragraph | Table


@dataclass(frozen=True, slots=True)
class Section:
    key: str  # canonical section key, see parsers/taxonomy.py
    heading: str  # the heading as the page words it
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        return "\n\n".join([block.text if isinstance(block, Paragraph) else "\n".join(map("\t".join, block.rows))
                              for block in self.blocks])


@dataclass(slots=True)
class Figure:
    """One number (or category) the page states, with the words it came from."""

    kind: str  # employment, wage, projection, outlook, programs, education
    measure: str  # jobs, share, median, p10 ... (see parsers/figures.py)
    value: Decimal | None  # exact; None when the words give no number
    unit: str  # jobs, fraction, usd, percent, programs, schools, category
    section: str
    raw_text: str  # the words that state the figure
    sentence: str  # the sentence (or table row) it came from
    text_value: str | None = None  # for categories: "much faster than average"
    period: str | None = None  # pay period (year, hour) or projection span ("2008-2018")
    ref_year: int | None = None
    ref_month: int | None = None
    qualifier: str | None = None  # about, more_than, less_than, at_least, at_most
    setting: str | None = None  # industry or workplace; the accrediting body for programs
    soc_code: str | None = None
    subject: str | None = None  # the workers the sentence names, as worded
    source: str = "prose"  # prose, table, quick_facts
    # Whose figure it is (parsers/subjects.py): "occupation" (the whole occupation), "part" (a specialty or
    # detailed occupation, named in `part`), "industry" (an industry, workplace or area, in `setting`) or
    # "group" (self-employed, part-time, union members ..., in `setting`); an industry's or a group's
    # figure may be of a part too ("chefs and head cooks" in full-service restaurants).
    subject_type: str | None = None  # set by parsers/subjects.py once the page's parts are known
    part: str | None = None
    # True when the figure is of the occupation as a whole (subject_type "occupation").
    of_occupation: bool = False


@dataclass(slots=True)
class Page:
    layout: str
    parser_version: str
    encoding: str
    edition: Edition
    title: str
    soc_codes: list[str]
    canonical_url: str | None
    sections: list[Section]
    figures: list[Figure] = field(default_factory=list)
    soc_code: str | None = None  # the occupation's own: the projections table's first row, else the only one stated
    refused: list = field(default_factory=list)  # parsers.plausible.Refused: figures not kept, with the reason

    def to_dict(self, *, with_text: bool = True) -> dict:
        return {
            "layout": self.layout,
            "parser_version": self.parser_version,
            "encoding": self.encoding,
            "edition": self.edition.label,
            "base_year": self.edition.base_year,
            "projection_period": self.edition.projection_period,
            "title": self.title,
            "soc_code": self.soc_code,
            "soc_codes": list(self.soc_codes),
            "canonical_url": self.canonical_url,
            "sections": [
                {"key": s.key, "heading": s.heading, **({"text": s.text} if with_text else {})}
                for s in self.sections
            ],
            "figures": [figure_to_dict(f) for f in self.figures],
            **({"refused": [asdict(r) for r in self.refused]} if self.refused else {}),
        }


def figure_to_dict(figure: Figure) -> dict:
    out = asdict(figure)
    if figure.value is not None:
        # A string keeps the exact decimal through JSON.
        out["value"] = str(figure.value)
    return out
