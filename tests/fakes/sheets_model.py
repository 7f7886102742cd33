"""Spreadsheets as the fake Sheets API holds them: tabs of typed cells with number formats.

A spreadsheet comes from an `.xlsx` file (what Google does when it converts an upload)
or from rows written in a test. Cells keep the value a spreadsheet stores (a typed `70%`
is the number 0.7 with the format `0%`; a date is a date) and the format pattern, so the
API can answer both unformatted values and formats.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.styles.numbers import is_date_format

SERIAL_EPOCH = datetime(1899, 12, 30)  # day 0 of spreadsheet serial dates
MIN_ROWS, MIN_COLUMNS = 1000, 26  # the grid Google gives a new or converted sheet


@dataclass(frozen=True)
class CellError:
    """An error cell (a formula that failed), shown as its code: `#REF!`, `#DIV/0!`."""

    code: str


CellValue = str | int | float | bool | datetime | date | CellError


@dataclass(frozen=True)
class Cell:
    """A stored cell: its value and its number-format pattern (`General`, `0%`, ...)."""

    value: CellValue
    number_format: str = "General"


@dataclass
class Tab:
    """One sheet (tab) of a spreadsheet.

    Attributes:
        title: The tab's name.
        gid: Its `sheetId` (the `#gid=` in links).
        cells: The non-empty cells by 0-based (row, column).
        blank_formats: Empty cells that have a number format (a template's date column
            formatted down to row 1000), by 0-based (row, column): their format pattern.
            Only grid data shows them; the values API and `used_rows` ignore them.
    """

    title: str
    gid: int
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    blank_formats: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def used_rows(self) -> int:
        """How many rows hold anything (up to the last non-empty one)."""
        return max((row for row, _ in self.cells), default=-1) + 1

    @property
    def used_columns(self) -> int:
        """How many columns hold anything (up to the last non-empty one)."""
        return max((column for _, column in self.cells), default=-1) + 1

    @property
    def formatted_rows(self) -> int:
        """How many rows hold a value or a formatted blank (what grid data covers)."""
        return max((row for row, _ in self.blank_formats), default=-1) + 1

    @property
    def formatted_columns(self) -> int:
        """How many columns hold a value or a formatted blank (what grid data covers)."""
        return max((column for _, column in self.blank_formats), default=-1) + 1

    @property
    def row_count(self) -> int:
        """The grid's rows (`gridProperties.rowCount`)."""
        return max(MIN_ROWS, self.used_rows, self.formatted_rows)

    @property
    def column_count(self) -> int:
        """The grid's columns (`gridProperties.columnCount`)."""
        return max(MIN_COLUMNS, self.used_columns, self.formatted_columns)


@dataclass
class Spreadsheet:
    """A Google Sheet: its id, title and tabs in order."""

    spreadsheet_id: str
    title: str
    tabs: list[Tab]
    locale: str = "en_US"
    time_zone: str = "America/Los_Angeles"

    def tab(self, title: str) -> Tab:
        """The tab of this title.

        Raises:
            KeyError: No tab has that title.
        """
        for tab in self.tabs:
            if tab.title == title:
                return tab
        raise KeyError(title)


def gid_for(spreadsheet_id: str, index: int, title: str) -> int:
    """A tab's gid: 0 for the first, a stable large number for the others (as Google does)."""
    if index == 0:
        return 0
    return zlib.crc32(f"{spreadsheet_id}/{title}".encode()) % 2_000_000_000 + 1


def spreadsheet_from_xlsx(source: Path | bytes, spreadsheet_id: str, title: str) -> Spreadsheet:
    """Convert a workbook the way Google converts an uploaded `.xlsx`: values and formats.

    Cached formula results are used (`data_only`); an error cell becomes a `CellError`;
    an empty cell with a number format is kept as a formatted blank.
    """
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    workbook = load_workbook(stream, read_only=True, data_only=True)
    try:
        tabs = []
        for index, sheet in enumerate(workbook.worksheets):
            tab = Tab(sheet.title, gid_for(spreadsheet_id, index, sheet.title))
            for row_index, row in enumerate(sheet.iter_rows()):
                for column_index, xl_cell in enumerate(row):
                    value = getattr(xl_cell, "value", None)
                    number_format = getattr(xl_cell, "number_format", None) or "General"
                    if value is None or value == "":
                        if number_format != "General":
                            tab.blank_formats[(row_index, column_index)] = number_format
                        continue
                    if getattr(xl_cell, "data_type", "") == "e":
                        value = CellError(str(value))
                    tab.cells[(row_index, column_index)] = Cell(value, number_format)
            tabs.append(tab)
    finally:
        workbook.close()
    return Spreadsheet(spreadsheet_id, title, tabs)


def spreadsheet_from_rows(
    spreadsheet_id: str,
    title: str,
    tabs: Mapping[str, Sequence[Sequence[CellValue | Cell | None]]],
) -> Spreadsheet:
    """A spreadsheet written in a test: tab title → rows of values (None = blank).

    Give a `Cell` to set a number format: `Cell(0.7, "0%")` is a typed `70%`, and
    `Cell("", "yyyy-mm-dd")` an empty cell formatted as a date.
    """
    made = []
    for index, (tab_title, rows) in enumerate(tabs.items()):
        tab = Tab(tab_title, gid_for(spreadsheet_id, index, tab_title))
        for row_index, row in enumerate(rows):
            for column_index, value in enumerate(row):
                if not isinstance(value, Cell):
                    value = Cell("" if value is None else value)
                cell = value
                if cell.value != "":
                    tab.cells[(row_index, column_index)] = cell
                elif cell.number_format != "General":
                    tab.blank_formats[(row_index, column_index)] = cell.number_format
        made.append(tab)
    return Spreadsheet(spreadsheet_id, title, made)


