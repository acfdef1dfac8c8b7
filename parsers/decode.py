"""Bytes to text.

Handbook pages carry wrong or missing encoding declarations: the 2010-11 pages declare iso-8859-1 but
contain Windows-1252 curly quotes and dashes. Browsers treat the labels iso-8859-1, latin1 and ascii as
windows-1252 (WHATWG Encoding Standard), and so do we. BeautifulSoup's EncodingDetector finds the BOM and
the declared encoding; UnicodeDammit is the fallback when the declaration is absent or wrong.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass

from bs4.dammit import EncodingDetector, UnicodeDammit

from parsers.errors import BinaryInput, EmptyInput, OverLimit, UndecodableInput

# WHATWG: these labels all mean windows-1252 on the web.
_WHATWG_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
}

# Control characters that never occur in text pages (tab, newline, form feed and carriage return do).
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_SNIFF = 4096
# No handbook page comes near this (the largest real ones, the A-Z index and the projections tables, are
# under 2 MB); a larger file is something else, and parsing it would cost memory for nothing.
MAX_PAGE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Decoded:
    """A page as text, and as bytes that lxml can parse in `encoding` (ASCII-compatible, so that byte
    searches for ASCII markers work on `raw`)."""

    text: str
    encoding: str
    raw: bytes


def decode(data: bytes) -> Decoded:
    if len(data) > MAX_PAGE_BYTES:
        raise OverLimit(f"file of {len(data) / 1048576:.1f} MB: over the {MAX_PAGE_BYTES // 1048576} MB limit for one "
                        "handbook page (the largest real ones are under 2 MB)")
    text, encoding = decode_page(data)
    lxml_name = _LXML_NAMES.get(codecs.lookup(encoding).name) if encoding != "unknown" else None
    if lxml_name:
        # The original bytes: lxml decodes them in C, cheaper than re-encoding the text.
        return Decoded(text, lxml_name, data[3:] if data.startswith(codecs.BOM_UTF8) else data)
    return Decoded(text, "utf-8", text.encode("utf-8"))


# Python codec name -> the name libxml2 knows, for the ASCII-compatible encodings handbook pages use.
_LXML_NAMES = {
    "utf-8": "utf-8",
    "cp1252": "windows-1252",
    "ascii": "us-ascii",
    "iso8859-1": "iso-8859-1",
    "iso8859-15": "iso-8859-15",
}


def web_encoding(label: str) -> str | None:
    """The Python codec a browser would use for a declared encoding label, or None if unknown."""
    label = label.strip().lower()
    if label in _WHATWG_ALIASES:
        return _WHATWG_ALIASES[label]
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_page(data: bytes) -> tuple[str, str]:
    """Return (text, encoding used). Raises EmptyInput, BinaryInput or UndecodableInput."""
    if not data or not data.strip():
        raise EmptyInput("empty file: no bytes to parse" if not data else "file holds only whitespace")
    data, bom_encoding = EncodingDetector.strip_byte_order_mark(data)
    if bom_encoding:
        return data.decode(bom_encoding, errors="replace"), bom_encoding
    head = data[:_SNIFF]
    if b"\x00" in head or len(head.translate(None, _BINARY_BYTES)) < 0.95 * len(head):
        raise BinaryInput("binary file: control bytes where text was expected (not an HTML or text page)")

    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    candidates = [web_encoding(declared)] if declared else []
    candidates.append("utf-8")
    for encoding in candidates:
        if encoding is None:
            continue
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    # The declaration is missing or wrong: let UnicodeDammit weigh the alternatives.
    dammit = UnicodeDammit(data, known_definite_encodings=["utf-8"], user_encodings=["cp1252"], is_html=True)
    if dammit.unicode_markup is None:
        raise UndecodableInput("undecodable bytes: no text encoding fits this file")
    return dammit.unicode_markup, dammit.original_encoding or "unknown"
