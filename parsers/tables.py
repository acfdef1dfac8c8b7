"""Figures stated in tables.

A table is read by what it is, told by its header or by the sentence that leads into it:
- Quick Facts (current layout): header "Quick Facts: <title>";
- a projections matrix, one row per SOC code: header with "SOC Code" and "Employment, YYYY";
- the short statements' "Current and Projected Employment" block: rows "2008 Employment", "Growth Rate";
- a list of industries (or occupations) with median wages, led by "Median annual wages in the
  industries employing the largest numbers of ... were:";
- the current "largest employers" list of shares, led by "The largest employers of ... were as follows:".
Any other table states no figures.
"""
from __future__ import annotations

import re
from functools import lru_cache

from parsers.editions import span_end
from parsers.model import Figure, Table
from parsers.numbers import parse_number, percent_to_fraction
from parsers.prose.sentences import Context, stated_year
from parsers.layouts.soc import soc_code
from parsers.text import clean, split_sentences

_YEAR = r"(?:19|20)\d\d"
_DIGIT = re.compile(r"\d")
_YEAR_EMPLOYMENT = re.compile(rf"^({_YEAR}) employment$", re.I)
_A_YEAR = re.compile(_YEAR)
_NUMERIC_CELL = re.compile(r"[\d,.]+%?")
_SPAN = re.compile(rf"({_YEAR})\s*[\u2013\u2014-]\s*(\d\d(?:\d\d)?)\b")
_MONEY_PER = re.compile(r"\$\s?(?P<num>[\d,]+(?:\.\d+)?)\s+per\s+(?P<per>year|hour)", re.I)
_AT_LEAST = re.compile(r"equal to or greater than|or more\b|at least", re.I)
_PERCENT_CATEGORY = re.compile(r"^(?P<pct>[-\u2212\u2013]?\d+(?:\.\d+)?)\s*%\s*\((?P<cat>[^)]+)\)")
_MEDIAN_LEAD = re.compile(r"\bmedian\s+(?:(?P<per>annual|hourly|weekly)\s+)?(?:wage|earnings|salar)", re.I)
_EMPLOYER_LEAD = re.compile(r"\blargest employers\b|\bindustries that employed the most\b", re.I)
_PERIOD = {"annual": "year", "hourly": "hour", "weekly": "week", None: None}
_EDUCATION = {  # the labels of every edition: "Entry-Level Education" until 2014-15, then "Typical ..."
    "typical entry-level education": "entry_level",
    "entry-level education": "entry_level",
    "work experience in a related occupation": "work_experience",
    "on-the-job training": "on_the_job_training",
}
# "Employment was distributed as follows:", "The following tabulation shows the distribution of jobs by
# occupational specialty:", "Industries employing the largest number of ... in 2008 were:"
_EMPLOYMENT_LEAD = re.compile(r"\b(?:employment|employ\w*|jobs|distribut\w+|tabulation)\b", re.I)
_EMPLOYMENT_SECTIONS = frozenset({"employment", "work_environment", "summary"})
# Column headings of a wage-distribution table (one row per specialty).
_PERCENTILE_COLUMNS = {
    "lowest 10%": "p10", "10%": "p10", "lowest 25%": "p25", "25%": "p25", "median": "median",
    "highest 25%": "p75", "75%": "p75", "highest 10%": "p90", "90%": "p90",
}
_BOUND = re.compile(r"^(?P<sign>[<>]|&[lg]t;)\s*")


# Whose a table's rows are, from the sentence that leads into it: "The largest employers of chefs and head
# cooks were:" (industries, of a part), "Employment in the detailed occupations that make up ... was
# distributed as follows:" (parts), "Median annual wages for ... in May 2024 were as follows:" (rows that
# the page's projections table tells apart: parts there, industries otherwise).
_LEAD_WHO = re.compile(
    r"\b(?:of|for)\s+(?!the\s+(?:largest|top)\b)(?P<who>[^:;]+?)"
    r"(?=\s+in\s+(?:the\s+top\b|May\b|(?:19|20)\d\d)|\s+(?:were|was|are|is)\b|,\s+(?:by|in)\b|\s*:?\s*$)", re.I)
_ROWS_ARE_INDUSTRIES = re.compile(r"\bindustr|\bemployers?\b|\bestablishments\b", re.I)
_ROWS_ARE_PARTS = re.compile(r"\bdetailed\s+occupations?\b|\bspecialt(?:y|ies)\b|\boccupational\b", re.I)


def _rows(label: str, lead_sentence: str, default: str = "row") -> dict:
    """The figure fields that say whose a row is: a part (the row's title), an industry (the row's title as
    setting, of the workers the lead names), or, where the lead does not say, "row" (figures.py decides)."""
    role, subject = _lead_roles(lead_sentence, default)
    if role == "part":
        return {"part": label, "subject_type": "part", "subject": subject}
    if role == "industry":
        return {"setting": label, "subject": subject}
    return {"setting": label, "subject_type": "row", "subject": subject}


