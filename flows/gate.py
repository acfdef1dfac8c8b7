"""The corpus quality gate's data: the committed floors and exemptions, and measuring a folder against them.

Used by `ooh coverage`, tests/test_corpus_gate.py and scripts/raise_floors.py.
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
MANIFEST = CORPUS / "real" / "MANIFEST.tsv"
# The page the project was specified from, which the manifest of the real pages does not list.
SEED_DIR = CORPUS / "seed"
# The manifest's layout column: what is no handbook statement (tables, indexes, others' parses, the XML
# compilation's flattening) is "other" or "xml"; every other value is a layout of statements.
NOT_STATEMENTS = frozenset({"other", "xml"})


def read_manifest(path: Path = MANIFEST) -> dict[str, dict[str, str]]:
    """{path under real/: its manifest row}, empty without a corpus."""
    if not path.is_file():
        return {}
    with path.open(newline="") as handle:
        return {row["path"]: row for row in csv.DictReader(handle, delimiter="\t")}


def corpus_dirs(manifest: dict[str, dict[str, str]]) -> tuple[Path, ...]:
    """The gate's folders: the seed's, and each folder of the real corpus that holds statements in some
    layout by the manifest (whole: BLS's error pages saved among them must be seen rejected)."""
    folders = dict.fromkeys(path.split("/", 1)[0] for path, row in manifest.items()
                            if row["layout"] not in NOT_STATEMENTS)
    # Without a manifest the list is the manifest's path, no folder: the gate says there is no corpus.
    return (SEED_DIR, *(CORPUS / "real" / folder for folder in folders)) if folders else (SEED_DIR, MANIFEST)


CORPUS_DIRS = corpus_dirs(read_manifest())


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
