"""Inputs an ingest need not parse: bytes the warehouse holds as pages of this parser version, or rejected at
the same address. Only the others are parsed, and loading the known ones gives what parsing them would."""
import hashlib
import shutil
from pathlib import Path

import pytest

from flows.batch import hash_inputs, read_inputs
from flows.sources import list_local_pages
from parsers import PARSER_VERSION
from warehouse import derivation
from warehouse.db import connect
from warehouse.errors import WarehouseError
from warehouse.load import save_inputs, save_staged
from warehouse.staging import write_batch
from warehouse.unchanged import split_known

from conftest import BAD, PAGES


@pytest.fixture
def folder(tmp_path):
    """The fixture pages and bad inputs, and a warehouse that loaded them."""
    shutil.copytree(PAGES, tmp_path / "src" / "pages")
    shutil.copytree(BAD, tmp_path / "src" / "bad")
    refs = list_local_pages(tmp_path / "src")
    con = connect(tmp_path / "w.duckdb")
    save_inputs(con, read_inputs(refs), source="s", parser_version=PARSER_VERSION)
    derivation.record(con)  # as an ingest's load does
    con.close()
    return tmp_path


def table_rows(path: Path) -> dict:
    con = connect(path, read_only=True)
    try:
        return {t: sorted(con.execute(f"SELECT * EXCLUDE (load_id) FROM {t}").fetchall(), key=repr)
                for t in ("pages", "page_sources", "sections", "extracted_figures", "rejected_inputs")}
    finally:
        con.close()


def test_a_source_loaded_before_is_all_known_and_writes_nothing(folder):
    inputs = hash_inputs(list_local_pages(folder / "src"))
    split = split_known(folder / "w.duckdb", PARSER_VERSION, inputs)
    assert split.to_parse == [] and not split.writes
    assert (len(split.known), split.pages_held) == (19, 14)
    reasons = {Path(i.source_url).name: i.reason_code for i in split.known if not i.known}
    assert reasons["empty.html"] == "empty" and reasons["unknown-layout.html"] == "unknown_layout"


def test_derived_tables_built_by_other_code_are_written_again(folder):
    """A new release that links editions or checks quality differently rebuilds them at the next ingest,
    even when no page is new."""
    con = connect(folder / "w.duckdb")
    con.execute("UPDATE schema_info SET value = 'an older release' WHERE key = ?", [derivation.KEY])
    con.close()
    split = split_known(folder / "w.duckdb", PARSER_VERSION, hash_inputs(list_local_pages(folder / "src")))
    assert split.to_parse == [] and split.writes


def test_only_changed_and_new_bytes_are_parsed(folder):
    src = folder / "src" / "pages"
    changed = next(src.rglob("*.html"))
    changed.write_bytes(changed.read_bytes() + b"\n")
    shutil.copy(next(src.rglob("*.txt")), src / "copy-of-the-seed.txt")  # held bytes at a new address
    refs = list_local_pages(folder / "src")
    split = split_known(folder / "w.duckdb", PARSER_VERSION, hash_inputs(refs))
    assert [refs[no].path for no in split.to_parse] == [changed]
    assert split.writes  # the new address is linked to the page it holds


def test_another_parser_version_parses_everything(folder):
    inputs = hash_inputs(list_local_pages(folder / "src"))
    split = split_known(folder / "w.duckdb", PARSER_VERSION + "-next", inputs)
    assert len(split.to_parse) == 19 and split.known == []


def test_loading_the_known_ones_gives_what_parsing_them_gives(folder, tmp_path):
    src = folder / "src" / "pages"
    changed = next(src.rglob("*.html"))
    changed.write_bytes(changed.read_bytes() + b"\n")
    refs = list_local_pages(folder / "src")
    split = split_known(folder / "w.duckdb", PARSER_VERSION, hash_inputs(refs))
    known = write_batch(tmp_path / "staging", "known", split.known)
    parsed = write_batch(tmp_path / "staging", "parsed", read_inputs([refs[no] for no in split.to_parse]))
    shutil.copy(folder / "w.duckdb", tmp_path / "reparsed.duckdb")
    con = connect(folder / "w.duckdb")
    summary = save_staged(con, [str(known), str(parsed)], source="s", parser_version=PARSER_VERSION)
    con.close()
    assert (summary.inputs_seen, summary.pages_new, summary.pages_unchanged, summary.inputs_rejected) == (19, 1, 13, 5)
    con = connect(tmp_path / "reparsed.duckdb")
    save_inputs(con, read_inputs(refs), source="s", parser_version=PARSER_VERSION)
    con.close()
    assert table_rows(folder / "w.duckdb") == table_rows(tmp_path / "reparsed.duckdb")


def test_a_load_refuses_known_pages_the_warehouse_no_longer_holds(folder, tmp_path):
    split = split_known(folder / "w.duckdb", PARSER_VERSION, hash_inputs(list_local_pages(folder / "src")))
    known = write_batch(tmp_path / "staging", "known", split.known)
    con = connect(tmp_path / "other.duckdb")  # as if another writer had removed them meanwhile
    with pytest.raises(WarehouseError, match=r"^14 pages this ingest did not parse again"):
        save_staged(con, [str(known)], source="s", parser_version=PARSER_VERSION)
    assert con.execute("SELECT count(*) FROM loads").fetchone()[0] == 0
    con.close()


def test_a_warehouse_not_written_yet_holds_nothing(tmp_path):
    inputs = hash_inputs(list_local_pages(PAGES))
    split = split_known(tmp_path / "none.duckdb", PARSER_VERSION, inputs)
    assert len(split.to_parse) == 14 and split.known == []


def test_hashing_in_threads_gives_each_input_its_own_digest_in_order(tmp_path, monkeypatch):
    """Two threads share a source of hundreds of files, each taking every other one: the digests come back
    in the order of the inputs."""
    monkeypatch.setenv("OOH_WORKERS", "2")
    for no in range(300):
        (tmp_path / f"{no:03d}.html").write_bytes(b"<p>page %d</p>" % no * (no + 1))
    (tmp_path / "empty.html").write_bytes(b"")
    refs = list_local_pages(tmp_path)
    hashed = hash_inputs(refs)
    assert [i.source_url for i in hashed] == [ref.source_url for ref in refs]
    assert [(i.sha256, i.nbytes) for i in hashed] == [
        (hashlib.sha256(ref.path.read_bytes()).hexdigest(), ref.path.stat().st_size) for ref in refs]
