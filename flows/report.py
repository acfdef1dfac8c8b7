"""The words a run reports in: the lines `ooh` prints and the Markdown and tables of the run's Prefect
artifacts are made here, from the same summaries, so that both say the same thing."""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line imports this module: no DuckDB for the commands that do not need it
    from warehouse.load import LoadSummary
    from warehouse.load_report import LoadReport

# Artifact keys: stable, so that each run adds a version of the same artifact and the UI shows its history.
INGEST_SUMMARY, INGEST_REJECTED, INGEST_QUALITY = "ooh-ingest-summary", "ooh-ingest-rejected", "ooh-ingest-quality"
FETCH_SUMMARY, FETCH_FAILURES = "ooh-fetch-summary", "ooh-fetch-failures"
WAREHOUSE_VERSION = "ooh-warehouse-version"


def load_lines(summary: LoadSummary, source: str, warehouse: str) -> list[str]:
    """What an ingest did, as `ooh ingest` prints it."""
    if summary.load_id is None:
        return [
            f"Nothing new in {source}: its {summary.inputs_seen} files are {summary.pages_unchanged} pages "
            f"{warehouse} holds ({summary.inputs_duplicate} duplicates of another file's bytes) and "
            f"{summary.inputs_rejected} files it rejected before, all by this parser version; nothing was parsed "
            "or written.",
            *_rejected_lines(summary),
            UNCHECKED_QUALITY,
        ]
    lines = [
        f"Loaded {summary.inputs_seen} files from {source} into {warehouse} (load {summary.load_id}): "
        f"{summary.pages_new} new pages, {summary.pages_replaced} re-parsed, {summary.pages_unchanged} unchanged, "
        f"{summary.inputs_duplicate} duplicates of another file's bytes (stored once, linked), "
        f"{summary.inputs_rejected} rejected; {summary.sections_written} sections and "
        f"{summary.figures_written} figures written."
    ]
    if summary.inputs_not_parsed:
        lines.append(f"{summary.inputs_not_parsed} files were not parsed again: the warehouse holds their pages, "
                     "or rejected their bytes, from this parser version.")
    lines += _rejected_lines(summary)
    if summary.figures_refused:
        lines.append(f"{summary.figures_refused} figures the pages state were not kept (implausible values, or numbers "
                     "in forms the handbook never uses); list them with: ooh query \"SELECT * FROM refused_figures\"")
    lines.append(quality_line(summary.quality))
    return lines


# A run that writes nothing checks nothing: the findings of the load that wrote the warehouse still hold, and
# the latest quality artifact is still that load's.
UNCHECKED_QUALITY = ("Data quality: not checked again, as nothing changed; the findings of the last load stand: "
                     "ooh query \"SELECT * FROM quality_report\"")


def _rejected_lines(summary: LoadSummary) -> list[str]:
    return [f"  rejected {source_url}: {reason} [{code}]" for source_url, code, reason in summary.rejected]


def quality_line(quality: dict[str, int]) -> str:
    findings = sum(quality.values())
    if not findings:
        return f"Data quality: all {len(quality)} checks pass."
    return (f"Data quality: {findings} findings ("
            + ", ".join(f"{name}: {count}" for name, count in quality.items() if count)
            + "); list them with: ooh query \"SELECT * FROM quality_report\"")


def fetch_lines(summary, archive: str) -> list[str]:
    """What a fetch did (flows.fetch.FetchSummary), as `ooh fetch` prints it before its load's lines."""
    lines = []
    if summary.reindexed:
        lines.append(f"Indexed {summary.reindexed} archived records the index lacked (written by a run that was "
                     "interrupted).")
    lines.append(f"Fetched {summary.source} into {archive}: {summary.targets} pages found, {summary.fetched} fetched, "
                 f"{summary.unchanged} unchanged, {summary.skipped} archived already, {len(summary.failures)} failed"
                 f"{f', {summary.left} left to fetch' if summary.stopped else ''}.")
    if summary.source.startswith("wayback"):
        lines.append(f"  {summary.requests} requests made; {summary.other_edition} captures stated another edition "
                     f"(archived as that edition's); {summary.unmatched} pages have no capture left that states the "
                     "edition sought.")
    for reason, count in Counter(reason for *_, reason in summary.failures).most_common():
        examples = [url for url, *_, r in summary.failures if r == reason][:3]
        lines.append(f"  {count} failed: {reason} (e.g. {', '.join(examples)})")
    return lines


def stop_line(summary) -> str:
    return (f"stopped: {summary.stopped} What was archived before the stop is kept: "
            "'ooh ingest --source archive' loads it.")


