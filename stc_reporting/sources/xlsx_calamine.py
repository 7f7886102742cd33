"""Reading an `.xlsx` tracker fast with calamine, only where it gives openpyxl's cells.

calamine (python-calamine) reads a workbook about ten times faster than openpyxl, but it
does not give the same cells: it turns error cells (`#REF!`) and formulas without a saved
value into blanks, gives every number as a float (12 → 12.0), gives a date cell as a
`date`, decides for itself which number formats are dates, and says nothing of number
formats (a percent cell, tracker-format.md). So the workbook is judged first, from its
XML (cheap byte searches): calamine is used only when nothing in it could read
differently, and the cells calamine cannot know are taken from the XML with openpyxl's
own functions:

- error cells, formulas, ISO date cells, a 1904 date system, empty text, `_x…_` escapes,
  phonetic runs, spaces at an end of a text not marked `xml:space="preserve"`,
  cells or rows without a reference, numbers written in a form whose float could be a
  whole number or lose digits (`12.0`, `1E3`, 16 digits or more), a worksheet without a
  dimension, rows out of order, an unknown style, a dialog or macro sheet: the workbook is
  left to openpyxl (`None`);
- cells whose style openpyxl reads as a date, a duration or a percentage: their value is
  read from the XML and converted with openpyxl's `from_excel`, and the percent cells
  recorded, as openpyxl's reader would;
- every other cell: calamine's value, with `''` as a blank and a whole float as an int
  (safe once the numbers' spelling was checked).

The grid is shaped as openpyxl's read-only reader shapes it: rows up to the last row in
the XML within the dimension, each as wide as the dimension. A differential test reads
the samples, the bad-input corpus, a generated portfolio and generated cells both ways
and requires the same `RawTab`s.
"""

from __future__ import annotations

import functools
import io
import itertools
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel
from openpyxl.worksheet._reader import _cast_number
from openpyxl.xml.functions import fromstring
from python_calamine import CalamineWorkbook, SheetTypeEnum

from stc_reporting.sources import CellPosition, RawTab, rows_from_grid

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_WORKSHEET_TYPE = "/worksheet"
_CHARTSHEET_TYPE = "/chartsheet"

# What makes a worksheet's XML one calamine may read differently from openpyxl. Each
# pattern starts with literal text, so `re` skips ahead to it (a pattern that starts
# with `\s` tests every byte: twenty times slower on a tracker).
_FORMULA = re.compile(rb"<f[\s>/]")
_UNKNOWN_TYPE = re.compile(rb't="(?!(?:n|s|b|inlineStr)")')  # errors, ISO dates, formulas
_CELL_WITHOUT_REFERENCE = re.compile(rb'<c(?=[\s>/])(?! r=")')
_ROW_WITHOUT_NUMBER = re.compile(rb'<row(?=[\s>/])(?! r=")')
_EMPTY_TEXT = re.compile(rb"<t(?:\s[^>]*)?(?:/>|></t>)")
# Text with spaces at an end but no `xml:space="preserve"`: calamine trims it, openpyxl not.
_UNPRESERVED_SPACE = re.compile(rb"<t>(?:[ \t\r\n]|[^<]*[ \t\r\n]</t>)")
# A saved value openpyxl and calamine read alike: an integer, or a decimal that does not
# end in zeros (`12.0` is a float to openpyxl, and a whole float becomes an int here).
_UNSAFE_NUMBER = re.compile(rb"<v>(?!-?[0-9]+(?:\.[0-9]*[1-9])?</v>)")
# A number of 16 digits or more: an integer beyond a float's precision, or a decimal
# whose float may be a whole number (`0.99999999999999999`); checked one by one.
_LONG_NUMBER = re.compile(rb"<v>-?([0-9.]{16,})</v>")
_ATTRIBUTE_SPACE = b" \t\r\n"
_DIMENSION = re.compile(rb'<dimension ref="([A-Z0-9:$]+)"')
_ROW_NUMBER = re.compile(rb'<row r="([0-9]+)"')

