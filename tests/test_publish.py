"""Safe publishing: readers never block the loader and never see a half-loaded warehouse; the previous
version is kept for rollback; a failed write publishes nothing."""
import errno
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest

from warehouse import db, publish, versions
from warehouse.db import WarehouseError, looking_at
from warehouse.publish import clone_or_copy, publish_recovery, publish_rollback, publishing, space_needed
from warehouse.versions import Basis, Version, VersionChanged, check_basis, read_version

from conftest import OOH, PAGES, run

# A dashboard's loop, with DuckDB alone (not this project's code): open the warehouse read-only, ask,
# close, again. `hold` keeps one connection open throughout instead, as a notebook would.
READER = r"""
import json, os, sys, time
import duckdb

path, stop, mode = sys.argv[1], sys.argv[2], sys.argv[3]
QUESTION = '''SELECT (SELECT max(load_id) FROM loads), (SELECT count(*) FROM pages),
                     (SELECT count(*) FROM figures), (SELECT count(*) FROM occupation_timeline)'''
seen, errors = [], []
held = duckdb.connect(path, read_only=True) if mode == "hold" else None
print("reading", flush=True)
while not os.path.exists(stop):
    try:
        con = held or duckdb.connect(path, read_only=True)
        try:
            seen.append((time.time(), list(con.execute(QUESTION).fetchone())))
        finally:
            if con is not held:
                con.close()
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    time.sleep(0.01 if mode == "hold" else 0)
print(json.dumps({"seen": seen, "errors": errors}))
"""

STATE = """SELECT (SELECT max(load_id) FROM loads), (SELECT count(*) FROM pages), (SELECT count(*) FROM figures),
                  (SELECT count(*) FROM occupation_timeline)"""


def state(env, warehouse) -> list:
    result = run(["query", STATE, "--warehouse", str(warehouse), "--format", "json"], env)
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout)[0].values())


