"""Reading a tracker from a local `.xlsx` workbook: calamine where it is sure, else openpyxl."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from stc_reporting.sources import (
    CellPosition,
    RawTab,
    RawTracker,
    TrackerUnreadableError,
    rows_from_grid,
)
from stc_reporting.sources.workbook_file import (
    UNCALCULATED_FORMULAS,
    UNREADABLE_CONTENT,
    workbook_file_problem,
)
from stc_reporting.sources.xlsx_calamine import read_tabs_fast

# Quoted text and [colour]/[condition] sections of a number format are not the format.
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
READER_VARIABLE = "STC_XLSX_READER"
"""Set to `openpyxl` to read every workbook with openpyxl alone (docs/operations.md)."""
# A formula element in a worksheet's XML (`<f>`, `<f t="shared" .../>`, `<x:f>`).
_FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")


class XlsxSource:
    """A tracker kept as an `.xlsx` file (a Google Sheet downloaded, or the template).

    openpyxl gives typed cells (int, float, datetime, bool, str) and shows error
    cells as their text (`#REF!`), which the reader reports. calamine reads about five
    times faster but turns those into silent blanks, gives numbers as floats and knows no
    number formats, so it reads a workbook only when its XML shows nothing it could read
    differently (`xlsx_calamine.py`); every other workbook is read with openpyxl, as is
    every workbook when `STC_XLSX_READER=openpyxl`.
    """

    def __init__(self, path: Path) -> None:
        """Read from this workbook.

        Args:
            path: The `.xlsx` file.
        """
        self.path = path

    def read(self) -> RawTracker:
        """Read every worksheet's cells.

        Raises:
            TrackerUnreadableError: The path is no `.xlsx` workbook (missing, a folder, a
                link loop, another format, encrypted, damaged), or its formulas were never
                calculated; the message names what it is and what to do.
        """
        if not self.path.exists() and not self.path.is_symlink():
            # The whole path, as before: an operator finds a mistyped `workbook:` by it.
            raise TrackerUnreadableError(f"the tracker file {self.path} does not exist")
        if (problem := workbook_file_problem(self.path)) is not None:
            raise TrackerUnreadableError(problem)
        if (tabs := _read_fast(self.path)) is not None:
            return RawTracker(description=str(self.path), tabs=tuple(tabs))
        try:
            tabs = _read_tabs(self.path)
            if _has_formulas(self.path):
                _refuse_uncalculated_formulas(self.path, tabs)
        except TrackerUnreadableError:
            raise
        except Exception as error:
            # openpyxl raises what its XML and zip layers raise on a damaged file (zlib,
            # CRC, XML syntax, key and index errors): each means the file cannot be read,
            # never a passing fault, and must fail this tracker alone.
            detail = str(error) or type(error).__name__
            raise TrackerUnreadableError(
                UNREADABLE_CONTENT.format(name=self.path.name, detail=detail[:200])
            ) from error
        return RawTracker(description=str(self.path), tabs=tuple(tabs))


def _read_fast(path: Path) -> list[RawTab] | None:
    """The tabs as calamine reads them, when it gives openpyxl's cells; None otherwise."""
    if os.environ.get(READER_VARIABLE, "").strip().lower() == "openpyxl":
        return None
    try:
        content = path.read_bytes()
    except OSError:
        return None  # openpyxl then says why the file cannot be read
    return read_tabs_fast(content, is_percent_format)


def _read_tabs(path: Path) -> list[RawTab]:
    """Every worksheet's cells, formulas as their saved values.

    The workbook is opened from a file object so its content decides, not its name:
    openpyxl refuses a path whose extension it does not know, even for a real workbook.
    """
    with path.open("rb") as file:
        workbook = load_workbook(file, read_only=True, data_only=True)
        try:
            return [_raw_tab(sheet.title, sheet.iter_rows()) for sheet in workbook.worksheets]
        finally:
            workbook.close()


def _formula_cells(path: Path) -> Iterator[tuple[str, int, int]]:
    """(tab title, sheet row, zero-based column) of every formula cell, in sheet order."""
    with path.open("rb") as file:
        workbook = load_workbook(file, read_only=True, data_only=False)
        try:
            for sheet in workbook.worksheets:
                for row_number, cells in enumerate(sheet.iter_rows(), start=1):
                    for column, cell in enumerate(cells):
                        if getattr(cell, "data_type", None) == "f":
                            yield sheet.title, row_number, column
        finally:
            workbook.close()


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet holds a formula (a cheap look at the XML before a second read)."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as sheet:
                    if _FORMULA_ELEMENT.search(sheet.read()):
                        return True
    return False


def _refuse_uncalculated_formulas(path: Path, tabs: list[RawTab]) -> None:
    """Fail a workbook whose formulas have no saved value: their results are unknown.

    A workbook written by a program (openpyxl, some exports) stores formulas without
    their results until a spreadsheet opens and saves it; read for values, each such
    cell is blank, which would silently read as an empty cell (tracker-format.md).
    """
    by_title = {tab.title: tab for tab in tabs}
    uncalculated = [
        (title, row, column)
        for title, row, column in _formula_cells(path)
        if _saved_value(by_title[title], row, column) is None
    ]
    if uncalculated:
        title, row, column = uncalculated[0]
        raise TrackerUnreadableError(
            UNCALCULATED_FORMULAS.format(
                name=path.name,
                count=len(uncalculated),
                tab=title,
                cell=f"{get_column_letter(column + 1)}{row}",
            )
        )


def _saved_value(tab: RawTab, row: int, column: int) -> object:
    """The value read at a sheet row (header = 1) and zero-based column, or None."""
    cells = tab.header if row == 1 else tab.rows[row - 2].cells if row - 2 < len(tab.rows) else ()
    return cells[column] if column < len(cells) else None


def _raw_tab(title: str, cell_rows: Any) -> RawTab:
    """A worksheet's values, and which cells are formatted as a percentage.

    Cells are read with their number format (still read-only and streaming: as fast
    as values only on tracker-sized sheets), because a typed `66.2 %` is the number
    0.662 and only its format says it was a percentage (tracker-format.md, Percent).
    """
    grid: list[tuple[object, ...]] = []
    percent: set[CellPosition] = set()
    for row_number, cells in enumerate(cell_rows, start=1):
        values = []
        for column, cell in enumerate(cells):
            value = getattr(cell, "value", None)
            values.append(value)
            if _is_number(value) and is_percent_format(getattr(cell, "number_format", None)):
                percent.add((row_number, column))
        grid.append(tuple(values))
    header = grid[0] if grid else ()
    return RawTab(
        title=title,
        header=tuple(header),
        rows=rows_from_grid(grid),
        percent_cells=frozenset(percent),
    )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_percent_format(pattern: str | None) -> bool:
    """Whether an Excel number format shows numbers as percentages (`0%`, `0.0 %`)."""
    return bool(pattern) and "%" in _FORMAT_LITERALS.sub("", pattern or "")
