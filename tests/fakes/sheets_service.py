"""The Sheets v4 read surface: `spreadsheets.get`, `values:batchGet`, `values.get`.

Shapes follow the API reference and measured behaviour: a values response drops trailing
empty cells and rows, keeps a blank middle row as `[]` and a blank middle cell as `""`,
and has no `values` key for an empty range; `ranges` on `spreadsheets.get` keeps only the
sheets they touch, one `data` block per range; `startRow`/`startColumn` are omitted when 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.fakes import fieldmask
from tests.fakes.google_api import ApiError, ApiRequest, ApiResponse
from tests.fakes.sheets_model import (
    Cell,
    CellError,
    Spreadsheet,
    Tab,
    formatted,
    number_format_type,
    serial_number,
    unformatted,
)

_CELLS = re.compile(r"^([A-Za-z]{0,3})(\d*)(?::([A-Za-z]{0,3})(\d*))?$")
_PLAIN_TITLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LOOKS_LIKE_CELL = re.compile(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*")
_ERROR_TYPES = {
    "#NULL!": "NULL_VALUE",
    "#DIV/0!": "DIVIDE_BY_ZERO",
    "#VALUE!": "VALUE",
    "#REF!": "REF",
    "#NAME?": "NAME",
    "#NUM!": "NUM",
    "#N/A": "N_A",
    "#ERROR!": "ERROR",
}
_DEFAULT_FORMAT = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {"fontFamily": "Arial", "fontSize": 10, "bold": False, "italic": False},
    "hyperlinkDisplayType": "PLAIN_TEXT",
}


@dataclass(frozen=True)
class GridRange:
    """A rectangle of one tab: 0-based starts, exclusive ends, within the grid."""

    tab: Tab
    start_row: int
    start_column: int
    end_row: int
    end_column: int

    def a1(self) -> str:
        """The range as the API names it in answers: `'My tab'!A1:Z1000`, `Tab!B2`."""
        first = f"{column_letters(self.start_column)}{self.start_row + 1}"
        last = f"{column_letters(self.end_column - 1)}{self.end_row}"
        cells = first if first == last else f"{first}:{last}"
        return f"{quote_title(self.tab.title)}!{cells}"


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number - 1


def quote_title(title: str) -> str:
    """A tab title as it appears in a range: quoted unless it is a plain word."""
    if _PLAIN_TITLE.fullmatch(title) and not _LOOKS_LIKE_CELL.fullmatch(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def resolve_range(spreadsheet: Spreadsheet, text: str) -> GridRange:
    """Resolve an A1 range (`Tab`, `'My tab'!A1:C`, `A:C`, `B2`) against the spreadsheet.

    Raises:
        ApiError: 400 "Unable to parse range", as the API answers for an unknown tab.
    """
    title, cells = _split_range(text)
    if title is None:
        if cells is not None and _is_cells(cells):
            return _grid_range(spreadsheet.tabs[0], cells, text)
        title, cells = cells, None
    try:
        tab = spreadsheet.tab(title or "")
    except KeyError:
        raise ApiError.bad_request(f"Unable to parse range: {text}") from None
    if cells is None:
        return GridRange(tab, 0, 0, tab.row_count, tab.column_count)
    if not _is_cells(cells):
        raise ApiError.bad_request(f"Unable to parse range: {text}")
    return _grid_range(tab, cells, text)


def _split_range(text: str) -> tuple[str | None, str | None]:
    """(tab title or None, cells or None), unquoting a quoted title."""
    if text.startswith("'"):
        closing = re.match(r"'((?:[^']|'')*)'(?:!(.*))?$", text)
        if closing is None:
            return None, text
        return closing.group(1).replace("''", "'"), closing.group(2)
    if "!" in text:
        title, cells = text.rsplit("!", 1)
        return title, cells
    return None, text


def _is_cells(cells: str) -> bool:
    match = _CELLS.match(cells)
    if not match or not cells:
        return False
    start_letters, start_digits, end_letters, end_digits = match.groups()
    if ":" not in cells:
        return bool(start_letters and start_digits)
    return bool((start_letters or start_digits) and (end_letters or end_digits))


def _grid_range(tab: Tab, cells: str, text: str) -> GridRange:
    match = _CELLS.match(cells)
    assert match is not None
    start_letters, start_digits, end_letters, end_digits = match.groups()
    if ":" not in cells:
        end_letters, end_digits = start_letters, start_digits
    start_column = column_index(start_letters) if start_letters else 0
    start_row = int(start_digits) - 1 if start_digits else 0
    end_column = column_index(end_letters) + 1 if end_letters else tab.column_count
    end_row = int(end_digits) if end_digits else tab.row_count
    start_row, end_row = sorted((start_row, end_row))
    start_column, end_column = sorted((start_column, end_column))
    if start_row >= tab.row_count or start_column >= tab.column_count:
        raise ApiError.bad_request(
            f"Range ({text}) exceeds grid limits. Max rows: {tab.row_count}, "
            f"max columns: {tab.column_count}"
        )
    return GridRange(
        tab,
        start_row,
        start_column,
        min(end_row, tab.row_count),
        min(end_column, tab.column_count),
    )


# --- values ---------------------------------------------------------------------------


def value_range(grid: GridRange, request: ApiRequest) -> dict[str, Any]:
    """A `ValueRange` for the grid, rendered as the request's options ask."""
    major = request.param("majorDimension", "ROWS") or "ROWS"
    render = request.param("valueRenderOption", "FORMATTED_VALUE")
    dates = request.param("dateTimeRenderOption", "SERIAL_NUMBER")

    def render_cell(cell: Cell | None) -> object:
        if cell is None:
            return ""
        if render == "FORMATTED_VALUE":
            return formatted(cell)
        # FORMULA: the fake keeps no formulas, so it answers the values.
        return unformatted(cell, dates_as_serials=dates != "FORMATTED_STRING")

    # Past the last used row and column everything is blank, and trimmed anyway.
    rows = range(grid.start_row, min(grid.end_row, grid.tab.used_rows))
    columns = range(grid.start_column, min(grid.end_column, grid.tab.used_columns))
    outer, inner = (rows, columns) if major != "COLUMNS" else (columns, rows)
    values: list[list[object]] = []
    for first in outer:
        line = [
            render_cell(
                grid.tab.cells.get((first, second) if major != "COLUMNS" else (second, first))
            )
            for second in inner
        ]
        while line and line[-1] == "":
            line.pop()
        values.append(line)
    while values and not values[-1]:
        values.pop()
    answer: dict[str, Any] = {"range": grid.a1(), "majorDimension": major}
    if values:
        answer["values"] = values
    return answer


