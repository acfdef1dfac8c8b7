"""The warehouse's documented contract: every table and view, and each column's type, unit and meaning
(warehouse/contract/*.csv, written by hand). The contract is put into the warehouse as DuckDB comments,
checked against the live schema by the tests, and rendered as warehouse/DATA_DICTIONARY.md.

Each mart also declares rules its rows keep (warehouse/contract/rules.csv), as a dbt project's schema.yml
does: its grain (`unique` over the columns that identify a row), `not_null`, `accepted_values`,
`accepted_range` and `relationships` (every value is a key of another relation). Each rule is a query for
the rows that break it; `broken_rules(con)` runs them all on a warehouse.

A change to a view's columns or types therefore has to be made twice, in the view and in the contract:
that is the point. `python scripts/write_data_dictionary.py` then rewrites the dictionary.
"""
from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
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
RULES = ("unique", "not_null", "accepted_values", "accepted_range", "relationships")


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


@dataclass(frozen=True, slots=True)
class Rule:
    relation: str
    rule: str  # unique, not_null, accepted_values, accepted_range, relationships
    columns: tuple[str, ...]
    argument: str  # values 'a|b', range 'low|high', or 'other_relation.column[, column]'

    def __str__(self) -> str:
        what = f"{self.relation}: {self.rule} ({', '.join(self.columns)})"
        return f"{what} {self.argument}" if self.argument else what

    def failing_rows(self) -> str:
        """SQL for the rows that break the rule (none where it holds)."""
        name, cols = self.relation, ", ".join(f'"{c}"' for c in self.columns)
        if self.rule == "unique":
            return f"SELECT {cols}, count(*) AS rows FROM {name} GROUP BY ALL HAVING count(*) > 1"
        if self.rule == "not_null":
            return f"SELECT * FROM {name} WHERE " + " OR ".join(f'"{c}" IS NULL' for c in self.columns)
        column, = self.columns
        if self.rule == "accepted_values":
            values = ", ".join(_quote(v) for v in self.argument.split("|"))
            return f'SELECT "{column}" FROM {name} WHERE "{column}" NOT IN ({values})'
        if self.rule == "accepted_range":
            low, high = self.argument.split("|")
            return f'SELECT "{column}" FROM {name} WHERE "{column}" < {float(low)} OR "{column}" > {float(high)}'
        raise ValueError(f"{self}: unknown rule {self.rule!r}")

    @property
    def target(self) -> tuple[str, tuple[str, ...]]:
        """A relationship's other relation and its columns: 'figures.page_id, figure_no'."""
        other, _, first = self.argument.partition(".")
        return other, tuple(c.strip() for c in first.split(","))


def read_rules(directory: Path = CONTRACT_DIR) -> list[Rule]:
    with (directory / "rules.csv").open(newline="") as handle:
        return [Rule(row["relation"], row["rule"], tuple(c.strip() for c in row["columns"].split(",")),
                     row["argument"].strip()) for row in csv.DictReader(handle)]


def _relationship_sql(rule: Rule) -> str:
    other, keys = rule.target
    on = " AND ".join(f'o."{k}" = c."{c}"' for c, k in zip(rule.columns, keys))
    present = " AND ".join(f'c."{c}" IS NOT NULL' for c in rule.columns)
    cols = ", ".join(f'c."{c}"' for c in rule.columns)
    return f"SELECT DISTINCT {cols} FROM {rule.relation} AS c WHERE {present} AND NOT EXISTS (SELECT 1 FROM {other} AS o WHERE {on})"


def broken_rules(con: duckdb.DuckDBPyConnection, rules: list[Rule] | None = None) -> list[str]:
    """Every rule of warehouse/contract/rules.csv the warehouse breaks, one line each with how many rows
    break it and an example; empty when all hold."""
    rules = read_rules() if rules is None else rules
    found = []
    with _computed_once(con, {r.relation for r in rules} | {r.target[0] for r in rules if r.rule == "relationships"}):
        for rule in rules:
            sql = _relationship_sql(rule) if rule.rule == "relationships" else rule.failing_rows()
            count, = con.execute(f"SELECT count(*) FROM ({sql})").fetchone()
            if count:
                example = con.execute(f"SELECT * FROM ({sql}) LIMIT 1").fetchone()
                found.append(f"{rule}: {count} rows break it, e.g. {example}")
    return found


@contextmanager
def _computed_once(con: duckdb.DuckDBPyConnection, relations: set[str]) -> Iterator[None]:
    """Each view among `relations` computed once, into a temporary table of its name, which the rules then read
    (DuckDB looks in the temporary schema first): edition_text_changes takes most of a second to compute, and a
    dozen rules read it or a mart built on it. Dropped after, on a read-only connection too."""
    database = con.execute("SELECT current_database()").fetchall()[0][0]
    views = [name for (name,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND database_name = ? AND schema_name = 'main' "
        "ORDER BY view_name", [database]).fetchall() if name in relations]
    made = []
    try:
        for name in views:
            con.execute(f'CREATE TEMP TABLE "{name}" AS SELECT * FROM "{database}".main."{name}"')
            made.append(name)
        yield
    finally:
        for name in made:
            con.execute(f'DROP TABLE IF EXISTS temp.main."{name}"')


