"""`audit.xlsx`: where every figure of `rollups.json` comes from, one click away.

Written with every run from the lineage the figures stage recorded while it computed the
figures (`figures/lineage.py`), so it shows exactly the rows each figure was computed
from. Four sheets:

- **Figures**: one line per figure, per collaborative (and the program) and period: its
  value as in `rollups.json`, how it is computed, a share's numerator and denominator,
  how many rows counted, and a link to those rows;
- **Rows**: every tracker row that counted toward a figure, with the rule that counted
  it (and, for a Google Sheet, a link to the row's cell), grouped by period and figure;
- **Excluded**: the rows that counted toward nothing, with why (an error, a date outside
  the period or after the as-of date, a status that does not count);
- **About**: how to read it, the code and contract versions.

Only ids, sheet rows, tabs, choice labels and numbers: never a tracker's free text
(docs/privacy.md). Every text cell is written as text, never a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from stc_reporting.contract import TRACKER_FORMAT_VERSION
from stc_reporting.figures.build import TracedRollups
from stc_reporting.figures.document import SCHEMA_VERSION, CollaborativeFigures, Rollups
from stc_reporting.figures.lineage import (
    Contribution,
    Derivation,
    Exclusion,
    Method,
    PeriodLineage,
)
from stc_reporting.outputs.spreadsheet_safety import is_formula_like, xlsx_text
from stc_reporting.outputs.streamed_sheet import StreamedSheet
from stc_reporting.reports.document import DocumentKind, RenderedDocument

AUDIT_FILE = "audit.xlsx"
PROGRAM = "(program)"
"""The `Collaborative` of the program totals' lines."""
ALL_PERIODS = "(every period)"
"""The `Period` of a row an error keeps out of every period."""

FIGURES_SHEET = "Figures"
ROWS_SHEET = "Rows"
EXCLUDED_SHEET = "Excluded"
ABOUT_SHEET = "About"

FIGURES_HEADER = (
    "Collaborative",
    "Period",
    "Figure",
    "Key",
    "Value",
    "How it is computed",
    "Numerator",
    "Numerator is",
    "Denominator",
    "Denominator is",
    "Rows counted",
    "Rows",
)
ROWS_HEADER = (
    "Period",
    "Figure",
    "Key",
    "Collaborative",
    "Tab",
    "Sheet row",
    "Record ID",
    "Counted because",
    "Amount",
    "Cell",
)
EXCLUDED_HEADER = ("Collaborative", "Period", "Tab", "Sheet row", "Record ID", "Reason", "Cell")
WIDTHS = {
    FIGURES_SHEET: (16, 9, 30, 30, 18, 32, 15, 30, 15, 40, 16, 8),
    ROWS_SHEET: (9, 30, 30, 16, 15, 12, 16, 60, 16, 8),
    EXCLUDED_SHEET: (16, 16, 15, 12, 16, 80, 8),
    ABOUT_SHEET: (100,),
}
_LINE_POINTS = 15
LINES_LIMIT = 100_000
"""Most lines listed on the Rows and Excluded sheets: a run stays seconds long even for a
tracker of tens of thousands of rows (About says what was left off; Figures stays whole)."""
LEFT_OFF = (
    "The {sheet} sheet lists the first {limit:,} of {total:,} lines: the figures' rows "
    "counted and values on the Figures sheet are whole; filter a collaborative's tracker "
    "to see the rest."
)
LINKS_LIMIT = 65_530
"""Most links a sheet of a spreadsheet holds (Excel's limit): lines past it keep the word
of their link, without the link, and About says so."""
UNLINKED = (
    "The {sheet} sheet links its first {limit:,} lines: a spreadsheet holds no more links on "
    "a sheet; the {total:,} lines after them say '{word}' without a link."
)
GO_TO_ROWS = "rows"
OPEN_CELL = "open"