# --- grid data ------------------------------------------------------------------------


def number_format(cell: Cell) -> dict[str, str] | None:
    """The cell's `numberFormat` ({type, pattern}), None for `General`."""
    kind = number_format_type(cell.number_format)
    return None if kind is None else {"type": kind, "pattern": cell.number_format}


def extended_value(cell: Cell) -> dict[str, Any]:
    """The cell's `ExtendedValue` (`numberValue`, `stringValue`, `boolValue`, `errorValue`)."""
    value = cell.value
    if isinstance(value, CellError):
        error_type = _ERROR_TYPES.get(value.code, "ERROR")
        return {"errorValue": {"type": error_type, "message": f"{value.code} error"}}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value}
    return {"numberValue": serial_number(value)}


def cell_data(cell: Cell | None, blank_format: str | None = None) -> dict[str, Any]:
    """A `CellData`: values, formatted value and formats ({} for a blank cell).

    A blank cell with a number format has its formats and no value, as Google gives it.
    """
    if cell is None:
        pattern = None if blank_format is None else number_format(Cell("", blank_format))
        if pattern is None:
            return {}
        return {
            "userEnteredFormat": {"numberFormat": pattern},
            "effectiveFormat": {**_DEFAULT_FORMAT, "numberFormat": pattern},
        }
    value = extended_value(cell)
    entered = (
        {"formulaValue": f"={cell.value.code}"} if isinstance(cell.value, CellError) else value
    )
    effective_format: dict[str, Any] = dict(_DEFAULT_FORMAT)
    data: dict[str, Any] = {
        "userEnteredValue": entered,
        "effectiveValue": value,
        "formattedValue": formatted(cell),
        "effectiveFormat": effective_format,
    }
    if (pattern := number_format(cell)) is not None:
        effective_format["numberFormat"] = pattern
        data["userEnteredFormat"] = {"numberFormat": pattern}
    return data


def grid_data(grid: GridRange) -> dict[str, Any]:
    """A `GridData` block for the range: row data trimmed, metadata for every row/column.

    Row data reaches the last cell with a value or a format (formatted blanks count),
    each row to its last such cell; a blank middle cell is `{}`, a blank row `{}`.
    """
    block: dict[str, Any] = {}
    if grid.start_row:
        block["startRow"] = grid.start_row
    if grid.start_column:
        block["startColumn"] = grid.start_column
    tab = grid.tab
    last_row = min(grid.end_row, max(tab.used_rows, tab.formatted_rows))
    last_column = min(grid.end_column, max(tab.used_columns, tab.formatted_columns))
    row_data: list[dict[str, Any]] = []
    for row in range(grid.start_row, last_row):
        values = [
            cell_data(tab.cells.get((row, c)), tab.blank_formats.get((row, c)))
            for c in range(grid.start_column, last_column)
        ]
        while values and not values[-1]:
            values.pop()
        row_data.append({"values": values} if values else {})
    while row_data and not row_data[-1]:
        row_data.pop()
    if row_data:
        block["rowData"] = row_data
    block["rowMetadata"] = [{"pixelSize": 21}] * (grid.end_row - grid.start_row)
    block["columnMetadata"] = [{"pixelSize": 100}] * (grid.end_column - grid.start_column)
    return block


