"""One module per layout. Each turns a decoded page into a `Draft` (the page's metadata and sections) and
declares itself in a module-level `LAYOUT` (parsers/layouts/registry.py): every module of this package
that has one is registered, so a new layout is one new module."""
from __future__ import annotations

import importlib
import pkgutil

from parsers.layouts.draft import Draft
from parsers.layouts.registry import Layout, PageClass


def _registered() -> dict[str, Layout]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        layout = getattr(importlib.import_module(f"{__name__}.{info.name}"), "LAYOUT", None)
        if isinstance(layout, Layout):
            found.append(layout)
    names = [layout.name for layout in found]
    if len(set(names)) != len(names):
        raise RuntimeError(f"two layout modules register the same name: {sorted(names)}")
    return {layout.name: layout for layout in sorted(found, key=lambda layout: (layout.order, layout.name))}


# name -> Layout, in the order detection tries them
LAYOUTS: dict[str, Layout] = _registered()

__all__ = ["LAYOUTS", "Draft", "Layout", "PageClass"]
