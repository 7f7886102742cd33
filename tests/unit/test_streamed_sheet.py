"""StreamedSheet writes the very bytes XlsxWriter's own sheet writes, only faster.

It replaces how XlsxWriter writes a text or number cell; XlsxWriter is pinned, and this
test is what says, on an upgrade, whether the replacement still writes the same file.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from stc_reporting.outputs.streamed_sheet import StreamedSheet

pytestmark = pytest.mark.unit

TEXTS = [
    "Y2", "activities_completed", "", " padded ", "tab\tin", "line\nfeed", "carriage\rreturn",
    "a & <b> \"c\" 'd'", "_x0041_ is not A", "\x01\x1f control", "\ufffe", "<r>x</r>",
    "<r><t>x</t></r>", "=1+1", "#N/A", "🙂 ünïcödé", "x" * 40_000,
]  # fmt: skip
NUMBERS = [0, 1, -2, 3.5, 0.1 + 0.2, 1 / 3, 1e20, 12345678901234567890, -1e-7, 2**53 + 1]


def _workbook(sheet_class: type[Worksheet] | None) -> bytes:
    """Every kind of cell the audit writes, and some it does not, on two sheets."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    bold = workbook.add_format({"bold": True})
    quoted = workbook.add_format({"quote_prefix": True})
    run = workbook.add_format()
    for name in ("One", "Two"):
        sheet = workbook.add_worksheet(name, sheet_class)
        sheet.set_column(0, 1, 12)
        sheet.set_column(5, 5, 10, bold)  # a column format: its unformatted cells take it
        sheet.set_row(3, 30)
        sheet.set_row(4, None, quoted)  # a row format
        row = 0
        for text in TEXTS:
            _write_line(sheet, row, text, NUMBERS[row % len(NUMBERS)], (None, bold, quoted))
            row += 1
        sheet.write_rich_string(row, 0, "a", run, "b")
        sheet.write_url(row, 1, "https://example.org/x#y", string="open")
        sheet.write_url(row, 2, "internal:'One'!A2", string="rows")
        sheet.write_datetime(row, 3, datetime(2021, 10, 31), bold)
        sheet.write_formula(row + 1, 0, "=1+1")
    workbook.set_properties({"created": datetime(2021, 10, 31)})
    workbook.close()
    return buffer.getvalue()


def _write_line(sheet: Any, row: int, text: str, number: float, formats: tuple[Any, ...]) -> None:
    for column, cell_format in enumerate(formats):
        sheet.write_string(row, column, text, cell_format)
    sheet.write_number(row, 3, number)
    sheet.write_number(row, 4, number, formats[row % 3])
    sheet.write_string(row, 5, text)  # in the column with a format
    sheet.write_boolean(row, 6, row % 2 == 0)
    sheet.write_blank(row, 7, None, formats[1])


def test_a_streamed_sheet_writes_the_same_bytes_as_xlsxwriters_own() -> None:
    """Texts of every shape, numbers, blanks, links, rich strings, row and column formats."""
    theirs, ours = _workbook(None), _workbook(StreamedSheet)
    with zipfile.ZipFile(io.BytesIO(theirs)) as a, zipfile.ZipFile(io.BytesIO(ours)) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name
    assert theirs == ours
