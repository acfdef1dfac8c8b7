"""Schema evolution: a warehouse records its schema version and DuckDB version; an older one is brought
up to date without losing a row (the version before is kept); a newer or foreign one is refused, unchanged."""
import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from flows.batch import read_inputs
from flows.sources import list_local_pages
from parsers import PARSER_VERSION
from warehouse.db import SCHEMA_FILES, SCHEMA_VERSION
from warehouse.load import save_inputs

from conftest import PAGES, run

DATA_TABLES = ("pages", "page_sources", "sections", "extracted_figures", "occupations", "editions", "rejected_inputs")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_version_4(path: Path) -> None:
    """A warehouse as the release with schema version 4 left it: its schema files (001-004, unchanged
    since), its version mark, and the fixture pages loaded."""
    con = duckdb.connect(str(path))
    for sql_file in SCHEMA_FILES:
        if int(sql_file.name.split("_", 1)[0]) <= 4:
            con.execute(sql_file.read_text())
    con.execute("INSERT INTO schema_info VALUES ('schema_version', '4'), ('duckdb_version', ?)", [duckdb.__version__])
    # Today's loader writes columns and tables added since (schemas 006, 008): give them for the load, then
    # take them away.
    later = ("subject_type", "part")
    for column in later:
        con.execute(f"ALTER TABLE extracted_figures ADD COLUMN {column} VARCHAR")
    con.execute(next(f for f in SCHEMA_FILES if f.name.startswith("008_")).read_text())
    save_inputs(con, read_inputs(list_local_pages(PAGES)), source="fixtures", parser_version=PARSER_VERSION)
    for column in later:
        con.execute(f"ALTER TABLE extracted_figures DROP COLUMN {column}")
    con.execute("DROP TABLE refused_figures")
    con.execute("ALTER TABLE loads DROP COLUMN figures_refused")
    con.execute("CHECKPOINT")
    con.close()


def snapshot(path: Path, columns: dict[str, list[str]] | None = None) -> dict[str, list]:
    """Every row of the data tables: of the given columns (an older version's), else of all of them."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: sorted(con.execute(f"SELECT {', '.join(columns[t]) if columns else '*'} FROM {t}").fetchall(), key=repr)
                for t in DATA_TABLES}
    finally:
        con.close()


def columns_of(path: Path) -> dict[str, list[str]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: [c for (c,) in con.execute(f"SELECT column_name FROM duckdb_columns() WHERE table_name = '{t}' "
                                              "ORDER BY column_index").fetchall()] for t in DATA_TABLES}
    finally:
        con.close()


def test_the_warehouse_records_its_schema_and_duckdb_versions(env, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    result = run(["upgrade", "--warehouse", str(warehouse)], env)
    assert result.returncode == 2 and "no warehouse at" in result.stderr
    make_version_4(warehouse)
    result = run(["upgrade", "--warehouse", str(warehouse)], env)
    assert result.returncode == 0, result.stderr
    info = dict(duckdb.connect(str(warehouse), read_only=True).execute("SELECT * FROM schema_info").fetchall())
    assert info["schema_version"] == str(SCHEMA_VERSION) and info["duckdb_version"] == duckdb.__version__


def test_an_older_warehouse_is_migrated_without_losing_a_row(env, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    make_version_4(warehouse)
    before, old_bytes, old_columns = snapshot(warehouse), digest(warehouse), columns_of(warehouse)
    assert run(["query", "SELECT * FROM occupation_timeline", "--warehouse", str(warehouse)], env).returncode == 2
    stale = run(["query", "SELECT * FROM occupation_timeline", "--warehouse", str(warehouse)], env)
    assert "'ooh upgrade' brings them up to date" in stale.stderr

    result = run(["upgrade", "--warehouse", str(warehouse)], env)
    assert result.returncode == 0, result.stderr
    assert f"is now at schema version {SCHEMA_VERSION}" in result.stdout
    assert snapshot(warehouse, old_columns) == before  # every row kept
    assert digest(warehouse.with_name("w.duckdb.prev")) == old_bytes  # the old version, for rollback
    timeline = run(["query", "SELECT jobs FROM occupation_timeline WHERE occupation_key = "
                             "'medical-records-and-health-information-technicians' ORDER BY base_year",
                    "--warehouse", str(warehouse), "--format", "json"], env)
    assert timeline.returncode == 0, timeline.stderr
    assert [row["jobs"] for row in json.loads(timeline.stdout)] == [159000, 172500, 194800]
    again = run(["upgrade", "--warehouse", str(warehouse)], env)
    assert "was already at schema version" in again.stdout


def test_an_older_warehouse_takes_an_ingest(env, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    make_version_4(warehouse)
    result = run(["ingest", "--source", str(PAGES), "--warehouse", str(warehouse)], env)
    assert result.returncode == 0, result.stderr
    # it holds every page already, none is parsed again; its links and quality findings, made by older
    # code, are rebuilt by a load
    assert "0 new pages" in result.stdout and "14 unchanged" in result.stdout
    assert "14 files were not parsed again" in result.stdout
    assert "Data quality: all 6 checks pass." in result.stdout


@pytest.mark.parametrize("command", [["ingest", "--source", str(PAGES)], ["upgrade"]])
def test_a_newer_warehouse_is_refused_and_left_unchanged(env, tmp_path, command):
    warehouse = tmp_path / "w.duckdb"
    make_version_4(warehouse)
    con = duckdb.connect(str(warehouse))
    con.execute("UPDATE schema_info SET value = '999' WHERE key = 'schema_version'")
    con.execute("CHECKPOINT")
    con.close()
    before = digest(warehouse)
    result = run([*command, "--warehouse", str(warehouse)], env)
    assert result.returncode == 2
    assert "schema version 999, newer than this ooh-warehouse knows" in result.stderr
    assert "upgrade ooh-warehouse; the file was not changed" in result.stderr and "Traceback" not in result.stderr
    assert digest(warehouse) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("w.")) == ["w.duckdb"] + (
        ["w.duckdb.lock"] if (tmp_path / "w.duckdb.lock").exists() else [])
    readable = run(["query", "SELECT count(*) AS n FROM pages", "--warehouse", str(warehouse), "--format", "json"], env)
    assert json.loads(readable.stdout) == [{"n": 14}]  # reading it still works


def test_a_file_that_is_not_a_warehouse_is_refused_and_left_unchanged(env, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    warehouse.write_text("these are notes, not a database\n")
    result = run(["ingest", "--source", str(PAGES), "--warehouse", str(warehouse)], env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"ooh ingest: cannot open {warehouse}") and result.stderr.count("\n") == 1
    assert warehouse.read_text() == "these are notes, not a database\n"
