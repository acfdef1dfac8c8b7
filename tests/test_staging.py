"""Parsed batches staged as Parquet files: parsed in worker processes, loaded in bulk by DuckDB, reused by a
run that repeats a failed load, and loaded exactly as pages held in memory are."""
import gc
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import flows.batch
from flows.batch import read_inputs, stage_inputs
from flows.parse_pool import shutdown, stage_in_workers
from flows.sources import list_local_pages
from parsers import PARSER_VERSION
from warehouse.db import connect
from warehouse.load import save_inputs, save_staged
from warehouse.staging import TABLES, prune, release, remove_batches

from conftest import BAD, PAGES

TABLES_LOADED = ("pages", "page_sources", "sections", "extracted_figures", "refused_figures", "rejected_inputs",
                 "editions", "occupations")


def table_rows(con) -> dict[str, list]:
    # load_id aside: each load numbers itself
    return {t: sorted(con.execute(f"SELECT * EXCLUDE (load_id) FROM {t}").fetchall(), key=repr) for t in TABLES_LOADED}


def test_a_staged_batch_is_a_folder_of_parquet_files_and_a_released_one_is_reused(tmp_path, monkeypatch):
    refs = list_local_pages(PAGES)
    first = stage_inputs(refs, tmp_path)
    assert not first.reused and (first.parsed, first.rejected) == (14, 0)
    assert sorted(p.name for p in Path(first.path).iterdir()) == sorted(f"{t}.parquet" for t in TABLES)
    assert Path(first.path).name.startswith(f"p{PARSER_VERSION}-")
    release([first.path])  # as a failed load does

    def no_parsing(data):
        raise AssertionError("a staged batch was parsed again")

    monkeypatch.setattr(flows.batch, "parse_page", no_parsing)
    again = stage_inputs(refs, tmp_path)
    assert again.reused and (again.parsed, again.rejected) == (14, 0)
    assert [p.name for p in tmp_path.iterdir()] == [Path(again.path).name]  # claimed: the run's own now
    monkeypatch.undo()
    third = stage_inputs(refs, tmp_path)  # another run of the same pages meanwhile
    assert not third.reused and third.path != again.path


def test_two_runs_of_the_same_pages_never_share_a_batch(tmp_path):
    """Two ingests of one folder into two warehouses, with one data folder: the first to publish removes
    its batch, and the other still loads its own."""
    refs = list_local_pages(PAGES)[:4]
    ours, theirs = stage_inputs(refs, tmp_path).path, stage_inputs(refs, tmp_path).path
    assert ours != theirs
    remove_batches([theirs])
    con = connect(tmp_path / "w.duckdb")
    assert save_staged(con, [ours], source="s", parser_version=PARSER_VERSION).pages_new == 4


def test_other_bytes_are_another_batch(tmp_path):
    folder = tmp_path / "pages"
    for ref in list_local_pages(PAGES)[:3]:
        (folder / ref.path.name).parent.mkdir(exist_ok=True)
        (folder / ref.path.name).write_bytes(ref.path.read_bytes())
    first = stage_inputs(list_local_pages(folder), tmp_path / "staging")
    changed = next(folder.iterdir())
    changed.write_bytes(changed.read_bytes() + b"\n")
    second = stage_inputs(list_local_pages(folder), tmp_path / "staging")
    assert second.path != first.path and not second.reused


def test_worker_processes_stage_what_this_process_would(tmp_path):
    refs = list_local_pages(PAGES) + list_local_pages(BAD)
    try:
        in_workers = stage_in_workers(refs, tmp_path / "workers", workers=2)
    finally:
        shutdown()
    here = stage_inputs(refs, tmp_path / "here")
    assert (in_workers.parsed, in_workers.rejected) == (here.parsed, here.rejected)
    assert in_workers.rejected > 0
    loaded = []
    for staged in (in_workers, here):
        con = connect(tmp_path / f"{Path(staged.path).parent.name}.duckdb")
        save_staged(con, [staged.path], source="s", parser_version=PARSER_VERSION)
        loaded.append(table_rows(con))
        con.close()
    assert loaded[0] == loaded[1]


def loaded_both_ways(tmp_path, batches: list[str], refs) -> tuple:
    """Staged batches loaded into one warehouse, and the same files read, parsed in memory and loaded into
    another: (staged warehouse, its load's summary, in-memory warehouse, its load's summary)."""
    staged = connect(tmp_path / "staged.duckdb")
    summary = save_staged(staged, batches, source="s", parser_version=PARSER_VERSION)
    in_memory = connect(tmp_path / "memory.duckdb")
    expected = save_inputs(in_memory, read_inputs(refs), source="s", parser_version=PARSER_VERSION)
    return staged, summary, in_memory, expected


def test_batches_load_as_the_same_pages_held_in_memory(tmp_path):
    refs = list_local_pages(PAGES) + list_local_pages(BAD)
    batches = [stage_inputs(refs[i: i + 4], tmp_path / "staging").path for i in range(0, len(refs), 4)]
    staged, summary, in_memory, expected = loaded_both_ways(tmp_path, batches, refs)
    assert table_rows(staged) == table_rows(in_memory)
    assert (summary.pages_new, summary.inputs_rejected, summary.sections_written, summary.figures_written) == \
        (expected.pages_new, expected.inputs_rejected, expected.sections_written, expected.figures_written)
    assert summary.rejected == expected.rejected  # in the order the source lists them
    # the staged views are the load's own: nothing of them is left on the connection
    assert staged.execute("SELECT count(*) FROM duckdb_views() WHERE view_name LIKE 'staged_%'").fetchone()[0] == 0
    remove_batches(batches)
    assert not any((tmp_path / "staging").iterdir())