def unchanged_version_line(version: str | None) -> str:
    return f"Warehouse version: {version or 'none yet'}, unchanged (nothing new to load)."


def version_line(report: LoadReport | None) -> str:
    if report is None:
        return "Warehouse version: not known (the warehouse could not be read after the load; the run's log says why)."
    if report.version is None:
        return "Warehouse version: not known (another writer published after this run)."
    return f"Warehouse version: {report.version.id} ({report.version.label()})."


def _occupations(title: str, rows: list[tuple[str, str]], shown: int = 50) -> list[str]:
    if not rows:
        return [f"**{title}:** none."]
    more = f" (and {len(rows) - shown} more)" if len(rows) > shown else ""
    return [f"**{title} ({len(rows)}):**", "", *[f"- {title_} ({edition})" for edition, title_ in rows[:shown]]
            ] + ([f"- ...{more}"] if more else [])


def ingest_markdown(lines: list[str], report: LoadReport | None, seconds: float, version: str) -> str:
    """The run's summary artifact: the printed lines, then what changed, how long it took, what it wrote."""
    head, rest = lines[0], lines[1:]
    parts = ["# Ingest", "", head, "", *[f"- {line.strip()}" if line.startswith("  ") else line for line in rest], ""]
    if report is not None:
        parts += [*_occupations("New occupations", report.new), "", *_occupations("Changed occupations", report.changed), ""]
    parts += [f"Duration: {seconds:.1f} s.", "", version]
    return "\n".join(parts)


def fetch_markdown(lines: list[str], seconds: float) -> str:
    return "\n".join(["# Fetch", "", *[f"- {line.strip()}" if line.startswith("  ") else line for line in lines],
                      "", f"Duration: {seconds:.1f} s."])


def rejected_rows(summary: LoadSummary) -> list[dict]:
    return [{"file": url, "reason": reason, "code": code} for url, code, reason in summary.rejected]


def quality_rows(summary: LoadSummary, report: LoadReport | None) -> list[dict]:
    """One row per check: its findings after this load and, where there are any, the first few."""
    details: dict[str, list[str]] = {}
    for check, edition, occupation, detail in (report.findings if report else []):
        details.setdefault(check, []).append(f"{occupation} ({edition}): {detail}")
    return [{"check": name, "findings": count, "examples": "; ".join(details.get(name, [])[:3])}
            for name, count in summary.quality.items()]


def failure_rows(summary) -> list[dict]:
    return [{"url": url, "attempts": attempts, "last_status": status, "reason": reason}
            for url, attempts, status, reason in summary.failures]


_URL_SHAPES = {"ocos": "/oco/ocosNNN.htm", "ooh": "/ooh/<group>/<slug>.htm"}


def plan_lines(plan) -> list[str]:
    """A Wayback backfill's plan (flows.plan.Plan), as `ooh fetch wayback --dry-run` prints it."""
    lines = [f"Wayback backfill plan: {len(plan.editions)} editions from {plan.wayback} (a dry run: no page "
             "fetched, nothing archived)"]
    for entry in plan.editions:
        edition, found = entry.edition, entry.discovery
        until = edition.on_site_to.isoformat() if edition.on_site_to else "now"
        index = _index_note(edition.url_scheme, found)
        lines.append(f"  {edition.name}  on bls.gov {edition.on_site_from.isoformat()} to {until}, "
                     f"{_URL_SHAPES[edition.url_scheme]}: {len(found.targets)} pages captured{index}, "
                     f"{entry.archived} archived already, {entry.unmatched} with no capture left, "
                     f"{entry.to_fetch} to fetch ({entry.candidates} captures to try at most)")
        lines += [f"      CDX: {url}" for url in found.cdx_urls]
        if entry.index_requests:
            lines.append(f"      A-Z index: {found.index_url}")
    indexes = sum(e.index_requests for e in plan.editions)
    pages = sum(e.to_fetch for e in plan.editions)
    lines.append(f"Requests: {plan.least} at least ({plan.cdx_requests} CDX queries, {indexes} A-Z index replays, "
                 f"{pages} page replays), {plan.most} at most if captures state other editions; robots.txt once "
                 f"per host besides. This plan made {plan.asked} of them (the CDX queries; answers archived by "
                 "earlier runs are read from the archive).")
    return lines


def _index_note(url_scheme: str, found) -> str:
    if url_scheme == "ocos":
        return ""
    if found.index_read:
        return " (as the archived A-Z index of the time lists them)"
    if found.index_url:
        return " (at most: the A-Z index of the time, one replay, narrows them)"
    return " (no A-Z index captured in the window: all of them)"
