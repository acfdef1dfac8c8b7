"""Copies: inputs with the bytes of an earlier input of the same ingest are not parsed, and take its outcome.
A load with the copies staged apart holds exactly what it holds when every input is parsed."""
import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

import flows.batch
from flows.batch import stage_inputs
from flows.copies import find_copies, hash_same_sized, stage_copies
from flows.sources import list_local_pages
from warehouse.staging import release

from conftest import BAD, PAGES, run
from test_staging import loaded_both_ways, table_rows

PAGE = sorted((PAGES / "current").glob("*.html"))[0]
OTHER = sorted((PAGES / "2010-11").glob("*.html"))[0]


@pytest.fixture
def folder(tmp_path) -> Path:
    """A page saved three times, a rejected file saved twice, two pages of the same size as the first (a byte
    changed near its end, and one in its middle) and a page of a size of its own."""
    root = tmp_path / "pages"
    (root / "later").mkdir(parents=True)
    data = PAGE.read_bytes()
    for name in ("a.html", "later/a-again.html", "later/a-once-more.html"):
        (root / name).write_bytes(data)
    for name in ("bad.html", "later/bad-again.html"):
        shutil.copy(BAD / "unknown-layout.html", root / name)
    for name, at in (("a-changed.html", data.rindex(b" ")), ("a-middle.html", data.index(b" ", len(data) // 2))):
        (root / name).write_bytes(data[:at] + b"\t" + data[at + 1:])
    shutil.copy(OTHER, root / "other.html")
    return root


def names(refs, positions) -> set[str]:
    return {refs[no].path.name for no in positions}


def staged_with_copies(refs, copies: dict, staging: Path) -> list[str]:
    """What an ingest stages: the files but the copies, parsed as one batch, then the copies' batch."""
    staged = [stage_inputs([ref for no, ref in enumerate(refs) if no not in copies], staging).path]
    return [*staged, stage_copies(list(copies.values()), staged, staging)]


def test_copies_are_found_by_their_bytes_and_only_same_sized_files_are_hashed(folder):
    refs = list_local_pages(folder)
    hashed = hash_same_sized(refs)
    # other.html has a size of its own, a-changed.html other last bytes: neither can be a copy; a-middle.html
    # differs from a.html only inside, and is read whole to tell
    assert names(refs, hashed) == {"a.html", "a-again.html", "a-once-more.html", "a-middle.html", "bad.html",
                                   "bad-again.html"}
    copies = find_copies(refs, hashed)
    assert {refs[no].path.name: copy.of.rsplit("/", 1)[1] for no, copy in copies.items()} == {
        "a-again.html": "a.html", "a-once-more.html": "a.html", "bad-again.html": "bad.html"}


def test_a_load_with_copies_staged_apart_holds_what_parsing_every_input_gives(folder, tmp_path, monkeypatch):
    refs = list_local_pages(folder)
    copies = find_copies(refs, hash_same_sized(refs))
    parsed = []
    parse = flows.batch.parse_page
    monkeypatch.setattr(flows.batch, "parse_page", lambda data: parsed.append(data) or parse(data))
    staged = staged_with_copies(refs, copies, tmp_path / "staging")
    assert len(parsed) == len(refs) - 3  # each content once
    con, summary, every, expected = loaded_both_ways(tmp_path, staged, refs)
    assert table_rows(con) == table_rows(every)
    assert (summary.inputs_seen, summary.pages_new, summary.inputs_duplicate, summary.inputs_rejected) == \
        (expected.inputs_seen, expected.pages_new, expected.inputs_duplicate, expected.inputs_rejected) == (8, 4, 2, 2)
    assert sorted(url.rsplit("/", 1)[1] for url, *_ in summary.rejected) == ["bad-again.html", "bad.html"]
    linked = con.execute("SELECT count(DISTINCT page_id), count(*) FROM page_sources "
                         "WHERE source_url LIKE '%/a.html' OR source_url LIKE '%/a-again.html' "
                         "OR source_url LIKE '%/a-once-more.html'").fetchone()
    assert linked == (1, 3)


def test_a_copy_whose_original_changed_after_it_was_hashed_is_parsed_itself(folder, tmp_path):
    refs = list_local_pages(folder)
    copies = find_copies(refs, hash_same_sized(refs))
    shutil.copy(OTHER, folder / "a.html")  # the original now holds other bytes: its copies no longer copy it
    con, _, every, _ = loaded_both_ways(tmp_path, staged_with_copies(refs, copies, tmp_path / "staging"), refs)
    assert table_rows(con) == table_rows(every)
    assert con.execute("SELECT count(DISTINCT page_id) FROM page_sources "
                       "WHERE source_url LIKE '%/a-again.html' OR source_url LIKE '%/a.html'").fetchone()[0] == 2


def test_the_copies_batch_a_failed_load_left_is_taken_by_the_next_run(folder, tmp_path):
    refs = list_local_pages(folder)
    copies = list(find_copies(refs, hash_same_sized(refs)).values())
    staging = tmp_path / "staging"
    originals = [stage_inputs([ref for ref in refs if ref not in {c.ref for c in copies}], staging).path]
    first = stage_copies(copies, originals, staging)
    release([first, *originals])  # as a failed load does
    originals = [stage_inputs([ref for ref in refs if ref not in {c.ref for c in copies}], staging).path]
    again = stage_copies(copies, originals, staging)
    assert sorted(p.name for p in staging.iterdir()) == sorted(Path(p).name for p in (*originals, again))


def test_copies_among_the_files_a_warehouse_does_not_hold_yet_are_parsed_once(folder, env, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    first = run(["ingest", "--source", str(folder), "--warehouse", str(warehouse)], env)
    assert first.returncode == 0, first.stderr
    assert "5 files to parse" in first.stderr and "3 more have the bytes of a file listed before" in first.stderr
    changed = PAGE.read_bytes() + b"\n"
    for name in ("a.html", "later/a-again.html", "later/a-once-more.html"):
        (folder / name).write_bytes(changed)
    second = run(["ingest", "--source", str(folder), "--warehouse", str(warehouse)], env)
    assert second.returncode == 0, second.stderr
    # the warehouse holds the other five: of the three changed files, one is parsed
    assert "1 of 8 files to parse" in second.stderr and "2 more have the bytes of a file listed" in second.stderr
    assert "1 new pages" in second.stdout and "2 duplicates" in second.stdout
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        sources = con.execute("SELECT count(*), count(DISTINCT page_id) FROM page_sources WHERE source_url LIKE "
                              "'%/a.html' OR source_url LIKE '%/a-again.html' OR source_url LIKE '%/a-once-more.html'")
        assert sources.fetchone() == (3, 1)
        assert con.execute("SELECT page_id FROM page_sources WHERE source_url LIKE '%/a.html'").fetchone()[0] == \
            hashlib.sha256(changed).hexdigest()
    finally:
        con.close()
