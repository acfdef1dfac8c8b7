"""`ooh query` and `read_query` are safe behind a dashboard: one statement that only reads, on a connection
that reaches no file but the warehouse, no network and no setting; with a row limit and a time limit.
`ooh export` never deletes what it did not write."""
import hashlib
import http.server
import json
import shutil
import threading
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from conftest import PAGES, run
from warehouse.db import WarehouseError
from warehouse.query import (TIMELINE_SQL, QueryRefused, QueryTimedOut, export_marts, read_query,
                             read_query_arrow)

# A cross join of a million by a million rows, each row computed: many minutes of work on any machine
LONG_QUERY = "SELECT count(*) FROM range(1000000) a, range(1000000) b WHERE (a.range + b.range) % 7 = 3"
LOCKED_SETTINGS = """SELECT name, value FROM duckdb_settings() WHERE name IN ('enable_external_access',
    'autoinstall_known_extensions', 'autoload_known_extensions', 'lock_configuration', 'python_enable_replacements')
    ORDER BY name"""


@pytest.fixture(scope="module")
def warehouse(env):
    """The fixture pages ingested by `ooh ingest` (a real Prefect flow): the file and its previous version."""
    result = run(["ingest", "--source", str(PAGES)], env)
    assert result.returncode == 0, result.stderr
    path = Path(env["OOH_DATA_DIR"]) / "ooh.duckdb"
    assert path.with_name("ooh.duckdb.prev").is_file()
    return path


@pytest.fixture
def canary(tmp_path):
    """A local file no query may read unless files are allowed."""
    path = tmp_path / "canary.csv"
    path.write_text("name,code\ncanary,31337\n")
    return path


def digests(*folders: Path) -> dict[str, str]:
    """Every file below the folders (Prefect's own state aside), by path, with its sha256."""
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders for p in sorted(folder.rglob("*")) if p.is_file() and "prefect" not in p.parts}


