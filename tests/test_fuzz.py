"""Hostile inputs made from real pages (seeded, bounded): truncations, byte flips, huge and odd numbers, deep
nesting, wrong encodings. Each either parses into believable figures or is rejected with a one-line reason,
and a batch of them loads: no input stops the run, and no absurd value reaches the warehouse."""
import random
import re
from pathlib import Path

import pytest

from flows.batch import read_inputs
from flows.sources import list_local_pages
from parsers import ParseError, parse_page
from parsers.plausible import implausible
from warehouse.db import connect
from warehouse.load import save_inputs

from conftest import PAGES, run

SEED = 20261130
COUNT = 300
_NUMBER = re.compile(rb"\$?\d[\d,]*(?:\.\d+)?")
ODD_NUMBERS = [b"$0", b"-$50,250", b"$5.025e4", b"$50 250", b"$50.250,00", b"$5 trillion", b"$999 billion",
               b"1" + b"0" * 40, b"$" + b"9" * 29, b"0", b"\xe2\x88\x9250", b"1,2,3,4", b"99.9999999",
               b"\xef\xbc\x95\xef\xbc\x90", b"\xc2\xb2", b"1" * 5000]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    how = rng.randrange(8)
    if how == 0:  # truncated anywhere
        return data[: rng.randrange(len(data))]
    if how == 1:  # bytes flipped
        out = bytearray(data)
        for _ in range(rng.randint(1, 200)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    if how in (2, 3):  # numbers replaced by odd ones
        matches = list(_NUMBER.finditer(data))
        for m in rng.sample(matches, min(len(matches), rng.randint(1, 20))):
            data = data[: m.start()] + rng.choice(ODD_NUMBERS) + data[m.end():]
        return data
    if how == 4:  # deep or wide nesting, or absurd spans
        at = rng.randrange(len(data))
        piece = rng.choice([b"<div>" * rng.choice([300, 5000, 60000]), b"<td colspan=99999999>" * 50,
                            b"<table><tr><td rowspan=65534>x" * 20, b"<p title='" + b"a" * 100_000])
        return data[:at] + piece + data[at:]
    if how == 5:  # another encoding than the page declares
        text = data.decode("utf-8", errors="replace")
        return text.encode(rng.choice(["utf-16", "utf-32", "latin-1", "cp1252", "utf-8-sig"]), errors="replace")
    if how == 6:  # control bytes and NULs
        at = rng.randrange(len(data))
        return data[:at] + bytes(rng.randrange(32) for _ in range(rng.randint(1, 64))) + data[at:]
    return data + data[: rng.randrange(len(data))]  # a page and half of itself


def hostile_inputs() -> list[tuple[str, bytes]]:
    rng = random.Random(SEED)
    pages = sorted(p for p in PAGES.rglob("*") if p.is_file())
    out = []
    for n in range(COUNT):
        page = rng.choice(pages)
        data = page.read_bytes()
        for _ in range(rng.randint(1, 3)):
            data = _mutate(rng, data) or data[:1]
        out.append((f"{n:03d}-{page.stem[:40]}{page.suffix}", data))
    return out


@pytest.fixture(scope="module")
def inputs():
    return hostile_inputs()


def test_every_hostile_input_parses_believably_or_is_rejected_with_a_reason(inputs):
    outcomes = {"parsed": 0, "rejected": 0}
    for name, data in inputs:
        try:
            page = parse_page(data)
        except ParseError as exc:
            assert exc.reason and "\n" not in exc.reason and len(exc.reason) < 400, (name, exc.reason)
            outcomes["rejected"] += 1
            continue
        outcomes["parsed"] += 1
        for figure in page.figures:
            assert implausible(figure, page.edition) is None, (name, figure.raw_text, figure.value)
        for refused in page.refused:
            assert refused.reason and "\n" not in refused.reason, name
    assert outcomes["parsed"] > 50 and outcomes["rejected"] > 20, outcomes  # the mutations reach both ends


def test_a_batch_of_hostile_inputs_loads_and_stops_nothing(inputs, tmp_path):
    folder = tmp_path / "hostile"
    folder.mkdir()
    for name, data in inputs:
        (folder / name).write_bytes(data)
    items = read_inputs(list_local_pages(folder))
    assert len(items) == COUNT
    con = connect(tmp_path / "w.duckdb")
    try:
        summary = save_inputs(con, items, source="fuzz", parser_version="fuzz")
        assert summary.inputs_seen == COUNT
        held = con.execute("SELECT count(*) FROM page_sources").fetchone()[0]
        rejected = con.execute("SELECT count(*) FROM rejected_inputs").fetchone()[0]
        assert held + rejected == COUNT
        assert con.execute("SELECT count(*) FROM rejected_inputs WHERE reason IS NULL OR reason = ''").fetchone()[0] == 0
        wages = con.execute(
            """SELECT min(value), max(value) FROM extracted_figures WHERE kind = 'wage' AND period = 'year'""").fetchone()
        assert wages[0] is None or 1000 <= wages[0] and wages[1] <= 2_000_000
    finally:
        con.close()


def test_the_ingest_command_takes_hostile_inputs_without_a_traceback(inputs, tmp_path, env):
    folder = tmp_path / "hostile"
    folder.mkdir()
    for name, data in inputs[:80]:
        (folder / name).write_bytes(data)
    result = run(["ingest", "--source", str(folder), "--warehouse", str(tmp_path / "w.duckdb")], env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stdout + result.stderr
    assert "Loaded 80 files" in result.stdout
