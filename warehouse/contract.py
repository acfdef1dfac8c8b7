"""The warehouse's documented contract: every table and view, and each column's type, unit and meaning
(warehouse/contract/*.csv, written by hand). The contract is put into the warehouse as DuckDB comments,
checked against the live schema by the tests, and rendered as warehouse/DATA_DICTIONARY.md.

A change to a view's columns or types therefore has to be made twice, in the view and in the contract:
that is the point. `python scripts/write_data_dictionary.py` then rewrites the dictionary.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import duckdb

CONTRACT_DIR = Path(__file__).parent / "contract"
DICTIONARY = Path(__file__).parent / "DATA_DICTIONARY.md"
LAYERS = {
    "mart": "Marts: what analysts and dashboards read",
    "staging": "Staging views",
    "table": "Tables the loads write",
    "operations": "Operations: loads, checks, fetching",
    "reference": "Reference data shipped with the pipeline",
}


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    unit: str
    meaning: str


@dataclass(frozen=True, slots=True)
class Relation:
    name: str
    layer: str
    description: str
    columns: tuple[Column, ...]


def read_contract(directory: Path = CONTRACT_DIR) -> dict[str, Relation]:
    with (directory / "columns.csv").open(newline="") as handle:
        columns: dict[str, list[Column]] = {}
        for row in csv.DictReader(handle):
            columns.setdefault(row["relation"], []).append(Column(row["column"], row["type"], row["unit"], row["meaning"]))
    with (directory / "relations.csv").open(newline="") as handle:
        return {row["relation"]: Relation(row["relation"], row["layer"], row["description"],
                                          tuple(columns.get(row["relation"], ())))
                for row in csv.DictReader(handle)}


def live_schema(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Every table and view of the warehouse: its columns and their types, in order."""
    rows = con.execute(
        """SELECT table_name, column_name, data_type FROM duckdb_columns()
           WHERE database_name = current_database() AND schema_name = 'main'
           ORDER BY table_name, column_index""").fetchall()
    schema: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        schema.setdefault(table, []).append((column, data_type))
    return schema


def differences(con: duckdb.DuckDBPyConnection, contract: dict[str, Relation] | None = None) -> list[str]:
    """Where the live schema and the contract disagree, one line each; empty when they agree."""
    contract = read_contract() if contract is None else contract
    schema = live_schema(con)
    found = [f"{name}: in the warehouse, not in the contract" for name in sorted(schema.keys() - contract.keys())]
    found += [f"{name}: in the contract, not in the warehouse" for name in sorted(contract.keys() - schema.keys())]
    for name in sorted(contract.keys() & schema.keys()):
        pinned = [(c.name, c.type) for c in contract[name].columns]
        if pinned != schema[name]:
            found.append(f"{name}: the contract has {_columns(pinned)}; the warehouse has {_columns(schema[name])}")
        found += [f"{name}.{c.name}: no meaning documented" for c in contract[name].columns if not c.meaning.strip()]
        if contract[name].layer not in LAYERS:
            found.append(f"{name}: unknown layer {contract[name].layer!r} (one of {', '.join(LAYERS)})")
    return found


def _columns(columns: list[tuple[str, str]]) -> str:
    return ", ".join(f"{name} {data_type}" for name, data_type in columns)


def apply_comments(con: duckdb.DuckDBPyConnection) -> None:
    """Put the contract into the warehouse as comments (duckdb_tables(), duckdb_views(), duckdb_columns()
    show them), so that a BI tool browsing the warehouse sees what a column means. Only what exists is
    commented: a warehouse that drifted from the contract still opens (the tests catch the drift)."""
    schema = live_schema(con)
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    for relation in read_contract().values():
        if relation.name not in schema:
            continue
        kind = "VIEW" if relation.name in views else "TABLE"
        con.execute(f"COMMENT ON {kind} {relation.name} IS {_quote(relation.description)}")
        present = {name for name, _ in schema[relation.name]}
        for column in relation.columns:
            if column.name in present:
                text = f"{column.meaning} [{column.unit}]" if column.unit else column.meaning
                con.execute(f'COMMENT ON COLUMN {relation.name}."{column.name}" IS {_quote(text)}')


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def render_dictionary(con: duckdb.DuckDBPyConnection) -> str:
    """The data dictionary as Markdown: the warehouse's relations with their types as DuckDB reports
    them, and the contract's units and meanings. Raises ValueError where the two disagree."""
    contract = read_contract()
    problems = differences(con, contract)
    if problems:
        raise ValueError("the warehouse and warehouse/contract/ disagree:\n  " + "\n  ".join(problems))
    schema = live_schema(con)
    lines = [
        "# Data dictionary",
        "",
        "Generated by `python scripts/write_data_dictionary.py` from the warehouse schema (types as DuckDB",
        "reports them) and `warehouse/contract/` (units and meanings); `tests/test_contract.py` keeps the three",
        "in step. The same meanings are in the warehouse itself as comments: `SELECT table_name, column_name,",
        "comment FROM duckdb_columns()`.",
        "",
        "Units: `USD/year` and `USD/hour` are nominal dollars of the year the figure refers to; `(dollar_year)`",
        "marks constant dollars of that year (CPI-U annual averages); `fraction` is 0 to 1; `percent` is 0 to 100.",
        "",
    ]
    for layer, title in LAYERS.items():
        members = [r for r in contract.values() if r.layer == layer]
        if not members:
            continue
        lines += [f"## {title}", ""]
        for relation in members:
            lines += [f"### `{relation.name}`", "", relation.description, "",
                      "| column | type | unit | meaning |", "|---|---|---|---|"]
            types = dict(schema[relation.name])
            for column in relation.columns:
                lines.append(f"| `{column.name}` | {types[column.name]} | {column.unit} | {_cell(column.meaning)} |")
            lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
