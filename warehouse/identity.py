"""The same occupation across editions: what became of each occupation of one edition in the next.

Each link between an occupation of one edition and one of the next edition loaded has its evidence (SOC
codes through the official crosswalks, URL lineage, normalized titles; a committed overrides file settles
the rest) and says what happened, from the shares of employment the crosswalk moves:

- continues: most of the older occupation's employment went to the newer one, and most of the newer one's
  came from it (the same occupation, perhaps renamed or recoded);
- merged: most of the older one's employment went to a newer one that several predecessors formed;
- split: a newer one took a minority of the older one's employment but is mainly made of it;
- contributed: a minority part moved to an occupation that is mainly something else.

Shares come from data, never guesses: each code's employment (the page's own projections rows, else the
BLS projections matrix of the code's SOC: ref_ep_employment), moved through the crosswalks by flows that
agree with the employment of the codes on both sides of each step (Crosswalk._step_shares). An
occupation's key is the occupation of the latest edition its continuing (or merging) line leads to; an
occupation that did not continue is a key of its own. Rebuilt after every load; small (hundreds of
occupations per edition).
"""
from __future__ import annotations

import csv
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from pathlib import Path

from parsers.subjects import words
from warehouse import derivation
from warehouse.db import SHAPE_SHA256, insert_rows, schema_info
from warehouse.reference import OVERRIDES

_DETAILED = re.compile(r"^\d{2}-\d{3}[1-9]$")  # detailed SOC codes (broad groups end in 0)
MAIN_LINE = ("continues", "merged")  # the links an occupation's key follows
KINDS = ("continues", "merged", "split", "contributed")
# the occupation timeline, written with the identity tables
SAVE_TIMELINE_SQL = (Path(__file__).parent / "queries" / "save_timeline.sql").read_text()
# the reviewed list of every 2010-11 -> current link on the corpus (scripts/write_link_review.py)
REVIEWED_LINKS = Path(__file__).resolve().parents[1] / "tests" / "lineage" / "links_2010-11_to_2024-34.csv"
REVIEW_COLUMNS = ["older_title", "newer_title", "kind", "share_of_older", "share_of_newer", "main_line", "evidence",
                  "review"]


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
    jobs: float | None = None  # its employment: the page's own number (occupation_editions.jobs)
    code_jobs: dict[str, float] = field(default_factory=dict)  # each code's, from its projections rows
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


@dataclass(slots=True)
class Succession:
    """What became of an older occupation in a newer one."""

    older: Occupation
    newer: Occupation
    kind: str
    share_of_older: float | None  # of the older occupation's employment, the part that went to the newer one
    share_of_newer: float | None  # of the newer occupation's employment (from the older edition), the part from it
    evidence: str  # soc_crosswalk+title+..., '+'-joined


def title_slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


