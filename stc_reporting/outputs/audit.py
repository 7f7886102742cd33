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
from collections.abc import Iterator, Sequence
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
from stc_reporting.figures.lineage import Contribution, Derivation, Method, PeriodLineage
from stc_reporting.outputs.spreadsheet_safety import put_text
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

    Written in openpyxl's write-only mode, row after row: a tracker of many thousand rows
    gives a workbook of a million cells in seconds, not minutes.
    """
    rollups, lineage = traced.rollups, traced.lineage
    reporting = [c for c in collaborative_order if c in lineage.collaboratives]
    groups, blocks = _layout(traced, reporting)
    workbook = Workbook(write_only=True)
    _write_figures(workbook.create_sheet(FIGURES_SHEET), traced, reporting, blocks)
    left_off = [
        _write_rows(workbook.create_sheet(ROWS_SHEET), groups),
        _write_excluded(workbook.create_sheet(EXCLUDED_SHEET), traced, reporting),
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


def _write_rows(sheet: Any, groups: list[_Group]) -> str:
    """Write the Rows sheet; say what was left off beyond `LINES_LIMIT`, if anything."""
    _start(sheet, ROWS_SHEET, ROWS_HEADER)
    lines = 1
    total = sum(len(contributions) for _, _, contributions in groups)
    for period, collaborative, contributions in groups:
        for contribution in contributions[: LINES_LIMIT + 1 - lines]:
            values: list[Any] = [
                period,
                contribution.figure,
                contribution.key,
                collaborative,
                contribution.tab,
                contribution.row,
                contribution.record,
                contribution.rule,
                contribution.amount,
            ]
            sheet.append([*_cells(sheet, values), _external_link(sheet, contribution.link)])
            lines += 1
    _finish(sheet, ROWS_HEADER, lines)
    return _left_off(ROWS_SHEET, total)


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
    sheet: Any,
    traced: TracedRollups,
    reporting: Sequence[str],
    blocks: dict[tuple[str, str, str, str], _Block],
) -> None:
    _start(sheet, FIGURES_SHEET, FIGURES_HEADER)
    lines = 1
    for scope, period, figures, lineage in _scopes(traced, reporting):
        for derivation in _in_file_order(lineage.derivations):
            value = figure_value(figures, derivation.figure, derivation.key)
            block = _block_of(blocks, period, scope, derivation)
            values = _figure_line(scope, period, derivation, value, block)
            listed = block is not None and block.count and block.first_row <= LINES_LIMIT + 1
            link = _internal_link(sheet, block.first_row) if block and listed else None
            sheet.append([*_cells(sheet, values), link])
            lines += 1
    _finish(sheet, FIGURES_HEADER, lines)


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


def _write_excluded(sheet: Any, traced: TracedRollups, reporting: Sequence[str]) -> str:
    """Write the Excluded sheet; say what was left off beyond `LINES_LIMIT`, if anything."""
    _start(sheet, EXCLUDED_SHEET, EXCLUDED_HEADER)
    lines = 1
    total = 0
    for collaborative in reporting:
        entry = traced.lineage.collaboratives[collaborative]
        listed = [(ALL_PERIODS, exclusion) for exclusion in entry.rows_in_error]
        for period, lineage in entry.periods.items():
            if lineage is not None:
                listed += [(period, exclusion) for exclusion in lineage.exclusions]
        total += len(listed)
        for period, exclusion in listed[: LINES_LIMIT + 1 - lines]:
            values = [
                collaborative,
                period,
                exclusion.tab,
                exclusion.row,
                exclusion.record,
                exclusion.reason,
            ]
            sheet.append([*_cells(sheet, values), _external_link(sheet, exclusion.link)])
            lines += 1
    _finish(sheet, EXCLUDED_HEADER, lines)
    return _left_off(EXCLUDED_SHEET, total)


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


def _start(sheet: Any, name: str, header: Sequence[str]) -> None:
    """Widths, frozen header, print setup, then the bold header row."""
    for column, width in enumerate(WIDTHS[name], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    _print_setup(sheet)
    sheet.print_title_rows = "1:1"
    titles = []
    for title in header:
        cell = WriteOnlyCell(sheet)
        put_text(cell, title)
        cell.font = _BOLD
        titles.append(cell)
    sheet.append(titles)


def _print_setup(sheet: Any) -> None:
    """Printed or saved as PDF: landscape, every column on the page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _cells(sheet: Any, values: Sequence[Any]) -> list[Any]:
    """A line's cells: text always as text, numbers left-aligned, blanks empty."""
    cells: list[Any] = []
    for value in values:
        if value is None or value == "":
            cells.append(None)
            continue
        cell = WriteOnlyCell(sheet)
        if isinstance(value, str):
            put_text(cell, value)
        else:
            cell.value = value
            cell.alignment = _NUMBER  # beside text columns, a right-aligned number runs into them
        cells.append(cell)
    return cells


def _internal_link(sheet: Any, target_row: int) -> Any:
    cell = WriteOnlyCell(sheet)
    put_text(cell, GO_TO_ROWS)
    cell.hyperlink = Hyperlink(ref="", location=f"'{ROWS_SHEET}'!A{target_row}")
    cell.style = "Hyperlink"
    return cell


def _external_link(sheet: Any, address: str) -> Any:
    if not address:
        return None
    cell = WriteOnlyCell(sheet)
    put_text(cell, OPEN_CELL)
    cell.hyperlink = address
    cell.style = "Hyperlink"
    return cell


def _finish(sheet: Any, header: Sequence[str], last_line: int) -> None:
    last_column = get_column_letter(len(header))
    sheet.auto_filter.ref = f"A1:{last_column}{max(last_line, 1)}"
