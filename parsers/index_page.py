"""The handbook's own index pages (the A-Z index): which occupation pages they link to. Pure: bytes in."""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

_LINKS = etree.XPath("//a/@href", smart_strings=False)
# Occupation pages: /ooh/<group>/<slug>.htm, on the handbook's host or relative.
_OCCUPATION = re.compile(r"^/ooh/(?P<group>[a-z0-9-]+)/(?P<slug>[a-z0-9-]+)\.htm$")
# Pages of that shape that are not occupations.
NOT_OCCUPATIONS = frozenset({"about", "how-to-find-a-job"})
NOT_OCCUPATION_SLUGS = frozenset({"home", "a-z-index", "occupation-finder"})
HANDBOOK_HOSTS = frozenset({"www.bls.gov", "bls.gov", "stats.bls.gov", ""})
INDEX_PATH = "/ooh/a-z-index.htm"  # where the index is: relative links ("healthcare/x.htm") are read from there


def is_occupation_path(path: str) -> bool:
    """/ooh/healthcare/medical-assistants.htm is; /ooh/about/glossary.htm and /ooh/healthcare/home.htm are not."""
    match = _OCCUPATION.match(path)
    return bool(match) and match["group"] not in NOT_OCCUPATIONS and match["slug"] not in NOT_OCCUPATION_SLUGS


def occupation_paths(data: bytes) -> list[str]:
    """Paths of the occupation pages an index page links to, in page order, once each."""
    root = etree.fromstring(data, etree.HTMLParser(encoding="utf-8"))
    if root is None:
        return []
    paths: list[str] = []
    for href in _LINKS(root):
        parts = urlsplit(urljoin(INDEX_PATH, href.strip()))
        if parts.netloc.lower() not in HANDBOOK_HOSTS or not is_occupation_path(parts.path):
            continue
        if parts.path not in paths:
            paths.append(parts.path)
    return paths
