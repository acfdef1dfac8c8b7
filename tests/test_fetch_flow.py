"""`ooh fetch` as users run it (a real Prefect flow, a real DuckDB file), against loopback stand-ins for
bls.gov and the Wayback Machine serving the real corpus: a full live crawl of the current edition and a
Wayback backfill of the 2010-11 edition, archived and loaded, re-runs that fetch nothing, a 403 that
stops a run without losing what it archived, and the archive replayed offline."""
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from conftest import OOH
from fake_sites import live_site, wayback_site
from flows.gate import CORPUS
from parsers.index_page import occupation_paths

DELAY = 0.01
JITTER = 0.5

pytestmark = [pytest.mark.long,  # started first (tests/conftest.py)
              pytest.mark.skipif(not (CORPUS / "real").is_dir(), reason=f"no corpus at {CORPUS}: fetch flows not run")]


@pytest.fixture(scope="module")
def sites():
    live, wayback = live_site(CORPUS).start(), wayback_site(CORPUS).start()
    yield live, wayback
    live.stop()
    wayback.stop()


def ooh_command(*args, warehouse: Path, sites=None) -> list[str]:
    command = [OOH, *args, "--warehouse", str(warehouse)]
    if sites:
        live, wayback = sites
        command += ["--handbook-url", live.url, "--wayback-url", wayback.url, "--contact", "tests@example.org",
                    "--delay", str(DELAY)]
    return command


def ooh(env, *args, warehouse: Path, sites=None, extra_env=None):
    return subprocess.run(ooh_command(*args, warehouse=warehouse, sites=sites), env={**env, **(extra_env or {})},
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)


def query(warehouse: Path, sql: str):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def min_gap(site, path_prefix: str = "") -> float:
    times = [t for t, path, _ in site.requests() if path.startswith(path_prefix)]
    return min(b - a for a, b in zip(times, times[1:]))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return tmp_path_factory.mktemp("wh") / "ooh.duckdb"


@pytest.fixture(scope="module")
def live_crawl(sites, env, warehouse):
    return ooh(env, "fetch", "live", warehouse=warehouse, sites=sites)


def test_a_live_crawl_archives_and_loads_every_current_page(live_crawl, sites, warehouse):
    out = live_crawl.stdout + live_crawl.stderr
    assert live_crawl.returncode == 0, out
    assert "Traceback" not in out
    assert "342 pages found, 342 fetched, 0 unchanged, 0 archived already, 0 failed" in live_crawl.stdout
    assert "342 new pages" in live_crawl.stdout and "0 rejected" in live_crawl.stdout
    assert query(warehouse, "SELECT count(*) FROM captures WHERE source_kind = 'live' AND status = 200") == [(342,)]
    assert query(warehouse, "SELECT count(*) FROM current_pages WHERE layout = 'tabbed'") == [(342,)]
    archive = warehouse.parent / "archive"
    assert list(archive.glob("ooh-*.warc.gz"))


def test_the_live_crawl_kept_its_pace(live_crawl, sites):
    live, _ = sites
    assert len(live.requests()) == 342 + 2  # robots.txt, the A-Z index, the pages: nothing twice
    assert min_gap(live) >= DELAY * (1 - JITTER / 2) - 0.002


def test_running_the_live_crawl_again_fetches_nothing(live_crawl, sites, env, warehouse):
    live, _ = sites
    before = len(live.requests())
    again = ooh(env, "fetch", "live", warehouse=warehouse, sites=sites)
    assert again.returncode == 0, again.stderr
    assert "0 fetched, 0 unchanged, 342 archived already, 0 failed" in again.stdout
    assert len(live.requests()) == before  # not even the index: it is fresh in the archive


@pytest.fixture(scope="module")
def backfill(live_crawl, sites, env, warehouse):
    return ooh(env, "fetch", "wayback", "--edition", "2010-11", warehouse=warehouse, sites=sites)


