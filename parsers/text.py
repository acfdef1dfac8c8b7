"""Text helpers shared by the layouts and the figure rules."""
from __future__ import annotations

import re

# A sentence ends at ., ! or ? followed by space and a capital, a digit, a quote or "$".
_BOUNDARY = re.compile(r"(?<=[.!?])[\"\u201d)]?\s+(?=[A-Z0-9$\"\u201c(])")
# Words that end with a period without ending the sentence.
_ABBREVIATIONS = frozenset(
    "U.S. Mr. Mrs. Ms. Dr. St. Ave. Blvd. Rd. Pl. Dept. Inc. Co. Corp. Ltd. No. Jr. Sr. vs. etc. e.g. i.e. "
    "Ph.D. M.D. D.C. P.O. Ft. Mt. Jan. Feb. Mar. Apr. Jun. Jul. Aug. Sep. Sept. Oct. Nov. Dec. approx. "
    "N. S. E. W.".split()
)


def clean(text: str) -> str:
    """Collapse runs of whitespace (tabs, newlines, no-break spaces) to one space."""
    return " ".join(text.split())  # str.split() knows no-break spaces as whitespace


def split_sentences(paragraph: str) -> list[str]:
    sentences: list[str] = []
    for part in _BOUNDARY.split(paragraph):
        part = part.strip()
        if not part:
            continue
        if sentences and sentences[-1].rsplit(" ", 1)[-1] in _ABBREVIATIONS:
            sentences[-1] = f"{sentences[-1]} {part}"
        else:
            sentences.append(part)
    return sentences
