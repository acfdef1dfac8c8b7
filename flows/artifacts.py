"""create_*: a run's Prefect artifacts (the summary, the rejected files, the quality findings, the version
written), in the words of flows/report.py. They stay with the flow run on the Prefect server, so a run
started by a schedule reports as fully as `ooh` does in a terminal."""
from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows import report as words
from warehouse.load import LoadSummary
from warehouse.load_report import LoadReport


def create_ingest_artifacts(summary: LoadSummary, report: LoadReport | None, source: str, warehouse: str,
                            seconds: float, unchanged_version: str | None = None) -> None:
    """`unchanged_version`: the version an ingest that found nothing new left in place."""
    lines = words.load_lines(summary, source, warehouse)
    load = f"load {summary.load_id}" if summary.load_id is not None else "this ingest (nothing new)"
    version = (words.version_line(report) if summary.load_id is not None
               else words.unchanged_version_line(unchanged_version))
    calls = [
        lambda: create_markdown_artifact(words.ingest_markdown(lines, report, seconds, version),
                                         key=words.INGEST_SUMMARY, description=f"What {load} did"),
        lambda: create_table_artifact(words.rejected_rows(summary), key=words.INGEST_REJECTED,
                                      description=f"Files {load} did not load, with the reasons"),
    ]
    if summary.load_id is not None:  # else it wrote no version and checked nothing: the latest quality table and
        # version by key stay those of the load that wrote the warehouse (the summary names that version)
        calls += [
            lambda: create_table_artifact(words.quality_rows(summary, report), key=words.INGEST_QUALITY,
                                          description=f"Data quality checks after {load}: findings per check"),
            lambda: create_markdown_artifact(version, key=words.WAREHOUSE_VERSION,
                                             description="The warehouse version this run published"),
        ]
    _at_once(calls)


def _at_once(calls: list[Callable[[], object]]) -> None:
    """Each call in a thread of its own, in a copy of this run's context (which says whose artifacts they
    are): each artifact is a round trip to the API, and the run waits for the slowest, not for their sum."""
    with ThreadPoolExecutor(len(calls)) as pool:
        for future in [pool.submit(contextvars.copy_context().run, call) for call in calls]:
            future.result()


def create_fetch_artifacts(summary, archive: str, seconds: float) -> None:
    lines = words.fetch_lines(summary, archive)
    if summary.stopped:
        lines.append(words.stop_line(summary))
    _at_once([
        lambda: create_markdown_artifact(words.fetch_markdown(lines, seconds), key=words.FETCH_SUMMARY,
                                         description=f"What fetch run {summary.run_id} did"),
        lambda: create_table_artifact(words.failure_rows(summary), key=words.FETCH_FAILURES,
                                      description=f"Pages fetch run {summary.run_id} could not fetch, with the reasons"),
    ])


def create_failure_artifact(key: str, what: str, reason: str, seconds: float) -> None:
    """A run that ends without a summary still says why, where its summary would have been."""
    create_markdown_artifact(f"# {what} failed\n\n{reason}\n\nDuration: {seconds:.1f} s.", key=key,
                             description=f"Why this {what.lower()} failed")
