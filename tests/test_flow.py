"""The `ooh` command as users run it: a real Prefect flow (on the session's Prefect server) and a real DuckDB file."""
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import BAD, PAGES, run, user_env
from test_crash_drill import children
from test_publish import Started

@pytest.fixture(scope="module")
def first_ingest(env, source):
    return run(["ingest", "--source", str(source)], env)


def test_ingest_loads_pages_and_rejects_bad_inputs(first_ingest, env):
    out = first_ingest.stdout + first_ingest.stderr
    assert first_ingest.returncode == 0, out
    assert "Traceback" not in out and "database is locked" not in out
    assert "19 files" in first_ingest.stdout and "14 new pages" in first_ingest.stdout and "5 rejected" in first_ingest.stdout
    for name, code in [("empty.html", "empty"), ("binary.png", "binary"), ("ocos028_404-not-found.html", "not_found_page"),
                       ("ocos069_teachers-landing-page.html", "landing_page"), ("unknown-layout.html", "unknown_layout")]:
        assert any(name in line and f"[{code}]" in line for line in first_ingest.stdout.splitlines()), name
    data = Path(env["OOH_DATA_DIR"])
    assert (data / "ooh.duckdb").is_file()
    assert (data / "prefect").is_dir()  # Prefect's state stays in the project's data folder
    assert "Flow run" in first_ingest.stderr  # it ran as a Prefect flow
    # in threads, one parse task hands every batch to the worker processes
    assert "Task run 'parse-1-of-1'" in first_ingest.stderr and "parse-1-of-2" not in first_ingest.stderr
    assert "Data quality: all 6 checks pass." in first_ingest.stdout