def refused(result, reason: str) -> None:
    """Exit status 2, one line on standard error that says why, nothing on standard output."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("ooh query: ") and reason in result.stderr, result.stderr
    assert result.stdout == ""


# --- the drill's attacks, through the command, with the file system checked before and after --------------

ATTACKS = {
    "copy over the previous version": ("COPY (SELECT 1 AS broken) TO '{prev}' (FORMAT csv)", "COPY is not a read-only statement"),
    "copy to a new file": ("COPY (SELECT * FROM pages) TO '{tmp}/copied.csv'", "COPY is not a read-only statement"),
    "copy after a comment": ("-- a harmless note\n/* and another */ COPY pages TO '{tmp}/copied.csv'", "COPY is not"),
    "attach read-write": ("ATTACH '{tmp}/other.duckdb' AS other (READ_WRITE)", "ATTACH is not a read-only statement"),
    "attach then insert": ("ATTACH '{tmp}/other.duckdb' AS other (READ_WRITE); INSERT INTO other.t VALUES (2)",
                           "2 statements given"),
    "export database": ("EXPORT DATABASE '{tmp}/exported'", "EXPORT is not a read-only statement"),
    "read a system file": ("SELECT * FROM read_csv('/etc/passwd')", 'Cannot access file "/etc/passwd"'),
    "read a local file": ("SELECT * FROM read_csv('{canary}')", "Cannot access file"),
    "read a file as text": ("SELECT content FROM read_text('{canary}')", "Cannot access file"),
    "read another database": ("SELECT * FROM read_duckdb('{prev}', table_name => 'pages')", "Cannot access file"),
    "list a folder": ("SELECT * FROM glob('{tmp}/*')", "Cannot access file"),
    "list root's folder": ("SELECT * FROM glob('/root/*')", "Cannot access file"),
    "set a setting back": ("SET enable_external_access = true", "SET is not a read-only statement"),
    "reset a setting": ("RESET lock_configuration", "RESET is not a read-only statement"),
    "use another database": ("USE memory", "USE is not a read-only statement"),
    "two statements": ("SELECT 1; SELECT 2", "2 statements given"),
    "a statement after a select": ("SELECT 1; COPY pages TO '{tmp}/copied.csv'", "2 statements given"),
    "install an extension": ("INSTALL httpfs", "INSTALL is not a read-only statement"),
    "load an extension": ("LOAD httpfs", "LOAD is not a read-only statement"),
    "explain analyze runs a copy": ("EXPLAIN ANALYZE COPY (SELECT 1) TO '{tmp}/copied.csv'", "EXPLAIN of COPY is not"),
    "pragma": ("PRAGMA enable_profiling", "PRAGMA is not a read-only statement"),
    "call": ("CALL enable_logging(storage => 'file', storage_path => '{tmp}/logs')", "CALL is not a read-only"),
    "a setting through a table function": ("SELECT * FROM enable_profiling(save_location => '{tmp}/profile.txt')",
                                           "the configuration has been locked"),
    "drop": ("DROP TABLE pages", "DROP is not a read-only statement"),
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_an_attack_is_refused_in_one_line_and_changes_no_file(attack, warehouse, env, tmp_path, canary):
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t AS SELECT 1 AS x")
    con.close()
    sql, reason = ATTACKS[attack]
    sql = sql.format(prev=warehouse.with_name("ooh.duckdb.prev"), tmp=tmp_path, canary=canary)
    before = digests(warehouse.parent, tmp_path)
    result = run(["query", sql], env)
    refused(result, reason)
    assert "canary" not in result.stdout and "31337" not in result.stdout
    assert digests(warehouse.parent, tmp_path) == before  # nothing written, nothing added
    assert not any((tmp_path / name).exists() for name in ("copied.csv", "exported", "logs", "profile.txt"))


def test_the_previous_version_survives_for_rollback(warehouse, env):
    """The drill: COPY TO overwrote `<file>.prev`, then `ooh rollback` swapped in a broken file."""
    prev = warehouse.with_name("ooh.duckdb.prev")
    run(["query", f"COPY (SELECT 1 AS broken) TO '{prev}' (FORMAT csv)"], env)
    run(["query", "SELECT 1 AS broken", "--format", "csv", "--output", str(prev)], env)
    loads = []
    for _ in range(2):  # back to the previous version (before the load), and forward again: both open and answer
        assert run(["rollback"], env).returncode == 0
        answer = run(["query", "SELECT count(*) AS loads FROM loads", "--format", "json"], env)
        assert answer.returncode == 0, answer.stderr
        loads.append(json.loads(answer.stdout)[0]["loads"])
    assert loads == [0, 1]


def test_output_never_names_the_warehouse_files(warehouse, env):
    before = digests(warehouse.parent)
    for name in ("ooh.duckdb", "ooh.duckdb.prev", "ooh.duckdb.lock"):
        result = run(["query", "SELECT 1", "--format", "csv", "--output", str(warehouse.with_name(name))], env)
        refused(result, "is one of the warehouse's own files")
    assert digests(warehouse.parent) == before


def test_local_files_are_read_only_with_allow_files(warehouse, env, canary, tmp_path):
    sql = f"SELECT code FROM read_csv('{canary}')"
    refused(run(["query", sql], env), "--allow-files lets them read local files")
    allowed = run(["query", sql, "--allow-files", "--format", "csv"], env)
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.splitlines() == ["code", "31337"]
    listed = run(["query", f"SELECT file FROM glob('{tmp_path}/*')", "--allow-files", "--format", "csv"], env)
    assert str(canary) in listed.stdout.splitlines()
    # still one statement that only reads: files may be read, never written
    before = digests(warehouse.parent, tmp_path)
    for sql, reason in [(f"COPY (SELECT 1) TO '{tmp_path}/copied.csv'", "COPY is not a read-only statement"),
                        (f"EXPLAIN ANALYZE COPY (SELECT 1) TO '{tmp_path}/copied.csv'", "EXPLAIN of COPY is not"),
                        (f"ATTACH '{tmp_path}/new.duckdb' AS n", "ATTACH is not a read-only statement"),
                        ("SET autoinstall_known_extensions = true", "SET is not a read-only statement")]:
        refused(run(["query", sql, "--allow-files"], env), reason)
    assert digests(warehouse.parent, tmp_path) == before


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        self.requests.append(self.path)
        body = b"name,code\nremote,1\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def local_site():
    """A web server on 127.0.0.1 that counts the requests it is sent."""
    _CountingHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _CountingHandler.requests
    server.shutdown()
    server.server_close()


def test_no_query_reaches_the_network_even_with_files_allowed(warehouse, env, local_site):
    url, requests = local_site
    for options in ([], ["--allow-files"]):
        result = run(["query", f"SELECT * FROM read_csv('{url}/data.csv')", *options], env)
        assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert requests == []  # httpfs is neither downloaded nor loaded, so no request is ever made


# --- the library entry point a dashboard calls ------------------------------------------------------------------

def test_read_query_runs_on_a_locked_connection(warehouse):
    locked = dict(read_query(warehouse, LOCKED_SETTINGS).rows)
    assert locked == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false",
                      "enable_external_access": "false", "lock_configuration": "true",
                      "python_enable_replacements": "false"}
    with_files = dict(read_query(warehouse, LOCKED_SETTINGS, allow_files=True).rows)
    assert with_files == {**locked, "enable_external_access": "true"}


@pytest.mark.parametrize("attack", ["copy over the previous version", "attach then insert", "read a system file",
                                    "set a setting back", "explain analyze runs a copy", "two statements",
                                    "install an extension", "list a folder"])
def test_read_query_refuses_what_the_command_refuses(attack, warehouse, tmp_path, canary):
    sql, reason = ATTACKS[attack]
    before = digests(warehouse.parent, tmp_path)
    with pytest.raises(QueryRefused, match=reason.replace("(", r"\(")) as caught:
        read_query(warehouse, sql.format(prev=warehouse.with_name("ooh.duckdb.prev"), tmp=tmp_path, canary=canary))
    assert "\n" not in str(caught.value)
    assert digests(warehouse.parent, tmp_path) == before


def test_read_query_sees_no_python_variable(warehouse):
    """DuckDB's Python client would otherwise read a caller's Arrow table or data frame named in the SQL."""
    secret_rows = pa.table({"salary": [123456]})  # noqa: F841 (the name the query reaches for)
    with pytest.raises(WarehouseError, match="secret_rows"):
        read_query(warehouse, "SELECT * FROM secret_rows")
    with pytest.raises(WarehouseError, match="secret_rows"):
        read_query_arrow(warehouse, "SELECT * FROM secret_rows")


def test_the_project_s_own_queries_still_run(warehouse):
    result = read_query(warehouse, TIMELINE_SQL.replace("{year}", "2024"), [2024, "medical records"])
    assert [row[:2] for row in result.rows] == [("Medical Records Specialists", e) for e in ("2006-07", "2010-11", "2024-34")]
    assert result.truncated is False


def test_the_row_limit_reads_no_more_than_it_shows(warehouse):
    cut = read_query(warehouse, "SELECT range AS n FROM range(10)", max_rows=3)
    assert cut.columns == ["n"] and cut.rows == [(0,), (1,), (2,)] and cut.truncated
    exact = read_query(warehouse, "SELECT range AS n FROM range(10)", max_rows=10)
    assert len(exact.rows) == 10 and not exact.truncated
    assert len(read_query(warehouse, "SELECT range FROM range(10)").rows) == 10
    arrow = read_query_arrow(warehouse, "SELECT range AS n FROM range(25000)", max_rows=12345)
    assert arrow.table.num_rows == 12345 and arrow.truncated and arrow.table.column("n")[-1].as_py() == 12344
    # a limit makes a query of ten billion rows cheap: the rows after the limit are never produced
    huge = read_query(warehouse, "SELECT range FROM range(10000000000)", max_rows=5, timeout=60)
    assert len(huge.rows) == 5 and huge.truncated


def test_the_time_limit_stops_a_long_query(warehouse):
    started = time.monotonic()
    with pytest.raises(QueryTimedOut, match="stopped after 1 s"):
        read_query(warehouse, LONG_QUERY, timeout=1)
    stopped = time.monotonic() - started
    # how long the whole query would take, from a ten-thousandth of it
    sample = LONG_QUERY.replace("range(1000000) b", "range(100) b")
    started = time.monotonic()
    read_query(warehouse, sample)
    whole = 10000 * (time.monotonic() - started)
    assert stopped < whole / 10 and stopped < 120, (stopped, whole)
    # the connection's next query is not hit by a late interrupt
    assert read_query(warehouse, "SELECT 42", timeout=1).rows == [(42,)]
    started = time.monotonic()
    with pytest.raises(QueryTimedOut):  # the Arrow reader (for Parquet) is stopped the same way
        read_query_arrow(warehouse, LONG_QUERY, timeout=1)
    assert time.monotonic() - started < whole / 10


def test_a_timed_out_query_does_not_stop_another_one(warehouse):
    """A dashboard serves several users at once: one's time limit interrupts only that one's query."""
    outcome = {}

    def slow():
        try:
            read_query(warehouse, LONG_QUERY, timeout=1)
        except QueryTimedOut as exc:
            outcome["slow"] = exc

    thread = threading.Thread(target=slow)
    thread.start()
    answers = []
    while thread.is_alive():
        answers.append(read_query(warehouse, "SELECT count(*) FROM pages").rows[0][0])
    thread.join()
    assert isinstance(outcome["slow"], QueryTimedOut)
    assert answers and set(answers) == {14}


def test_a_connection_with_other_settings_is_reported(warehouse):
    """DuckDB keeps one database per file and process, with one set of settings."""
    held = duckdb.connect(str(warehouse), read_only=True)
    try:
        with pytest.raises(WarehouseError, match="already open in this process with other settings"):
            read_query(warehouse, "SELECT 1")
    finally:
        held.close()
    assert read_query(warehouse, "SELECT 1").rows == [(1,)]


# --- the command's options and its legitimate uses -----------------------------------------------------------

@pytest.mark.parametrize("sql", [
    """SELECT edition, subject_type, part, setting, value FROM figures
       WHERE occupation_title ILIKE 'medical records%' AND kind = 'wage' AND measure = 'median' AND NOT of_occupation
       ORDER BY base_year, value DESC""",
    "SELECT table_name, column_name, comment FROM duckdb_columns()",
    "SELECT edition, median_wage_note, count(*) FROM occupation_editions GROUP BY ALL",
    "SELECT * FROM quality_report",
    "WITH t AS (SELECT edition, count(*) AS n FROM figures GROUP BY edition) SELECT * FROM t ORDER BY edition",
    "DESCRIBE occupation_timeline",
    "SHOW TABLES",
    "SUMMARIZE occupation_editions",
    "EXPLAIN SELECT count(*) FROM figures",
    "EXPLAIN ANALYZE SELECT count(*) FROM figures",
    "PIVOT (SELECT edition, kind FROM figures) ON edition IN ('2010-11', '2024-34') USING count(*)",
    "FROM occupation_keys LIMIT 3",
])
def test_readme_and_everyday_queries_run(sql, warehouse, env):
    result = run(["query", sql, "--format", "json"], env)
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)


def test_the_table_shows_a_screenful_unless_told_otherwise(warehouse, env):
    table = run(["query", "SELECT range AS n FROM range(1500)"], env)
    assert table.returncode == 0
    assert table.stdout.splitlines()[-2:] == ["999", "(1000 rows)"]
    assert "more rows, cut at --max-rows" in table.stderr
    everything = run(["query", "SELECT range AS n FROM range(1500)", "--max-rows", "0"], env)
    assert everything.stdout.splitlines()[-1] == "(1500 rows)" and everything.stderr == ""
    as_csv = run(["query", "SELECT range AS n FROM range(1500)", "--format", "csv"], env)
    assert len(as_csv.stdout.splitlines()) == 1501 and as_csv.stderr == ""  # files and pipes get every row
    few = run(["query", "SELECT range AS n FROM range(1500)", "--format", "json", "--max-rows", "4"], env)
    assert json.loads(few.stdout) == [{"n": 0}, {"n": 1}, {"n": 2}, {"n": 3}] and "cut at --max-rows" in few.stderr


def test_parquet_is_written_by_the_command_not_the_query(warehouse, env, tmp_path):
    """Queries cannot write files, so the command writes the Parquet file from the result."""
    out = tmp_path / "timeline.parquet"
    sql = "SELECT occupation_key, edition, jobs, median_annual_wage FROM occupation_timeline ORDER BY ALL"
    result = run(["query", sql, "--format", "parquet", "--output", str(out)], env)
    assert result.returncode == 0, result.stderr
    expected = read_query(warehouse, sql).rows
    assert f"wrote {len(expected)} rows" in result.stderr
    written = duckdb.connect().execute(f"SELECT * FROM read_parquet('{out}') ORDER BY ALL").fetchall()
    assert written == expected  # DuckDB's own types, DECIMAL included, come back as they were
    cut = run(["query", sql, "--format", "parquet", "--output", str(out), "--max-rows", "2"], env)
    assert cut.returncode == 0 and "wrote 2 rows" in cut.stderr and "cut at --max-rows" in cut.stderr
    assert duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchone()[0] == 2
    # every type a query returns, those Arrow cannot put in Parquet by itself included
    sql = "SELECT INTERVAL 3 DAY AS span, 2::HUGEINT AS big, {'a': [1, 2]} AS nested, 12.50::DECIMAL(18, 2) AS wage"
    typed = run(["query", sql, "--format", "parquet", "--output", str(out)], env)
    assert typed.returncode == 0, typed.stderr
    assert duckdb.connect().execute(f"SELECT * FROM read_parquet('{out}')").fetchall() == \
        duckdb.connect().execute(sql).fetchall()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["timeline.parquet"]  # no scratch file left


def test_the_command_s_time_limit(warehouse, env):
    result = run(["query", LONG_QUERY, "--timeout", "1"], env, timeout=600)
    refused(result, "query stopped after 1 s")
    assert result.seconds < 120  # the query alone would run for many minutes


@pytest.mark.parametrize("options, reason", [
    (["--max-rows", "many"], "--max-rows many: give a whole number"),
    (["--max-rows", "-3"], "--max-rows -3: give a whole number"),
    (["--timeout", "0"], "--timeout 0: give a number of seconds above 0"),
    (["--timeout", "soon"], "--timeout soon: give a number of seconds"),
    (["--format", "parquet"], "give --output FILE for Parquet"),
    (["--format", "csv", "--output", "/nonexistent-folder/out.csv"], "cannot write /nonexistent-folder/out.csv"),
])
def test_wrong_options_are_one_line(options, reason, warehouse, env):
    refused(run(["query", "SELECT 1", *options], env), reason)


def test_sql_that_fails_is_one_line(warehouse, env):
    refused(run(["query", "SELEC 1"], env), "query failed: Parser Error")
    refused(run(["query", "SELECT * FROM no_such_mart"], env), "query failed: Catalog Error")
    refused(run(["query", "   -- nothing but a comment"], env), "no statement given")
    refused(run(["query", "SELECT 1", "--warehouse", "/nonexistent/w.duckdb"], env), "no warehouse at")


# --- export ------------------------------------------------------------------------------------------------

def export(env, directory: Path, *options):
    return run(["export", str(directory), *options], env)


def test_export_refuses_a_folder_it_did_not_write(warehouse, env, tmp_path):
    target = tmp_path / "mine"
    (target / "figures").mkdir(parents=True)
    (target / "figures" / "notes.txt").write_text("my own notes\n")
    (target / "budget.xlsx").write_bytes(b"not ours")
    before = digests(target)
    result = export(env, target)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "is not empty and holds no earlier export" in result.stderr and "--overwrite" in result.stderr
    assert digests(target) == before and sorted(p.name for p in target.iterdir()) == ["budget.xlsx", "figures"]


def test_export_with_overwrite_replaces_only_what_is_named_like_an_output(warehouse, env, tmp_path):
    target = tmp_path / "mine"
    (target / "figures").mkdir(parents=True)
    (target / "figures" / "notes.txt").write_text("my own notes\n")
    (target / "budget.xlsx").write_bytes(b"not ours")
    result = export(env, target, "--overwrite")
    assert result.returncode == 0, result.stderr
    assert (target / "budget.xlsx").read_bytes() == b"not ours"
    assert not (target / "figures" / "notes.txt").exists()  # replaced by the mart, as asked
    assert {p.name for p in (target / "figures").iterdir()} == {"edition=2006-07", "edition=2010-11", "edition=2024-34"}
    assert json.loads((target / "manifest.json").read_text())["marts"]


def test_export_again_replaces_its_own_files_and_keeps_the_rest(warehouse, env, tmp_path):
    target = tmp_path / "bi"
    assert export(env, target).returncode == 0
    first = json.loads((target / "manifest.json").read_text())
    (target / "README.txt").write_text("exported for the dashboard\n")
    (target / "wages" / "edition=2024-34" / "stale.parquet").write_bytes(b"left by an old export")
    again = export(env, target)
    assert again.returncode == 0, again.stderr
    assert (target / "README.txt").read_text() == "exported for the dashboard\n"
    assert not (target / "wages" / "edition=2024-34" / "stale.parquet").exists()
    rows = duckdb.connect().execute(
        f"SELECT count(*) FROM read_parquet('{target}/figures/*/*.parquet', hive_partitioning = true)").fetchone()[0]
    assert rows == next(m["rows"] for m in first["marts"] if m["name"] == "figures")
    assert not [p for p in target.iterdir() if p.name.startswith(".")]  # nothing of the swap left behind


def test_export_refuses_an_output_its_manifest_does_not_list(warehouse, env, tmp_path):
    target = tmp_path / "bi"
    assert export(env, target).returncode == 0
    manifest = json.loads((target / "manifest.json").read_text())
    manifest["marts"] = [m for m in manifest["marts"] if m["name"] != "programs"]
    (target / "manifest.json").write_text(json.dumps(manifest))  # programs/ is now someone else's
    before = digests(target)
    result = export(env, target)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "holds programs, which its manifest.json does not list" in result.stderr
    assert digests(target) == before
    assert export(env, target, "--overwrite").returncode == 0
    assert any(m["name"] == "programs" for m in json.loads((target / "manifest.json").read_text())["marts"])


def test_export_refuses_a_file_and_an_unwritable_place(warehouse, env, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine\n")
    result = export(env, a_file)
    assert result.returncode == 2 and "is a file: give a folder" in result.stderr and result.stderr.count("\n") == 1
    assert a_file.read_text() == "mine\n"
    nowhere = export(env, Path("/proc/no-such-folder"))
    assert nowhere.returncode == 2 and "cannot write in" in nowhere.stderr and nowhere.stderr.count("\n") == 1


def test_a_failed_export_leaves_the_previous_one_whole(warehouse, tmp_path):
    out = tmp_path / "bi"
    export_marts(warehouse, out)
    broken = tmp_path / "broken.duckdb"
    shutil.copyfile(warehouse, broken)
    con = duckdb.connect(str(broken))
    con.execute("DROP VIEW programs")  # the export fails at this mart, after writing the ones before it
    con.close()
    before = digests(out)
    with pytest.raises(WarehouseError, match="export failed: Catalog Error"):
        export_marts(broken, out)
    assert digests(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