_CALAMINE_DATES = (date, datetime, time, timedelta)


@dataclass(frozen=True)
class _SpecialCells:
    """Patterns for the cells whose style is a date, a duration or a percentage."""

    anywhere: re.Pattern[bytes]
    usual_order: re.Pattern[bytes]


@dataclass(frozen=True)
class _Styles:
    """What openpyxl makes of the workbook's cell styles (`xl/styles.xml`)."""

    count: int
    dates: frozenset[int]
    durations: frozenset[int]
    percents: frozenset[int]

    @property
    def special(self) -> frozenset[int]:
        """Styles whose cells calamine cannot give as openpyxl does."""
        return self.dates | self.percents


def read_tabs_fast(
    content: bytes, is_percent_format: Callable[[str | None], bool]
) -> list[RawTab] | None:
    """Every worksheet's cells as openpyxl gives them, read with calamine; None when unsure.

    Args:
        content: The workbook file's bytes (already known to be a zip with a workbook).
        is_percent_format: Whether a number format shows a percentage (the openpyxl
            reader's own test, so both readers judge formats alike).

    Returns:
        The tabs in sheet order, or None when the workbook holds anything calamine
        might read differently (or cannot read at all): read it with openpyxl then.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = _worksheet_parts(archive)
            styles = _styles(archive, is_percent_format)
            if parts is None or styles is None or not _strings_are_plain(archive):
                return None
            xml_by_title = {title: archive.read(part) for title, part in parts}
        return _read_with_calamine(content, xml_by_title, styles)
    except Exception:  # any surprise means: let openpyxl read it, as before
        return None


def _worksheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]] | None:
    """(title, part name) of the worksheets openpyxl reads, in order; None when unusual."""
    workbook_xml = archive.read("xl/workbook.xml")
    if b"date1904" in workbook_xml:
        return None
    targets = {
        relation.get("Id"): (relation.get("Type") or "", relation.get("Target") or "")
        for relation in fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter(
            f"{_PACKAGE_REL}Relationship"
        )
    }
    names = set(archive.namelist())
    parts = []
    for sheet in fromstring(workbook_xml).iter(f"{_MAIN}sheet"):
        kind, target = targets[sheet.get(f"{_REL}id")]
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        part = posixpath.normpath(part)
        if kind.endswith(_CHARTSHEET_TYPE):
            continue
        if not kind.endswith(_WORKSHEET_TYPE) or part not in names:
            return None
        parts.append((sheet.get("name") or "", part))
    return parts


def _styles(
    archive: zipfile.ZipFile, is_percent_format: Callable[[str | None], bool]
) -> _Styles | None:
    """The cell styles as openpyxl reads them, or None when there are none."""
    if "xl/styles.xml" not in archive.namelist():
        return None
    return _parsed_styles(archive.read("xl/styles.xml"), is_percent_format)


@functools.lru_cache(maxsize=64)
def _parsed_styles(xml: bytes, is_percent_format: Callable[[str | None], bool]) -> _Styles | None:
    """Styles read with openpyxl's own stylesheet code, once for all trackers that share them.

    Reading them takes a few milliseconds; trackers made from one template share them.
    """
    stylesheet = Stylesheet.from_tree(fromstring(xml))
    if not stylesheet.cell_styles:
        return None
    number_formats = [
        _number_format(style.numFmtId, stylesheet.number_formats)
        for style in stylesheet.cell_styles
    ]
    return _Styles(
        count=len(number_formats),
        dates=frozenset(stylesheet.date_formats),
        durations=frozenset(stylesheet.timedelta_formats),
        percents=frozenset(i for i, f in enumerate(number_formats) if is_percent_format(f)),
    )


def _number_format(format_id: int, custom: list[str]) -> str:
    """A style's number format, as openpyxl's read-only cell gives it."""
    if format_id < BUILTIN_FORMATS_MAX_SIZE:
        return str(BUILTIN_FORMATS.get(format_id, "General"))
    return str(custom[format_id - BUILTIN_FORMATS_MAX_SIZE])


def _strings_are_plain(archive: zipfile.ZipFile) -> bool:
    """Whether the shared strings' text reads alike in both readers."""
    if "xl/sharedStrings.xml" not in archive.namelist():
        return True
    strings = archive.read("xl/sharedStrings.xml")
    return _text_is_plain(strings)


