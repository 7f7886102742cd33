"""An XlsxWriter sheet that writes its text and number cells faster, to the same bytes.

In constant-memory mode XlsxWriter writes each row's cells as the next row starts; for a
text cell it escapes the text (XML, control characters as `_xHHHH_`, whitespace to keep)
and builds the cell's attributes one by one, every time, though most texts of
`audit.xlsx` (periods, figures, tabs, rules) come back on every line. `StreamedSheet`
escapes each distinct text once and writes the cell in one piece; any other cell (a rich
string, a blank, a boolean, a cell styled by its row or column) is XlsxWriter's own.
The XML is byte for byte XlsxWriter's: `tests/unit/test_streamed_sheet.py` writes the
same cells both ways and compares the files (XlsxWriter is pinned in constraints.txt;
on an upgrade, that test says whether this still holds).
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.utility import _preserve_whitespace, xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellNumberTuple, CellStringTuple, Worksheet


class StreamedSheet(Worksheet):  # type: ignore[misc]  # XlsxWriter is untyped
    """A worksheet for `Workbook.add_worksheet(name, StreamedSheet)` in constant-memory mode."""

    def __init__(self) -> None:
        super().__init__()
        self._inline_texts: dict[str, str | None] = {}

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        """Write one cell's XML (XlsxWriter calls it row by row, cell by cell)."""
        kind = type(cell)
        if not self.constant_memory or (
            kind is not CellStringTuple and kind is not CellNumberTuple
        ):
            super()._write_cell(row, col, cell)
            return
        if cell.format is not None:
            style = f' s="{cell.format._get_xf_index()}"'
        elif self._styled_by_row_or_column(row, col):
            super()._write_cell(row, col, cell)
            return
        else:
            style = ""
        if kind is CellNumberTuple:
            self.fh.write(
                f'<c r="{xl_rowcol_to_cell_fast(row, col)}"{style}><v>{cell.number:.16G}</v></c>'
            )
            return
        text = self._inline_text(cell.string)
        if text is None:  # shaped like rich-text XML: XlsxWriter's own path
            super()._write_cell(row, col, cell)
            return
        self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}"{style}{text}')

    def _styled_by_row_or_column(self, row: int, col: int) -> bool:
        """Whether an unformatted cell takes its row's or column's format."""
        row_info = self.row_info.get(row)
        column_info = self.col_info.get(col)
        return (row_info is not None and row_info.row_format is not None) or (
            column_info is not None and column_info.column_format is not None
        )

    def _inline_text(self, string: str) -> str | None:
        """The XML of a text cell after its reference and style, made once per text.

        None for text XlsxWriter copies as it is (it looks like its rich-text runs).
        """
        known = self._inline_texts.get(string, "")
        if known != "":
            return known
        text = self._escape_control_characters(string)
        made: str | None = None
        if not (text.startswith("<r>") and text.endswith("</r>")):
            preserve = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
            made = f' t="inlineStr"><is><t{preserve}>{self._escape_data(text)}</t></is></c>'
        self._inline_texts[string] = made
        return made
