"""The figure audit (tests/audit/): hand labels of pages drawn at random, and the parser held to them.

Precision and recall per sample and edition, attribution included (a median stored as the occupation's when
the page states it for a part is a miss twice), at or above the floors in tests/audit/floors.json, which
only go up; and the marts' headlines never a part's.
"""
import json

import pytest

from flows.audit import (
    AUDIT_DIR, LABELS, headlines_against_labels, headlines_of_parts, read_labels, read_samples, render_text,
    score_samples,
)
from flows.gate import CORPUS_DIRS
from parsers import parse_page
from parsers.text import clean

pytestmark = pytest.mark.skipif(not all(d.is_dir() for d in CORPUS_DIRS), reason="no corpus: the audit did not run")
FLOORS = AUDIT_DIR / "floors.json"
DONE_WHEN = 0.97  # each edition's precision and recall, attribution included
RATCHET = 0.005


@pytest.fixture(scope="module")
def scored():
    return score_samples()


def test_the_samples_are_the_corpus_pages_they_say():
    import hashlib
    items = read_samples()
    assert len({i.page for i in items}) == len(items) >= 60  # 40 + 24 pages, none twice
    for item in items:
        assert hashlib.sha256(item.path.read_bytes()).hexdigest() == item.sha256, item.page
        assert (LABELS / f"{item.path.stem}.csv").exists(), item.page


def test_every_label_is_grounded_in_its_page():
    """Each label's words are the page's: a span of its text, or a table row's title and cell."""
    for item in read_samples():
        text = render_text(parse_page(item.path.read_bytes()))
        flat = clean(text)
        rows = [clean(line[len("  row: "):]) for line in text.splitlines() if line.startswith("  row: ")]
        for label in read_labels(item.page):
            words = clean(label.words)
            if words in flat:
                continue
            title, *cells = [w.strip() for w in words.split(" | ")]
            assert cells and any(row.startswith(title) and all(c in row.split(" | ") for c in cells) for row in rows), (
                f"{item.page}: {label}")


def test_precision_and_recall_meet_the_floors(scored):
    _, totals = scored
    floors = json.loads(FLOORS.read_text())
    problems = []
    for t in totals:
        for measure in ("precision", "recall"):
            floor = floors[t.sample][t.edition][measure]
            value = getattr(t, measure)
            if value < floor:
                problems.append(f"{t.sample} {t.edition} {measure} {value:.4f} < floor {floor}")
            elif value - floor > RATCHET:
                problems.append(f"{t.sample} {t.edition} {measure} {value:.4f} is above its floor {floor}: raise it")
    assert not problems, "\n".join(problems) + "\n(scripts/audit.py lists every miss)"


def test_the_floors_hold_every_edition_to_97_percent():
    floors = json.loads(FLOORS.read_text())
    assert {"sample", "holdout", "all"} <= floors.keys()
    for sample in floors.values():
        for edition in ("2010-11", "current"):
            assert sample[edition]["precision"] >= DONE_WHEN and sample[edition]["recall"] >= DONE_WHEN


def test_a_part_taken_for_the_whole_is_a_miss(scored):
    """The scorer counts attribution: the same value stated as the occupation's is not the part's."""
    from dataclasses import replace

    from flows.audit import same_fact

    pages, _ = scored
    page = next(p for p in pages if any(label.subject_type == "part" for label, _ in p.matched))
    label, found = next((label, found) for label, found in page.matched if label.subject_type == "part")
    assert same_fact(label, found)
    assert not same_fact(label, replace(found, subject_type="occupation", part=""))


def test_no_headline_of_the_marts_is_a_part(corpus_warehouse):
    assert headlines_of_parts(corpus_warehouse) == []
    compared, wrong = headlines_against_labels(corpus_warehouse)
    assert compared >= 180 and wrong == []
