"""The analysts' contract: every table and view, its columns and their types pinned in
warehouse/contract/, documented, in the warehouse as comments and in warehouse/DATA_DICTIONARY.md."""
import json
import sys
from pathlib import Path

import duckdb
import pytest

from warehouse.contract import (DICTIONARY, LAYERS, Rule, broken_rules, differences, grain, read_contract, read_rules,
                                render_dictionary, rule_problems)
from warehouse.db import connect

ROOT = Path(__file__).resolve().parents[1]
MARTS = {"occupation_timeline", "wages", "employment_by_setting", "programs", "page_text", "figures",
         "occupation_editions", "occupation_keys", "quality_report", "lineage_links", "edition_diff",
         "edition_text_changes", "projection_accuracy"}
# Marts the corpus leaves empty: no check fails on it, and no edition of it reports the year another projected
EMPTY_ON_THE_CORPUS = {"quality_report", "projection_accuracy"}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    con = connect(tmp_path_factory.mktemp("contract") / "fresh.duckdb")
    yield con
    con.close()


def test_the_warehouse_has_exactly_the_pinned_columns_and_types(fresh):
    assert differences(fresh) == []


def test_the_contract_covers_the_marts_the_issue_asks_for():
    contract = read_contract()
    assert {name for name, r in contract.items() if r.layer == "mart"} == MARTS
    assert all(r.layer in LAYERS and r.description for r in contract.values())
    for relation in contract.values():
        for column in relation.columns:
            assert column.meaning.strip(), f"{relation.name}.{column.name}"
    money = [c for c in contract["occupation_timeline"].columns if "wage" in c.name and c.type.startswith("DECIMAL")]
    assert money and all(c.unit.startswith("USD/") for c in money)  # every wage column says its unit


def test_every_mart_declares_its_grain_and_every_rule_names_what_the_contract_has():
    assert rule_problems() == []
    assert grain("occupation_timeline") == ("occupation_key", "edition")
    assert grain("lineage_links") == ("older_id", "newer_id")
    assert grain("edition_diff") == ("occupation_key", "newer_edition")
    assert grain("edition_text_changes") == ("occupation_key", "older_edition", "newer_edition", "section", "change_no")
    assert grain("projection_accuracy") == ("occupation_key", "projection_edition", "outcome_edition")


def test_every_mart_keeps_its_rules_on_the_corpus_warehouse(corpus_warehouse):
    """Grain (unique), not-null, accepted values and ranges, relationships: the rules of
    warehouse/contract/rules.csv, on the whole corpus loaded (the fixtures' ingest is checked in test_flow)."""
    assert broken_rules(corpus_warehouse) == []
    for name in MARTS:  # a rule on an empty mart proves nothing
        if name not in EMPTY_ON_THE_CORPUS:
            assert corpus_warehouse.execute(f"SELECT count(*) FROM {name}").fetchone()[0] > 0, name


def test_a_merged_line_s_lineages_are_listed_in_one_order(corpus_warehouse):
    """Where statements merged into one key's edition, their lineages are joined in sorted order, so that
    the same warehouse gives the same text on every read (an unordered string_agg did not)."""
    rows = corpus_warehouse.execute("SELECT lineage, soc_lineage FROM occupation_timeline "
                                    "WHERE lineage LIKE '% + %'").fetchall()
    assert rows  # the corpus has merged statements (Financial Clerks, for one)
    for lineage, soc_lineage in rows:
        assert lineage.split(" + ") == sorted(lineage.split(" + "))
        assert soc_lineage is None or soc_lineage.split(" + ") == sorted(soc_lineage.split(" + "))


def test_a_broken_rule_is_reported_with_how_many_rows_and_an_example():
    con = duckdb.connect()
    con.execute("CREATE TABLE parent (k VARCHAR)")
    con.execute("INSERT INTO parent VALUES ('a'), ('b')")
    con.execute("CREATE TABLE child (k VARCHAR, e VARCHAR, share DOUBLE, kind VARCHAR)")
    con.execute("""INSERT INTO child VALUES ('a', '2010-11', 0.5, 'continues'), ('a', '2010-11', 1.5, 'guess'),
                   ('c', '2024-34', NULL, NULL), (NULL, '2024-34', 0.2, 'split')""")
    rules = [Rule("child", "unique", ("k", "e"), ""), Rule("child", "not_null", ("k", "e"), ""),
             Rule("child", "accepted_values", ("kind",), "continues|split"),
             Rule("child", "accepted_range", ("share",), "0|1"), Rule("child", "relationships", ("k",), "parent.k")]
    found = broken_rules(con, rules)
    assert found == [
        "child: unique (k, e): 1 rows break it, e.g. ('a', '2010-11', 2)",
        "child: not_null (k, e): 1 rows break it, e.g. (None, '2024-34', 0.2, 'split')",
        "child: accepted_values (kind) continues|split: 1 rows break it, e.g. ('guess',)",
        "child: accepted_range (share) 0|1: 1 rows break it, e.g. (1.5,)",
        "child: relationships (k) parent.k: 1 rows break it, e.g. ('c',)",
    ]
    con.execute("DELETE FROM child WHERE kind = 'guess' OR kind IS NULL OR k IS NULL")
    assert broken_rules(con, rules) == []