@lru_cache(maxsize=256)
def _lead_roles(lead_sentence: str, default: str) -> tuple[str, str | None]:
    """(what a table's rows are, the workers its lead names), read once per table, not per row."""
    who = _LEAD_WHO.search(lead_sentence)
    subject = clean(who["who"]) if who else None
    if _ROWS_ARE_PARTS.search(lead_sentence):
        return "part", subject
    if _ROWS_ARE_INDUSTRIES.search(lead_sentence) or default == "industry":
        return "industry", subject
    return "row", subject


def table_figures(table: Table, lead: str, ctx: Context) -> list[Figure]:
    header = " | ".join(table.header).lower()
    if header.startswith("quick facts"):
        return _quick_facts(table, ctx)
    if "soc code" in header and "employment" in header:
        return _projections_matrix(table, ctx)
    if any(_YEAR_EMPLOYMENT.match(row[0]) for row in table.rows if row):
        return _projection_block(table, ctx)
    percentiles = {i: _PERCENTILE_COLUMNS[label.lower()] for i, label in enumerate(table.header)
                   if label.lower() in _PERCENTILE_COLUMNS}
    if "median" in percentiles.values() and len(percentiles) >= 3:
        return _wage_distribution(table, percentiles, lead, ctx)
    lead_sentence = _lead_sentence(lead)
    median = _MEDIAN_LEAD.search(lead_sentence)
    if median and "$" not in lead_sentence:  # a lead that states its own median is prose's
        return _median_list(table, lead, lead_sentence, median["per"] and median["per"].lower(), ctx)
    if _EMPLOYER_LEAD.search(lead_sentence) and any("%" in row[-1] for row in table.rows if row):
        return _employer_shares(table, lead, lead_sentence, ctx)
    if ctx.section in _EMPLOYMENT_SECTIONS and _EMPLOYMENT_LEAD.search(lead_sentence) and _numeric_rows(table):
        return _employment_list(table, lead, lead_sentence, ctx)
    return []


# "Median hourly wages of rail transportation occupations in May 2008 are indicated in the tabulation below.
# These wages were relatively high compared with ...": the sentence that points at the table leads into it.
_POINTS_AT_TABLE = re.compile(r"\b(?:tabulation|table|below|as follows|following)\b|:\s*$", re.I)


def _lead_sentence(lead: str) -> str:
    sentences = split_sentences(lead.strip())
    if not sentences:
        return ""
    pointing = [s for s in sentences if _POINTS_AT_TABLE.search(s)]
    return pointing[-1] if pointing and not _POINTS_AT_TABLE.search(sentences[-1]) else sentences[-1]


_OR_MORE = re.compile(r"\s+or\s+(?:more|higher|greater)$", re.I)


def cell_value(cell: str):
    """A table cell's number and qualifier: '$239,200 or more' -> (239200, 'at_least'); '>166,400' ->
    (166400, 'more_than'); '7%' -> (7, None). A cell that is no number gives (None, None)."""
    text, qualifier = clean(cell).rstrip("%").strip(), None
    if _OR_MORE.search(text):
        text, qualifier = _OR_MORE.sub("", text), "at_least"
    bound = _BOUND.match(text)
    if bound:
        text, qualifier = text[bound.end():], "more_than" if ">" in bound["sign"] or "gt" in bound["sign"] else "less_than"
    return parse_number(text), qualifier


def _row_sentence(table: Table, row: tuple[str, ...]) -> str:
    return "; ".join(f"{h}: {v}" if h else v for h, v in zip(table.header or ("",) * len(row), row) if v)


def _quick_facts(table: Table, ctx: Context) -> list[Figure]:
    figures: list[Figure] = []
    for row in table.rows:
        if len(row) < 2:
            continue
        label, value = clean(row[0]), clean(row[1])
        sentence = f"{label}: {value}"
        span = _SPAN.search(label)
        period = end_year = None
        if span:
            start = int(span[1])
            end_year = span_end(start, span[2])
            period = f"{start}-{end_year}"
        year = _A_YEAR.search(label)
        if label.lower().endswith("median pay"):
            qualifier = "at_least" if _AT_LEAST.search(value) else None
            for m in _MONEY_PER.finditer(value):
                figures.append(ctx.figure("wage", "median", parse_number(m["num"]), "usd", m.group(0), sentence,
                                          period=m["per"].lower(), ref_year=int(year[0]) if year else None,
                                          qualifier=qualifier, source="quick_facts"))
        elif label.lower().startswith("number of jobs"):
            figures.append(ctx.figure("employment", "jobs", parse_number(value), "jobs", value, sentence,
                                      ref_year=int(year[0]) if year else None, source="quick_facts"))
        elif label.lower().startswith("job outlook"):
            m = _PERCENT_CATEGORY.match(value)
            if m:
                figures.append(ctx.figure("projection", "change_percent", parse_number(m["pct"]), "percent",
                                          m["pct"] + "%", sentence, period=period, ref_year=end_year if span else None,
                                          source="quick_facts"))
                figures.append(ctx.figure("outlook", "category", None, "category", m["cat"], sentence,
                                          text_value=" ".join(m["cat"].lower().split()), period=period,
                                          ref_year=end_year if span else None, source="quick_facts"))
        elif label.lower().startswith("employment change"):
            figures.append(ctx.figure("projection", "change", parse_number(value), "jobs", value, sentence,
                                      period=period, ref_year=end_year if span else None, source="quick_facts"))
        elif label.lower() in _EDUCATION and value:
            # "See How to Become One" is kept as stated: BLS uses it as a category of its own.
            figures.append(ctx.figure("education", _EDUCATION[label.lower()], None, "category", value, sentence,
                                      text_value=value, source="quick_facts"))
    return figures