def test_the_same_bytes_in_two_batches_are_stored_once(tmp_path):
    refs = list_local_pages(PAGES)
    twice = [stage_inputs(refs[:5], tmp_path / "a").path, stage_inputs(refs[3:8], tmp_path / "b").path]
    con = connect(tmp_path / "w.duckdb")
    summary = save_staged(con, twice, source="s", parser_version=PARSER_VERSION)
    assert (summary.inputs_seen, summary.pages_new, summary.inputs_duplicate) == (10, 8, 2)
    assert con.execute("SELECT count(*), count(DISTINCT page_id) FROM pages").fetchone() == (8, 8)
    sections = con.execute("SELECT count(*) FROM sections").fetchone()[0]
    assert sections == con.execute("SELECT count(DISTINCT (page_id, section_no)) FROM sections").fetchone()[0]


def test_a_load_that_fails_leaves_the_warehouse_as_it_was_and_the_batch_for_the_next_run(tmp_path):
    refs = list_local_pages(PAGES)
    good = stage_inputs(refs[:3], tmp_path / "staging").path
    con = connect(tmp_path / "w.duckdb")
    save_staged(con, [good], source="s", parser_version=PARSER_VERSION)
    before = table_rows(con)
    with pytest.raises(Exception):
        save_staged(con, [stage_inputs(refs[3:], tmp_path / "staging").path, str(tmp_path / "no-such-batch")],
                    source="s", parser_version=PARSER_VERSION)
    assert table_rows(con) == before
    assert con.execute("SELECT count(*) FROM loads").fetchone()[0] == 1
    assert len(list((tmp_path / "staging").iterdir())) == 2  # both batches are there to be loaded again


def test_prune_keeps_this_parser_versions_batches_and_what_a_run_works_on_now(tmp_path):
    in_use = Path(stage_inputs(list_local_pages(PAGES)[:2], tmp_path).path)
    left = Path(stage_inputs(list_local_pages(PAGES)[2:4], tmp_path).path)  # by a run killed before its load
    os.utime(left, (0, 0))
    released = Path(stage_inputs(list_local_pages(PAGES)[4:6], tmp_path).path)
    release([str(released)])
    released = released.with_name(released.name.split("@")[0])
    older = tmp_path / "p1-0123456789abcdef0123456789abcdef"
    older.mkdir()
    fresh_scratch, stale_scratch = tmp_path / f".{in_use.name}.1.tmp", tmp_path / f".{in_use.name}.2.tmp"
    fresh_scratch.mkdir()
    stale_scratch.mkdir()
    os.utime(stale_scratch, (0, 0))
    assert prune(tmp_path, PARSER_VERSION) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [in_use.name, left.name.split("@")[0], released.name, fresh_scratch.name])


OWNER = """
import os, sys, time
from flows import parse_pool
from flows.sources import list_local_pages

if __name__ == "__main__":
    parse_pool.stage_in_workers(list_local_pages(sys.argv[1]), sys.argv[2], workers=2)
    print(" ".join(str(pid) for pid in parse_pool._pool._processes), flush=True)
    time.sleep(600)
"""


def test_parse_workers_end_when_the_process_that_owns_them_is_killed(tmp_path):
    script = tmp_path / "owner.py"
    script.write_text(OWNER)
    owner = subprocess.Popen([sys.executable, str(script), str(PAGES), str(tmp_path / "staging")],
                             stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        workers = [int(pid) for pid in owner.stdout.readline().split()]
        assert workers and all(_running(pid) for pid in workers)
    finally:
        owner.kill()  # SIGKILL: nothing of the owner's runs on the way out
        owner.wait()
    deadline = time.monotonic() + 30
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_running(pid) for pid in workers)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return False
    return state != b"Z"


def test_workers_started_in_the_background_are_the_ones_that_parse(tmp_path):
    from flows import parse_pool

    try:
        parse_pool.start_in_background(2)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(getattr(parse_pool._pool, "_processes", None) or {}) < 2:
            time.sleep(0.05)
        started = set(parse_pool._pool._processes)
        assert len(started) == 2
        stage_in_workers(list_local_pages(PAGES), tmp_path, workers=2)
        assert set(parse_pool._pool._processes) == started  # no worker started anew for the batch
    finally:
        shutdown()


def test_parse_workers_set_the_imports_aside_from_the_garbage_collector():
    """flows/parse_pool.py: each worker's collector passes over what a parse allocates, not the parser's and
    its libraries' objects, and runs less often; this process's collector is left as it was."""
    from flows import parse_pool

    before = gc.get_threshold(), gc.get_freeze_count()
    try:
        pool = parse_pool._get_pool(2)
        answers = [(pool.submit(gc.get_threshold), pool.submit(gc.get_freeze_count)) for _ in range(4)]
        thresholds = {threshold.result() for threshold, _ in answers}
        frozen = [count.result() for _, count in answers]
    finally:
        shutdown()
    assert thresholds == {(10_000, 10, 10)}
    assert min(frozen) > 10_000, frozen  # the modules the forkserver imported, and their objects
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
