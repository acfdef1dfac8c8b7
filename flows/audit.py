"""The hand-labelled audit: pages drawn at random, every figure labelled from the page's text, and a
scorer that measures the parser's figures against those labels (precision and recall, attribution
included).

Used by scripts/audit.py and tests/test_audit.py.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from flows.gate import CORPUS
from flows.settings import PROJECT_ROOT
from parsers import parse_page
from parsers.figures import NO_FIGURES
from parsers.model import Page, Paragraph, Table
from parsers.subjects import words

AUDIT_DIR = PROJECT_ROOT / "tests" / "audit"
SAMPLE = AUDIT_DIR / "sample.csv"  # labelled before the parser was fixed against it
HOLDOUT = AUDIT_DIR / "holdout.csv"  # drawn and labelled afterwards, to measure what the fixes generalize to
SAMPLES = {"sample": SAMPLE, "holdout": HOLDOUT}
LABELS = AUDIT_DIR / "labels"


@dataclass(frozen=True)
class SamplePage:
    edition: str
    page: str  # the file's name
    path: Path  # in ../shared/corpus
    sha256: str
    sample: str = "sample"


def read_sample(path: Path = SAMPLE) -> list[SamplePage]:
    name = next((k for k, v in SAMPLES.items() if v == path), path.stem)
    with path.open(newline="") as handle:
        return [SamplePage(row["edition"], row["page"], CORPUS / row["path"], row["sha256"], name)
                for row in csv.DictReader(handle)]


def read_samples() -> list[SamplePage]:
    """Every page of every sample."""
    return [page for path in SAMPLES.values() for page in read_sample(path)]


def render_text(page: Page) -> str:
    """The sections a page states its figures in, as plain text: what a labeller reads (tables with their
    header and caption, one row a line, cells split by ' | ')."""
    out = [f"# {page.title} ({page.edition.label} edition, data year {page.edition.base_year})"]
    for section in page.sections:
        if section.key in NO_FIGURES:
            continue
        out.append(f"\n## [{section.key}] {section.heading}")
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append(f"\n{block.text}")
            elif isinstance(block, Table):
                out.append("\nTABLE" + (f" (caption: {block.caption})" if block.caption else ""))
                if block.header:
                    out.append("  header: " + " | ".join(block.header))
                out.extend("  row: " + " | ".join(row) for row in block.rows)
    return "\n".join(out) + "\n"


# --- scoring -----------------------------------------------------------------------------------------
# What the audit counts: every figure but Quick Facts' education categories.
IN_SCOPE_KINDS = frozenset({"employment", "wage", "projection", "outlook", "programs"})
SUBJECT_TYPES = ("occupation", "part", "industry", "group")


@dataclass(frozen=True)
class Fact:
    """One figure as the audit compares it: what, how much, and whose."""

    kind: str
    measure: str
    value: str  # a normalized decimal, or a category's name
    period: str  # year or hour for wages, else ''
    subject_type: str
    part: str
    setting: str
    qualifier: str = ""
    words: str = ""  # the page's words (labels) or the figure's raw text (parsed)

    def __str__(self) -> str:
        whose = self.subject_type + "".join(f" {k}={v!r}" for k, v in (("part", self.part), ("setting", self.setting)) if v)
        period = f" per {self.period}" if self.period else ""
        return f"{self.kind}/{self.measure} {self.value}{period} [{whose}] {self.words[:90]!r}"


def _value(kind: str, text: str) -> str:
    if kind == "outlook":
        return " ".join(text.lower().split())
    try:
        return format(Decimal(text).normalize(), "f")
    except InvalidOperation:
        return text


def _canonical(kind: str, measure: str) -> tuple[str, str]:
    # The projections table's base-year employment is the number of jobs that year: one fact.
    return ("employment", "jobs") if (kind, measure) == ("projection", "employment_base") else (kind, measure)


def _fact(kind, measure, value, period, subject_type, part, setting, qualifier, words) -> Fact:
    kind, measure = _canonical(kind, measure)
    return Fact(kind, measure, _value(kind, value), period if kind == "wage" else "", subject_type,
                part or "", setting or "", qualifier or "", words)


def read_labels(page: str) -> list[Fact]:
    """The labels of one page of the sample (tests/audit/labels/<page>.csv)."""
    with (LABELS / f"{Path(page).stem}.csv").open(newline="") as handle:
        facts = [_fact(r["kind"], r["measure"], r["value"], r["period"], r["subject_type"], r["part"], r["setting"],
                       r["qualifier"], r["words"]) for r in csv.DictReader(handle)]
    return _distinct(facts)


def parsed_facts(page: Page) -> list[Fact]:
    """The page's figures in scope, one per distinct fact (a restatement is the same fact)."""
    return _distinct(
        _fact(f.kind, f.measure, f.text_value if f.kind == "outlook" else ("" if f.value is None else str(f.value)),
              f.period or "", f.subject_type, f.part, f.setting, f.qualifier, f.raw_text)
        for f in page.figures if f.kind in IN_SCOPE_KINDS)


def _distinct(facts) -> list[Fact]:
    """One fact per identity, the first statement's words (a table's base-year cell and the number of jobs
    are one fact)."""
    seen: dict[tuple, Fact] = {}
    for fact in facts:
        seen.setdefault(_identity(fact), fact)
    return list(seen.values())


def _identity(fact: Fact) -> tuple:
    return (fact.kind, fact.measure, fact.value, fact.period, fact.subject_type, _name(fact.part), _name(fact.setting))


