"""What an ingest need not parse: inputs whose outcome the warehouse already holds.

A page is its bytes (sha256), and the same bytes parsed by the same parser version give the same rows, so
an input whose bytes the warehouse holds as a page of this parser version is not parsed again; nor is an
input whose bytes were rejected at the same address by this parser version (the reason is the same).
Reading and hashing a source costs a fraction of what parsing it does, so a scheduled ingest that finds
nothing new ends in about the time the reading takes, and writes no new version.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse import derivation
from warehouse.db import looking_at
from warehouse.errors import WarehouseError
from warehouse.load import Input

_KNOWN_SQL = (Path(__file__).parent / "queries" / "known_inputs.sql").read_text()


@dataclass(slots=True)
class Known:
    """The inputs of a source split by what the warehouse knows of them."""

    to_parse: list[int] = field(default_factory=list)  # positions of the inputs to parse
    known: list[Input] = field(default_factory=list)  # the others, with their outcome: a page held, or a reason
    writes: bool = False  # whether loading the known ones changes anything (an address, a rejection)

    @property
    def pages_held(self) -> int:
        return sum(1 for item in self.known if item.known)


def split_known(warehouse: str | Path, parser_version: str, inputs: list[Input]) -> Known:
    """Split hashed inputs into those to parse and those whose outcome is known: a page the warehouse at
    `warehouse` holds, bytes it rejected there before, or a file the source could not read (its reason set
    already). A warehouse not yet written holds nothing; one whose derived tables other code built is
    written again (warehouse/derivation.py)."""
    rows, current = _known_rows(Path(warehouse), parser_version, inputs)
    split = Known(writes=not current)
    for no, (item, (held, linked, unlinked, code, reason)) in enumerate(zip(inputs, rows)):
        if item.reason is not None:  # not readable: no parse needed, its reason is known now
            split.known.append(item)
            split.writes |= code is None or not unlinked  # not recorded yet, or its address still holds a page
        elif held:
            split.known.append(Input(item.source_url, item.sha256, item.nbytes, known=True))
            split.writes |= not linked
        elif code is not None:
            split.known.append(Input(item.source_url, item.sha256, item.nbytes, reason_code=code, reason=reason))
            split.writes |= not unlinked  # the load unlinks the address from the page it held
        else:
            split.to_parse.append(no)
    return split


def _known_rows(path: Path, parser_version: str, inputs: list[Input]) -> tuple[list[tuple], bool]:
    """What the warehouse knows of each input, and whether its derived tables are this code's."""
    nothing = [(False, False, True, None, None)] * len(inputs)
    if not path.is_file():
        return nothing, False
    wanted = pa.table({"input_no": pa.array(range(len(inputs)), pa.int32()),
                       "source_url": pa.array([item.source_url for item in inputs], pa.string()),
                       "sha256": pa.array([item.sha256 for item in inputs], pa.string())})
    try:
        with looking_at(path) as con:
            current = derivation.recorded(con) == derivation.fingerprint()
            con.register("wanted", wanted)
            rows = con.execute(_KNOWN_SQL, {"version": parser_version}).fetchall() if inputs else []
    except WarehouseError:  # not readable now: every input is parsed, and the load says what is wrong
        return nothing, False
    except duckdb.Error:  # a warehouse of an older schema: the load upgrades it, and every input is parsed
        return nothing, False
    return [row[1:] for row in rows], current
