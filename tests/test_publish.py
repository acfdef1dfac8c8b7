"""Safe publishing: readers never block the loader and never see a half-loaded warehouse; the previous
version is kept for rollback; a failed write publishes nothing."""
import hashlib
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from warehouse.db import WarehouseError
from warehouse.publish import publishing

from conftest import PAGES, run

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