def _name(text: str) -> frozenset[str]:
    return frozenset(words(text))


def same_name(a: str, b: str) -> bool:
    """Two namings of the same workers or setting: the same content words, one's within the other's, or
    mostly shared ("hospitals; state, local, and private" and "hospitals")."""
    x, y = _name(a), _name(b)
    if not x or not y:
        return x == y
    if _acronym(a) == _initials(b) or _acronym(b) == _initials(a):
        return True  # "NAAB" and "National Architectural Accrediting Board"
    return x <= y or y <= x or len(x & y) * 2 >= len(x | y)


def _acronym(text: str) -> str | None:
    return text.strip().upper() if re.fullmatch(r"[A-Z][A-Za-z&]*[A-Z]", text.strip()) else None


def _initials(text: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z]+", text) if w.lower() not in ("of", "the", "and", "for", "on")).upper()


def same_fact(label: Fact, parsed: Fact) -> bool:
    if (label.kind, label.measure, label.value, label.subject_type) != (parsed.kind, parsed.measure, parsed.value,
                                                                        parsed.subject_type):
        return False
    if label.period and label.period != parsed.period:
        return False
    if label.kind == "programs" and not same_name(label.setting, parsed.setting):
        return False  # the accrediting body
    if label.subject_type in ("industry", "group") and not same_name(label.setting, parsed.setting):
        return False
    return label.subject_type == "occupation" or same_name(label.part, parsed.part)


@dataclass
class PageScore:
    page: str
    sample: str
    edition: str
    labels: list[Fact]
    parsed: list[Fact]
    matched: list[tuple[Fact, Fact]]
    missed: list[Fact]  # labels the parser did not state as labelled
    extra: list[Fact]  # parsed facts no label accounts for


def score_page(item: SamplePage, labels: list[Fact], parsed: list[Fact]) -> PageScore:
    left = list(parsed)
    matched, missed = [], []
    for label in labels:
        found = next((p for p in left if same_fact(label, p)), None)
        if found is None:
            missed.append(label)
        else:
            left.remove(found)
            matched.append((label, found))
    return PageScore(item.page, item.sample, item.edition, labels, parsed, matched, missed, left)


@dataclass
class Score:
    """Totals of a group of pages: a sample's pages of one edition, or every sample's."""

    sample: str
    edition: str
    pages: int = 0
    labels: int = 0
    parsed: int = 0
    matched: int = 0
    qualifiers_agree: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.parsed if self.parsed else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.labels if self.labels else 1.0

    def add(self, p: PageScore) -> None:
        self.pages += 1
        self.labels += len(p.labels)
        self.parsed += len(p.parsed)
        self.matched += len(p.matched)
        self.qualifiers_agree += sum(label.qualifier == found.qualifier for label, found in p.matched)


def score_samples(sample: list[SamplePage] | None = None) -> tuple[list[PageScore], list[Score]]:
    """Parse each page and score it against its labels; totals per sample and edition, then per edition
    over every sample ("all")."""
    pages = [score_page(item, read_labels(item.page), parsed_facts(parse_page(item.path.read_bytes())))
             for item in (sample if sample is not None else read_samples())]
    totals: dict[tuple[str, str], Score] = {}
    for p in pages:
        for key in ((p.sample, p.edition), ("all", p.edition)):
            totals.setdefault(key, Score(*key)).add(p)
    return pages, list(totals.values())


def nearest(miss: Fact, candidates: list[Fact]) -> Fact | None:
    """The parsed fact a missed label was probably stated as: the same value and measure."""
    return next((c for c in candidates if (c.kind, c.measure, c.value) == (miss.kind, miss.measure, miss.value)), None)


# --- the marts' headlines ----------------------------------------------------------------------------
HEADLINES_OF_PARTS = AUDIT_DIR / "headlines_of_parts.sql"


def headlines_of_parts(con) -> list[tuple]:
    """Headline wages of occupation_editions that are some part's, industry's or group's (none should be)."""
    return con.execute(HEADLINES_OF_PARTS.read_text()).fetchall()


def headlines_against_labels(con, sample: list[SamplePage] | None = None) -> tuple[int, list[str]]:
    """Compare each labelled page's headlines in occupation_editions (jobs, annual and hourly median wage)
    with its labels: a headline must be a value the page states for the whole occupation, and NULL only
    where it states none. Returns (headlines compared, disagreements)."""
    compared, wrong = 0, []
    for item in sample if sample is not None else read_samples():
        row = con.execute("SELECT jobs, median_annual_wage, median_hourly_wage FROM occupation_editions "
                          "WHERE page_id = ?", [item.sha256]).fetchone()
        if row is None:
            continue
        whole = [f for f in read_labels(item.page) if f.subject_type == "occupation"]
        for name, value, kind, measure, period in (("jobs", row[0], "employment", "jobs", ""),
                                                   ("median_annual_wage", row[1], "wage", "median", "year"),
                                                   ("median_hourly_wage", row[2], "wage", "median", "hour")):
            stated = {f.value for f in whole if (f.kind, f.measure) == (kind, measure) and f.period in ("", period)}
            compared += 1
            if value is None and stated:
                wrong.append(f"{item.page}: {name} is NULL, the page states {sorted(stated)} for the occupation")
            elif value is not None and _value(kind, str(value)) not in stated:
                wrong.append(f"{item.page}: {name} {value} is not a value the page states for the whole occupation "
                             f"({sorted(stated) or 'none'})")
    return compared, wrong