def test_a_wayback_backfill_archives_and_loads_the_2010_11_edition(backfill, sites, warehouse):
    _, wayback = sites
    result = backfill
    assert result.returncode == 0, result.stdout + result.stderr
    assert "324 pages found, 324 fetched, 0 unchanged, 0 archived already, 0 failed" in result.stdout
    assert query(warehouse, "SELECT count(*) FROM captures WHERE source_kind = 'wayback' AND status = 200") == [(324,)]
    assert query(warehouse, "SELECT count(*) FROM current_pages WHERE layout = 'ocos'") == [(289,)]  # 27 groups of twins
    assert query(warehouse, "SELECT count(*) FROM page_sources ps JOIN pages p USING (page_id) WHERE p.layout = 'ocos'") == [(323,)]
    rejected = query(warehouse, "SELECT source_url, reason_code FROM rejected_inputs")
    assert [(url.rsplit("/", 1)[-1], code) for url, code in rejected] == [("ocos069.htm", "landing_page")]
    cdx = [t for t, path, _ in wayback.requests() if path.startswith("/cdx/")]
    assert len(cdx) == 1
    assert min_gap(wayback) >= DELAY * (1 - JITTER / 2) - 0.002
    urls = query(warehouse, "SELECT DISTINCT source_url FROM figures WHERE edition = '2010-11' LIMIT 3")
    assert all("/web/20100601120000/http://www.bls.gov/oco/ocos" in url for (url,) in urls)


def test_running_the_backfill_again_fetches_nothing(backfill, sites, env, warehouse):
    _, wayback = sites
    before = len(wayback.requests())
    again = ooh(env, "fetch", "wayback", "--edition", "2010-11", warehouse=warehouse, sites=sites)
    assert again.returncode == 0, again.stderr
    assert "0 fetched, 0 unchanged, 324 archived already, 0 failed" in again.stdout
    assert len(wayback.requests()) == before


def test_the_archive_replays_offline(live_crawl, env, warehouse, tmp_path):
    other = tmp_path / "replay.duckdb"
    shutil.copytree(warehouse.parent / "archive", tmp_path / "archive")
    shutil.copy(warehouse, other)
    con = duckdb.connect(str(other))
    con.execute("DELETE FROM extracted_figures; DELETE FROM sections; DELETE FROM page_sources; DELETE FROM pages")
    con.close()
    result = ooh(env, "ingest", "--source", "archive", warehouse=other)  # no sites: nothing to fetch from
    assert result.returncode == 0, result.stderr
    assert query(other, "SELECT count(*) FROM current_pages") == query(warehouse, "SELECT count(*) FROM current_pages")
    warc = next((tmp_path / "archive").glob("ooh-*.warc.gz"))
    fresh = tmp_path / "from-warc.duckdb"
    result = ooh(env, "ingest", "--source", f"warc:{warc}", warehouse=fresh)
    assert result.returncode == 0, result.stderr
    assert query(fresh, "SELECT count(*) FROM current_pages")[0][0] > 0


def test_a_403_stops_the_run_and_keeps_what_it_archived(sites, env, tmp_path):
    live, _ = sites
    warehouse = tmp_path / "stopped.duckdb"
    order = occupation_paths(live.pages["/ooh/a-z-index.htm"])
    failing, victim = order[10], order[60]  # in the first batch of 50, and in the second
    live.fault(failing, "503", "503")
    live.fault(victim, "403")
    result = ooh(env, "fetch", "live", warehouse=warehouse, sites=sites,
                 extra_env={"OOH_BATCH_SIZE": "50", "OOH_RETRIES": "1"})
    assert result.returncode == 2
    message = [line for line in result.stderr.splitlines() if line.startswith("ooh fetch:")]
    assert len(message) == 1 and "403 Forbidden" in message[0] and "ooh ingest --source archive" in message[0]
    assert "Traceback" not in result.stderr
    # 49 pages of the first batch, and the 10 the second fetched before the 403: indexed, not lost
    assert "59 fetched" in result.stdout and "1 failed, 282 left to fetch" in result.stdout
    assert "1 failed: HTTP 503 (after 2 attempts)" in result.stdout
    assert query(warehouse, "SELECT count(*) FROM captures WHERE source_kind = 'live'") == [(59,)]
    assert query(warehouse, "SELECT url, attempts, last_status, reason FROM fetch_failures") == [
        (live.url + failing, 2, 503, "HTTP 503 (after 2 attempts)")]
    assert query(warehouse, "SELECT stopped IS NOT NULL FROM fetch_runs") == [(True,)]
    loaded = ooh(env, "ingest", "--source", "archive", warehouse=warehouse)
    assert loaded.returncode == 0 and "59 new pages" in loaded.stdout


