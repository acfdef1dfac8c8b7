"""The same occupation across editions: links between the occupations of consecutive editions, from
evidence (strongest first: SOC codes through the official crosswalks, URL lineage, normalized titles;
a committed overrides file settles the rest), and each occupation's key: the occupation of the latest
edition it leads to. Rebuilt after every load; small (hundreds of occupations per edition)."""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from parsers.subjects import words
from warehouse.db import insert_rows
from warehouse.reference import OVERRIDES

_DETAILED = re.compile(r"^\d{2}-\d{3}[1-9]$")  # detailed SOC codes (broad groups end in 0)


def soc_vintage(base_year: int) -> int:
    """The SOC an edition's codes are in: projections from 2008 used SOC 2000, from 2010 SOC 2010, from
    2019 SOC 2018."""
    return 2000 if base_year < 2010 else 2010 if base_year < 2019 else 2018


@dataclass(slots=True)
class Occupation:
    occupation_id: str
    edition: str
    base_year: int
    title: str
    soc_codes: list[str]
    url: str | None
    links: list[tuple[str, str, str]] = field(default_factory=list)  # newer_id, evidence, detail

    @property
    def detailed_codes(self) -> set[str]:
        return {c for c in self.soc_codes if _DETAILED.match(c)}

    @property
    def url_slug(self) -> str | None:
        """The name of the current handbook's page (bls.gov/ooh/<group>/<slug>.htm), which BLS keeps when
        it renames an occupation; older editions' pages are numbered (ocosNNN) and have none."""
        if self.url and "/ooh/" in self.url:
            return self.url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".htm")
        return None

    @property
    def slug(self) -> str:
        return self.url_slug or title_slug(self.title)


def title_slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


