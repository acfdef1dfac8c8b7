"""What the report's pages say in words and marks: lineage as sentences, changed figures highlighted, data
made safe to embed. Pure functions of the marts' rows."""
from __future__ import annotations

import html
import json
import re
from decimal import Decimal

from markupsafe import Markup

# A figure as the handbook writes it: $50,250, 172,500, 3.55, 7 percent's 7, 20%.
_FIGURE = re.compile(r"\$?\d[\d,]*(?:\.\d+)?%?")


def plain(value):
    """A value as JSON can carry it: DuckDB's DECIMAL arrives as Decimal; whole numbers stay whole."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def script_json(data) -> Markup:
    """JSON for a <script type="application/json"> element: '<' escaped so no text in it can end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=plain)
    return Markup(text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def figures_of(sentence: str | None) -> list[str]:
    return [m.group(0).rstrip(",") for m in _FIGURE.finditer(sentence or "")]


def highlight_figures(sentence: str | None, other: str | None) -> Markup:
    """The sentence, escaped, with each figure that the other sentence does not state marked: what changed
    in a reworded sentence is most often its numbers. (Escaping first is safe: '&amp;', '&lt;' and '&gt;'
    hold no digits, and a figure no character that escaping changes.)"""
    if not sentence:
        return Markup("")
    theirs = set(figures_of(other))

    def mark(match: re.Match) -> str:
        figure = match.group(0)
        trail = "," if figure.endswith(",") else ""
        figure = figure.rstrip(",")
        return figure + trail if figure in theirs else f'<mark class="figure">{figure}</mark>{trail}'

    return Markup(_FIGURE.sub(mark, html.escape(sentence, quote=False)))


def _share(share: float | None) -> str:
    if share is None:
        return "a share no SOC code measures"  # linked by title or URL alone
    return "less than 1%" if share < 0.005 else f"{100 * share:.0f}%"


def _of_its_employment(share: float | None) -> str:
    if share is None:
        return " (linked by its title or address: no SOC code measures what share of its employment moved)"
    return f", with {_share(share)} of its employment"


def lineage_sentences(key: str, links: list[dict]) -> list[str]:
    """The key's line in words, edition by edition: what continued it, what merged into it, what split off
    to other occupations and what came in from them."""
    lines = []
    for link in links:
        older = f"{link['older_title']} ({link['older_edition']})"
        newer = f"{link['newer_title']} ({link['newer_edition']})"
        kind = link["kind"]
        if link["main_line"]:
            if kind == "continues":
                lines.append(f"{older} continues as {newer}{_of_its_employment(link['share_of_older'])}.")
            else:
                lines.append(f"{older} merged with others into {newer}, and makes up {_share(link['share_of_newer'])} "
                             "of the new occupation's employment.")
        elif link["older_key"] == key:
            verb = "split off into" if kind == "split" else "contributed to"
            lines.append(f"Part of {older} ({_share(link['share_of_older'])} of its employment) {verb} {newer}, "
                         "another occupation.")
        else:
            lines.append(f"{newer} drew {_share(link['share_of_newer'])} of its employment from {older}, "
                         f"mainly another occupation ({kind}).")
    return lines


SECTION_NAMES = {
    "summary": "Summary", "what_they_do": "What they do", "work_environment": "Work environment",
    "how_to_become_one": "How to become one", "employment": "Employment", "job_outlook": "Job outlook",
    "projections": "Projections data", "pay": "Pay", "state_area_data": "State and area data",
    "similar_occupations": "Similar occupations", "more_info": "More information", "onet": "O*NET codes",
}