def _text_is_plain(xml: bytes) -> bool:
    """Whether the text in this XML reads alike in both readers.

    Not so with empty text, an `_x…_` escape, a phonetic run, or spaces at an end of a
    text without `xml:space="preserve"`.
    """
    return (
        b"_x" not in xml
        and b"<rPh" not in xml
        and not _EMPTY_TEXT.search(xml)
        and not _UNPRESERVED_SPACE.search(xml)
    )


def _read_with_calamine(
    content: bytes, xml_by_title: dict[str, bytes], styles: _Styles
) -> list[RawTab] | None:
    unknown_style = re.compile(
        rb's="(?!(?:' + b"|".join(b"%d" % i for i in range(styles.count)) + rb')")'
    )
    special = b"|".join(b"%d" % i for i in sorted(styles.special))
    special_cells = (
        _SpecialCells(
            anywhere=re.compile(rb' s="(?:' + special + rb')"'),
            usual_order=re.compile(
                rb'<c r="([A-Z]{1,3})([0-9]+)" s="(' + special + rb')"(?: t="([a-zA-Z]+)")?'
                rb"(?:/>|>(?:<v>([^<]*)</v>)?)"
            ),
        )
        if special
        else None
    )
    with CalamineWorkbook.from_filelike(io.BytesIO(content)) as workbook:
        titles = []
        for sheet in workbook.sheets_metadata:
            if sheet.typ is SheetTypeEnum.WorkSheet:
                titles.append(sheet.name)
            elif sheet.typ is not SheetTypeEnum.ChartSheet:
                return None
        if titles != list(xml_by_title):
            return None
        tabs = []
        for title, xml in xml_by_title.items():
            if not _sheet_is_plain(xml, unknown_style):
                return None
            grid = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
            tab = _tab(title, xml, grid, styles, special_cells)
            if tab is None:
                return None
            tabs.append(tab)
        return tabs


def _sheet_is_plain(xml: bytes, unknown_style: re.Pattern[bytes]) -> bool:
    """Whether nothing in a worksheet's XML could read differently in calamine."""
    return (
        b"<sheetData" in xml
        and _text_is_plain(xml)
        and not _FORMULA.search(xml)
        and not _CELL_WITHOUT_REFERENCE.search(xml)
        and not _ROW_WITHOUT_NUMBER.search(xml)
        and not _UNSAFE_NUMBER.search(xml)
        and not _is_attribute(xml, _UNKNOWN_TYPE)
        and not _is_attribute(xml, unknown_style)
        and all(_float_stays_float(number) for number in _LONG_NUMBER.findall(xml))
    )


def _is_attribute(xml: bytes, pattern: re.Pattern[bytes]) -> bool:
    """Whether an attribute pattern (`t="…"`) matches as an attribute, not inside another.

    The pattern has no leading space so that `re` can skip ahead to it; `count="3"`
    also contains `t="3"`, so a match counts only after a space.
    """
    return any(xml[match.start() - 1] in _ATTRIBUTE_SPACE for match in pattern.finditer(xml))


def _float_stays_float(number: bytes) -> bool:
    """Whether a long saved number is a decimal whose float is no whole number."""
    return b"." in number and not float(number).is_integer()


