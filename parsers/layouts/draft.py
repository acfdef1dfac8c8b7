from __future__ import annotations

from dataclasses import dataclass

from parsers.model import Edition, Section


@dataclass(slots=True)
class Draft:
    """What a layout reads off a page, before figures are extracted."""

    edition: Edition
    title: str
    sections: list[Section]
    soc_codes: list[str]
    canonical_url: str | None = None
    soc_code: str | None = None  # the occupation's own SOC code, see parsers.layouts.soc.own_soc_code
