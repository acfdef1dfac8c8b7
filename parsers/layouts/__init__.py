"""One module per layout. Each turns a decoded page into a `Draft`: the page's metadata and sections."""
from __future__ import annotations

from collections.abc import Callable

from parsers.decode import Decoded
from parsers.layouts import mirror_text, ocos, tabbed
from parsers.layouts.draft import Draft

LAYOUTS: dict[str, Callable[[Decoded], Draft]] = {
    "mirror_text": mirror_text.parse,
    "ocos": ocos.parse,
    "tabbed": tabbed.parse,
}

__all__ = ["LAYOUTS", "Draft"]