ABOUT = (
    "Where every figure of rollups.json comes from",
    "",
    "Figures: one line per figure, for each collaborative and for the program, in each "
    "period. Value is the figure exactly as rollups.json has it. 'How it is computed' says "
    "how to get it back from its rows: a count of rows, a sum of their amounts, a count of "
    "distinct labels, a mean, a largest or latest amount, or a numerator divided by a "
    "denominator (both shown). Program totals are the sum (or union) of the "
    "collaboratives' figures. Click 'rows' to jump to the rows that counted.",
    "Rows: every tracker row that counted toward a figure, grouped by period, figure, key "
    "and collaborative, with the rule that counted it and what it added (1 for a count, "
    "the amount for a sum, the label for a distinct count). 'open' goes to the row's cell "
    "in its Google Sheet. A calendar month expected for reporting is listed with the tab "
    "'(calendar)'.",
    "Excluded: rows that counted toward no figure, with the reason: an error in the row "
    "(see issues.csv and the data-quality report; such a row counts in no period), a date "
    "outside the period or after the as-of date, or a status that does not count.",
    "Use the filter arrows in the header row to pick a collaborative, a period or a figure.",
    "Only ids, sheet rows, tabs, choice labels and numbers are listed: never a tracker's "
    "free text, nor anything about a person.",
    "",
)


@dataclass(frozen=True)
class _Block:
    """Where the rows of one figure start in the Rows sheet, and how many there are."""

    first_row: int
    count: int


def audit_document(traced: TracedRollups, collaborative_order: Sequence[str]) -> RenderedDocument:
    """Render `audit.xlsx` for a run.

    Args:
        traced: The run's rollups and their lineage (`build_traced_rollups`).
        collaborative_order: The collaboratives' ids in the config's order.

    Returns:
        The workbook, to write with the run's other files.
    """
    return RenderedDocument(
        AUDIT_FILE, DocumentKind.AUDIT, None, audit_workbook(traced, collaborative_order)
    )


def audit_workbook(traced: TracedRollups, collaborative_order: Sequence[str]) -> bytes:
    """The bytes of `audit.xlsx` (see the module docstring).

    Written with XlsxWriter in its constant-memory mode, row after row, each cell by the
    writer of its type (text is never handed to the generic `write`, which would make
    `=...` a formula): a tracker of many thousand rows gives a workbook of a million cells
    in seconds. The same run gives the same bytes: the document's dates are the data's
    as-of day, and XlsxWriter gives every part of the zip the same date in 1980.
    """
    rollups, lineage = traced.rollups, traced.lineage
    reporting = [c for c in collaborative_order if c in lineage.collaboratives]
    groups, blocks = _layout(traced, reporting)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    styles = Styles(workbook)

    def lines_of(name: str, header: Sequence[str]) -> _Lines:
        return _Lines(workbook.add_worksheet(name, StreamedSheet), name, header, styles)

    figures = lines_of(FIGURES_SHEET, FIGURES_HEADER)
    _write_figures(figures, traced, reporting, blocks)
    rows = lines_of(ROWS_SHEET, ROWS_HEADER)
    excluded = lines_of(EXCLUDED_SHEET, EXCLUDED_HEADER)
    notes = [
        rows.write_listed(_rows_lines(groups)),
        excluded.write_listed(_excluded_lines(traced, reporting)),
        *(sheet.unlinked() for sheet in (figures, rows, excluded)),
    ]
    about = workbook.add_worksheet(ABOUT_SHEET, StreamedSheet)
    _write_about(about, styles, rollups, [note for note in notes if note])
    stamp = datetime(rollups.as_of.year, rollups.as_of.month, rollups.as_of.day)
    workbook.set_properties({"created": stamp})
    workbook.close()
    return buffer.getvalue()