def _projections_matrix(table: Table, ctx: Context) -> list[Figure]:
    columns: dict[str, tuple[int, int | None]] = {}
    span_period = None
    for i, label in enumerate(table.header):
        low = label.lower()
        year = _A_YEAR.search(label)
        if low == "soc code":
            columns["soc"] = (i, None)
        elif low.startswith("projected employment"):
            columns["employment_target"] = (i, int(year[0]) if year else None)
        elif low.startswith("employment,"):
            columns["employment_base"] = (i, int(year[0]) if year else None)
        elif low.startswith("change"):
            span = _SPAN.search(label)
            if span:
                start = int(span[1])
                span_period = (start, span_end(start, span[2]))
            if low.endswith(("/ percent",)):
                columns["change_percent"] = (i, None)
            elif low.endswith(("/ number", "/ numeric")):
                columns["change"] = (i, None)
    base = columns.get("employment_base", (None, ctx.edition.projection_start))[1]
    target = columns.get("employment_target", (None, ctx.edition.projection_end))[1]
    if span_period:
        base, target = base or span_period[0], target or span_period[1]
    period = f"{base}-{target}" if base and target else ctx.edition.projection_period
    figures: list[Figure] = []
    for n, row in enumerate(table.rows):
        title = clean(row[0]) if row else ""
        # The first row is the occupation (the total of the rows below it, or the only row); each other
        # row is a detailed occupation, a part of it.
        whose = ({"subject": title or None, "subject_type": "occupation"} if n == 0
                 else {"part": title or None, "subject_type": "part"})
        soc = soc_code(row[columns["soc"][0]]) if "soc" in columns and len(row) > columns["soc"][0] else None
        sentence = _row_sentence(table, row)
        for measure in ("employment_base", "employment_target", "change", "change_percent"):
            if measure not in columns or len(row) <= columns[measure][0]:
                continue
            cell = row[columns[measure][0]]
            if not _DIGIT.search(cell):
                continue
            unit = "percent" if measure == "change_percent" else "jobs"
            ref_year = base if measure == "employment_base" else target
            figures.append(ctx.figure("projection", measure, parse_number(cell), unit, cell, sentence,
                                      period=period, ref_year=ref_year, soc_code=soc, source="table", **whose))
    return figures


def _projection_block(table: Table, ctx: Context) -> list[Figure]:
    """'2008 Employment 600,500 / 2018 Employment 638,000 / Employment Change 37,500 / Growth Rate 6%'."""
    years = [int(m[1]) for row in table.rows if row and (m := _YEAR_EMPLOYMENT.match(row[0]))]
    base, target = (min(years), max(years)) if len(years) > 1 else (ctx.edition.projection_start, ctx.edition.projection_end)
    period = f"{base}-{target}"
    figures: list[Figure] = []
    for row in table.rows:
        if len(row) < 2:
            continue
        label, cell = clean(row[0]), clean(row[-1])
        sentence = f"{label}: {cell}"
        year = _YEAR_EMPLOYMENT.match(label)
        low = label.lower()
        if year and int(year[1]) == base:
            figures.append(ctx.figure("employment", "jobs", parse_number(cell), "jobs", cell, sentence,
                                      ref_year=base, source="table"))
            figures.append(ctx.figure("projection", "employment_base", parse_number(cell), "jobs", cell, sentence,
                                      period=period, ref_year=base, source="table"))
        elif year:
            figures.append(ctx.figure("projection", "employment_target", parse_number(cell), "jobs", cell, sentence,
                                      period=period, ref_year=int(year[1]), source="table"))
        elif low.startswith("employment change"):
            figures.append(ctx.figure("projection", "change", parse_number(cell), "jobs", cell, sentence,
                                      period=period, ref_year=target, source="table"))
        elif low.startswith(("growth rate", "percent change")):
            figures.append(ctx.figure("projection", "change_percent", parse_number(cell.rstrip("%")), "percent",
                                      cell, sentence, period=period, ref_year=target, source="table"))
    return figures


