"""Reading a tracker from a local `.xlsx` workbook with openpyxl."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from stc_reporting.sources import RawTab, RawTracker, TrackerUnreadableError, rows_from_grid


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
            raise TrackerUnreadableError(f"the tracker file {self.path} does not exist")
        try:
            workbook = load_workbook(self.path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
            raise TrackerUnreadableError(
                f"{self.path.name} could not be opened as an .xlsx workbook ({error}); "
                "download the tracker again as Microsoft Excel (.xlsx)"
            ) from error
        try:
            tabs = tuple(
                _raw_tab(sheet.title, list(sheet.iter_rows(values_only=True)))
                for sheet in workbook.worksheets
            )
        finally:
            workbook.close()
        return RawTracker(description=str(self.path), tabs=tabs)


def _raw_tab(title: str, grid: list[tuple[object, ...]]) -> RawTab:
    header = grid[0] if grid else ()
    return RawTab(title=title, header=tuple(header), rows=rows_from_grid(grid))