def test_ingest_again_parses_nothing_and_writes_nothing(first_ingest, env, source):
    warehouse = Path(env["OOH_DATA_DIR"]) / "ooh.duckdb"
    before = (warehouse.stat().st_ino, warehouse.stat().st_mtime_ns)
    second = run(["ingest", "--source", str(source)], env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[0].startswith(f"Nothing new in {source}: its 19 files are 14 pages ")
    assert "and 5 files it rejected before" in second.stdout
    assert second.stdout.count("  rejected ") == 5  # the reasons, every run
    assert (warehouse.stat().st_ino, warehouse.stat().st_mtime_ns) == before  # no new version
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM pages").fetchone()[0] == 14
        assert con.execute("SELECT count(*) FROM rejected_inputs").fetchone()[0] == 5
        assert con.execute("SELECT count(*) FROM loads").fetchone()[0] == 1
    finally:
        con.close()


def test_a_changed_page_is_the_only_one_parsed(env, source, tmp_path):
    """Nor is any other file read again: the parse remembered their hashes (flows/file_hashes.py)."""
    from flows.file_hashes import SETTLED_NS

    shutil.copytree(source, tmp_path / "src")
    settled = max(p.stat().st_ctime_ns for p in (tmp_path / "src").rglob("*")) + SETTLED_NS
    while time.time_ns() <= settled:  # files written just before they are read are not remembered
        time.sleep(0.1)
    warehouse = str(tmp_path / "w.duckdb")
    first = run(["ingest", "--source", str(tmp_path / "src"), "--warehouse", warehouse], env)
    assert first.returncode == 0, first.stderr
    assert f"19 files to parse: {warehouse} holds no load yet" in first.stderr  # read once, by the parse
    changed = next((tmp_path / "src").rglob("ocos103_*.html"))
    changed.write_bytes(changed.read_bytes().replace(b"</body>", b"<p>A reader's note.</p></body>"))
    again = run(["ingest", "--source", str(tmp_path / "src"), "--warehouse", warehouse], env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "1 new pages, 0 re-parsed, 13 unchanged" in again.stdout
    assert "18 files were not parsed again" in again.stdout
    assert "1 of 19 files to parse" in again.stderr  # the run's log
    assert "(18 files unchanged since they were last read were not read again)" in again.stderr


def test_every_mart_keeps_its_rules_on_the_ingested_fixtures(first_ingest, env):
    """The grain and rules of warehouse/contract/rules.csv hold on the warehouse `ooh ingest` wrote."""
    from warehouse.contract import broken_rules

    con = duckdb.connect(str(Path(env["OOH_DATA_DIR"]) / "ooh.duckdb"), read_only=True)
    try:
        assert broken_rules(con) == []
        assert con.execute("SELECT count(*) FROM occupation_timeline").fetchone()[0] > 0
    finally:
        con.close()


def test_timeline_answers_across_editions(first_ingest, env):
    result = run(["timeline", "medical records"], env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    rows = [line for line in lines if line.startswith("Medical Records")]
    assert len(rows) == 3
    for year, jobs, wage in [("2004", "159,000", "25,590"), ("2008", "172,500", "30,610"), ("2024", "194,800", "50,250")]:
        assert any(year in r and jobs in r and wage in r for r in rows), (year, rows)


def test_query_is_read_only(first_ingest, env):
    ok = run(["query", "SELECT count(*) AS n FROM figures WHERE kind = 'wage'", "--format", "json"], env)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)[0]["n"] > 0
    refused = run(["query", "DROP TABLE pages"], env)
    assert refused.returncode == 2
    assert refused.stderr.startswith("ooh query: query refused:") and "read-only" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_query_writes_csv_json_and_parquet(first_ingest, env, tmp_path):
    sql = "SELECT edition, jobs, median_annual_wage FROM occupation_editions WHERE occupation_title ILIKE 'medical records%' ORDER BY base_year"
    as_csv = run(["query", sql, "--format", "csv"], env)
    assert as_csv.stdout.splitlines() == ["edition,jobs,median_annual_wage", "2006-07,159000,25590.00",
                                          "2010-11,172500,30610.00", "2024-34,194800,50250.00"]
    as_json = run(["query", sql, "--format", "json", "--output", str(tmp_path / "mrt.json")], env)
    assert as_json.returncode == 0 and as_json.stdout == ""
    assert json.loads((tmp_path / "mrt.json").read_text())[0] == {"edition": "2006-07", "jobs": 159000,
                                                                   "median_annual_wage": 25590}
    as_parquet = run(["query", sql, "--format", "parquet", "--output", str(tmp_path / "mrt.parquet")], env)
    assert as_parquet.returncode == 0 and "wrote 3 rows" in as_parquet.stderr
    assert duckdb.connect().execute(f"SELECT * FROM '{tmp_path / 'mrt.parquet'}'").fetchall()[2][:2] == ("2024-34", 194800)
    no_file = run(["query", sql, "--format", "parquet"], env)
    assert no_file.returncode == 2 and "give --output FILE" in no_file.stderr


def test_parse_shows_a_page(env):
    as_json = run(["parse", str(PAGES / "2010-11" / "ocos126_tellers.html"), "--json"], env)
    assert as_json.returncode == 0
    page = json.loads(as_json.stdout)
    assert page["layout"] == "ocos" and page["title"] == "Tellers"
    readable = run(["parse", str(BAD / "empty.html")], env)
    assert readable.returncode == 2 and "empty file" in readable.stderr and "Traceback" not in readable.stderr


def test_a_wrong_source_fails_fast_with_a_reason(tmp_path):
    data = tmp_path / "data"
    environ = user_env(data)  # no PREFECT_API_URL: a run would start the data folder's own Prefect server
    try:
        result = run(["ingest", "--source", str(tmp_path / "nowhere"), "--warehouse", str(tmp_path / "w.duckdb")],
                     environ)
        assert result.returncode == 2
        assert "no directory at" in result.stderr and result.stderr.count("\n") == 1
        assert not (data / "prefect-server.log").exists()  # no Prefect server was started for it
    finally:
        run(["server", "stop"], environ)


def test_a_warehouse_held_by_another_process_is_reported(env, source, tmp_path):
    warehouse = tmp_path / "held.duckdb"
    holder = subprocess.Popen([sys.executable, "-c",
                               "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True); time.sleep(60)",
                               str(warehouse)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        result = run(["ingest", "--source", str(source / "pages"), "--warehouse", str(warehouse)], env)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 2
    assert "open in another process" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("server", ["own", "temporary"])
def test_ctrl_c_during_an_ingest_is_one_line_and_keeps_the_published_warehouse(server, env, temporary_env, source,
                                                                               tmp_path):
    """SIGINT (Ctrl-C) in the middle of a run: exit status 2, one line saying what happened, no traceback,
    and the warehouse published before it unchanged; on a Prefect server that keeps running, and on
    Prefect's temporary server, which the run stops (its shutdown must not print tracebacks either)."""
    import signal
    import time

    from conftest import OOH

    warehouse = tmp_path / "w.duckdb"
    first = run(["ingest", "--source", str(source), "--warehouse", str(warehouse)], env)
    assert first.returncode == 0, first.stderr
    before = warehouse.read_bytes()
    big = tmp_path / "many"
    for n in range(20):  # enough pages that the parse is still running when the signal comes: other bytes
        for page in (source / "pages").rglob("*.*"):  # each, or the warehouse holds them and none is parsed
            target = big / f"copy{n}" / page.relative_to(source / "pages")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(page.read_bytes() + b"\n" * (n + 1))
    proc = subprocess.Popen([OOH, "ingest", "--source", str(big), "--warehouse", str(warehouse)],
                            env=env if server == "own" else temporary_env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    err = ""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and "Beginning flow run" not in err:
        err += proc.stderr.readline()
    proc.send_signal(signal.SIGINT)
    out, rest = proc.communicate(timeout=240)
    err += rest
    assert proc.returncode == 2, (out, err[-2000:])
    assert "Traceback" not in out + err
    assert [line for line in err.splitlines() if line.startswith("ooh ingest:")] == [
        "ooh ingest: interrupted: the published warehouse is whole (the version before this ingest unless it had "
        "published); run the same command again to load what it had not"]
    assert warehouse.read_bytes() == before


def test_prefects_process_runner_loads_what_the_default_runner_loads(first_ingest, env, source, tmp_path):
    """OOH_TASK_RUNNER=process: each parse task in a process of Prefect's pool instead of a thread handing
    its batches to the worker processes. The same rows either way, and the staged batches are gone once
    published."""
    warehouse = tmp_path / "process.duckdb"
    result = run(["ingest", "--source", str(source), "--warehouse", str(warehouse)],
                 {**env, "OOH_TASK_RUNNER": "process", "OOH_BATCH_SIZE": "4", "OOH_WORKERS": "2"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "batch 5/5" in result.stderr  # 19 files in batches of 4, shared among the workers' tasks
    assert "Task run 'parse-1-of-2'" in result.stderr and "Task run 'parse-2-of-2'" in result.stderr
    loaded = [line for line in result.stdout.splitlines() if line.startswith("Loaded ")]
    expected = [line for line in first_ingest.stdout.splitlines() if line.startswith("Loaded ")]
    assert loaded[0].split(":", 1)[1] == expected[0].split(":", 1)[1]  # the counts, past the file names
    tables = ("pages", "sections", "extracted_figures", "refused_figures", "rejected_inputs")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        ours = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    with duckdb.connect(str(Path(env["OOH_DATA_DIR"]) / "ooh.duckdb"), read_only=True) as con:
        theirs = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    assert ours == theirs
    assert not any((Path(env["OOH_DATA_DIR"]) / "staging").iterdir())


@pytest.mark.parametrize("batch_size, batches", [(50, 1), (4, 5)])
def test_parse_worker_processes_start_only_for_more_than_one_batch(first_ingest, env, source, tmp_path, batch_size,
                                                                     batches):
    """19 files: in one batch, which no second worker could share, the flow parses in its own process and no
    worker process starts; in five batches, the workers share them. The same load either way."""
    started = Started(["ingest", "--source", str(source), "--warehouse", str(tmp_path / "w.duckdb"),
                       "--batch-size", str(batch_size)], env, tmp_path)
    workers_seen = False
    while started.proc.poll() is None:  # the workers' forkserver, a child of the command while it runs
        workers_seen = workers_seen or bool(children(started.proc.pid, b"multiprocessing.forkserver"))
        time.sleep(0.01)
    result = started.finish()
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"batch {batches}/{batches}:" in result.stderr
    assert workers_seen == (batches > 1)
    loaded = [line for line in result.stdout.splitlines() if line.startswith("Loaded ")]
    expected = [line for line in first_ingest.stdout.splitlines() if line.startswith("Loaded ")]
    assert loaded[0].split(":", 1)[1] == expected[0].split(":", 1)[1]  # the counts, past the file names


def test_dask_without_prefect_dask_is_one_line(env, source, tmp_path):
    result = run(["ingest", "--source", str(source), "--warehouse", str(tmp_path / "w.duckdb")],
                 {**env, "OOH_TASK_RUNNER": "dask"})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "prefect-dask" in result.stderr, result.stderr