def _tab(
    title: str,
    xml: bytes,
    grid: list[list[Any]],
    styles: _Styles,
    special_cells: _SpecialCells | None,
) -> RawTab | None:
    """One worksheet's cells shaped and typed as openpyxl's read-only reader gives them."""
    shape = _shape(xml)
    if shape is None:
        return None
    height, width = shape
    special: dict[int, dict[int, object]] = {}
    percent: set[CellPosition] = set()
    if special_cells is not None:
        matches = special_cells.usual_order.findall(xml)
        if len(matches) != len(special_cells.anywhere.findall(xml)):
            return None  # attributes in another order than `r`, `s`, `t`, or a styled row
        for match in matches:
            if not _read_special(match, special, styles, percent):
                return None
    rows: list[tuple[object, ...]] = []
    padding = [None] * width
    for index in range(height):
        values = grid[index][:width] if index < len(grid) else []
        row_special = special.get(index + 1, {})
        if row_special:  # calamine's own reading of these cells is not used
            values = [("" if c in row_special else v) for c, v in enumerate(values)]
        try:
            cells = [_plain_value(value) for value in values]
        except _CalamineDateError:
            return None  # calamine took a format for a date that openpyxl does not
        for column, value in row_special.items():
            if column < len(cells):
                cells[column] = value
        rows.append((*cells, *padding[len(cells) :]))
    return RawTab(
        title=title,
        header=rows[0] if rows else (),
        rows=rows_from_grid(rows),
        percent_cells=frozenset(p for p in percent if p[0] <= height and p[1] < width),
    )


def _shape(xml: bytes) -> tuple[int, int] | None:
    """(rows, columns) openpyxl's read-only reader yields for a worksheet, or None.

    It pads every row to the dimension's last column and stops at the last row in the
    XML or the dimension's last row, whichever comes first.
    """
    dimension = _DIMENSION.search(xml[:4096])
    if dimension is None:
        return None
    _, _, last_column, last_row = range_boundaries(dimension.group(1).decode())
    if last_column is None or last_row is None:
        return None
    numbers = [int(number) for number in _ROW_NUMBER.findall(xml)]
    if any(later <= earlier for earlier, later in itertools.pairwise(numbers)):
        return None
    return (min(numbers[-1], last_row) if numbers else 0), last_column


class _CalamineDateError(Exception):
    """calamine gave a date, time or duration: only right where openpyxl reads one too."""


def _plain_value(value: object) -> object:
    """The value calamine gives, as openpyxl gives it: a blank as None, a whole float as int.

    Raises:
        _CalamineDateError: calamine gave a date, time or duration.
    """
    if type(value) is str:
        return value or None
    if type(value) is float:
        return int(value) if value.is_integer() else value
    if type(value) is bool or type(value) is int:
        return value
    raise _CalamineDateError


def _read_special(
    cell: tuple[bytes, bytes, bytes, bytes, bytes],
    special: dict[int, dict[int, object]],
    styles: _Styles,
    percent: set[CellPosition],
) -> bool:
    """Read a date- or percent-styled number as openpyxl does; False when unsure.

    Args:
        cell: The cell's column letters, row, style, type and saved value in the XML.
        special: Where the values read go, by sheet row and zero-based column.
        styles: The workbook's styles.
        percent: Where the percent cells' positions go.
    """
    letters, row, style, kind, saved = cell
    if kind not in (b"", b"n") or not saved:
        return True  # text, a boolean or an empty number: calamine's value stands
    position = (int(row), column_index_from_string(letters.decode()) - 1)
    style_id = int(style)
    if style_id in styles.dates:
        try:
            value = _date_value(saved, duration=style_id in styles.durations)
        except (OverflowError, ValueError):
            return False  # openpyxl warns and reads the cell as an error: let it
    else:
        value = _cast_number(saved.decode())
        percent.add(position)
    special.setdefault(position[0], {})[position[1]] = value
    return True


@functools.lru_cache(maxsize=4096)
def _date_value(saved: bytes, *, duration: bool) -> object:
    """A date-styled cell's value as openpyxl reads it (trackers repeat their dates)."""
    return from_excel(_cast_number(saved.decode()), WINDOWS_EPOCH, timedelta=duration)