class Crosswalk:
    """The SOC crosswalks, with the employment of each code to share a code's employment among the codes
    it maps to."""

    def __init__(self, rows: list[tuple[int, str, int, str]], employment: dict[tuple[int, str], float] | None = None):
        self.forward: dict[tuple[int, int], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.backward: dict[tuple[int, int], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for old, code, new, to in rows:
            self.forward[(old, new)][code].add(to)
            self.backward[(new, old)][to].add(code)
        self.employment = employment or {}
        self._cache: dict[tuple[int, int], dict[str, dict[str, float]]] = {}

    def _steps(self, start: int, end: int) -> list[tuple[int, int]]:
        vintages = [v for v in (2000, 2010, 2018) if min(start, end) <= v <= max(start, end)]
        if start > end:
            vintages.reverse()
        return list(zip(vintages, vintages[1:]))

    def _table(self, a: int, b: int) -> dict[str, set[str]]:
        return self.forward[(a, b)] if a < b else self.backward[(a, b)]

    def translate(self, codes: set[str], start: int, end: int) -> dict[str, tuple[set[str], str]]:
        """Each code's codes in vintage `end` (either direction), and the path as printable text:
        '29-2071 (SOC 2000) -> 29-2071 (SOC 2010) -> 29-2072, 29-9021 (SOC 2018)'."""
        out = {}
        for code in codes:
            current, chain = {code}, [f"{code} (SOC {start})"]
            for a, b in self._steps(start, end):
                table = self._table(a, b)
                current = {t for c in current for t in table.get(c, ())}
                chain.append(f"{', '.join(sorted(current)) or 'none'} (SOC {b})")
            out[code] = (current, " -> ".join(chain))
        return out

    def shares(self, code: str, start: int, end: int) -> dict[str, float]:
        """Where a code's employment goes in vintage `end`: each target code's share of it, step by step
        through the crosswalks (_step_shares). 29-2071 (SOC 2010) -> 29-2072 0.82, 29-9021 0.18."""
        current = {code: 1.0}
        for a, b in self._steps(start, end):
            table = self._step_shares(a, b)
            moved: dict[str, float] = defaultdict(float)
            for source, share in current.items():
                for target, part in table.get(source, {}).items():
                    moved[target] += share * part
            current = dict(moved)
        return current

    def _step_shares(self, a: int, b: int) -> dict[str, dict[str, float]]:
        """For one crosswalk step, each code's shares among the codes it maps to: flows on the crosswalk's
        pairs that add up to each old code's employment and each new code's employment at once (iterative
        proportional fitting over each connected group of codes). Sharing a code's employment by its
        targets' sizes alone would be wrong where a small part of it joined a large code made mostly of
        others: SOC 2000 27-3031 (public relations specialists) maps to 27-3031 and, for a small part, to
        13-1161 (market research analysts and marketing specialists) in SOC 2010; only both margins
        together say that most of it stayed 27-3031. A code whose employment is unknown is sized as the
        equal shares of its targets (targets with unknown size take the group's mean)."""
        if (a, b) in self._cache:
            return self._cache[(a, b)]
        table = self._table(a, b)
        edges = [(s, t) for s, targets in table.items() for t in targets]
        parent: dict[tuple[int, str], tuple[int, str]] = {}

        def root(node):
            while parent.setdefault(node, node) != node:
                parent[node] = parent[parent[node]]
                node = parent[node]
            return node

        for s, t in edges:
            parent[root((a, s))] = root((b, t))
        groups: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)
        for s, t in edges:
            groups[root((a, s))].append((s, t))
        out: dict[str, dict[str, float]] = {}
        for group in groups.values():
            if len({s for s, _ in group}) == len(group):  # each code maps to one: all of it goes there
                out.update((s, {t: 1.0}) for s, t in group)
                continue
            out.update(_fit(group, {c: self.employment.get((a, c)) for c, _ in group},
                            {c: self.employment.get((b, c)) for _, c in group}))
        self._cache[(a, b)] = out
        return out


def _fit(edges: list[tuple[str, str]], rows: dict[str, float | None], cols: dict[str, float | None],
         rounds: int = 60) -> dict[str, dict[str, float]]:
    """Flows on `edges` whose sums approach each source's size (rows) and each target's (cols); each
    source's shares of its flows."""
    sources_of: dict[str, int] = defaultdict(int)
    for _, t in edges:
        sources_of[t] += 1
    known = [v for v in cols.values() if v]
    mean = sum(known) / len(known) if known else 1.0
    col = {t: v or mean for t, v in cols.items()}
    row = {s: v or sum(col[t] / sources_of[t] for e, t in edges if e == s) for s, v in rows.items()}
    scale = sum(row.values()) / sum(col.values())
    col = {t: v * scale for t, v in col.items()}
    flow = {edge: 1.0 for edge in edges}
    for _ in range(rounds):
        for margin, index in ((row, 0), (col, 1)):
            total: dict[str, float] = defaultdict(float)
            for edge, value in flow.items():
                total[edge[index]] += value
            flow = {edge: value * margin[edge[index]] / total[edge[index]] if total[edge[index]] else value
                    for edge, value in flow.items()}
    out: dict[str, dict[str, float]] = defaultdict(dict)
    totals: dict[str, float] = defaultdict(float)
    for (s, t), value in flow.items():
        totals[s] += value
    for (s, t), value in flow.items():
        out[s][t] = value / totals[s] if totals[s] else 1.0 / len([e for e in edges if e[0] == s])
    return out


def read_occupations(con: duckdb.DuckDBPyConnection) -> dict[str, list[Occupation]]:
    rows = con.execute(
        """SELECT o.occupation_id, o.edition, e.base_year, o.title, coalesce(o.soc_codes, []),
                  any_value(p.canonical_url), any_value(oe.jobs)
           FROM occupations AS o
           JOIN editions AS e USING (edition)
           JOIN current_pages AS p USING (occupation_id)
           LEFT JOIN occupation_editions AS oe USING (occupation_id)
           GROUP BY ALL ORDER BY e.base_year, o.occupation_id""").fetchall()
    code_jobs: dict[str, dict[str, float]] = defaultdict(dict)
    for occupation_id, code, jobs in con.execute(
            """SELECT p.occupation_id, f.soc_code, max(f.value)
               FROM extracted_figures AS f JOIN current_pages AS p USING (page_id)
               WHERE f.kind = 'projection' AND f.measure = 'employment_base' AND f.source = 'table'
                 AND f.soc_code IS NOT NULL
               GROUP BY ALL""").fetchall():
        code_jobs[occupation_id][code] = float(jobs)
    by_edition: dict[str, list[Occupation]] = defaultdict(list)
    for row in rows:
        jobs = float(row[6]) if row[6] is not None else None
        by_edition[row[1]].append(Occupation(*row[:6], jobs=jobs, code_jobs=code_jobs.get(row[0], {})))
    return dict(sorted(by_edition.items(), key=lambda item: item[1][0].base_year))


def read_crosswalk(con: duckdb.DuckDBPyConnection) -> Crosswalk:
    """The crosswalks with each code's employment: the projections matrices' (SOC 2010 and 2018), and for
    SOC 2000, which no matrix shipped covers, the pages' own projections rows (the latest edition's)."""
    employment = {(vintage, code): float(jobs) for vintage, code, jobs in con.execute(
        "SELECT soc_vintage, code, employment FROM ref_ep_employment").fetchall()}
    for base_year, code, jobs in con.execute(
            """SELECT e.base_year, f.soc_code, max(f.value)
               FROM extracted_figures AS f JOIN current_pages AS p USING (page_id) JOIN editions AS e USING (edition)
               WHERE f.kind = 'projection' AND f.measure = 'employment_base' AND f.source = 'table'
                 AND f.soc_code IS NOT NULL
               GROUP BY ALL ORDER BY e.base_year DESC""").fetchall():
        employment.setdefault((soc_vintage(base_year), code), float(jobs))
    return Crosswalk(con.execute("SELECT from_vintage, from_code, to_vintage, to_code FROM ref_soc_crosswalk").fetchall(),
                     employment)


def _overrides() -> list[dict]:
    with OVERRIDES.open(newline="") as handle:
        return list(csv.DictReader(handle))


def link(older: list[Occupation], newer: list[Occupation], crosswalk: Crosswalk) -> list[Succession]:
    """Record on each older occupation its links to newer ones, with their evidence; return what became of
    each older occupation in the newer ones it links to."""
    if not older or not newer:
        return []
    v_old, v_new = soc_vintage(older[0].base_year), soc_vintage(newer[0].base_year)
    by_code, by_slug, by_words = defaultdict(list), defaultdict(list), defaultdict(list)
    for occupation in newer:
        for code in occupation.detailed_codes:
            by_code[code].append(occupation)
        if occupation.url_slug:
            by_slug[occupation.url_slug].append(occupation)
        by_words[frozenset(words(occupation.title))].append(occupation)
    flows: dict[tuple[str, str], float] = defaultdict(float)  # (older, newer) -> share of the older's employment
    for occupation in older:
        found: dict[tuple[str, str], str] = {}
        chains: dict[str, list[str]] = defaultdict(list)  # every code's path that reaches the match
        for code, (targets, chain) in sorted(crosswalk.translate(occupation.detailed_codes, v_old, v_new).items()):
            for match_id in dict.fromkeys(m.occupation_id for t in sorted(targets) for m in by_code.get(t, [])):
                chains[match_id].append(chain)
        for match_id, paths in chains.items():
            found[(match_id, "soc_crosswalk")] = "; ".join(paths)
        for match in by_slug.get(title_slug(occupation.title), []):
            found[(match.occupation_id, "url_lineage")] = f"{match.url} is named after '{occupation.title}'"
        for match in by_words.get(frozenset(words(occupation.title)), []):
            found[(match.occupation_id, "title")] = f"'{occupation.title}' = '{match.title}'"
        occupation.links = [(newer_id, evidence, detail) for (newer_id, evidence), detail in found.items()]
        weights = _code_weights(occupation, v_old, crosswalk)
        total = sum(weights.values())
        for code, weight in weights.items():
            for target, share in crosswalk.shares(code, v_old, v_new).items():
                owners = by_code.get(target, [])
                for match in owners:
                    flows[(occupation.occupation_id, match.occupation_id)] += weight / total * share / len(owners)
    kinds = _apply_overrides(older, newer)
    sizes = {o.occupation_id: o.jobs or sum(_code_weights(o, v_old, crosswalk).values()) for o in older}
    return _successions(older, newer, flows, kinds, sizes)


def _code_weights(occupation: Occupation, vintage: int, crosswalk: Crosswalk) -> dict[str, float]:
    """Each detailed code's employment: the page's projections row, else the projections matrix of its SOC;
    where neither is known, the mean of those known (or equal weights)."""
    codes = sorted(occupation.detailed_codes)
    weights = {c: occupation.code_jobs.get(c) or crosswalk.employment.get((vintage, c)) for c in codes}
    known = [w for w in weights.values() if w]
    fill = sum(known) / len(known) if known else 1.0
    return {c: w or fill for c, w in weights.items()}


def _apply_overrides(older: list[Occupation], newer: list[Occupation]) -> dict[tuple[str, str], str]:
    """Add or remove links the overrides file names; the kinds it settles, by (older, newer) id."""
    titles = {(o.edition, o.title.lower()): o for o in (*older, *newer)}
    kinds = {}
    for row in _overrides():
        old = titles.get((row["older_edition"], row["older_title"].lower()))
        new = titles.get((row["newer_edition"], row["newer_title"].lower()))
        if not old or not new:
            continue
        if row["action"] == "remove":
            old.links = [entry for entry in old.links if entry[0] != new.occupation_id]
        else:
            old.links.append((new.occupation_id, "override", row["reason"]))
            kinds[(old.occupation_id, new.occupation_id)] = row.get("kind") or "continues"
    return kinds


def _successions(older: list[Occupation], newer: list[Occupation], flows: dict[tuple[str, str], float],
                 settled: dict[tuple[str, str], str], size: dict[str, float]) -> list[Succession]:
    by_id = {o.occupation_id: o for o in (*older, *newer)}
    inflow: dict[str, float] = defaultdict(float)  # jobs each newer occupation drew from the older edition
    for (old_id, new_id), share in flows.items():
        inflow[new_id] += share * size[old_id]
    out = []
    for occupation in older:
        evidence: dict[str, set[str]] = defaultdict(set)
        for newer_id, kind, _ in occupation.links:
            evidence[newer_id].add(kind)
        for newer_id, kinds in evidence.items():
            share = flows.get((occupation.occupation_id, newer_id))
            of_newer = share * size[occupation.occupation_id] / inflow[newer_id] if share and inflow[newer_id] else None
            kind = settled.get((occupation.occupation_id, newer_id)) or _kind(share, of_newer, kinds)
            out.append(Succession(occupation, by_id[newer_id], kind, share, of_newer, "+".join(sorted(kinds))))
    return out


def _kind(of_older: float | None, of_newer: float | None, evidence: set[str]) -> str:
    """What a link means, from the shares of employment; without codes to share (a page stating none), the
    same title or page name is the same occupation."""
    if of_older is None or of_newer is None:
        return "continues" if evidence & {"title", "url_lineage", "override"} else "contributed"
    if of_older >= 0.5:
        return "continues" if of_newer >= 0.5 else "merged"
    return "split" if of_newer >= 0.5 else "contributed"


def save_identity(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild occupation_links, occupation_succession and occupation_lineage from the occupations of the
    current pages, and the timeline that follows them (occupation_timeline_saved). The links are computed
    from what is read here alone: when that is what they were last built from (a load that changed no
    occupation, no page address, no employment figure), they stay as they are, and only the timeline,
    which follows every figure, is built again."""
    crosswalk = read_crosswalk(con)
    editions = list(read_occupations(con).values())
    inputs = _inputs_digest(crosswalk, editions)
    if inputs != schema_info(con, INPUTS_KEY):
        _save_links(con, crosswalk, editions)
        con.execute("INSERT OR REPLACE INTO schema_info VALUES (?, ?)", [INPUTS_KEY, inputs])
    con.execute(SAVE_TIMELINE_SQL)


# schema_info: a digest of what the identity tables were built from, by which code (and reference data,
# warehouse/derivation.py) and into which shape
INPUTS_KEY = "identity_inputs"


def _inputs_digest(crosswalk: Crosswalk, editions: list[list[Occupation]]) -> str:
    digest = hashlib.sha256(f"{derivation.fingerprint()}\0{SHAPE_SHA256}\0".encode())
    digest.update(repr(sorted(crosswalk.employment.items())).encode())
    for edition in editions:
        for o in edition:
            digest.update(repr((o.occupation_id, o.edition, o.base_year, o.title, o.soc_codes, o.url, o.jobs,
                                sorted(o.code_jobs.items()))).encode())
    return digest.hexdigest()


def _save_links(con: duckdb.DuckDBPyConnection, crosswalk: Crosswalk, editions: list[list[Occupation]]) -> None:
    successions: list[Succession] = []
    for older, newer in zip(editions, editions[1:]):
        successions += link(older, newer, crosswalk)
    main_line = _main_line(successions)
    # occupation_id -> (key, lineage, soc lineage), from the latest edition back
    keys: dict[str, tuple[str, str, str | None]] = {}
    chains = {(o.occupation_id, n): d for e in editions for o in e for n, k, d in o.links if k == "soc_crosswalk"}
    for index in range(len(editions) - 1, -1, -1):
        for occupation in editions[index]:
            own_codes = ", ".join(sorted(occupation.detailed_codes)) or None
            own_soc = f"{own_codes} (SOC {soc_vintage(occupation.base_year)})" if own_codes else None
            step = main_line.get(occupation.occupation_id)
            if index == len(editions) - 1 or step is None:
                later = "" if index == len(editions) - 1 else " (did not continue in later editions)"
                keys[occupation.occupation_id] = (occupation.slug, f"{occupation.edition}{later}", own_soc)
                continue
            key, lineage, soc = keys[step.newer.occupation_id]
            path = f"{occupation.edition} -{step.kind}:{step.evidence}-> {lineage}"
            crosswalked = chains.get((occupation.occupation_id, step.newer.occupation_id))
            keys[occupation.occupation_id] = (key, path, _soc_path(own_soc, crosswalked, step.evidence, soc))
    for table in ("occupation_links", "occupation_succession", "occupation_lineage"):
        con.execute(f"DELETE FROM {table}")
    links = [(o.occupation_id, n, e, d) for edition in editions for o in edition for n, e, d in o.links]
    insert_rows(con, "occupation_links", pa.table({
        "older_id": [r[0] for r in links], "newer_id": [r[1] for r in links],
        "evidence": [r[2] for r in links], "detail": [r[3] for r in links]}))
    insert_rows(con, "occupation_succession", pa.table({
        "older_id": [s.older.occupation_id for s in successions], "newer_id": [s.newer.occupation_id for s in successions],
        "kind": [s.kind for s in successions],
        "share_of_older": pa.array([_share(s.share_of_older) for s in successions], pa.float64()),
        "share_of_newer": pa.array([_share(s.share_of_newer) for s in successions], pa.float64()),
        "evidence": [s.evidence for s in successions]}))
    insert_rows(con, "occupation_lineage", pa.table({
        "occupation_id": list(keys), "occupation_key": [k[0] for k in keys.values()],
        "lineage": [k[1] for k in keys.values()], "soc_lineage": pa.array([k[2] for k in keys.values()], pa.string())}))


def _share(value: float | None) -> float | None:
    return None if value is None else round(min(value, 1.0), 4)


def _main_line(successions: list[Succession]) -> dict[str, Succession]:
    """Each older occupation's continuing (or merging) link: the one that took most of its employment."""
    best: dict[str, Succession] = {}
    for s in successions:
        if s.kind not in MAIN_LINE:
            continue
        current = best.get(s.older.occupation_id)
        if current is None or (s.share_of_older or 0) > (current.share_of_older or 0):
            best[s.older.occupation_id] = s
    return best


def _soc_path(own: str | None, crosswalked: str | None, evidence: str, later: str | None) -> str | None:
    """The SOC codes from this occupation to its key's: the crosswalk path where SOC codes linked them,
    else the occupation's own codes (or none) and, after the other evidence, the later path."""
    if crosswalked:
        return crosswalked
    if later is None:
        return own
    return f"{own or 'no SOC code stated'}; by {evidence} to {later}"


@dataclass(slots=True)
class NewerLine:
    """How one occupation of the newer edition links to the older one."""

    title: str
    main: list[str]  # the continuing (or merging) links: 'Taxi Drivers and Chauffeurs (continues: 100% of it, 67% of this)'
    parts: list[str]  # the partial ones: 'Bus Drivers (contributed: 18% of it, 34% of this)'
    reason: str | None  # why it continues nothing of the older edition; None when it does


@dataclass(slots=True)
class LinkReport:
    older: str
    newer: str
    lines: list[NewerLine]

    @property
    def total(self) -> int:
        return len(self.lines)

    @property
    def continued(self) -> int:
        return sum(1 for line in self.lines if line.main)

    @property
    def unlinked(self) -> list[tuple[str, str]]:
        return [(line.title, line.reason) for line in self.lines if not line.main]


def link_report(con: duckdb.DuckDBPyConnection, older_edition: str, newer_edition: str) -> LinkReport:
    """For each occupation of the newer edition: the occupations of the older one it continues or merges,
    the parts it drew from others, with the shares, and where it continues none, why (what it drew from,
    or why nothing links)."""
    crosswalk = read_crosswalk(con)
    editions = read_occupations(con)
    older, newer = editions.get(older_edition, []), editions.get(newer_edition, [])
    incoming: dict[str, list[tuple[str, str, float | None, float | None]]] = defaultdict(list)
    for newer_id, title, kind, of_older, of_newer in con.execute(
            """SELECT s.newer_id, o.title, s.kind, s.share_of_older, s.share_of_newer
               FROM occupation_succession AS s JOIN occupations AS o ON o.occupation_id = s.older_id
               WHERE o.edition = ? ORDER BY s.share_of_newer DESC NULLS LAST, o.title""", [older_edition]).fetchall():
        incoming[newer_id].append((title, kind, of_older, of_newer))
    older_codes = {c for o in older for c in o.detailed_codes}
    lines = []
    for occupation in sorted(newer, key=lambda o: o.title.lower()):
        links = incoming.get(occupation.occupation_id, [])
        main = [_link_text(link) for link in links if link[1] in MAIN_LINE]
        parts = [_link_text(link) for link in links if link[1] not in MAIN_LINE]
        reason = None
        if main:
            pass
        elif links:
            reason = f"a new occupation in {older_edition}'s terms, drawn from {'; '.join(parts)}"
        elif not occupation.detailed_codes:
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
        lines.append(NewerLine(occupation.title, main, parts if main else [], reason))
    return LinkReport(older_edition, newer_edition, lines)


def _link_text(link: tuple[str, str, float | None, float | None]) -> str:
    title, kind, of_older, of_newer = link
    return f"{title} ({kind}: {_percent(of_older)} of it, {_percent(of_newer)} of this)"


def _percent(share: float | None) -> str:
    return "?" if share is None else f"{100 * share:.0f}%" if share >= 0.005 else "<1%"


def link_review_rows(con: duckdb.DuckDBPyConnection, older_edition: str, newer_edition: str) -> list[dict[str, str]]:
    """Every link from one edition to the next as text for review: shares to two decimals (what a reviewer
    can judge, and steady under small changes in the reference data)."""
    rows = con.execute(
        """SELECT older_title, newer_title, kind, share_of_older, share_of_newer, main_line, evidence
           FROM lineage_links WHERE older_edition = ? AND newer_edition = ?
           ORDER BY newer_title, older_title""", [older_edition, newer_edition]).fetchall()
    return [dict(zip(REVIEW_COLUMNS, (old, new, kind, _two(of_older), _two(of_newer), "yes" if main else "no", evidence)))
            for old, new, kind, of_older, of_newer, main, evidence in rows]


def _two(share: float | None) -> str:
    return "" if share is None else f"{share:.2f}"
