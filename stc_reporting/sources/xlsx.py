"""Reading a tracker from a local `.xlsx` workbook with openpyxl."""

from __future__ import annotations

import errno
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from stc_reporting.sources import (
    CellPosition,
    RawTab,
    RawTracker,
    TrackerUnreadableError,
    rows_from_grid,
)

# Quoted text and [colour]/[condition] sections of a number format are not the format.
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


class XlsxSource:
    """A tracker kept as an `.xlsx` file (a Google Sheet downloaded, or the template).

    openpyxl gives typed cells (int, float, datetime, bool, str) and shows error
    cells as their text (`#REF!`), which the reader reports; the faster calamine
    reader turns those into silent blanks, so it is not used (stack notes).
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
            TrackerUnreadableError: The file is missing or is not an .xlsx workbook.
        """
        if not self.path.is_file():
            raise TrackerUnreadableError(_not_a_file(self.path))
        try:
            workbook = load_workbook(self.path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
            raise TrackerUnreadableError(
                f"{self.path.name} could not be opened as an .xlsx workbook ({error}); "
                "download the tracker again as Microsoft Excel (.xlsx)"
            ) from error
        try:
            tabs = tuple(self._read_tab(sheet) for sheet in workbook.worksheets)
        finally:
            workbook.close()
        return RawTracker(description=str(self.path), tabs=tabs)

    def _read_tab(self, sheet: Any) -> RawTab:
        """One worksheet; its XML is only parsed now (read-only mode streams it)."""
        try:
            return _raw_tab(sheet.title, sheet.iter_rows())
        except (SyntaxError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError) as error:
            # SyntaxError: the XML parsers' errors (ElementTree's and lxml's) derive from it.
            raise TrackerUnreadableError(
                f"the tab '{sheet.title}' of {self.path.name} could not be read: the file is "
                f"damaged ({type(error).__name__}); open it in Excel and save it again as "
                ".xlsx, or download the tracker again"
            ) from error


def _not_a_file(path: Path) -> str:
    """Why there is no workbook at `path`, for the program manager."""
    try:
        path.stat()
    except OSError as error:
        if error.errno == errno.ELOOP:
            return (
                f"the tracker file {path} is a symbolic link that leads back to itself: "
                "point the config's workbook at the .xlsx file itself"
            )
    return f"the tracker file {path} does not exist"


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