def index_order(live) -> list[str]:
    return occupation_paths(live.pages["/ooh/a-z-index.htm"])


def test_a_stalled_response_is_cut_at_its_deadline_and_the_run_goes_on(sites, env, tmp_path):
    live, _ = sites
    warehouse = tmp_path / "stalled.duckdb"
    before, stalled, after = index_order(live)[:3]
    asked = len(live.requests(stalled))  # the site serves every test of the module
    live.fault(stalled, "trickle:0.05")  # a byte every 50 ms: no read ever times out
    result = ooh(env, "fetch", "live", "--limit", "3", warehouse=warehouse, sites=sites,
                 extra_env={"OOH_RESPONSE_DEADLINE": "3"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "3 pages found, 2 fetched, 0 unchanged, 0 archived already, 1 failed." in result.stdout
    assert "1 failed: no complete response within 3 s (OOH_RESPONSE_DEADLINE)" in result.stdout
    assert len(live.requests(stalled)) == asked + 1  # not retried: it would stall the same way
    assert sorted(query(warehouse, "SELECT fetch_url FROM captures WHERE source_kind = 'live'")) == sorted([
        (live.url + before,), (live.url + after,)])
    assert query(warehouse, "SELECT url, reason FROM fetch_failures") == [
        (live.url + stalled, "no complete response within 3 s (OOH_RESPONSE_DEADLINE)")]
    assert "2 new pages" in result.stdout


def test_the_run_deadline_stops_a_run_and_keeps_what_it_archived(sites, env, tmp_path):
    live, _ = sites
    warehouse = tmp_path / "deadline.duckdb"
    first, stalled, *_ = index_order(live)[:4]
    live.fault(stalled, "trickle:0.05")
    result = ooh(env, "fetch", "live", "--limit", "4", warehouse=warehouse, sites=sites,
                 extra_env={"OOH_RUN_DEADLINE": "6"})
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    message = [line for line in result.stderr.splitlines() if line.startswith("ooh fetch:")]
    assert len(message) == 1 and "the run's deadline of 6 s (OOH_RUN_DEADLINE) passed" in message[0]
    assert "4 pages found, 1 fetched, 0 unchanged, 0 archived already, 0 failed, 3 left to fetch." in result.stdout
    assert query(warehouse, "SELECT fetch_url FROM captures WHERE source_kind = 'live'") == [(live.url + first,)]
    assert query(warehouse, "SELECT count(*) FROM fetch_failures") == [(0,)]  # the page did not fail: the run ran out


def test_a_later_success_clears_a_failure_live_and_wayback(sites, env, tmp_path):
    live, wayback = sites
    warehouse = tmp_path / "retried.duckdb"
    page = index_order(live)[1]
    original = sorted(wayback.captures)[1]
    capture = f"/web/{wayback.captures[original][0]}id_/{original}"  # what a Wayback fetch requests
    live.fault(page, "503")
    wayback.fault(capture, "503")
    no_retries = {"OOH_RETRIES": "0"}
    for kind in (["live"], ["wayback", "--edition", "2010-11"]):
        first = ooh(env, "fetch", *kind, "--limit", "3", "--no-ingest", warehouse=warehouse, sites=sites,
                    extra_env=no_retries)
        assert first.returncode == 0 and "1 failed: HTTP 503 (after 1 attempts)" in first.stdout, first.stderr
    assert sorted(query(warehouse, "SELECT url, source_kind FROM fetch_failures")) == sorted([
        (live.url + page, "live"), (wayback.url + capture, "wayback")])
    for kind in (["live"], ["wayback", "--edition", "2010-11"]):
        again = ooh(env, "fetch", *kind, "--limit", "3", "--no-ingest", warehouse=warehouse, sites=sites,
                    extra_env=no_retries)
        assert again.returncode == 0 and "1 fetched, 0 unchanged, 2 archived already, 0 failed" in again.stdout
    assert query(warehouse, "SELECT count(*) FROM fetch_failures") == [(0,)]
    answered = query(warehouse, "SELECT fetch_url FROM captures WHERE status = 200 AND fetch_url IN "
                                f"('{live.url + page}', '{wayback.url + capture}') ORDER BY 1")
    assert sorted(answered) == sorted([(live.url + page,), (wayback.url + capture,)])


def test_records_a_killed_run_archived_are_indexed_by_the_next_run(sites, env, tmp_path):
    live, _ = sites
    warehouse = tmp_path / "killed.duckdb"
    order = index_order(live)
    done, stalled = order[:3], order[3]
    asked = {path: len(live.requests(path)) for path in order[:4]}  # the site serves every test of the module
    live.fault(stalled, "trickle:0.2")  # the run waits on it, inside its first batch, until it is killed
    run = subprocess.Popen(ooh_command("fetch", "live", "--limit", "6", "--no-ingest", warehouse=warehouse,
                                       sites=sites),
                           env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)  # its own process group: the command and Prefect's server
    try:
        waited = time.monotonic() + 300
        while len(live.requests(stalled)) == asked[stalled] and run.poll() is None and time.monotonic() < waited:
            time.sleep(0.2)
        assert len(live.requests(stalled)) > asked[stalled], "the run never reached the stalled page"
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    archived = sum(1 for path in (warehouse.parent / "archive").glob("ooh-*.warc.gz"))
    assert archived == 1
    assert query(warehouse, "SELECT count(*) FROM captures WHERE source_kind = 'live'") == [(0,)]  # left unindexed
    again = ooh(env, "fetch", "live", "--limit", "6", "--no-ingest", warehouse=warehouse, sites=sites)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Indexed 3 archived records the index lacked" in again.stdout
    assert "6 pages found, 3 fetched, 0 unchanged, 3 archived already, 0 failed." in again.stdout
    assert all(len(live.requests(path)) == asked[path] + 1 for path in done)  # archived once, never asked again
    assert query(warehouse, "SELECT count(*) FROM captures WHERE source_kind = 'live'") == [(6,)]


def test_an_interrupted_run_says_so_in_one_line_and_indexes_what_it_archived(sites, env, tmp_path):
    live, _ = sites
    warehouse = tmp_path / "interrupted.duckdb"
    order = index_order(live)
    stalled = order[3]
    asked = len(live.requests(stalled))
    live.fault(stalled, "trickle:0.2")
    run = subprocess.Popen(ooh_command("fetch", "live", "--limit", "6", "--no-ingest", warehouse=warehouse,
                                       sites=sites),
                           env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True,
                           # a shell's background job ignores SIGINT, and so would this run, inheriting it
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        waited = time.monotonic() + 300
        while len(live.requests(stalled)) == asked and run.poll() is None and time.monotonic() < waited:
            time.sleep(0.2)
        run.send_signal(signal.SIGINT)  # Ctrl-C
        out, err = run.communicate(timeout=300)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    assert run.returncode == 2 and "Traceback" not in out + err, (run.returncode, out[-2000:], err[-4000:])
    message = [line for line in err.splitlines() if line.startswith("ooh fetch:")]
    assert message == ["ooh fetch: interrupted: what was archived is kept and indexed (by the next run, if not now): "
                       "run the same command again to continue"]
    assert query(warehouse, "SELECT count(*) FROM captures WHERE source_kind = 'live'") == [(3,)]