WORKBOOK_OPTIONS = {
    "constant_memory": True,
    # Only what `write` would guess from a string; off, so that a slip to `write` still
    # writes text as text.
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


# --- Rows ---------------------------------------------------------------------------

_Group = tuple[str, str, list[Contribution]]
"""(period, collaborative, contributions) of one figure and key, in Rows order."""


def _layout(
    traced: TracedRollups, reporting: Sequence[str]
) -> tuple[list[_Group], dict[tuple[str, str, str, str], _Block]]:
    """The Rows sheet's groups, and where each figure's block of rows starts.

    Block keys are (period, figure, key, collaborative), and (period, figure, key,
    PROGRAM) for the block of every collaborative's rows of a figure.
    """
    groups: list[_Group] = []
    blocks: dict[tuple[str, str, str, str], _Block] = {}
    line = 2
    for period in traced.rollups.periods:
        for (figure, key), by_collaborative in _grouped(traced, reporting, period).items():
            start = line
            for collaborative, contributions in by_collaborative.items():
                blocks[(period, figure, key, collaborative)] = _Block(line, len(contributions))
                groups.append((period, collaborative, contributions))
                line += len(contributions)
            blocks[(period, figure, key, PROGRAM)] = _Block(start, line - start)
    return groups, blocks


_Listed = tuple[list[Any], str]
"""A line of the Rows or Excluded sheet: its values, and the address its `open` link goes to."""


def _rows_lines(groups: list[_Group]) -> tuple[int, Iterator[_Listed]]:
    """The Rows sheet's lines, after how many there are."""
    total = sum(len(contributions) for _, _, contributions in groups)
    lines = (
        (
            [
                period,
                contribution.figure,
                contribution.key,
                collaborative,
                contribution.tab,
                contribution.row,
                contribution.record,
                contribution.rule,
                contribution.amount,
            ],
            contribution.link,
        )
        for period, collaborative, contributions in groups
        for contribution in contributions
    )
    return total, lines


def _grouped(
    traced: TracedRollups, reporting: Sequence[str], period: str
) -> dict[tuple[str, str], dict[str, list[Contribution]]]:
    """A period's contributions by (figure, key), then collaborative, in the file's order."""
    grouped: dict[tuple[str, str], dict[str, list[Contribution]]] = {}
    for collaborative in reporting:
        lineage = traced.lineage.collaboratives[collaborative].periods.get(period)
        if lineage is None:
            continue
        for derivation in _in_file_order(lineage.derivations):
            grouped.setdefault((derivation.figure, derivation.key), {})
        for contribution in lineage.contributions:
            figure = grouped.setdefault((contribution.figure, contribution.key), {})
            figure.setdefault(collaborative, []).append(contribution)
    return grouped


# --- Figures ------------------------------------------------------------------------


def _write_figures(
    sheet: _Lines,
    traced: TracedRollups,
    reporting: Sequence[str],
    blocks: dict[tuple[str, str, str, str], _Block],
) -> None:
    sheet.start()
    for scope, period, figures, lineage in _scopes(traced, reporting):
        for derivation in _in_file_order(lineage.derivations):
            value = figure_value(figures, derivation.figure, derivation.key)
            block = _block_of(blocks, period, scope, derivation)
            values = _figure_line(scope, period, derivation, value, block)
            listed = block is not None and block.count and block.first_row <= LINES_LIMIT + 1
            target = f"internal:'{ROWS_SHEET}'!A{block.first_row}" if block and listed else ""
            sheet.append(values, target, GO_TO_ROWS)
    sheet.finish()


def _scopes(
    traced: TracedRollups, reporting: Sequence[str]
) -> Iterator[tuple[str, str, dict[str, Any], PeriodLineage]]:
    """(scope, period, figures as in rollups.json, lineage): collaboratives, then program."""
    document = traced.rollups.model_dump(mode="json")
    for collaborative in reporting:
        periods = traced.lineage.collaboratives[collaborative].periods
        for period, lineage in periods.items():
            figures = document["collaboratives"][collaborative]["periods"][period]
            if lineage is not None and figures is not None:
                yield collaborative, period, figures, lineage
    for period, lineage in traced.lineage.program.items():
        figures = document["program_totals"][period]
        if lineage is not None and figures is not None:
            yield PROGRAM, period, figures, lineage


_POSITION = {name: index for index, name in enumerate(CollaborativeFigures.model_fields)}


def _in_file_order(derivations: Sequence[Derivation]) -> list[Derivation]:
    """The figures in `rollups.json`'s order (they are computed tab by tab, indicators first)."""
    return sorted(derivations, key=lambda d: _POSITION.get(d.figure.split(".")[0], len(_POSITION)))


def figure_value(figures: dict[str, Any], figure: str, key: str) -> Any:
    """A figure's value in one period's figures of `rollups.json` (a list as `a; b`)."""
    if figure.startswith("indicators."):
        value = figures["indicators"][key][figure.removeprefix("indicators.")]
    elif key:
        value = figures[figure][key]
    else:
        value = figures[figure]
    return "; ".join(value) if isinstance(value, list) else value


def _block_of(
    blocks: dict[tuple[str, str, str, str], _Block],
    period: str,
    scope: str,
    derivation: Derivation,
) -> _Block | None:
    """The rows of a figure; a share's are its numerator's (what it counts)."""
    figure = derivation.numerator_of if derivation.method is Method.SHARE else derivation.figure
    return blocks.get((period, figure, derivation.key, scope))


def _figure_line(
    scope: str, period: str, derivation: Derivation, value: Any, block: _Block | None
) -> list[Any]:
    is_share = derivation.method is Method.SHARE
    return [
        scope,
        period,
        derivation.figure,
        derivation.key,
        value,
        derivation.method.value,
        derivation.numerator if is_share else None,
        derivation.numerator_of,
        derivation.denominator if is_share else None,
        derivation.denominator_of,
        None if is_share else (block.count if block else 0),
    ]


# --- Excluded and About -------------------------------------------------------------


def _excluded_lines(
    traced: TracedRollups, reporting: Sequence[str]
) -> tuple[int, Iterator[_Listed]]:
    """The Excluded sheet's lines, after how many there are.

    Collaborative by collaborative: its rows in error first, then each period's.
    """
    listed: list[tuple[str, str, Exclusion]] = []
    for collaborative in reporting:
        entry = traced.lineage.collaboratives[collaborative]
        listed += [(collaborative, ALL_PERIODS, exclusion) for exclusion in entry.rows_in_error]
        for period, lineage in entry.periods.items():
            if lineage is not None:
                listed += [(collaborative, period, exclusion) for exclusion in lineage.exclusions]
    lines = (
        (
            [
                collaborative,
                period,
                exclusion.tab,
                exclusion.row,
                exclusion.record,
                exclusion.reason,
            ],
            exclusion.link,
        )
        for collaborative, period, exclusion in listed
    )
    return len(listed), lines


def _left_off(sheet: str, total: int) -> str:
    return (
        LEFT_OFF.format(sheet=sheet, limit=LINES_LIMIT, total=total) if total > LINES_LIMIT else ""
    )


def code_version() -> str:
    """The installed version of this code (`stc-reporting`)."""
    try:
        return version("stc-reporting")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _write_about(sheet: Worksheet, styles: Styles, rollups: Rollups, notes: Sequence[str]) -> None:
    facts = (
        f"Program: {rollups.program}",
        f"Data as of: {rollups.as_of.isoformat()}",
        "Periods: "
        + "; ".join(f"{label} {start} to {end}" for label, (start, end) in rollups.periods.items()),
        f"Code version: stc-reporting {code_version()}",
        f"Contract versions: tracker format v{TRACKER_FORMAT_VERSION}, "
        f"rollups.json schema {SCHEMA_VERSION}",
    )
    width = WIDTHS[ABOUT_SHEET][0]
    _set_widths(sheet, (width,))
    _print_setup(sheet)
    for row, text in enumerate((*ABOUT, *notes, *facts)):
        # Spreadsheets do not grow a wrapped row on opening: give it its lines' height.
        sheet.set_row(row, _LINE_POINTS * (1 + len(text) * 6 // (width * 5)))
        style = _TITLE if row == 0 else _WRAPPED
        if text:
            styles.write_text(sheet, row, 0, text, style)
        else:
            sheet.write_blank(row, 0, None, styles.format(style))


# --- Cells --------------------------------------------------------------------------

_Style = tuple[tuple[str, Any], ...]
"""A cell format's XlsxWriter properties, as a key."""
_PLAIN: _Style = ()
_BOLD: _Style = (("bold", True),)
_NUMBER: _Style = (("align", "left"),)
"""Beside text columns, a right-aligned number runs into them."""
_WRAPPED: _Style = (("text_wrap", True), ("valign", "top"))
_TITLE: _Style = (*_WRAPPED, ("bold", True), ("font_size", 13))
_LINK: _Style = (
    ("hyperlink", True),
    # The look links have always had here (the built-in Hyperlink style as openpyxl made
    # it): the theme's link colour, 12 points, not underlined.
    ("underline", 0),
    ("font_size", 12),
    ("font_scheme", "minor"),
)


class Styles:
    """The workbook's cell formats, each made once, and text written with the right one.

    Args:
        workbook: The workbook being written.
    """

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self._workbook = workbook
        self._formats: dict[tuple[_Style, bool], Format | None] = {}
        self._texts: dict[tuple[str, _Style], tuple[str, Format | None]] = {}
        self._run = workbook.add_format()

    def format(self, style: _Style, quoted: bool = False) -> Format | None:
        """The format of `style` (None for plain cells), "quote prefix" if `quoted`."""
        key = (style, quoted)
        if key not in self._formats:
            properties = dict(style) | ({"quote_prefix": True} if quoted else {})
            self._formats[key] = self._workbook.add_format(properties) if properties else None
        return self._formats[key]

    def write_text(
        self, sheet: Worksheet, row: int, column: int, text: str, style: _Style = _PLAIN
    ) -> None:
        """Write text as a string cell, whatever it holds: never a formula, an error, a number.

        Characters an XLSX cannot hold become `�`; formula-like text is marked "quote
        prefix", so that editing it keeps it text.
        """
        known = self._texts.get((text, style))
        if known is None:
            fit = xlsx_text(text)
            known = self._texts[(text, style)] = (fit, self.format(style, is_formula_like(fit)))
        fit, cell_format = known
        if fit.startswith("<r>") and fit.endswith("</r>"):
            # XlsxWriter copies text shaped like its own rich-text XML into the file as it
            # is: written as two runs of the cell's font, it is escaped like any text.
            runs: list[Any] = [fit[:1], cell_format or self._run, fit[1:]]
            sheet.write_rich_string(row, column, *runs, *([cell_format] if cell_format else []))
        else:
            sheet.write_string(row, column, fit, cell_format)


class _Lines:
    """Writes one sheet of lines under a bold header, row after row.

    Args:
        sheet: A sheet of the workbook (written in constant-memory mode: rows in order).
        name: Its name (its widths are `WIDTHS[name]`).
        header: Its header's titles.
        styles: The workbook's formats.
    """

    def __init__(self, sheet: Worksheet, name: str, header: Sequence[str], styles: Styles) -> None:
        self._sheet = sheet
        self._name = name
        self._header = header
        self._styles = styles
        self._number = styles.format(_NUMBER)
        self._link = styles.format(_LINK)
        self._lines = 0
        self._links = 0
        self._unlinked_word = ""

    def start(self) -> None:
        """Widths, frozen header, print setup, then the bold header row."""
        sheet = self._sheet
        _set_widths(sheet, WIDTHS[self._name])
        sheet.freeze_panes(1, 0)
        _print_setup(sheet)
        sheet.repeat_rows(0)
        for column, title in enumerate(self._header):
            self._styles.write_text(sheet, 0, column, title, _BOLD)
        self._lines = 1

    def append(self, values: Sequence[Any], target: str = "", word: str = "") -> None:
        """Add a line: its values, then a link to `target` saying `word`, if any.

        Text is always written as text, numbers left-aligned, blanks empty.
        """
        sheet, row, styles = self._sheet, self._lines, self._styles
        for column, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                styles.write_text(sheet, row, column, value, _PLAIN)
            elif isinstance(value, bool):
                sheet.write_boolean(row, column, value, self._number)
            else:
                sheet.write_number(row, column, value, self._number)
        if target:
            self._write_link(row, len(values), target, word)
        self._lines += 1

    def _write_link(self, row: int, column: int, target: str, word: str) -> None:
        if self._links < LINKS_LIMIT:
            self._links += 1
            self._sheet.write_url(row, column, target, self._link, word)
        else:
            self._unlinked_word = word
            self._links += 1
            self._styles.write_text(self._sheet, row, column, word, _PLAIN)

    def finish(self) -> None:
        """The filter arrows over the header and every line."""
        self._sheet.autofilter(0, 0, max(self._lines, 1) - 1, len(self._header) - 1)

    def write_listed(self, listed: tuple[int, Iterable[_Listed]]) -> str:
        """Write a sheet of tracker rows (Rows, Excluded), each with its `open` link.

        Returns:
            What was left off beyond `LINES_LIMIT` lines, in a sentence; "" if nothing.
        """
        total, lines = listed
        self.start()
        for values, address in lines:
            if self._lines > LINES_LIMIT:
                break
            self.append(values, address, OPEN_CELL)
        self.finish()
        return _left_off(self._name, total)

    def unlinked(self) -> str:
        """What lines had no room for their link (`LINKS_LIMIT`), in a sentence; "" if none."""
        if self._links <= LINKS_LIMIT:
            return ""
        return UNLINKED.format(
            sheet=self._name,
            limit=LINKS_LIMIT,
            total=self._links - LINKS_LIMIT,
            word=self._unlinked_word,
        )


def _set_widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    """Column widths as the file stores them (Excel's width, padding included)."""
    for column, width in enumerate(widths):
        # XlsxWriter adds the padding to a width in characters; in pixels, it stores
        # exactly `width` (7 pixels a character of the default font).
        sheet.set_column_pixels(column, column, width * _PIXELS_PER_CHARACTER)


_PIXELS_PER_CHARACTER = 7


def _print_setup(sheet: Worksheet) -> None:
    """Printed or saved as PDF: landscape, every column on the page, the usual margins."""
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.75, right=0.75, top=1, bottom=1)
    sheet.set_header("", margin=0.5)
    sheet.set_footer("", margin=0.5)