@pytest.fixture(scope="module")
def published(env, tmp_path_factory):
    """A warehouse of the 2010-11 fixture pages; then, while two readers query it, an ingest of them all."""
    warehouse = tmp_path_factory.mktemp("publish") / "ooh.duckdb"
    first = run(["ingest", "--source", str(PAGES / "2010-11"), "--warehouse", str(warehouse)], env)
    assert first.returncode == 0, first.stderr
    old = state(env, warehouse)
    stop = warehouse.with_name("stop")
    readers = {mode: subprocess.Popen([sys.executable, "-c", READER, str(warehouse), str(stop), mode],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for mode in ("loop", "hold")}
    for reader in readers.values():
        assert reader.stdout.readline().strip() == "reading"
    time.sleep(0.5)
    started = time.time()
    second = run(["ingest", "--source", str(PAGES), "--warehouse", str(warehouse)], env)
    finished = time.time()
    time.sleep(0.5)
    stop.touch()
    outcome = {}
    for mode, reader in readers.items():
        out, err = reader.communicate(timeout=60)
        assert reader.returncode == 0, err
        outcome[mode] = json.loads(out)
    return {"warehouse": warehouse, "old": old, "new": state(env, warehouse), "ingest": second,
            "started": started, "finished": finished, **outcome}


def test_the_ingest_is_not_blocked_by_readers(published):
    assert published["ingest"].returncode == 0, published["ingest"].stderr
    assert "Traceback" not in published["ingest"].stdout + published["ingest"].stderr
    assert published["new"] != published["old"] and published["new"][0] == published["old"][0] + 1


def test_a_reader_during_an_ingest_sees_the_old_or_the_new_warehouse_and_no_error(published):
    loop = published["loop"]
    assert loop["errors"] == []
    answers = [answer for _, answer in loop["seen"]]
    assert set(map(tuple, answers)) == {tuple(published["old"]), tuple(published["new"])}  # both, nothing else
    during = [a for t, a in loop["seen"] if published["started"] <= t <= published["finished"]]
    print(f"{len(loop['seen'])} reads, {len(during)} during the ingest")
    assert len(during) > 20  # it kept reading all through the ingest
    switched = [n for n in range(1, len(answers)) if answers[n] != answers[n - 1]]
    assert len(switched) == 1  # once it saw the new version, it never saw the old one again


def test_a_reader_holding_its_connection_keeps_its_version(published):
    hold = published["hold"]
    assert hold["errors"] == [] and len(hold["seen"]) > 20
    assert {tuple(answer) for _, answer in hold["seen"]} == {tuple(published["old"])}


def test_rollback_puts_the_previous_version_back_and_can_be_undone(published, env):
    warehouse = published["warehouse"]
    back = run(["rollback", "--warehouse", str(warehouse)], env)
    assert back.returncode == 0, back.stderr
    assert state(env, warehouse) == published["old"]
    forward = run(["rollback", "--warehouse", str(warehouse)], env)
    assert forward.returncode == 0, forward.stderr
    assert state(env, warehouse) == published["new"]


def test_rollback_without_a_previous_version_says_so(env, tmp_path):
    result = run(["rollback", "--warehouse", str(tmp_path / "w.duckdb")], env)
    assert result.returncode == 2
    assert "no previous version" in result.stderr and "Traceback" not in result.stderr


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_failed_write_publishes_nothing(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with publishing(warehouse) as con:
        con.execute("INSERT INTO schema_info VALUES ('marker', 'one')")
    before = digest(warehouse)
    with pytest.raises(RuntimeError):
        with publishing(warehouse) as con:
            con.execute("UPDATE schema_info SET value = 'two' WHERE key = 'marker'")
            raise RuntimeError("the load failed half-way")
    assert digest(warehouse) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]  # no half-written next version


def test_writers_take_turns(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    inside, release = threading.Event(), threading.Event()

    def long_writer():
        with publishing(warehouse):
            inside.set()
            release.wait(30)

    thread = threading.Thread(target=long_writer)
    thread.start()
    try:
        assert inside.wait(30)
        with pytest.raises(WarehouseError, match="another ingest or fetch has been writing"):
            with publishing(warehouse, wait=0.5):
                pass
    finally:
        release.set()
        thread.join()
    with publishing(warehouse, wait=0.5):  # free again
        pass


# --- the version a writer builds on ----------------------------------------------------------------------

def _v(version_id: str, *lineage: str) -> Version:
    return Version(version_id, lineage, "2025-01-01 00:00:00 UTC", "ingest", 1)


A, B = _v("a"), _v("b", "a")
C, D = _v("c", "b", "a"), _v("d", "c", "b", "a")


@pytest.mark.parametrize("current, previous, outcome", [
    (B, A, None),  # nothing happened (or a rollback, undone by a second one: publishing then loses nothing)
    (C, B, "changed while this ingest ran"),  # another writer published on what the ingest saw
    (D, C, "changed while this ingest ran"),  # two did, one after the other
    (A, B, VersionChanged),  # rolled back: an older version is published again
    (B, C, VersionChanged),  # another writer published, then a rollback: the previous is not the parent
    (C, D, VersionChanged),  # two published, then a rollback
    (_v("x"), B, VersionChanged),  # a warehouse not made from this one was put in its place
    (None, None, VersionChanged),  # the warehouse was removed
], ids=["unchanged", "one-newer", "two-newer", "rolled-back", "published-then-rolled-back", "two-then-rolled-back",
        "replaced", "removed"])
def test_a_writer_builds_on_newer_versions_and_stops_after_a_rollback(current, previous, outcome, tmp_path):
    seen = Basis("b", "a")  # what the ingest saw when it started: version b, built on a
    path = tmp_path / "w.duckdb"
    if outcome is VersionChanged:
        with pytest.raises(VersionChanged, match="nothing was published"):  # and the message says so
            check_basis(path, seen, current, previous, "ingest")
    else:
        note = check_basis(path, seen, current, previous, "ingest")
        assert note is None if outcome is None else outcome in note


def test_a_write_with_no_basis_checks_nothing_and_a_new_warehouse_made_meanwhile_is_built_on(tmp_path):
    path = tmp_path / "w.duckdb"
    assert check_basis(path, None, A, None, "ingest") is None
    assert "was created by another writer" in check_basis(path, Basis(None, None), A, None, "ingest")


def test_each_version_records_what_it_was_built_on(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    ids = []
    for _ in range(3):
        with publishing(warehouse):
            pass
        ids.append(read_version(warehouse).id)
    assert len(set(ids)) == 3
    assert read_version(warehouse).lineage[:2] == (ids[1], ids[0])
    assert read_version(warehouse.with_name("w.duckdb.prev")).id == ids[1]


def test_the_version_remembered_after_publishing_is_the_one_the_file_holds(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    for load_id in (None, 7):
        with publishing(warehouse, what="ingest") as con:
            if load_id:
                con.execute("INSERT INTO loads (load_id, started_at, source, parser_version) VALUES (?, now(), 'x', 'v')",
                            [load_id])
        remembered = read_version(warehouse)
        assert remembered == versions._read_version(warehouse)  # what the file says, read from it
        assert remembered.latest_load == load_id and remembered.published_by == "ingest"


def test_looks_at_a_warehouse_share_one_duckdb_and_leave_nothing_attached(tmp_path):
    """Versions and what an ingest need not parse are read through short looks: the file is attached to the
    process's one in-memory DuckDB for the look only, so threads look at once, and a writer of the same
    process opens the file after."""
    warehouse = tmp_path / "w'quoted.duckdb"
    with publishing(warehouse, what="ingest"):
        pass

    def look(_):
        with looking_at(warehouse) as con:
            return con.execute("SELECT value FROM schema_info WHERE key = 'published_by'").fetchall()

    with ThreadPoolExecutor(8) as pool:
        assert {tuple(rows) for rows in pool.map(look, range(32))} == {(("ingest",),)}
    con = db._LOOKS.cursor()
    attached = con.execute("SELECT database_name FROM duckdb_databases() WHERE NOT internal").fetchall()
    con.close()
    assert attached == [("memory",)]
    duckdb.connect(str(warehouse)).close()  # read-write: no look holds the file
    no_such_table = [1, 2, 3]  # noqa: F841  DuckDB would read a Python object for a table it lacks
    with looking_at(warehouse) as con, pytest.raises(duckdb.CatalogException, match="no_such_table"):
        con.execute("SELECT * FROM no_such_table")
    with pytest.raises(WarehouseError, match=r"^no warehouse at .*none\.duckdb: run 'ooh ingest' first$"):
        with looking_at(tmp_path / "none.duckdb"):
            pass


def test_a_version_is_read_again_when_its_file_changes(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with publishing(warehouse):
        pass
    before = read_version(warehouse)
    con = duckdb.connect(str(warehouse))  # another program writes the file in place
    con.execute("UPDATE schema_info SET value = 'elsewhere' WHERE key = 'published_by'")
    con.close()
    assert read_version(warehouse).published_by == "elsewhere" and before.published_by == "write"


def test_the_next_version_is_a_clone_or_else_a_copy_of_the_same_bytes(tmp_path, monkeypatch):
    source = tmp_path / "w.duckdb"
    source.write_bytes(os.urandom(1 << 20))
    how = clone_or_copy(source, tmp_path / "a")  # whichever this filesystem makes
    assert how in ("clone", "copy") and (tmp_path / "a").read_bytes() == source.read_bytes()
    import fcntl

    def no_clones(fd, request, arg):  # as ext4 and tmpfs answer
        raise OSError(errno.EOPNOTSUPP, "Operation not supported")

    monkeypatch.setattr(fcntl, "ioctl", no_clones)
    assert clone_or_copy(source, tmp_path / "b") == "copy"
    assert (tmp_path / "b").read_bytes() == source.read_bytes()


# --- the next version from the spare (warehouse/catch_up.py) ------------------------------------------------

@pytest.fixture(scope="module")
def fixture_inputs():
    from flows.batch import read_inputs
    from flows.sources import list_local_pages

    from conftest import BAD

    return read_inputs(list_local_pages(PAGES)) + read_inputs(list_local_pages(BAD))


def _load(warehouse: Path, inputs: list, parser_version: str | None = None, report=None) -> None:
    """A load as an ingest's: the pages, links across editions and quality findings, in one version; with
    `parser_version`, the pages as another parser version parsed them (written again over this one's)."""
    import dataclasses

    from parsers import PARSER_VERSION
    from warehouse.identity import save_identity
    from warehouse.load import save_inputs
    from warehouse.quality import save_quality_checks

    if parser_version:
        inputs = [dataclasses.replace(i, page=dataclasses.replace(i.page, parser_version=parser_version))
                  if i.page else i for i in inputs]
    with publishing(warehouse, report=report) as con:
        summary = save_inputs(con, inputs, source="s", parser_version=parser_version or PARSER_VERSION)
        save_identity(con)
        save_quality_checks(con, summary.load_id)


def _loads(warehouse: Path, inputs: list, spare: bool, report=None) -> None:
    """Five versions: the inputs in three loads, one of them loaded again by another parser version (its
    pages written again), and nothing new."""
    for step, (part, version) in enumerate([(inputs[0::3], None), (inputs[1::3], None), (inputs[2::3], None),
                                            (inputs[1::3], "another"), (inputs[0::3], None)]):
        if not spare:
            _sibling(warehouse, ".spare").unlink(missing_ok=True)
        _load(warehouse, part, version, report)


def _rows(path: Path) -> dict:
    """Every table's rows, sorted, but for when each version was published and each load ran."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        found = {}
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name <> 'schema_info'").fetchall():
            columns = [c for (c, kind) in con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                [table]).fetchall() if kind != "TIMESTAMP"]
            found[table] = sorted(map(repr, con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()))
        return found
    finally:
        con.close()


def test_a_version_built_on_the_spare_holds_what_one_built_on_a_copy_holds(tmp_path, fixture_inputs, monkeypatch):
    copies = []
    real_copy = publish.clone_or_copy
    monkeypatch.setattr(publish, "clone_or_copy", lambda a, b: copies.append(b.name) or real_copy(a, b))
    spared, copied = tmp_path / "spared" / "w.duckdb", tmp_path / "copied" / "w.duckdb"
    for path in (spared, copied):
        path.parent.mkdir()
    notes = []
    _loads(spared, fixture_inputs, spare=True, report=notes.append)
    # the second and third versions are copies; the third's swap leaves the first as the spare
    assert [name for name in copies if name.endswith(".next")] == ["w.duckdb.next"] * 2 and notes == []
    assert sorted(p.name for p in spared.parent.iterdir()) == ["w.duckdb", "w.duckdb.lock", "w.duckdb.prev",
                                                                "w.duckdb.spare"]
    _loads(copied, fixture_inputs, spare=False)
    ours, theirs = _rows(spared), _rows(copied)
    assert ours == theirs
    assert len(ours["pages"]) == 14 and ours["extracted_figures"] and ours["rejected_inputs"]
    assert sum("'another'" in row for row in ours["pages"]) == 5  # written again by the other parser version
    assert {r.split(",")[0] for r in ours["loads"]} == {"(1", "(2", "(3", "(4", "(5"}


def test_a_spare_that_does_not_come_out_as_the_published_version_is_not_used(tmp_path, fixture_inputs):
    warehouse = tmp_path / "w.duckdb"
    for part in (fixture_inputs[0::3], fixture_inputs[1::3], fixture_inputs[2::3]):
        _load(warehouse, part)
    spare = _sibling(warehouse, ".spare")
    con = duckdb.connect(str(spare))
    con.execute("DELETE FROM sections WHERE section_no = 1")  # changed by hand, outside any load
    con.close()
    notes = []
    _load(warehouse, fixture_inputs[1::3], "another", report=notes.append)
    assert len(notes) == 1 and notes[0].startswith("copying the warehouse instead of reusing w.duckdb.spare: the "
                                                   "spare version did not come out as the published one (sections ")
    reference = tmp_path / "reference" / "w.duckdb"
    reference.parent.mkdir()
    for part, version in ((fixture_inputs[0::3], None), (fixture_inputs[1::3], None), (fixture_inputs[2::3], None),
                          (fixture_inputs[1::3], "another")):
        _load(reference, part, version)
    assert _rows(warehouse) == _rows(reference)


def test_a_spare_a_reader_still_holds_is_not_written_and_the_reader_keeps_its_version(tmp_path, fixture_inputs):
    warehouse = tmp_path / "w.duckdb"
    for part in (fixture_inputs[0::3], fixture_inputs[1::3], fixture_inputs[2::3]):
        _load(warehouse, part)
    spare = _sibling(warehouse, ".spare")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
                               "q = 'SELECT count(*) FROM loads'; print(c.execute(q).fetchone()[0], flush=True); "
                               "sys.stdin.readline(); print(c.execute(q).fetchone()[0], flush=True)", str(spare)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "1"  # the spare is the first version
        notes = []
        _load(warehouse, fixture_inputs[1::3], "another", report=notes.append)
        assert len(notes) == 1 and notes[0].startswith("copying the warehouse instead of reusing w.duckdb.spare: ")
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "1"  # read as it was, to the end
    finally:
        holder.kill()
        holder.wait()
    assert read_version(warehouse).latest_load == 4


def test_a_spare_deleted_as_the_write_starts_is_copied_instead(tmp_path, fixture_inputs, monkeypatch):
    """Deleting the spare is how its disk space is freed, even while a writer is about to use it."""
    warehouse = tmp_path / "w.duckdb"
    for part in (fixture_inputs[0::3], fixture_inputs[1::3], fixture_inputs[2::3]):
        _load(warehouse, part)
    found, seen = publish._spare_usable, []

    def deleted_after_the_check(path):  # found usable, then deleted before the writer renames it
        seen.append(seen[0] if seen else found(path))
        _sibling(path, ".spare").unlink(missing_ok=True)
        return seen[-1]

    monkeypatch.setattr(publish, "_spare_usable", deleted_after_the_check)
    _load(warehouse, fixture_inputs[1::3], "another")
    assert read_version(warehouse).latest_load == 4 and _sibling(warehouse, ".spare").exists()


def test_after_a_rollback_the_version_rolled_back_is_never_built_on(tmp_path, fixture_inputs):
    """The version a rollback replaced becomes the spare in time; it is not an ancestor of what is published
    after, so it is not used: its load 4 is not the published version's load 4."""
    parts = [fixture_inputs[k::6] for k in range(6)]
    warehouse, reference = tmp_path / "w.duckdb", tmp_path / "reference" / "w.duckdb"
    reference.parent.mkdir()
    notes = []
    for part in parts[:4]:
        _load(warehouse, part, report=notes.append)
    publish_rollback(warehouse)  # load 4 undone
    for part in parts[4:]:
        _load(warehouse, part, report=notes.append)
    assert notes == []  # never a spare that did not come out as the published version
    for part in parts[:3] + parts[4:]:
        _load(reference, part)
    assert _rows(warehouse) == _rows(reference)


# --- before any work: a folder that takes files, and room on the disk ---------------------------------------

def test_publishing_refuses_without_room_for_a_copy_and_the_write(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with publishing(warehouse) as con:
        con.execute("CREATE TABLE filler AS SELECT md5(range::VARCHAR) AS s FROM range(200000)")
    size, before = warehouse.stat().st_size, digest(warehouse)
    for free in (0, size):  # nothing free; room for the copy but not for the write
        with pytest.raises(WarehouseError) as refused:
            with publishing(warehouse, free_bytes=lambda folder: free):
                raise AssertionError("refused before the write")
        message = str(refused.value)
        assert "\n" not in message and f"{free / 2**20:,.1f} MB are free" in message
        needed = float(re.search(r"needs about ([\d,.]+) MB", message).group(1).replace(",", "")) * 2**20
        assert needed > size  # the copy, and more
    assert digest(warehouse) == before and not warehouse.with_name("w.duckdb.next").exists()
    with publishing(warehouse, free_bytes=lambda folder: 2**40):  # with room, the same write goes ahead
        pass
    assert digest(warehouse.with_name("w.duckdb.prev")) == before


def test_where_the_folder_makes_clones_only_room_for_the_write_is_asked(tmp_path, monkeypatch):
    warehouse = tmp_path / "w.duckdb"
    with publishing(warehouse) as con:
        con.execute("CREATE TABLE filler AS SELECT md5(range::VARCHAR) AS s FROM range(200000)")
    size = warehouse.stat().st_size
    room = max(publish.MARGIN_BYTES, int(size * publish.MARGIN_SHARE))
    monkeypatch.setattr(publish, "makes_clones", lambda folder: True)  # as on XFS with reflink, or btrfs
    assert space_needed(warehouse) == room
    with publishing(warehouse, free_bytes=lambda folder: room + 1):  # no room for a copy: a clone needs none
        pass
    monkeypatch.setattr(publish, "makes_clones", lambda folder: False)  # as on ext4
    assert space_needed(warehouse) == warehouse.stat().st_size + room
    with pytest.raises(WarehouseError, match="not enough free space"):
        with publishing(warehouse, free_bytes=lambda folder: room + 1):
            pass


def test_a_folder_is_tried_once_for_clones(tmp_path):
    assert publish.makes_clones(tmp_path) in (True, False)
    assert not list(tmp_path.iterdir())  # the probe leaves nothing
    assert publish.makes_clones(tmp_path / "missing") is False


# A writer in a process whose files may not grow past a limit (RLIMIT_FSIZE): its writes fail as on a full
# disk (with EFBIG rather than ENOSPC), at the point the limit puts them.
FILLED_DISK = r"""
import resource, sys
from warehouse.publish import publishing
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    with publishing(sys.argv[1]) as con:
        con.execute("CREATE TABLE more AS SELECT md5(range::VARCHAR) || md5((range + 1)::VARCHAR) AS s FROM range(1000000)")
except Exception as exc:
    print(f"{type(exc).__name__}: {exc}")
"""


@pytest.mark.parametrize("where", ["copy", "write"])
def test_a_disk_that_fills_up_while_publishing_leaves_no_partial_next_version(tmp_path, where):
    warehouse = tmp_path / "w.duckdb"
    with publishing(warehouse) as con:
        con.execute("CREATE TABLE filler AS SELECT md5(range::VARCHAR) AS s FROM range(200000)")
    size, before = warehouse.stat().st_size, digest(warehouse)
    limit = size // 2 if where == "copy" else size + 2**20  # half-way through the copy; or in the write after it
    result = subprocess.run([sys.executable, "-c", FILLED_DISK, str(warehouse), str(limit)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout.startswith("WarehouseError: the disk holding") and result.stdout.count("\n") == 1
    assert "nothing was published and the unfinished copy was removed" in result.stdout
    assert digest(warehouse) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]


def _read_only(folder: Path) -> str:
    """Make `folder` refuse new files, to this process too; returns how."""
    folder.chmod(0o555)
    if os.geteuid() != 0:
        return "chmod 555"
    # root writes through mode bits; an immutable directory refuses even root
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0:
        return "chattr +i"
    folder.chmod(0o755)
    folder.rmdir()
    folder.write_text("a file where the folder should be\n")
    return "a regular file instead of the folder"


@pytest.mark.parametrize("obstacle", ["read-only folder", "parent is a file"])
def test_a_warehouse_in_a_folder_that_takes_no_files_fails_before_the_parse(env, tmp_path, obstacle):
    environ = {**env, "OOH_DATA_DIR": str(tmp_path / "data")}  # a data folder of its own: Prefect's state shows up there
    folder = tmp_path / "warehouses"
    folder.mkdir()
    how = _read_only(folder) if obstacle == "read-only folder" else None
    if obstacle == "parent is a file":
        folder.rmdir()
        folder.write_text("not a folder\n")
    try:
        result = run(["ingest", "--warehouse", str(folder / "w.duckdb")], environ)
    finally:
        if how == "chattr +i":
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        if folder.is_dir():
            folder.chmod(0o755)
    print(f"{obstacle} ({how or 'a file'}): {result.stderr.strip()}")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"ooh ingest: cannot write in {folder}") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "data" / "prefect").exists()  # Prefect never started, so nothing was parsed


# --- a writer killed half-way: what it leaves, and what the next writer does with it ------------------------

def _killed_writer(warehouse: Path, command: str = "ooh ingest") -> str:
    """A lock record as a writer killed while holding the lock leaves it; returns how messages name it."""
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    since, pid = "2001-02-03 04:05:06 UTC", int(gone.stdout)
    warehouse.with_name(warehouse.name + ".lock").write_text(json.dumps({"command": command, "pid": pid, "since": since}))
    return f"started at {since} ({command}, pid {pid})"


def _versions(tmp_path: Path) -> tuple[Path, str, str]:
    """A warehouse published twice: the file, and the digests of the current and previous versions."""
    warehouse = tmp_path / "w.duckdb"
    for marker in ("old", "current"):
        with publishing(warehouse) as con:
            con.execute("INSERT OR REPLACE INTO schema_info VALUES ('marker', ?)", [marker])
    return warehouse, digest(warehouse), digest(warehouse.with_name("w.duckdb.prev"))


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def test_a_load_killed_while_writing_its_next_version_is_removed_with_a_message(tmp_path):
    warehouse, current, previous = _versions(tmp_path)
    killed = _killed_writer(warehouse)
    shutil.copyfile(warehouse, _sibling(warehouse, ".next"))
    _sibling(warehouse, ".next.wal").write_bytes(b"\0" * 4096)  # its write-ahead log, cut short
    notes = []
    publish_recovery(warehouse, report=notes.append)
    assert len(notes) == 1 and notes[0].startswith(f"Recovered from an interrupted load {killed}: removed its "
                                                   "unfinished next version (")
    assert (digest(warehouse), digest(_sibling(warehouse, ".prev"))) == (current, previous)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock", "w.duckdb.prev"]
    assert _sibling(warehouse, ".lock").read_text() == ""


def test_a_load_killed_before_its_swap_leaves_the_warehouse_as_it_was(tmp_path):
    warehouse, current, previous = _versions(tmp_path)
    _killed_writer(warehouse)
    shutil.copyfile(warehouse, _sibling(warehouse, ".next"))  # complete, not yet in place
    os.link(warehouse, _sibling(warehouse, ".prev.tmp"))  # the first step of the swap
    notes = []
    publish_recovery(warehouse, report=notes.append)
    assert len(notes) == 1 and "removed its unfinished next version" in notes[0]
    assert (digest(warehouse), digest(_sibling(warehouse, ".prev"))) == (current, previous)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock", "w.duckdb.prev"]


def test_a_load_killed_after_its_swap_is_finished(tmp_path):
    warehouse, current, previous = _versions(tmp_path)
    killed = _killed_writer(warehouse)
    held = _sibling(warehouse, ".prev.tmp")
    os.link(warehouse, held)  # the version the load replaces, set aside
    newer = tmp_path / "newer"
    shutil.copyfile(warehouse, newer)
    os.replace(newer, warehouse)  # the new version in place; killed before .prev.tmp became .prev
    new = digest(warehouse)
    notes = []
    publish_recovery(warehouse, report=notes.append)
    assert notes == [f"Recovered from an interrupted load {killed}: its new version was already published; the "
                     "version it replaced is now kept as w.duckdb.prev."]
    assert (digest(warehouse), digest(_sibling(warehouse, ".prev"))) == (new, current)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock", "w.duckdb.prev"]


@pytest.mark.parametrize("step", [1, 2])
def test_a_rollback_killed_half_way_is_finished_or_undone(tmp_path, step):
    warehouse, current, previous = _versions(tmp_path)
    killed = _killed_writer(warehouse, "ooh rollback")
    swap = _sibling(warehouse, ".swap")
    os.link(warehouse, swap)  # step 1: the current version set aside
    if step == 2:
        os.replace(_sibling(warehouse, ".prev"), warehouse)  # step 2: the previous one in place
    notes = []
    publish_recovery(warehouse, report=notes.append)
    assert len(notes) == 1 and notes[0].startswith(f"Recovered from an interrupted rollback {killed}: ")
    if step == 1:  # nothing had changed yet
        assert notes[0].endswith("it had not changed the warehouse yet.")
        assert (digest(warehouse), digest(_sibling(warehouse, ".prev"))) == (current, previous)
    else:
        assert notes[0].endswith("finished it; the version it replaced is kept as w.duckdb.prev.")
        assert (digest(warehouse), digest(_sibling(warehouse, ".prev"))) == (previous, current)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock", "w.duckdb.prev"]


def test_a_writer_killed_before_it_wrote_anything_is_reported_too(tmp_path):
    warehouse, current, previous = _versions(tmp_path)
    killed = _killed_writer(warehouse)
    notes = []
    publish_recovery(warehouse, report=notes.append)
    since, pid = killed.split(" (")[0].removeprefix("started at "), killed.split("pid ")[1].rstrip(")")
    assert notes == [f"Recovered from an interrupted ooh ingest (pid {pid}) started at {since}: it had not begun to "
                     "change the warehouse."]
    assert (digest(warehouse), digest(_sibling(warehouse, ".prev"))) == (current, previous)


def test_the_next_command_reports_the_recovery_in_its_output(env, tmp_path):
    warehouse, current, previous = _versions(tmp_path)
    killed = _killed_writer(warehouse)
    shutil.copyfile(warehouse, _sibling(warehouse, ".next"))
    result = run(["rollback", "--warehouse", str(warehouse)], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Recovered from an interrupted load {killed}: removed its unfinished")
    assert (digest(warehouse), digest(_sibling(warehouse, ".prev"))) == (previous, current)


# --- rollback and the other writers ----------------------------------------------------------------------------

def test_rollback_refuses_at_once_while_another_writer_holds_the_lock(tmp_path):
    warehouse, current, previous = _versions(tmp_path)
    inside, release = threading.Event(), threading.Event()

    def writer():
        with publishing(warehouse):
            inside.set()
            release.wait(60)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert inside.wait(60)
        with pytest.raises(WarehouseError) as refused:
            publish_rollback(warehouse)
        assert not release.is_set()  # it did not wait for the writer to finish
    finally:
        release.set()
        thread.join()
    message = str(refused.value)
    assert f"(pid {os.getpid()}, since " in message and "run 'ooh rollback' again once it has finished" in message
    assert digest(_sibling(warehouse, ".prev")) == current  # the writer published; nothing was rolled back


# --- races between real writers: `ooh ingest` of the fixtures and `ooh rollback` or another `ooh ingest` ------

class Started:
    """An `ooh` command running in the background; its output goes to files the test reads as it runs."""

    def __init__(self, args: list[str], env: dict, folder: Path):
        self.out, self.err = folder / "stdout.txt", folder / "stderr.txt"
        with self.out.open("w") as out, self.err.open("w") as err:
            self.proc = subprocess.Popen([OOH, *args], env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)

    def output(self) -> str:
        return self.out.read_text() + self.err.read_text()

    def finish(self, timeout: float = 300) -> subprocess.CompletedProcess:
        self.proc.wait(timeout)
        return subprocess.CompletedProcess(self.proc.args, self.proc.returncode, self.out.read_text(), self.err.read_text())


def wait_for(condition, started: Started, what: str, deadline: float = 240) -> None:
    """Poll until `condition()` holds; fails if the command ends first or only a hang could take this long."""
    until = time.monotonic() + deadline
    while not condition():
        assert started.proc.poll() is None, f"the command ended before {what}: {started.output()[-2000:]}"
        assert time.monotonic() < until, f"no {what} after {deadline} s"
        time.sleep(0.01)


def state_of(path: Path) -> tuple:
    """What a version holds (latest load, pages, places read from) and its id, with DuckDB alone."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("""SELECT (SELECT max(load_id) FROM loads), (SELECT count(*) FROM pages),
                                     (SELECT count(*) FROM page_sources),
                                     (SELECT value FROM schema_info WHERE key = 'version_id'),
                                     (SELECT value FROM schema_info WHERE key = 'version_lineage')""").fetchone()
    finally:
        con.close()


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """The fixture pages twenty times over, so that parsing them takes seconds, not a tenth: copies (links out
    of a source folder are not followed), each with other bytes (newlines added at the end), as a warehouse
    that holds a page's bytes does not parse them again."""
    folder = tmp_path_factory.mktemp("many")
    for copy in range(20):
        for page in PAGES.rglob("*.*"):
            target = folder / f"copy{copy:02}" / page.parent.name / page.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(page.read_bytes() + b"\n" * (copy + 1))
    return folder


@pytest.fixture(scope="module")
def base(env, tmp_path_factory):
    """A warehouse of the 2010-11 fixture pages (load 1) and its previous version (the empty warehouse)."""
    warehouse = tmp_path_factory.mktemp("base") / "w.duckdb"
    result = run(["ingest", "--source", str(PAGES / "2010-11"), "--warehouse", str(warehouse)], env)
    assert result.returncode == 0, result.stderr
    return warehouse


def copy_of(base: Path, folder: Path) -> Path:
    for suffix in ("", ".prev"):
        shutil.copyfile(_sibling(base, suffix), _sibling(folder / "w.duckdb", suffix))
    return folder / "w.duckdb"


def test_a_rollback_during_an_ingest_s_parse_stops_the_ingest_and_loses_no_version(env, base, many, tmp_path):
    warehouse = copy_of(base, tmp_path)
    loaded, empty = state_of(warehouse), state_of(_sibling(warehouse, ".prev"))
    # small batches: the workers take batches as they come, so when the first is reported most are still to parse
    ingest = Started(["ingest", "--source", str(many), "--warehouse", str(warehouse), "--batch-size", "2"], env,
                     tmp_path)
    wait_for(lambda: re.search(r"batch 1/\d+: ", ingest.output()), ingest, "a parsed batch")
    assert not _sibling(warehouse, ".next").exists()  # still parsing: the load has not begun
    rollback = run(["rollback", "--warehouse", str(warehouse)], env)
    assert rollback.returncode == 0, rollback.stderr
    assert "The version it replaced (load 1, " in rollback.stdout  # the ingest had published nothing yet
    done = ingest.finish()
    print(rollback.stdout, done.stderr.splitlines()[-2])
    assert done.returncode == 2 and "Loaded" not in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("ooh ingest:")]
    assert len(errors) == 1 and f"{warehouse} was rolled back while this ingest ran" in errors[0]
    assert "nothing was published" in errors[0]
    # the rollback's result stands, and the version it replaced is still there to undo it
    assert state_of(warehouse) == empty and state_of(_sibling(warehouse, ".prev")) == loaded
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("w.")) == ["w.duckdb", "w.duckdb.lock", "w.duckdb.prev"]


def test_a_rollback_during_an_ingest_s_load_is_refused_and_never_undoes_it_unseen(env, base, many, tmp_path):
    """The ingest is stopped (SIGSTOP) as soon as its load's next version exists, so the rollback comes while
    the load holds the writer lock, however fast the load is: the rollback is refused, naming the ingest,
    and the load publishes once it goes on."""
    warehouse = copy_of(base, tmp_path)
    loaded = state_of(warehouse)
    ingest = Started(["ingest", "--source", str(many), "--warehouse", str(warehouse)], env, tmp_path)
    wait_for(_sibling(warehouse, ".next").exists, ingest, "the load's next version")
    os.kill(ingest.proc.pid, signal.SIGSTOP)
    try:
        rollback = run(["rollback", "--warehouse", str(warehouse)], env)
    finally:
        os.kill(ingest.proc.pid, signal.SIGCONT)
    done = ingest.finish()
    assert done.returncode == 0 and done.stdout.startswith("Loaded 280 files"), done.stderr
    assert "Traceback" not in done.stderr + rollback.stderr
    assert rollback.returncode == 2
    assert rollback.stderr.startswith(f"ooh rollback: ooh ingest (pid {ingest.proc.pid}, since ")
    assert f"is writing {warehouse}" in rollback.stderr and rollback.stderr.count("\n") == 1
    assert state_of(warehouse)[0] == 2 and state_of(_sibling(warehouse, ".prev")) == loaded


def test_an_ingest_builds_on_a_version_another_ingest_published_while_it_parsed(env, base, many, tmp_path):
    warehouse = copy_of(base, tmp_path)
    slow = Started(["ingest", "--source", str(many), "--warehouse", str(warehouse)], env, tmp_path)
    # it reads the version it is based on before its flow begins; held there (SIGSTOP), it is certainly
    # still parsing while the second one runs from start to end, however fast the machine
    wait_for(lambda: "Beginning flow run" in slow.output(), slow, "the flow's start")
    os.kill(slow.proc.pid, signal.SIGSTOP)
    try:
        quick = run(["ingest", "--source", str(PAGES / "2006-07"), "--warehouse", str(warehouse)], env)
    finally:
        os.kill(slow.proc.pid, signal.SIGCONT)
    done = slow.finish()
    for result in (quick, done):
        assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr, result.stderr
    notes = [line for result in (quick, done) for line in result.stderr.splitlines() if "changed while this ingest ran" in line]
    print(notes)
    assert len(notes) == 1 and "another writer published a newer version (load 2, " in notes[0]  # whichever published second says so
    final, previous = state_of(warehouse), state_of(_sibling(warehouse, ".prev"))
    distinct = len({page.read_bytes() for page in many.rglob("*.*")})
    assert final[:2] == (3, state_of(base)[1] + 1 + distinct)  # both loads, one on the other: every page
    assert previous[0] == 2 and final[4].split()[0] == previous[3]  # built on load 2's version, which is kept