def _median_list(table: Table, lead: str, lead_sentence: str, per: str | None, ctx: Context) -> list[Figure]:
    """Median wages by industry (rows are industries) or by occupation (rows name workers)."""
    year, month = stated_year(lead_sentence)
    if year is None:
        year, month = stated_year(lead)
    period = _PERIOD.get(per) or ctx.period
    figures: list[Figure] = []
    heading = None  # a row without a number heads the rows below it: "Insulation workers, mechanical"
    for row in table.rows:
        if row and clean(row[0]) and not any(_DIGIT.search(cell) for cell in row[1:]):
            heading = clean(row[0])
            continue
        if len(row) < 2 or not _DIGIT.search(row[-1]):
            continue
        label, cell = clean(row[0]), clean(row[-1])
        value, qualifier = cell_value(cell)
        whose = _rows(label, lead_sentence)
        if heading:
            whose = {"setting": label, "subject": heading}
        figures.append(ctx.figure("wage", "median", value, "usd", cell,
                                  f"{lead_sentence} {heading + ': ' if heading else ''}{label}: {cell}",
                                  period=period, ref_year=year or ctx.year, ref_month=month if year else ctx.month,
                                  qualifier=qualifier, source="table", **whose))
    return figures


def _wage_distribution(table: Table, columns: dict[int, str], lead: str, ctx: Context) -> list[Figure]:
    """'Specialty | Lowest 10% | Lowest 25% | Median | Highest 25% | Highest 10%', one row per specialty.

    The pay period is left unset: such tables (the 2010-11 Engineers statement) do not state it."""
    year, month = stated_year(table.caption or "")
    if year is None:
        year, month = stated_year(lead)
    figures: list[Figure] = []
    for row in table.rows:
        label = clean(row[0]) if row else ""
        for i, measure in columns.items():
            if i >= len(row) or not _DIGIT.search(row[i]):
                continue
            cell = clean(row[i])
            value, qualifier = cell_value(cell)
            figures.append(ctx.figure("wage", measure, value, "usd", cell,
                                      f"{table.caption or lead} {label}: {_row_sentence(table, row)}",
                                      ref_year=year, ref_month=month, qualifier=qualifier, source="table",
                                      **_rows(label, table.caption or lead)))
    return figures


def _employer_shares(table: Table, lead: str, lead_sentence: str, ctx: Context) -> list[Figure]:
    year, month = stated_year(lead)
    if year is None:  # "held about 2.8 million jobs in 2024" came in the paragraph before
        year, month = ctx.year, ctx.month
    figures: list[Figure] = []
    for row in table.rows:
        if len(row) < 2 or not _DIGIT.search(row[-1]):
            continue
        label, cell = clean(row[0]), clean(row[-1])
        percent = parse_number(cell.rstrip("%").strip())
        figures.append(ctx.figure("employment", "share", percent_to_fraction(percent) if percent is not None else None,
                                  "fraction", cell, f"{lead_sentence} {label}: {cell}", ref_year=year,
                                  ref_month=month, source="table", **_rows(label, lead_sentence, "industry")))
    return figures


def _numeric_rows(table: Table) -> bool:
    """Every row a label and a number (a count, or a percent)."""
    return bool(table.rows) and all(
        len(row) >= 2 and _NUMERIC_CELL.fullmatch(row[-1].replace(" ", "")) for row in table.rows)


def _employment_list(table: Table, lead: str, lead_sentence: str, ctx: Context) -> list[Figure]:
    """Jobs (or shares of jobs, in percent) by specialty, industry or area: the row's title is the setting."""
    year, month = stated_year(lead_sentence)
    if year is None:
        year, month = stated_year(lead)
    if year is None:
        year, month = ctx.year, ctx.month
    percent = any("percent" in h.lower() or "%" in row[-1] for h in table.header for row in table.rows) or any(
        "%" in row[-1] for row in table.rows)
    figures: list[Figure] = []
    for row in table.rows:
        label, cell = clean(row[0]), clean(row[-1])
        value = parse_number(cell.rstrip("%"))
        if percent:
            figures.append(ctx.figure("employment", "share", percent_to_fraction(value) if value is not None else None,
                                      "fraction", cell, f"{lead_sentence} {label}: {cell}", ref_year=year,
                                      ref_month=month, source="table", **_rows(label, lead_sentence)))
        else:
            figures.append(ctx.figure("employment", "jobs", value, "jobs", cell, f"{lead_sentence} {label}: {cell}",
                                      ref_year=year, ref_month=month, source="table", **_rows(label, lead_sentence)))
    return figures
