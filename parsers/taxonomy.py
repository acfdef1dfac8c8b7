"""The canonical sections, and every way a handbook layout names them.

One taxonomy for all editions, so that an analyst can ask for `pay` and get the 2006-07 "Earnings", the
2010-11 "Earnings" and the current "Pay" alike. Each page keeps its own heading beside the key.
"""
from __future__ import annotations

import re

# In reading order; the order also lets the plain-text layout place a paragraph whose heading is missing.
SECTION_KEYS = (
    "summary",  # "Significant Points" (2010-11 and older) or the current Summary tab
    "what_they_do",  # "Nature of the Work" / "What ... Do"
    "work_environment",  # "Working Conditions", the 2010-11 "Work environment." running header
    "how_to_become_one",  # "Training, Other Qualifications, and Advancement" / "Education and Training"
    "employment",
    "job_outlook",
    "projections",  # the 2010-11 "Projections Data" table
    "pay",  # "Earnings" / "Pay"
    "state_area_data",
    "similar_occupations",  # "Related Occupations" / "Similar Occupations"
    "more_info",  # "Sources of Additional Information" / "Contacts for More Information"
    "onet",  # the 2010-11 "O*NET-SOC Code Coverage" box
)

# Headings as printed (compared lower-case, whitespace collapsed, trailing punctuation dropped).
HEADING_ALIASES = {
    "significant points": "summary",
    "summary": "summary",
    "nature of the work": "what_they_do",
    "working conditions": "work_environment",
    "work environment": "work_environment",
    "training, other qualifications, and advancement": "how_to_become_one",
    "education and training": "how_to_become_one",
    "employment": "employment",
    "job outlook": "job_outlook",
    "projections data": "projections",
    "earnings": "pay",
    "pay": "pay",
    "state & area data": "state_area_data",
    "related occupations": "similar_occupations",
    "similar occupations": "similar_occupations",
    "sources of additional information": "more_info",
    "contacts for more information": "more_info",
    "o*net-soc code coverage": "onet",
}

# Headings that name the occupation ("What Medical Records Specialists Do", "How to Become a Pilot").
HEADING_PATTERNS = (
    (re.compile(r"^what .+ do$"), "what_they_do"),
    (re.compile(r"^how to become (?:a |an )?.+$"), "how_to_become_one"),
)

# Element ids of section headings, by layout.
OCOS_HEADING_IDS = {
    "nature": "what_they_do",
    "training": "how_to_become_one",
    "emply": "employment",
    "outlook": "job_outlook",
    "projections_data": "projections",
    "earnings": "pay",
    "related": "similar_occupations",
    "addinfo": "more_info",
    "onet": "onet",
}

TABBED_HEADING_IDS = {
    "Summary": "summary",
    "what-they-do": "what_they_do",
    "work-environment": "work_environment",
    "become-one": "how_to_become_one",
    "pay": "pay",
    "job-outlook": "job_outlook",
    "state-area-data": "state_area_data",
    "similar-jobs": "similar_occupations",
    "more-information": "more_info",
}

_TRAILING = re.compile(r"[\s.:]+$")


def normalize_heading(heading: str) -> str:
    return _TRAILING.sub("", " ".join(heading.split())).lower()


def section_key(heading: str) -> str | None:
    """The canonical key of a printed heading, or None if it is not a section heading."""
    norm = normalize_heading(heading)
    key = HEADING_ALIASES.get(norm)
    if key:
        return key
    for pattern, key in HEADING_PATTERNS:
        if pattern.match(norm):
            return key
    return None