def test_a_rule_on_a_column_the_contract_lacks_is_refused():
    contract = read_contract()
    rules = [*read_rules(), Rule("occupation_timeline", "not_null", ("no_such_column",), ""),
             Rule("wages", "relationships", ("page_id",), "figures.nothing"), Rule("wages", "sometimes", ("wage",), "")]
    problems = rule_problems(contract, rules)
    assert "occupation_timeline: not_null (no_such_column): no column no_such_column" in problems
    assert "wages: relationships (page_id) figures.nothing: no column figures.nothing" in problems
    assert any(p.startswith("wages: sometimes (wage): unknown rule") for p in problems)
    without_grain = [r for r in read_rules() if not (r.relation == "programs" and r.rule == "unique")]
    assert rule_problems(contract, without_grain) == [
        "programs: a mart without a declared grain (a unique rule in rules.csv)"]


def test_a_changed_view_is_caught(tmp_path):
    changed = connect(tmp_path / "changed.duckdb")
    try:
        changed.execute("CREATE OR REPLACE VIEW programs AS SELECT 1 AS count")
        changed.execute("ALTER TABLE loads ADD COLUMN surprise INTEGER")
        found = differences(changed)
    finally:
        changed.close()
    assert any(line.startswith("programs: the contract has ") and "the warehouse has count INTEGER" in line for line in found)
    assert any(line.startswith("loads: ") and "surprise INTEGER" in line for line in found)


def test_a_new_table_must_be_documented(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    try:
        con.execute("CREATE TABLE scratch (x INTEGER)")
        assert differences(con) == ["scratch: in the warehouse, not in the contract"]
    finally:
        con.close()


def test_the_data_dictionary_is_generated_from_the_schema(fresh):
    expected = render_dictionary(fresh)
    assert DICTIONARY.read_text() == expected, "run: python scripts/write_data_dictionary.py"
    for name in MARTS:
        assert f"### `{name}`" in expected


def test_the_dictionary_script_writes_the_same_file(tmp_path, monkeypatch):
    import warehouse.contract as contract

    target = tmp_path / "DATA_DICTIONARY.md"
    monkeypatch.setattr(contract, "DICTIONARY", target)
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import write_data_dictionary

        monkeypatch.setattr(write_data_dictionary, "DICTIONARY", target)
        monkeypatch.setattr(write_data_dictionary, "ROOT", tmp_path)
        assert write_data_dictionary.main() == 0
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert target.read_text() == DICTIONARY.read_text()


def test_the_meanings_are_in_the_warehouse_as_comments(fresh):
    comment, = fresh.execute(
        """SELECT comment FROM duckdb_columns()
           WHERE table_name = 'occupation_timeline' AND column_name = 'median_annual_wage_constant'""").fetchone()
    assert comment.startswith("median_annual_wage in dollars of dollar_year") and comment.endswith("[USD/year (dollar_year)]")
    view_comment, = fresh.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'wages'").fetchone()
    assert view_comment == read_contract()["wages"].description


def test_export_writes_every_mart_as_parquet_partitioned_by_edition(tmp_path, corpus_warehouse):
    from warehouse.query import export_marts

    corpus_warehouse.execute("CHECKPOINT")
    path = corpus_warehouse.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(Path(path).read_bytes())
    out = tmp_path / "export"
    written = {name: (rows, where) for name, rows, where in export_marts(copy, out)}
    assert set(written) == MARTS
    reader = duckdb.connect()
    for name, (rows, where) in written.items():
        expected = corpus_warehouse.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        assert rows == expected
        if name in ("occupation_keys", "quality_report", "lineage_links"):
            assert where == f"{name}.parquet"
        if where.endswith(".parquet"):
            got = reader.execute(f"SELECT count(*) FROM read_parquet('{out / where}')").fetchone()[0]
        else:
            editions = sorted(p.name for p in (out / where).iterdir())
            assert editions == sorted(f"edition={e}" for (e,) in corpus_warehouse.execute(
                f"SELECT DISTINCT edition FROM {name}").fetchall())
            got = reader.execute(
                f"SELECT count(*) FROM read_parquet('{out / where}/*/*.parquet', hive_partitioning = true)").fetchone()[0]
        assert got == expected, name
    mrt = reader.execute(
        f"""SELECT edition, jobs, median_annual_wage_constant FROM read_parquet('{out}/occupation_timeline/*/*.parquet',
            hive_partitioning = true) WHERE occupation_key = 'medical-records-and-health-information-technicians'
            ORDER BY edition""").fetchall()
    assert [(e, j) for e, j, _ in mrt] == [("2006-07", 159000), ("2010-11", 172500), ("2024-34", 194800)]
    manifest = json.loads((out / "manifest.json").read_text())
    timeline = next(m for m in manifest["marts"] if m["name"] == "occupation_timeline")
    assert timeline["partitioned_by"] == "edition" and timeline["rows"] == written["occupation_timeline"][0]
    assert [c["name"] for c in timeline["columns"]] == [c.name for c in read_contract()["occupation_timeline"].columns]
    # exporting again replaces the files rather than adding to them
    export_marts(copy, out)
    again = reader.execute(f"SELECT count(*) FROM read_parquet('{out}/figures/*/*.parquet')").fetchone()[0]
    assert again == written["figures"][0]
