"""Build the report site: read the marts with the SQL files of queries/, render the templates of templates/
into a new folder beside the target, then move it into place (a failed build leaves the old site whole)."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from parsers.taxonomy import SECTION_KEYS
from warehouse.db import connect
from warehouse.errors import WarehouseError
from warehouse.site.words import SECTION_NAMES, highlight_figures, lineage_sentences, plain, script_json

_HERE = Path(__file__).parent
QUERIES = {p.stem: p.read_text() for p in sorted((_HERE / "queries").glob("*.sql"))}
MARTS = ("occupation_timeline", "lineage_links", "edition_diff", "edition_text_changes", "projection_accuracy")
MARKER = ".ooh-report"  # in every site this builds: what tells an earlier report from a folder of other things
PLOTLY_JS = "plotly.min.js"
TOP = 15  # occupations in each ranking of the index
PROGRESS_EVERY = 100  # occupation pages between two progress lines


@dataclass(frozen=True, slots=True)
class SiteSummary:
    warehouse: str
    out: Path
    editions: list[str]
    occupation_pages: int
    edition_changes: int
    sentence_changes: int
    seconds: float

    def line(self) -> str:
        return (f"Built the report of {self.warehouse} in {self.out}: {len(self.editions)} editions "
                f"({', '.join(self.editions)}), {self.occupation_pages:,} occupation pages, "
                f"{self.edition_changes:,} edition-to-edition changes ({self.sentence_changes:,} sentences) in "
                f"{self.seconds:.1f} s; open {self.out / 'index.html'}")


def build_site(warehouse: str | Path, out: str | Path, *, progress=None, top: int = TOP) -> SiteSummary:
    """Write the site for `warehouse` into the folder `out` (new, empty, or an earlier report, which is
    replaced). `progress` gets a line now and then on a long build."""
    started = time.perf_counter()
    say = progress or (lambda line: None)
    out = Path(out)
    _check_target(out)
    con = connect(warehouse, read_only=True)
    try:
        _check_marts(con, warehouse)
        say(f"reading the marts of {warehouse}")
        data = read_marts(con, top)
    finally:
        con.close()
    staging = _make_staging(out)
    try:
        pages = write_site(data, staging, say, top)
        _move_into_place(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SiteSummary(str(warehouse), out, [e["edition"] for e in data["editions"]], pages, len(data["edition_diff"]),
                       len(data["text_changes"]), time.perf_counter() - started)


def read_marts(con: duckdb.DuckDBPyConnection, top: int = TOP) -> dict[str, list[dict]]:
    """Each query's rows as dicts of plain values. The text changes' view is the costly one (it aligns every
    sentence pair): it is computed once, into a temporary table of the same name, which the views that count
    its rows (edition_diff, and so the movers) then read instead; temporary tables come first in DuckDB's
    name resolution, and a read-only warehouse takes them (they are the connection's own)."""
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE OR REPLACE TEMP TABLE edition_text_changes AS SELECT * FROM main.edition_text_changes")
    data = {}
    for name, sql in QUERIES.items():
        result = con.execute(sql, [top] if "$1" in sql else None)
        columns = [d[0] for d in result.description]
        data[name] = [{c: plain(v) for c, v in zip(columns, row)} for row in result.fetchall()]
    return data


def _check_marts(con: duckdb.DuckDBPyConnection, warehouse) -> None:
    present = {row[0] for row in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    missing = [m for m in MARTS if m not in present]
    if missing:
        raise WarehouseError(f"{warehouse} has no {', '.join(missing)} (made by an older ooh-warehouse): "
                             "'ooh upgrade' brings it up to date")


def write_site(data: dict[str, list[dict]], folder: Path, say, top: int = TOP) -> int:
    """The site's files in `folder`: assets, index, one page per occupation key. Returns the page count."""
    from plotly.offline import get_plotlyjs  # imported here: it is large, and only the build needs it

    env = Environment(loader=FileSystemLoader(_HERE / "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(json=script_json, number=_number, money=_money, percent=_percent)
    assets = folder / "assets"
    assets.mkdir()
    (assets / PLOTLY_JS).write_text(get_plotlyjs(), encoding="utf-8")
    for name in ("site.js", "site.css"):
        shutil.copyfile(_HERE / "static" / name, assets / name)
    (folder / MARKER).write_text("A site written by 'ooh report': the next report replaces this folder whole.\n")

    by_key = _group(data)
    keys = sorted(by_key)
    pages_dir = folder / "occupations"
    pages_dir.mkdir()
    files = {key: _file_name(key) for key in keys}
    index = env.get_template("index.html").render(
        root=".", editions=data["editions"], occupations=_search_list(by_key, files),
        movers=_movers(data["movers"], files, top), growth=[{**row, "file": files.get(row["occupation_key"])}
                                                          for row in data["fastest_growth"]])
    (folder / "index.html").write_text(index, encoding="utf-8")
    template = env.get_template("occupation.html")
    for n, key in enumerate(keys, 1):
        page = template.render(root="..", **_occupation(key, by_key[key]))
        (pages_dir / files[key]).write_text(page, encoding="utf-8")
        if n % PROGRESS_EVERY == 0 or n == len(keys):
            say(f"wrote {n:,}/{len(keys):,} occupation pages")
    return len(keys)


def _group(data: dict[str, list[dict]]) -> dict[str, dict[str, list[dict]]]:
    by_key: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for name in ("timeline", "edition_diff", "text_changes", "projection_accuracy"):
        for row in data[name]:
            by_key[row["occupation_key"]][name].append(row)
    for link in data["lineage"]:
        by_key[link["older_key"]]["lineage"].append(link)
        if link["newer_key"] != link["older_key"]:
            by_key[link["newer_key"]]["lineage"].append(link)
    return {key: rows for key, rows in by_key.items() if rows["timeline"]}


def _file_name(key: str) -> str:
    """Keys are URL slugs; anything else in one is replaced, so a key never names a path outside the site."""
    return re.sub(r"[^a-z0-9-]+", "-", key.lower()).strip("-")[:150] + ".html"


def _search_list(by_key: dict, files: dict[str, str]) -> list[dict]:
    """What the index's search looks in: each key's name and every title it had."""
    rows = []
    for key, rows_of in by_key.items():
        timeline = rows_of["timeline"]
        titles = list(dict.fromkeys(t["occupation_title"] for t in reversed(timeline)))
        rows.append({"key": key, "name": timeline[-1]["occupation"], "titles": titles, "file": files[key],
                     "editions": [t["edition"] for t in timeline]})
    return sorted(rows, key=lambda r: r["name"].lower())


# Each ranking of the movers query (its rank column), under the name of the change it ranks by
RANKINGS = {"jobs_change_percent": "jobs_rank", "real_wage_change_percent": "real_wage_rank"}


def _movers(rows: list[dict], files: dict[str, str], top: int) -> dict[str, list[dict]]:
    """The biggest movers by jobs and by real wage, in the query's order: the query returns the rows that
    rank high on either."""
    return {measure: sorted(({**r, "file": files.get(r["occupation_key"])} for r in rows
                             if r[rank] is not None and r[rank] <= top), key=lambda r: r[rank])
            for measure, rank in RANKINGS.items()}


def _occupation(key: str, rows: dict[str, list[dict]]) -> dict:
    timeline = rows["timeline"]
    changes: dict[tuple[str, str], dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for change in rows["text_changes"]:
        change = {**change,
                  "older_html": highlight_figures(change["older_sentence"], change["newer_sentence"]),
                  "newer_html": highlight_figures(change["newer_sentence"], change["older_sentence"])}
        changes[(change["older_edition"], change["newer_edition"])][change["section"]].append(change)
    order = {k: n for n, k in enumerate(SECTION_KEYS)}
    diffs = []
    for diff in rows["edition_diff"]:
        sections = changes.get((diff["older_edition"], diff["newer_edition"]), {})
        diffs.append({**diff, "sections": [(SECTION_NAMES.get(s, s), sections[s])
                                           for s in sorted(sections, key=lambda s: (order.get(s, 99), s))]})
    chart = [{k: t[k] for k in ("edition", "base_year", "jobs", "jobs_year", "median_wage", "median_wage_constant",
                                "wage_year", "dollar_year", "median_wage_basis")} for t in timeline]
    return {"key": key, "name": timeline[-1]["occupation"], "timeline": timeline, "chart": chart,
            "lineage": lineage_sentences(key, rows["lineage"]), "diffs": diffs,
            "accuracy": rows["projection_accuracy"], "dollar_year": timeline[-1]["dollar_year"]}


def _number(value) -> str:
    return "" if value is None else f"{value:,}"


def _money(value) -> str:
    return "" if value is None else f"${value:,.0f}" if value >= 100 else f"${value:,.2f}"


def _percent(value) -> str:
    return "" if value is None else f"{value:+.1f}%"


def _check_target(out: Path) -> None:
    """Refuse a folder that holds anything but an earlier report: the build replaces the folder whole."""
    if out.exists() and not out.is_dir():
        raise WarehouseError(f"{out} is a file: give a folder for the site")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise WarehouseError(f"{out} is not empty and holds no earlier report (no {MARKER} file): "
                             "give a new or empty folder")


def _make_staging(out: Path) -> Path:
    """A new folder beside `out` (the same file system, so that moving it into place is a rename)."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    except OSError as exc:
        raise WarehouseError(f"cannot write in {out.parent}: {exc.strerror}: give a folder you can "
                             "write") from exc


def _move_into_place(new: Path, out: Path) -> None:
    """The earlier report is moved aside into the new one's place, then the new one renamed in at once."""
    old = None
    if out.is_dir():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, old / "site")
    os.replace(new, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)