class Crosswalk:
    def __init__(self, rows: list[tuple[int, str, int, str]]):
        self.forward: dict[tuple[int, int], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.backward: dict[tuple[int, int], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for old, code, new, to in rows:
            self.forward[(old, new)][code].add(to)
            self.backward[(new, old)][to].add(code)

    def translate(self, codes: set[str], start: int, end: int) -> dict[str, tuple[set[str], str]]:
        """Each code's codes in vintage `end` (either direction), and the path as printable text:
        '29-2071 (SOC 2000) -> 29-2071 (SOC 2010) -> 29-2072, 29-9021 (SOC 2018)'."""
        vintages = [v for v in (2000, 2010, 2018) if min(start, end) <= v <= max(start, end)]
        if start > end:
            vintages.reverse()
        out = {}
        for code in codes:
            current, chain = {code}, [f"{code} (SOC {start})"]
            for a, b in zip(vintages, vintages[1:]):
                table = self.forward[(a, b)] if a < b else self.backward[(a, b)]
                current = {t for c in current for t in table.get(c, ())}
                chain.append(f"{', '.join(sorted(current)) or 'none'} (SOC {b})")
            out[code] = (current, " -> ".join(chain))
        return out


def read_occupations(con: duckdb.DuckDBPyConnection) -> dict[str, list[Occupation]]:
    rows = con.execute(
        """SELECT o.occupation_id, o.edition, e.base_year, o.title, coalesce(o.soc_codes, []),
                  any_value(p.canonical_url)
           FROM occupations AS o
           JOIN editions AS e USING (edition)
           JOIN current_pages AS p USING (occupation_id)
           GROUP BY ALL ORDER BY e.base_year, o.occupation_id""").fetchall()
    by_edition: dict[str, list[Occupation]] = defaultdict(list)
    for row in rows:
        by_edition[row[1]].append(Occupation(*row))
    return dict(sorted(by_edition.items(), key=lambda item: item[1][0].base_year))


def _overrides() -> list[dict]:
    with OVERRIDES.open(newline="") as handle:
        return list(csv.DictReader(handle))


def link(older: list[Occupation], newer: list[Occupation], crosswalk: Crosswalk) -> None:
    """Record on each older occupation its links to newer ones, with their evidence."""
    if not older or not newer:
        return
    v_old, v_new = soc_vintage(older[0].base_year), soc_vintage(newer[0].base_year)
    by_code, by_slug, by_words = defaultdict(list), defaultdict(list), defaultdict(list)
    for occupation in newer:
        for code in occupation.detailed_codes:
            by_code[code].append(occupation)
        if occupation.url_slug:
            by_slug[occupation.url_slug].append(occupation)
        by_words[frozenset(words(occupation.title))].append(occupation)
    for occupation in older:
        found: dict[tuple[str, str], str] = {}
        for targets, chain in crosswalk.translate(occupation.detailed_codes, v_old, v_new).values():
            for target in sorted(targets):
                for match in by_code.get(target, []):
                    found.setdefault((match.occupation_id, "soc_crosswalk"), chain)
        for match in by_slug.get(title_slug(occupation.title), []):
            found[(match.occupation_id, "url_lineage")] = f"{match.url} is named after '{occupation.title}'"
        for match in by_words.get(frozenset(words(occupation.title)), []):
            found[(match.occupation_id, "title")] = f"'{occupation.title}' = '{match.title}'"
        occupation.links = [(newer_id, evidence, detail) for (newer_id, evidence), detail in found.items()]
    _apply_overrides(older, newer)


def _apply_overrides(older: list[Occupation], newer: list[Occupation]) -> None:
    titles = {(o.edition, o.title.lower()): o for o in (*older, *newer)}
    for row in _overrides():
        old = titles.get((row["older_edition"], row["older_title"].lower()))
        new = titles.get((row["newer_edition"], row["newer_title"].lower()))
        if not old or not new:
            continue
        if row["action"] == "remove":
            old.links = [entry for entry in old.links if entry[0] != new.occupation_id]
        else:
            old.links.append((new.occupation_id, "override", row["reason"]))


def save_identity(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild occupation_links and occupation_lineage from the occupations of the current pages."""
    crosswalk = Crosswalk(con.execute("SELECT from_vintage, from_code, to_vintage, to_code FROM ref_soc_crosswalk").fetchall())
    editions = list(read_occupations(con).values())
    for older, newer in zip(editions, editions[1:]):
        link(older, newer, crosswalk)
    # occupation_id -> {key: (lineage, soc lineage)}, from the latest edition back
    keys: dict[str, dict[str, tuple[str, str | None]]] = {}
    for index in range(len(editions) - 1, -1, -1):
        for occupation in editions[index]:
            own_codes = ", ".join(sorted(occupation.detailed_codes)) or None
            own_soc = f"{own_codes} (SOC {soc_vintage(occupation.base_year)})" if own_codes else None
            if index == len(editions) - 1:
                keys[occupation.occupation_id] = {occupation.slug: (occupation.edition, own_soc)}
                continue
            mine: dict[str, tuple[str, str | None]] = {}
            evidence, chains = defaultdict(set), {}
            for newer_id, kind, detail in occupation.links:
                evidence[newer_id].add(kind)
                if kind == "soc_crosswalk":
                    chains[newer_id] = detail
            for newer_id, kinds in evidence.items():
                for key, (lineage, soc) in keys.get(newer_id, {}).items():
                    path = f"{occupation.edition} -{'+'.join(sorted(kinds))}-> {lineage}"
                    mine.setdefault(key, (path, _soc_path(own_soc, chains.get(newer_id), kinds, soc)))
            keys[occupation.occupation_id] = mine or {occupation.slug: (f"{occupation.edition} (not in later editions)", own_soc)}
    con.execute("DELETE FROM occupation_links")
    con.execute("DELETE FROM occupation_lineage")
    links = [(o.occupation_id, n, e, d) for edition in editions for o in edition for n, e, d in o.links]
    insert_rows(con, "occupation_links", pa.table({
        "older_id": [r[0] for r in links], "newer_id": [r[1] for r in links],
        "evidence": [r[2] for r in links], "detail": [r[3] for r in links]}))
    lineage = [(occupation_id, key, path, soc) for occupation_id, mine in keys.items() for key, (path, soc) in mine.items()]
    insert_rows(con, "occupation_lineage", pa.table({
        "occupation_id": [r[0] for r in lineage], "occupation_key": [r[1] for r in lineage],
        "lineage": [r[2] for r in lineage], "soc_lineage": pa.array([r[3] for r in lineage], pa.string())}))


def _soc_path(own: str | None, crosswalked: str | None, kinds: set[str], later: str | None) -> str | None:
    """The SOC codes from this occupation to its key's: the crosswalk path where SOC codes linked them,
    else the occupation's own codes (or none) and, after the other evidence, the later path."""
    if crosswalked:
        return crosswalked
    if later is None:
        return own
    return f"{own or 'no SOC code stated'}; by {'+'.join(sorted(kinds))} to {later}"


def link_report(con: duckdb.DuckDBPyConnection, older_edition: str, newer_edition: str):
    """(linked, total, [(title, reason)]) for the newer edition's occupations against the older one's."""
    crosswalk = Crosswalk(con.execute("SELECT from_vintage, from_code, to_vintage, to_code FROM ref_soc_crosswalk").fetchall())
    editions = read_occupations(con)
    older, newer = editions.get(older_edition, []), editions.get(newer_edition, [])
    linked_ids = {r[0] for r in con.execute(
        """SELECT DISTINCT l.newer_id FROM occupation_links l JOIN occupations o ON o.occupation_id = l.older_id
           WHERE o.edition = ?""", [older_edition]).fetchall()}
    older_codes = {c for o in older for c in o.detailed_codes}
    unlinked = []
    for occupation in newer:
        if occupation.occupation_id in linked_ids:
            continue
        if not occupation.detailed_codes:
            reason = "the page states no detailed SOC code, and no earlier title or page name matches"
        else:
            v_old = soc_vintage(older[0].base_year) if older else 2000
            back = crosswalk.translate(occupation.detailed_codes, soc_vintage(occupation.base_year), v_old)
            sources = sorted({c for targets, _ in back.values() for c in targets})
            codes = f"SOC {soc_vintage(occupation.base_year)} {', '.join(sorted(occupation.detailed_codes))}"
            if not sources:
                reason = f"{codes} has no predecessor in the crosswalks (a new occupation)"
            else:
                reason = (f"{codes} descends from SOC {v_old} {', '.join(sources)}, which no {older_edition} page "
                          f"states{'' if not (set(sources) & older_codes) else ' alone'}; no title or page name matches")
        unlinked.append((occupation.title, reason))
    return len(newer) - len(unlinked), len(newer), unlinked
