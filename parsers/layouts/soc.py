"""SOC codes a page states: projections-table rows first, then O*NET-SOC links."""
from __future__ import annotations

import re
from collections.abc import Iterable

SOC = re.compile(r"\b(\d{2}-\d{4})(?:\.\d{2})?\b")


def soc_code(text: str) -> str | None:
    """'29-2071' -> '29-2071'; '29-2071.00' -> '29-2071'; '—' -> None."""
    match = SOC.search(text or "")
    return match.group(1) if match else None


def soc_codes_of(table_cells: Iterable[str], onet_links: Iterable[str]) -> list[str]:
    codes: list[str] = []
    for text in (*table_cells, *onet_links):
        code = soc_code(text)
        if code and code not in codes:
            codes.append(code)
    return codes


def projection_soc_cells(sections) -> list[str]:
    """The SOC Code column of every projections table in the sections, top to bottom."""
    cells: list[str] = []
    for section in sections:
        for block in section.blocks:
            header = [label.lower() for label in getattr(block, "header", ())]
            if "soc code" in header:
                column = header.index("soc code")
                cells.extend(row[column] for row in block.rows if len(row) > column)
    return cells
