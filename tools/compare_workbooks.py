"""Compare two `.xlsx` workbooks sheet by sheet: values, types, links, looks; then their XML.

Usage: python tools/compare_workbooks.py BEFORE.xlsx AFTER.xlsx

Made to check that a change to how `audit.xlsx` is written leaves it the same: for every
sheet, each cell's value, type, link and style (bold, alignment, quote prefix, named
style), the column widths, row heights, frozen panes, filter and print titles. Prints
the first differences, then whether the files' XML parts are also byte for byte the same
(the zip's own dates aside). Exits 1 when a sheet differs.
"""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

SHOWN = 20
"""Most differences printed per sheet."""


def cell_facts(cell: Any) -> tuple[Any, ...]:
    """What a reader sees of a cell: value, type, link, and how it looks."""
    link = cell.hyperlink
    return (
        cell.value,
        cell.data_type,
        (link.target, link.location) if link is not None else None,
        cell.font.b,
        cell.font.u,
        cell.alignment.horizontal,
        cell.alignment.wrap_text,
        cell.quotePrefix,
        cell.style,
    )


def sheet_facts(sheet: Any) -> Iterator[tuple[str, Any]]:
    """A sheet's layout, then every cell, as (where, what) pairs."""
    yield "dimensions", sheet.dimensions
    yield "frozen panes", sheet.freeze_panes
    yield "filter", sheet.auto_filter.ref
    yield "print titles", sheet.print_title_rows
    yield "orientation", sheet.page_setup.orientation
    widths = {key: dim.width for key, dim in sheet.column_dimensions.items()}
    yield "column widths", widths
    heights = {key: dim.height for key, dim in sheet.row_dimensions.items() if dim.height}
    yield "row heights", heights
    for row in sheet.iter_rows():
        for cell in row:
            yield cell.coordinate, cell_facts(cell)


def compare_sheets(before: Path, after: Path) -> list[str]:
    """Every difference a reader could see, sheet by sheet (at most `SHOWN` per sheet)."""
    old, new = load_workbook(before), load_workbook(after)
    if old.sheetnames != new.sheetnames:
        return [f"sheets: {old.sheetnames} != {new.sheetnames}"]
    differences = []
    for name in old.sheetnames:
        found = [
            f"{name}!{where_old}: {what_old!r} != {where_new}: {what_new!r}"
            for (where_old, what_old), (where_new, what_new) in zip(
                sheet_facts(old[name]), sheet_facts(new[name]), strict=False
            )
            if (where_old, what_old) != (where_new, what_new)
        ]
        differences += found[:SHOWN]
        print(f"{name}: {old[name].max_row} lines, {len(found)} differences")
    return differences


def same_parts(before: Path, after: Path) -> list[str]:
    """The XML parts whose bytes differ (a zip's file dates are not compared)."""
    with zipfile.ZipFile(before) as old, zipfile.ZipFile(after) as new:
        names = sorted(set(old.namelist()) | set(new.namelist()))
        return [
            name
            for name in names
            if name not in old.namelist()
            or name not in new.namelist()
            or old.read(name) != new.read(name)
        ]


def main() -> None:
    """Compare, print, exit 1 on a difference."""
    before, after = Path(sys.argv[1]), Path(sys.argv[2])
    differences = compare_sheets(before, after)
    for line in differences:
        print(line)
    parts = same_parts(before, after)
    print("XML parts identical" if not parts else f"XML parts differ: {', '.join(parts)}")
    print("sheets identical" if not differences else "SHEETS DIFFER")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
