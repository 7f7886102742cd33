"""Compare two `.xlsx` workbooks sheet by sheet: values, types, links, looks; then their XML.

Usage: python tools/compare_workbooks.py BEFORE.xlsx AFTER.xlsx

Made to check that a change to how `audit.xlsx` is written leaves it the same: for every
sheet, each cell's value, type, link and style (font, fill, number format, alignment,
quote prefix, named style), the column widths, row heights, frozen panes, filter, print
titles and page setup. Prints the first differences, then whether the files' XML parts are
also byte for byte the same (the zip's own dates aside). Exits 1 when a sheet differs.

It compares what a reader sees, not how the file spells it, so two libraries that write
the same workbook in different XML compare equal: a font attribute left out is the
workbook's default font's; a page count to fit left out is 1; a row without a height is
the sheet's default height; one `<col>` over several columns gives each its width; an
empty cell has no type; a web link's `#` part is part of its address, however stored.
"""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

SHOWN = 20
"""Most differences printed per sheet."""


def cell_facts(cell: Any, default_font: Any) -> tuple[Any, ...]:
    """What a reader sees of a cell: value, type, link, and how it looks."""
    font, fill, alignment = cell.font, cell.fill, cell.alignment
    return (
        cell.value,
        cell.data_type if cell.value is not None else None,
        _address(cell.hyperlink),
        font.name or default_font.name,
        font.sz or default_font.sz,
        bool(font.b),
        bool(font.i),
        font.u,
        _colour(font.color) or _colour(default_font.color),
        fill.fill_type,
        _colour(fill.fgColor) if fill.fill_type else None,
        cell.number_format,
        alignment.horizontal,
        alignment.vertical,
        bool(alignment.wrap_text),
        cell.quotePrefix,
        cell.style,
    )


def _address(link: Any) -> tuple[str | None, str | None] | None:
    """Where a link goes: (address, None) for a web address, (None, cell) inside the workbook.

    A web address's part after `#` may be stored as the link's location (Excel's own way,
    and XlsxWriter's) or left in the address (openpyxl's): a spreadsheet opens the same.
    """
    if link is None:
        return None
    if link.target:
        return (f"{link.target}#{link.location}" if link.location else link.target, None)
    return (None, link.location)


def _colour(colour: Any) -> Any:
    """A colour as (theme, tint) or its RGB; None when there is none."""
    if colour is None:
        return None
    if colour.type == "theme":
        return ("theme", colour.theme, colour.tint)
    return (colour.type, colour.value)


def sheet_facts(sheet: Any, default_font: Any) -> Iterator[tuple[str, Any]]:
    """A sheet's layout, then every cell, as (where, what) pairs."""
    yield "dimensions", sheet.dimensions
    yield "frozen panes", sheet.freeze_panes
    yield "filter", sheet.auto_filter.ref
    yield "print titles", sheet.print_title_rows
    setup = sheet.page_setup
    fit = [1 if pages is None else int(pages) for pages in (setup.fitToWidth, setup.fitToHeight)]
    yield "page setup", (setup.orientation, *fit)  # a page count left out is 1
    yield "fit to page", sheet.sheet_properties.pageSetUpPr.fitToPage
    margins = sheet.page_margins
    yield "margins", (margins.left, margins.right, margins.top, margins.bottom)
    yield "header and footer margins", (margins.header, margins.footer)
    yield "column widths", _widths(sheet)
    default_height = sheet.sheet_format.defaultRowHeight
    heights = {
        key: dim.height
        for key, dim in sheet.row_dimensions.items()
        if dim.height and dim.height != default_height
    }
    yield "row heights", heights
    for row in sheet.iter_rows():
        for cell in row:
            yield cell.coordinate, cell_facts(cell, default_font)


def _widths(sheet: Any) -> dict[str, Any]:
    """Each column's width (a `<col>` may span several columns)."""
    widths = {}
    for dim in sheet.column_dimensions.values():
        for column in range(dim.min or 1, (dim.max or dim.min or 1) + 1):
            widths[get_column_letter(column)] = dim.width
    return widths


def compare_sheets(before: Path, after: Path) -> list[str]:
    """Every difference a reader could see, sheet by sheet (at most `SHOWN` per sheet)."""
    old, new = load_workbook(before), load_workbook(after)
    if old.sheetnames != new.sheetnames:
        return [f"sheets: {old.sheetnames} != {new.sheetnames}"]
    differences = []
    old_font, new_font = old._fonts[0], new._fonts[0]  # the workbook's default font
    for name in old.sheetnames:
        found = [
            f"{name}!{where_old}: {what_old!r} != {where_new}: {what_new!r}"
            for (where_old, what_old), (where_new, what_new) in zip(
                sheet_facts(old[name], old_font), sheet_facts(new[name], new_font), strict=False
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
