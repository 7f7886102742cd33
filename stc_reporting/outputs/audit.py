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
from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

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
from stc_reporting.outputs.spreadsheet_safety import is_plain_text, put_text
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
_NUMBER = Alignment(horizontal="left")
_BOLD = Font(bold=True)
_LINE_POINTS = 15
LINES_LIMIT = 100_000
"""Most lines listed on the Rows and Excluded sheets: a run stays seconds long even for a
tracker of tens of thousands of rows (About says what was left off; Figures stays whole)."""
LEFT_OFF = (
    "The {sheet} sheet lists the first {limit:,} of {total:,} lines: the figures' rows "
    "counted and values on the Figures sheet are whole; filter a collaborative's tracker "
    "to see the rest."
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

    Written in openpyxl's write-only mode, row after row, plain text and numbers handed
    over as values and each style made once (`_Lines`): a tracker of many thousand rows
    gives a workbook of a million cells in seconds, not minutes.
    """
    rollups, lineage = traced.rollups, traced.lineage
    reporting = [c for c in collaborative_order if c in lineage.collaboratives]
    groups, blocks = _layout(traced, reporting)
    workbook = Workbook(write_only=True)
    styles: dict[str, Any] = {}

    def lines_of(name: str, header: Sequence[str]) -> _Lines:
        return _Lines(workbook.create_sheet(name), name, header, styles)

    _write_figures(lines_of(FIGURES_SHEET, FIGURES_HEADER), traced, reporting, blocks)
    left_off = [
        lines_of(ROWS_SHEET, ROWS_HEADER).write_listed(_rows_lines(groups)),
        lines_of(EXCLUDED_SHEET, EXCLUDED_HEADER).write_listed(_excluded_lines(traced, reporting)),
    ]
    _write_about(workbook.create_sheet(ABOUT_SHEET), rollups, [n for n in left_off if n])
    stamp = datetime(rollups.as_of.year, rollups.as_of.month, rollups.as_of.day)
    workbook.properties.created = workbook.properties.modified = stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
            link = sheet.internal_link(block.first_row) if block and listed else None
            sheet.append(values, link)
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


def _write_about(sheet: Any, rollups: Rollups, left_off: Sequence[str]) -> None:
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
    sheet.column_dimensions["A"].width = width
    _print_setup(sheet)
    for line, text in enumerate((*ABOUT, *left_off, *facts), start=1):
        cell = WriteOnlyCell(sheet)
        put_text(cell, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if line == 1:
            cell.font = Font(bold=True, size=13)
        # Spreadsheets do not grow a wrapped row on opening: give it its lines' height.
        sheet.row_dimensions[line].height = _LINE_POINTS * (1 + len(text) * 6 // (width * 5))
        sheet.append([cell])


# --- Cells --------------------------------------------------------------------------


class _Lines:
    """Writes one sheet of lines under a bold header, fast.

    Plain text and blanks are handed to openpyxl as values, which it writes with one
    reused cell; only a number (left-aligned), a link, or text that needs `put_text` gets
    a cell of its own, whose style is copied from the first cell given that style (set
    cell by cell, a style costs more than writing the cell).

    Args:
        sheet: A write-only sheet of the workbook.
        name: Its name (its widths are `WIDTHS[name]`).
        header: Its header's titles.
        styles: The workbook's styles made so far, by name, shared by its sheets.
    """

    def __init__(
        self, sheet: Any, name: str, header: Sequence[str], styles: dict[str, Any]
    ) -> None:
        self._sheet = sheet
        self._name = name
        self._header = header
        self._styles = styles
        self._lines = 0

    def start(self) -> None:
        """Widths, frozen header, print setup, then the bold header row."""
        sheet = self._sheet
        for column, width in enumerate(WIDTHS[self._name], start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = "A2"
        _print_setup(sheet)
        sheet.print_title_rows = "1:1"
        titles = []
        for title in self._header:
            cell = WriteOnlyCell(sheet)
            put_text(cell, title)
            cell.font = _BOLD
            titles.append(cell)
        sheet.append(titles)
        self._lines = 1

    def append(self, values: Sequence[Any], link: Any = None) -> None:
        """Add a line: its values, then its link cell, if any.

        Text is always written as text, numbers left-aligned, blanks empty.
        """
        self._sheet.append([*map(self._cell, values), link])
        self._lines += 1

    def finish(self) -> None:
        """The filter arrows over the header and every line."""
        last_column = get_column_letter(len(self._header))
        self._sheet.auto_filter.ref = f"A1:{last_column}{max(self._lines, 1)}"

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
            self.append(values, self.external_link(address))
        self.finish()
        return _left_off(self._name, total)

    def internal_link(self, target_row: int) -> Any:
        """A `rows` link to a line of the Rows sheet."""
        cell = self._styled("link", _link_style)
        put_text(cell, GO_TO_ROWS)
        cell.hyperlink = Hyperlink(ref="", location=f"'{ROWS_SHEET}'!A{target_row}")
        return cell

    def external_link(self, address: str) -> Any:
        """An `open` link to a cell of a Google Sheet; None without an address."""
        if not address:
            return None
        cell = self._styled("link", _link_style)
        put_text(cell, OPEN_CELL)
        cell.hyperlink = address
        return cell

    def _cell(self, value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            if is_plain_text(value):
                return value
            cell = WriteOnlyCell(self._sheet)
            put_text(cell, value)
            return cell
        # Beside text columns, a right-aligned number runs into them.
        cell = self._styled("number", _align_left)
        cell.value = value
        return cell

    def _styled(self, name: str, apply: Callable[[Any], None]) -> Any:
        """A new cell of this sheet with the style `apply` gives, made once per workbook."""
        cell = WriteOnlyCell(self._sheet)
        style = self._styles.get(name)
        if style is None:
            apply(cell)
            self._styles[name] = copy(cell._style)
        else:
            cell._style = copy(style)
        return cell


def _align_left(cell: Any) -> None:
    cell.alignment = _NUMBER


def _link_style(cell: Any) -> None:
    cell.style = "Hyperlink"


def _print_setup(sheet: Any) -> None:
    """Printed or saved as PDF: landscape, every column on the page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