def sheet_properties(tab: Tab, index: int) -> dict[str, Any]:
    """A sheet's `properties`."""
    return {
        "sheetId": tab.gid,
        "title": tab.title,
        "index": index,
        "sheetType": "GRID",
        "gridProperties": {"rowCount": tab.row_count, "columnCount": tab.column_count},
    }


def prune_empty(value: Any) -> Any:
    """Drop object members left empty by a field mask (list elements stay: they hold places)."""
    if isinstance(value, list):
        return [prune_empty(item) for item in value]
    if isinstance(value, dict):
        kept = {key: prune_empty(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item != {}}
    return value


# --- the service ----------------------------------------------------------------------


class SheetsService:
    """Answers Sheets reads from the fake's spreadsheets, checking who may read them."""

    def __init__(
        self, spreadsheets: dict[str, Spreadsheet], can_read: Callable[[str, str], bool]
    ) -> None:
        """Serve these spreadsheets; `can_read(account, id)` says who may read which."""
        self.spreadsheets = spreadsheets
        self.can_read = can_read

    def spreadsheet(self, request: ApiRequest, spreadsheet_id: str) -> Spreadsheet:
        """The spreadsheet, if it exists and the caller may read it.

        Raises:
            ApiError: 404 for an unknown id, 403 when not shared with the caller.
        """
        spreadsheet = self.spreadsheets.get(spreadsheet_id)
        if spreadsheet is None:
            raise ApiError.google(404)
        if not self.can_read(request.account, spreadsheet_id):
            raise ApiError.google(403)
        return spreadsheet

    def get(self, request: ApiRequest, spreadsheet_id: str) -> ApiResponse:
        """`GET /v4/spreadsheets/{id}`: properties, sheets and (when asked) grid data."""
        spreadsheet = self.spreadsheet(request, spreadsheet_id)
        fields = request.param("fields")
        mask = _parse_mask(fields)
        with_data = (
            fieldmask.covers(mask, "sheets.data") if fields else request.flag("includeGridData")
        )
        ranges = [resolve_range(spreadsheet, text) for text in request.query.get("ranges", [])]
        sheets = []
        for index, tab in enumerate(spreadsheet.tabs):
            on_tab = [grid for grid in ranges if grid.tab is tab]
            if ranges and not on_tab:
                continue
            sheet: dict[str, Any] = {"properties": sheet_properties(tab, index)}
            if with_data:
                blocks = on_tab or [GridRange(tab, 0, 0, tab.row_count, tab.column_count)]
                sheet["data"] = [grid_data(grid) for grid in blocks]
            sheets.append(sheet)
        resource = {
            "spreadsheetId": spreadsheet.spreadsheet_id,
            "properties": {
                "title": spreadsheet.title,
                "locale": spreadsheet.locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": spreadsheet.time_zone,
            },
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}/edit",
        }
        if mask is not None:
            resource = prune_empty(fieldmask.apply(mask, resource))
        return ApiResponse.of_json(resource)

    def batch_get(self, request: ApiRequest, spreadsheet_id: str) -> ApiResponse:
        """`GET /v4/spreadsheets/{id}/values:batchGet`: one `ValueRange` per range."""
        spreadsheet = self.spreadsheet(request, spreadsheet_id)
        grids = [resolve_range(spreadsheet, text) for text in request.query.get("ranges", [])]
        answer: dict[str, Any] = {"spreadsheetId": spreadsheet_id}
        if grids:
            answer["valueRanges"] = [value_range(grid, request) for grid in grids]
        return ApiResponse.of_json(_masked(request, answer))

    def values_get(self, request: ApiRequest, spreadsheet_id: str, text: str) -> ApiResponse:
        """`GET /v4/spreadsheets/{id}/values/{range}`: one `ValueRange`."""
        spreadsheet = self.spreadsheet(request, spreadsheet_id)
        grid = resolve_range(spreadsheet, text)
        return ApiResponse.of_json(_masked(request, value_range(grid, request)))


def _parse_mask(fields: str | None) -> fieldmask.Mask | None:
    if not fields:
        return None
    try:
        return fieldmask.parse(fields)
    except fieldmask.FieldMaskError as error:
        raise ApiError.bad_request(f"Invalid field selection {fields}: {error}") from error


def _masked(request: ApiRequest, answer: dict[str, Any]) -> Any:
    mask = _parse_mask(request.param("fields"))
    return answer if mask is None else fieldmask.apply(mask, answer)
