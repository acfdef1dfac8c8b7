"""Crash drill: `ooh ingest` killed with SIGKILL at random (seeded) moments leaves the warehouse exactly the
old version or the new one, and the next ingest cleans up, says so, and loads; Prefect's temporary server
does not outlive a killed run."""
import os
import random
import signal
import time
from pathlib import Path

import pytest

from conftest import PAGES, run
from test_publish import Started, state_of, wait_for

pytestmark = pytest.mark.long  # started first (tests/conftest.py)

SEED = 20250601
KILLS = 12
SERVER_APP = b"prefect.server.api.server:create_app"


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _proc(pid: int, name: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/{name}").read_bytes()
    except OSError:
        return b""


def alive(pid: int) -> bool:
    stat = _proc(pid, "stat")
    return bool(stat) and stat.rsplit(b")", 1)[-1].split()[0] != b"Z"


def children(pid: int, marker: bytes) -> list[int]:
    """Running processes whose parent is `pid` and whose command line holds `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _proc(int(entry.name), "stat")
            if stat and int(stat.rsplit(b")", 1)[-1].split()[1]) == pid and marker in _proc(int(entry.name), "cmdline"):
                found.append(int(entry.name))
    return [p for p in found if alive(p)]


# --- Prefect's temporary server and a killed run -------------------------------------------------------------

def test_prefect_s_temporary_server_does_not_outlive_a_killed_run(temporary_env, tmp_path):
    ingest = Started(["ingest", "--warehouse", str(tmp_path / "w.duckdb")], temporary_env, tmp_path)
    wait_for(lambda: children(ingest.proc.pid, SERVER_APP), ingest, "Prefect's temporary server")
    [server] = children(ingest.proc.pid, SERVER_APP)
    ingest.proc.kill()
    ingest.proc.wait()
    deadline = time.monotonic() + 60  # the guard gives the server Prefect's own 5 s to stop, then kills it
    while alive(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(server)


def test_the_next_run_stops_a_server_an_interrupted_run_left_running(temporary_env, tmp_path):
    ingest = Started(["ingest", "--warehouse", str(tmp_path / "w.duckdb")], temporary_env, tmp_path)
    wait_for(lambda: children(ingest.proc.pid, SERVER_APP), ingest, "Prefect's temporary server")
    [server] = children(ingest.proc.pid, SERVER_APP)
    [guard] = children(ingest.proc.pid, b"flows.prefect_server")
    os.kill(guard, signal.SIGKILL)  # the guard too, as a kill of everything but the server would
    ingest.proc.kill()
    ingest.proc.wait()
    time.sleep(1)
    assert alive(server)  # orphaned: nothing stopped it
    result = run(["ingest", "--warehouse", str(tmp_path / "w.duckdb")], temporary_env)
    assert result.returncode == 0, result.stderr
    assert (f"Stopped Prefect's temporary server (pid {server}) that an interrupted run (pid {ingest.proc.pid}) "
            "left running.") in result.stdout
    assert not alive(server)


# --- the drill -----------------------------------------------------------------------------------------------

LEFTOVERS = (".next", ".next.wal", ".prev.tmp", ".swap")


def restore(pristine: Path, warehouse: Path, spare: bool = False) -> None:
    """The warehouse as before each kill: load 1 of the 2010-11 pages, its previous version, nothing else;
    with `spare`, also a spare version for the next to be built on (warehouse/catch_up.py): the version the
    warehouse was made with, an ancestor of the published one as a spare is."""
    for path in warehouse.parent.glob(warehouse.name + "*"):
        path.unlink()
    for suffix in ("", ".prev"):
        _sibling(warehouse, suffix).write_bytes(_sibling(pristine, suffix).read_bytes())
    if spare:
        _sibling(warehouse, ".spare").write_bytes(_sibling(pristine, ".prev").read_bytes())


def left_by_the_kill(warehouse: Path) -> list[str]:
    found = [suffix for suffix in LEFTOVERS if _sibling(warehouse, suffix).exists()]
    lock = _sibling(warehouse, ".lock")
    return found + (["lock record"] if lock.exists() and lock.read_text() else [])


@pytest.mark.slow
def test_kill_9_at_random_moments_of_an_ingest_leaves_the_old_or_the_new_warehouse(env, tmp_path):
    environ = env  # the session's Prefect server: the drill's time goes to killing ingests, not starting servers
    rng = random.Random(SEED)
    pristine, warehouse = tmp_path / "pristine" / "w.duckdb", tmp_path / "work" / "w.duckdb"
    pristine.parent.mkdir()
    warehouse.parent.mkdir()
    first = run(["ingest", "--source", str(PAGES / "2010-11"), "--warehouse", str(pristine)], environ)
    assert first.returncode == 0, first.stderr
    old, older = state_of(pristine), state_of(_sibling(pristine, ".prev"))
    ingest = ["ingest", "--source", str(PAGES), "--warehouse", str(warehouse)]

    restore(pristine, warehouse)  # one ingest to its end: what the new version holds, and how long a run takes
    whole = run(ingest, environ)
    assert whole.returncode == 0, whole.stderr
    new = state_of(warehouse)
    assert new[:2] == (2, 14) and new[4].split()[0] == old[3]

    seen = []
    for kill in range(KILLS):
        spare = kill % 4 >= 2  # half the runs build their next version on a spare, half on a copy
        restore(pristine, warehouse, spare)
        started = Started(ingest, environ, warehouse.parent)
        if kill % 2:  # at a random moment of the run
            time.sleep(rng.uniform(0, whole.seconds))
        else:  # at a random moment of its publishing: from the copy to the swap, and a little after
            delay = rng.uniform(0, 0.6)
            if kill == 2:  # one run killed as its next version appears: while its spare is brought up to date
                delay = 0.0
            wait_for(_sibling(warehouse, ".next").exists, started, "the load's next version")
            time.sleep(delay)
        started.proc.send_signal(signal.SIGKILL)
        started.proc.wait()
        left = left_by_the_kill(warehouse)

        prev = _sibling(warehouse, ".prev")
        now, previous = state_of(warehouse), state_of(prev) if prev.exists() else None
        if now == old:
            outcome = "old"
            assert previous == older
        else:  # the new version: the fixtures' pages, built on the old one
            outcome = "new"
            assert now[:3] == new[:3] and now[4].split()[0] == old[3], (now, new)
            # killed between the renames of the swap, the old version waits in .prev.tmp to become .prev (and
            # the older one is .prev still, or already the spare)
            assert previous == old or (previous in (older, None) and ".prev.tmp" in left)

        after = run(ingest, environ)
        assert after.returncode == 0, after.stderr
        assert "Traceback" not in after.stdout + after.stderr
        recovered = [line for line in after.stdout.splitlines() if line.startswith("Recovered from an interrupted")]
        assert bool(recovered) == bool(left), (left, after.stdout)
        if outcome == "old":
            assert state_of(warehouse)[:2] == (now[0] + 1, 14)
            assert state_of(_sibling(warehouse, ".prev")) == now  # built on exactly what the kill left
        else:  # it holds every page: the next run finds nothing new and publishes nothing
            summary = after.stdout.splitlines()[-2:]  # what it found, and that nothing was checked again
            assert summary[0].startswith("Nothing new in ") and summary[1].startswith("Data quality: not"), after.stdout
            assert state_of(warehouse) == now
        assert left_by_the_kill(warehouse) == []
        seen.append((outcome, left, spare))
    print("\n".join(f"kill {n}: {outcome} version, left {left or 'nothing'}{' (from a spare)' if spare else ''}"
                    for n, (outcome, left, spare) in enumerate(seen)))
    assert {"old", "new"} <= {outcome for outcome, _, _ in seen}  # the kills landed before and after the swap
    assert any(".next" in left for _, left, _ in seen)  # and in the middle of a load
    assert ".next" in seen[2][1] and seen[2][2]  # one of them building on a spare