def rule_problems(contract: dict[str, Relation] | None = None, rules: list[Rule] | None = None) -> list[str]:
    """Rules that name a relation or column the contract does not have, or an unknown rule; and marts
    without a declared grain."""
    contract = read_contract() if contract is None else contract
    rules = read_rules() if rules is None else rules
    found = []
    for rule in rules:
        if rule.rule not in RULES:
            found.append(f"{rule}: unknown rule (one of {', '.join(RULES)})")
        names = {c.name for c in contract[rule.relation].columns} if rule.relation in contract else set()
        if not names:
            found.append(f"{rule}: no such relation in the contract")
        found += [f"{rule}: no column {c}" for c in rule.columns if names and c not in names]
        if rule.rule == "relationships":
            other, keys = rule.target
            targets = {c.name for c in contract[other].columns} if other in contract else set()
            found += [f"{rule}: no column {other}.{k}" for k in keys if k not in targets]
    grains = {r.relation for r in rules if r.rule == "unique"}
    found += [f"{name}: a mart without a declared grain (a unique rule in rules.csv)"
              for name, r in contract.items() if r.layer == "mart" and name not in grains]
    return found


def grain(relation: str, rules: list[Rule] | None = None) -> tuple[str, ...] | None:
    return next((r.columns for r in (read_rules() if rules is None else rules)
                 if r.relation == relation and r.rule == "unique"), None)


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
    statements = []
    for relation in read_contract().values():
        if relation.name not in schema:
            continue
        kind = "VIEW" if relation.name in views else "TABLE"
        statements.append(f"COMMENT ON {kind} {relation.name} IS {_quote(relation.description)}")
        present = {name for name, _ in schema[relation.name]}
        for column in relation.columns:
            if column.name in present:
                text = f"{column.meaning} [{column.unit}]" if column.unit else column.meaning
                statements.append(f'COMMENT ON COLUMN {relation.name}."{column.name}" IS {_quote(text)}')
    # all in one call: a call for each of the ~500 statements added 30-50 ms to a new warehouse's set-up
    if statements:
        con.execute(";\n".join(statements))


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def render_dictionary(con: duckdb.DuckDBPyConnection) -> str:
    """The data dictionary as Markdown: the warehouse's relations with their types as DuckDB reports
    them, and the contract's units and meanings. Raises ValueError where the two disagree."""
    contract = read_contract()
    problems = differences(con, contract)
    if problems:
        raise ValueError("the warehouse and warehouse/contract/ disagree:\n  " + "\n  ".join(problems))
    problems = rule_problems(contract)
    if problems:
        raise ValueError("warehouse/contract/rules.csv:\n  " + "\n  ".join(problems))
    rules = read_rules()
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
        "Each mart's grain (the columns that identify a row) and the rules its rows keep are declared in",
        "`warehouse/contract/rules.csv` and checked on the corpus and fixtures warehouses by `tests/test_contract.py` and `tests/test_flow.py`.",
        "",
    ]
    for layer, title in LAYERS.items():
        members = [r for r in contract.values() if r.layer == layer]
        if not members:
            continue
        lines += [f"## {title}", ""]
        for relation in members:
            lines += [f"### `{relation.name}`", "", relation.description, ""]
            lines += _rules_text(relation.name, rules)
            lines += ["| column | type | unit | meaning |", "|---|---|---|---|"]
            types = dict(schema[relation.name])
            for column in relation.columns:
                lines.append(f"| `{column.name}` | {types[column.name]} | {column.unit} | {_cell(column.meaning)} |")
            lines.append("")
    return "\n".join(lines)


def _rules_text(relation: str, rules: list[Rule]) -> list[str]:
    mine = [r for r in rules if r.relation == relation]
    if not mine:
        return []
    out = []
    for r in mine:
        cols = ", ".join(f"`{c}`" for c in r.columns)
        if r.rule == "unique":
            out.insert(0, f"Grain: one row per {cols}.")
        elif r.rule == "not_null":
            out.append(f"- never NULL: {cols}")
        elif r.rule == "accepted_values":
            out.append(f"- {cols} is one of " + ", ".join(f"`{v}`" for v in r.argument.split("|")) + " (or NULL)")
        elif r.rule == "accepted_range":
            low, high = r.argument.split("|")
            out.append(f"- {cols} is between {low} and {high} (or NULL)")
        elif r.rule == "relationships":
            other, keys = r.target
            out.append(f"- {cols} is a key of `{other}` ({', '.join(f'`{k}`' for k in keys)})")
    if len(out) > 1:
        out.insert(1, "")
    return out + [""]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
