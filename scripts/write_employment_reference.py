"""Write warehouse/reference/ep_employment.csv: the employment of every occupation code in the BLS
Employment Projections' National Employment Matrix, 2016 (SOC 2010 codes) and 2024 (SOC 2018 codes), from
the published occupation.xlsx files (../shared/data/reference; their sources in SOURCES.tsv there).

Links between editions share an occupation's employment among its successors by these numbers
(warehouse/identity.py). The workbooks are read with lxml (an .xlsx file is zipped XML): Table 1.2 of
each, code rows only; employment is in thousands there and in jobs here.

    scripts/write_employment_reference.py [--from ../shared/data/reference]
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "warehouse" / "reference" / "ep_employment.csv"
WORKBOOKS = (("bls_ep_occupation_2016-26.xlsx", 2010, 2016), ("bls_ep_occupation_2024-34.xlsx", 2018, 2024))
_M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CODE = re.compile(r"^\d{2}-\d{4}$")


def sheet_rows(path: Path, name: str):
    """The rows of one worksheet, each a {column letter: text} dict."""
    with zipfile.ZipFile(path) as book:
        workbook = etree.fromstring(book.read("xl/workbook.xml"))
        rid = next(s.get(f"{_R}id") for s in workbook.iter(f"{_M}sheet") if s.get("name") == name)
        rels = etree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        shared = [
            "".join(si.itertext()) for si in etree.fromstring(book.read("xl/sharedStrings.xml")).iter(f"{_M}si")
        ] if "xl/sharedStrings.xml" in book.namelist() else []
        for row in etree.fromstring(book.read(f"xl/{target}")).iter(f"{_M}row"):
            cells = {}
            for cell in row.iter(f"{_M}c"):
                value = cell.find(f"{_M}v")
                text = value.text if value is not None else "".join(cell.itertext())
                if cell.get("t") == "s" and value is not None:
                    text = shared[int(value.text)]
                cells[re.match(r"[A-Z]+", cell.get("r"))[0]] = text
            yield cells


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, default=ROOT.parent / "shared" / "data" / "reference")
    args = parser.parse_args()
    rows = []
    for name, vintage, year in WORKBOOKS:
        for cells in sheet_rows(args.source / name, "Table 1.2"):
            code, kind, employment = (cells.get(c) for c in ("B", "C", "D"))
            if code and _CODE.match(code.strip()) and employment not in (None, "", "—"):
                jobs = int((Decimal(employment) * 1000).quantize(Decimal(1)))
                rows.append({"soc_vintage": vintage, "year": year, "code": code.strip(),
                             "title": " ".join((cells.get("A") or "").split()), "line_item": kind == "Line item",
                             "employment": jobs})
    with OUT.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} codes -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
