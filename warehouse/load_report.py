"""read_*: what one load changed, for its run's report: the occupations it added, those whose pages it
wrote again, its quality findings, and the version of the warehouse that holds it. Read-only."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from warehouse.db import looking_at
from warehouse.versions import Version, read_version

# Occupation statements first stored by the load (an occupation row keeps the load that first wrote it).
_NEW = """SELECT edition, title FROM occupations WHERE load_id = ? ORDER BY edition, title"""
# Statements that existed before and whose page the load wrote: new bytes, or a new parser version.
_CHANGED = """SELECT DISTINCT o.edition, o.title FROM pages AS p JOIN occupations AS o USING (occupation_id)
              WHERE p.load_id = ? AND o.load_id < ? ORDER BY o.edition, o.title"""
_FINDINGS = """SELECT q.check_name, q.edition, o.title, q.detail FROM quality_violations AS q
               LEFT JOIN occupations AS o USING (occupation_id) WHERE q.load_id = ?
               ORDER BY q.check_name, q.edition, o.title"""


@dataclass(slots=True)
class LoadReport:
    new: list[tuple[str, str]] = field(default_factory=list)  # edition, title
    changed: list[tuple[str, str]] = field(default_factory=list)
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)  # check, edition, occupation, detail
    version: Version | None = None  # the published version, when it is the one this process wrote


def read_load_report(path: str | Path, load_id: int, version_id: str | None) -> LoadReport:
    """`version_id`: the version the load published; another writer may have published since, and then the
    report says so by leaving `version` out rather than naming someone else's."""
    path = Path(path)
    with looking_at(path) as con:
        report = LoadReport(
            new=con.execute(_NEW, [load_id]).fetchall(),
            changed=con.execute(_CHANGED, [load_id, load_id]).fetchall(),
            findings=con.execute(_FINDINGS, [load_id]).fetchall(),
        )
    version = read_version(path)
    report.version = version if version and version.id == version_id else None
    return report