# --- number formats -------------------------------------------------------------------

_TIME_TOKENS = re.compile(r"h|s|AM/PM", re.IGNORECASE)


def number_format_type(pattern: str) -> str | None:
    """The Sheets `numberFormat.type` of a format pattern; None for `General`."""
    if pattern in ("General", ""):
        return None
    if pattern == "@":
        return "TEXT"
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]', "", pattern)  # drop literals and colours
    if "%" in bare:
        return "PERCENT"
    if is_date_format(pattern):
        has_time = bool(_TIME_TOKENS.search(bare))
        has_date = bool(re.search(r"[yd]", bare, re.IGNORECASE))
        if has_time and has_date:
            return "DATE_TIME"
        return "TIME" if has_time else "DATE"
    if any(sign in pattern for sign in "$€£¥"):
        return "CURRENCY"
    if "E+" in bare.upper():
        return "SCIENTIFIC"
    return "NUMBER"


def serial_number(value: date | datetime) -> int | float:
    """A date as Sheets stores it: days since 1899-12-30, time as the fraction."""
    moment = value if isinstance(value, datetime) else datetime.combine(value, time())
    days = (moment - SERIAL_EPOCH).total_seconds() / 86400
    return int(days) if days.is_integer() else days


def unformatted(cell: Cell, dates_as_serials: bool = True) -> object:
    """A cell in `UNFORMATTED_VALUE` mode: numbers, booleans, text; dates as serials.

    Error cells come back as their code (`"#REF!"`): the values API has no error type.
    """
    value = cell.value
    if isinstance(value, CellError):
        return value.code
    if isinstance(value, bool | str):
        return value
    if isinstance(value, date):  # datetime too
        return serial_number(value) if dates_as_serials else formatted(cell)
    if isinstance(value, float) and value.is_integer():
        return int(value)  # Sheets holds doubles; JSON shows 3.0 as 3
    return value


def formatted(cell: Cell) -> str:
    """A cell in `FORMATTED_VALUE` mode: roughly what the sheet displays.

    Covers what trackers use (percent, fixed decimals, thousands separators, dates);
    not a full implementation of spreadsheet format patterns.
    """
    value = cell.value
    if isinstance(value, CellError):
        return value.code
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    if isinstance(value, date):
        return _format_date(value, cell.number_format)
    return _format_number(float(value), cell.number_format)


def _format_number(number: float, pattern: str) -> str:
    kind = number_format_type(pattern)
    if kind is None:
        return str(int(number)) if number.is_integer() else f"{number:.10g}"
    section = pattern.split(";")[0]
    decimals = len(section.split(".")[1].split("%")[0].rstrip("#?")) if "." in section else 0
    if kind == "PERCENT":
        return f"{number * 100:.{decimals}f}%"
    text = f"{number:,.{decimals}f}" if "," in section else f"{number:.{decimals}f}"
    if kind == "CURRENCY":
        sign = "-" if text.startswith("-") else ""
        return f"{sign}${text.lstrip('-')}"
    return text


_DATE_TOKEN = re.compile(
    r'"[^"]*"|\\.|yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|.', re.IGNORECASE
)


def _format_date(value: date, pattern: str) -> str:
    moment = value if isinstance(value, datetime) else datetime.combine(value, time())
    if number_format_type(pattern) is None:
        pattern = "m/d/yyyy" if moment.time() == time() else "m/d/yyyy h:mm:ss"
    tokens = [token.lower() for token in _DATE_TOKEN.findall(pattern)]
    twelve_hour = "am/pm" in tokens
    parts = []
    for index, token in enumerate(tokens):
        after_hour = any(t in ("h", "hh") for t in tokens[max(0, index - 2) : index])
        before_second = any(t in ("s", "ss") for t in tokens[index + 1 : index + 3])
        hour = moment.hour % 12 or 12 if twelve_hour else moment.hour
        values = {
            "yyyy": f"{moment.year:04d}",
            "yy": f"{moment.year % 100:02d}",
            "mmmm": moment.strftime("%B"),
            "mmm": moment.strftime("%b"),
            "dddd": moment.strftime("%A"),
            "ddd": moment.strftime("%a"),
            "dd": f"{moment.day:02d}",
            "d": str(moment.day),
            "hh": f"{hour:02d}",
            "h": str(hour),
            "ss": f"{moment.second:02d}",
            "s": str(moment.second),
            "am/pm": "AM" if moment.hour < 12 else "PM",
        }
        if token in ("mm", "m"):
            minute = after_hour or before_second
            number = moment.minute if minute else moment.month
            parts.append(f"{number:02d}" if token == "mm" else str(number))
        elif token in values:
            parts.append(values[token])
        else:
            parts.append(token.strip('"').removeprefix("\\"))
    return "".join(parts)
