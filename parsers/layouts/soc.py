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


def own_soc_code(table_cells: list[str], onet_links: list[str]) -> str | None:
    """The occupation's own SOC code: the first projections-table row's (the occupation as a whole; None
    when that row has none, as for an aggregate of several codes), else the one O*NET code if only one."""
    if table_cells:
        return soc_code(table_cells[0])
    codes = soc_codes_of([], onet_links)
    return codes[0] if len(codes) == 1 else None
