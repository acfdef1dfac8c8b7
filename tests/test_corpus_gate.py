"""The corpus quality gate: every real page accounted for, and coverage per page class at or above the
committed floors (tests/gate/floors.json), which only go up.

Runs on ../shared/corpus, which CI always has; a checkout without it says so and runs the rest.
"""
import json
from collections import Counter

import pytest

from flows.gate import CORPUS, CORPUS_DIRS, EXEMPTIONS, measure, name_of, read_exemptions, read_floors, read_manifest
from parsers.coverage import checks

pytestmark = pytest.mark.skipif(not all(d.is_dir() for d in CORPUS_DIRS),
                                reason=f"no corpus at {CORPUS}: the corpus gate did not run")
# A measured share this far above its floor means the floor should be raised (scripts/raise_floors.py).
RATCHET = 0.005


def test_every_file_is_loaded_or_rejected_with_a_specific_reason(corpus_inputs, corpus_warehouse):
    files = [p for d in CORPUS_DIRS for p in d.rglob("*") if p.is_file()]
    # 1 seed, 324 + 2 error pages of 2010-11, 342 current, 4 markdown captures of current pages
    assert len(corpus_inputs) == len(files) == 673
    rejected = {name_of(i): i.reason_code for i in corpus_inputs if i.page is None}
    assert rejected == {"ocos028_404-not-found.html": "not_found_page", "ocos029_404-not-found.html": "not_found_page",
                        "ocos069_teachers.html": "landing_page"}
    con = corpus_warehouse
    sources = con.execute("SELECT count(*) FROM page_sources").fetchone()[0]
    rejects = con.execute("SELECT count(*) FROM rejected_inputs").fetchone()[0]
    assert sources + rejects == len(files)


def test_the_folders_are_the_manifests_and_pages_parse_as_its_edition(corpus_inputs):
    manifest = read_manifest()
    assert [d.name for d in CORPUS_DIRS] == ["seed", "ooh-2010-11", "ooh-current", "markdown-captures"]
    checked = 0
    for item in corpus_inputs:
        row = manifest.get(item.source_url.split("/corpus/real/", 1)[-1])
        if item.page is not None and row is not None:
            assert item.page.edition.label == row["edition"].split()[0], item.source_url
            checked += 1
    assert checked == 324 - 1 + 342 + 4  # every page the manifest lists but the landing page (ocos069)


def test_byte_identical_pages_are_stored_once_and_linked(corpus_inputs, corpus_warehouse):
    shas = Counter(i.sha256 for i in corpus_inputs if i.page is not None)
    duplicated = {sha: n for sha, n in shas.items() if n > 1}
    assert len(duplicated) == 27  # groups the corpus notes list
    con = corpus_warehouse
    assert con.execute("SELECT count(*) FROM pages").fetchone()[0] == len(shas)
    linked = dict(con.execute("SELECT page_id, count(*) FROM page_sources GROUP BY page_id HAVING count(*) > 1").fetchall())
    assert linked == duplicated


def test_coverage_meets_the_floors(corpus_inputs):
    measured, failing = measure(corpus_inputs)
    floors = read_floors()
    problems = []
    for cls, expected in floors.items():
        for check, floor in expected.items():
            hits, n = measured.get(cls, {}).get(check, (0, 0))
            share = hits / n if n else 0.0
            if share < floor:
                problems.append(f"{cls} {check}: {share:.4f} < floor {floor} (failing: {failing.get((cls, check), [])[:10]})")
    assert not problems, "\n".join(problems)


def test_every_check_has_a_floor_and_floors_are_kept_tight(corpus_inputs):
    measured, _ = measure(corpus_inputs)
    floors = read_floors()
    unfloored = [(cls, c) for cls, cs in measured.items() for c in cs if c not in floors.get(cls, {})]
    assert not unfloored, f"new checks need floors: run scripts/raise_floors.py ({unfloored})"
    loose = [(cls, c, floors[cls][c], round(h / n, 4)) for cls, cs in measured.items() for c, (h, n) in cs.items()
             if h / n - floors[cls].get(c, 0) > RATCHET]
    assert not loose, f"coverage rose above these floors: raise them with scripts/raise_floors.py ({loose})"


def test_exemptions_name_real_pages_and_checks_that_fail_without_them(corpus_inputs):
    pages = {name_of(i): i.page for i in corpus_inputs if i.page is not None}
    for (page, check), reason in read_exemptions().items():
        assert reason.strip(), (page, check)
        assert page in pages, f"{EXEMPTIONS.name}: no page {page}"
        assert checks(pages[page]).get(check) is False, f"{page} passes {check} now: drop its exemption"


def test_floors_file_is_valid():
    floors = read_floors()
    assert floors and all(0 <= v <= 1 for cls in floors.values() for v in cls.values())
    # What the gate promises: every 2010-11 full statement and every current Quick Facts page complete.
    for check in ("figure/employment/jobs", "figure/wage/median", "figure/projection/table"):
        assert floors["ocos_full 2010-11"][check] == 1.0
    for check in ("quick_facts/median_pay", "quick_facts/number_of_jobs", "quick_facts/job_outlook",
                  "quick_facts/employment_change", "quick_facts/entry_level_education",
                  "quick_facts/work_experience", "quick_facts/on_the_job_training"):
        assert floors["tabbed_quick_facts 2024-34"][check] == 1.0
    json.dumps(floors)
