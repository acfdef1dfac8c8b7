"""The corpus quality gate's data: the committed floors and exemptions, and measuring a folder against them.

Used by `ooh report`, tests/test_corpus_gate.py and scripts/raise_floors.py.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from flows.batch import read_inputs
from flows.settings import PROJECT_ROOT
from flows.sources import list_local_pages
from parsers.coverage import coverage, failures
from warehouse.load import Input

GATE_DIR = PROJECT_ROOT / "tests" / "gate"
FLOORS = GATE_DIR / "floors.json"
EXEMPTIONS = GATE_DIR / "exemptions.csv"
CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
CORPUS_DIRS = (CORPUS / "seed", CORPUS / "real" / "ooh-2010-11", CORPUS / "real" / "ooh-current")


def read_exemptions(path: Path = EXEMPTIONS) -> dict[tuple[str, str], str]:
    with path.open(newline="") as handle:
        return {(row["page"], row["check"]): row["reason"] for row in csv.DictReader(handle)}


def read_floors(path: Path = FLOORS) -> dict[str, dict[str, float]]:
    return json.loads(path.read_text()) if path.exists() else {}


def read_folders(folders) -> list[Input]:
    return [item for folder in folders for item in read_inputs(list_local_pages(folder))]


def name_of(item: Input) -> str:
    return item.source_url.rsplit("/", 1)[-1]


def measure(inputs: list[Input]):
    """(coverage, failures) of the parsed inputs, exemptions applied."""
    exempt = frozenset(read_exemptions())
    pages = [(name_of(i), i.page) for i in inputs if i.page is not None]
    return coverage(pages, exempt), failures(pages, exempt)
