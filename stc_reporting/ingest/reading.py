"""Reading a tracker: raw cells in, typed rows and reading issues out.

This applies the reading rules of docs/tracker-format.md: tab and header
tolerance, blank rows, text cleanup, choices, every accepted spelling of dates,
numbers, money and yes/no, lists, the personal-data column rule and the free-text
privacy scan. The privacy step (`withholding.py`) runs first: the reader only ever
sees the cells ingest keeps, and reports each withheld value as a privacy issue.
Rule checks that need whole columns or other tabs (required,
unique, choice membership, ranges, windows, references) are the Great
Expectations suites' job (`validation.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stc_reporting.contract.rules import Rule
from stc_reporting.contract.tabs import (
    INDICATORS,
    MEASUREMENTS,
    TABS,
    Column,
    Kind,
    Tab,
    target_field,
)
from stc_reporting.ingest.failure import FailureKind, TrackerFailure
from stc_reporting.ingest.headers import match_headers
from stc_reporting.ingest.parsing import (
    CellError,
    clean_text,
    is_blank,
    is_spreadsheet_error,
    parse_choice,
    parse_list,
    percent_points,
)
from stc_reporting.ingest.withholding import (
    DISCARDED_AFTER_SCAN,
    PARSERS,
    withhold_personal_data,
)
from stc_reporting.issues import Issue, Severity, cell_reference
from stc_reporting.privacy import PersonalData, mask, mask_if_personal
from stc_reporting.sources import (
    CellPosition,
    RawRow,
    RawTab,
    RawTracker,
    TrackerSource,
    TrackerUnreadableError,
    WithheldCell,
)

Row = dict[str, object]
"""One typed record: `row` (the sheet row number) plus a value per field."""

PERCENT_UNIT = "Percent"


@dataclass
class TabData:
    """One tab's typed rows and where its columns sit in the sheet.

    Attributes:
        tab: The contract tab.
        sheet_title: The tab's title as the tracker spells it.
        gid: The Google Sheets tab id, if any.
        rows: Typed rows, blank rows skipped, in sheet order.
        positions: Zero-based sheet column of each field present.
        target_years: Program years with a `Target Y<N>` column (Indicators).
        percent_cells: (row, column) of the cells formatted as a percentage.
    """

    tab: Tab
    sheet_title: str
    gid: int | None
    rows: list[Row] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)
    target_years: tuple[int, ...] = ()
    percent_cells: frozenset[CellPosition] = frozenset()


@dataclass
class ParsedTracker:
    """One collaborative's tracker after reading.

    Attributes:
        collaborative: The collaborative's config id.
        description: Where the tracker was read from.
        tabs: Tabs that were present and readable, by contract tab name.
        issues: Reading issues (parse errors, privacy, structure).
        failure: Why the collaborative cannot report this run, if it cannot.
        unparsed_cells: (tab, row, field) of cells that failed to read, so the
            rule checks do not report the same cell twice.
        spreadsheet_id: The Google Sheets id, when the tracker is a Google Sheet.
        kept: The cells ingest kept, after its privacy step: what the run's
            snapshot of this tracker stores. None when the tracker could not be read.
        unreadable: Why the tracker could not be read at all, if it could not.
    """

    collaborative: str
    description: str
    tabs: dict[str, TabData] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    failure: TrackerFailure | None = None
    unparsed_cells: set[tuple[str, int, str]] = field(default_factory=set)
    spreadsheet_id: str | None = None
    kept: RawTracker | None = field(default=None, repr=False)
    unreadable: str | None = None

    @property
    def failed(self) -> bool:
        """Whether a structural problem stops this collaborative from reporting."""
        return self.failure is not None


def read_tracker(source: TrackerSource, collaborative: str) -> ParsedTracker:
    """Fetch a tracker from its source and read it.

    Args:
        source: Where the tracker's cells come from.
        collaborative: The collaborative's config id.

    Returns:
        The typed tracker; a tracker that cannot be fetched comes back failed.
    """
    try:
        raw = source.read()
    except TrackerUnreadableError as error:
        return unreadable_tracker(collaborative, str(error))
    return parse_tracker(raw, collaborative)


def unreadable_tracker(collaborative: str, reason: str) -> ParsedTracker:
    """Return a failed tracker for a collaborative whose tracker could not be fetched.

    Args:
        collaborative: The collaborative's config id.
        reason: Why, in plain words (no personal data).
    """
    tracker = ParsedTracker(collaborative, description="", unreadable=reason)
    _fail(tracker, "", "", Rule.UNREADABLE_TRACKER, f"The tracker could not be read: {reason}.")
    tracker.failure = TrackerFailure(
        kind=FailureKind.UNREADABLE, reason=f"the tracker could not be read: {reason}"
    )
    return tracker


def parse_tracker(raw: RawTracker, collaborative: str) -> ParsedTracker:
    """Read every contract tab of a raw tracker, after withholding personal data.

    Args:
        raw: The tracker's raw cells, as its source returned them or as a snapshot
            kept them (withholding kept cells again changes nothing).
        collaborative: The collaborative's config id.

    Returns:
        Typed rows per tab, the reading issues, a failure reason when a required
        tab or column is missing, and the kept cells.
    """
    raw = withhold_personal_data(raw)
    tracker = ParsedTracker(
        collaborative, raw.description, spreadsheet_id=raw.spreadsheet_id, kept=raw
    )
    reasons: list[str] = []
    missing_tabs: list[str] = []
    tabs_missing_columns: list[str] = []
    for tab in TABS:
        raw_tab = _find_tab(tracker, raw, tab)
        if raw_tab is None:
            if tab.required:
                reasons.append(f"tab '{tab.name}' is missing")
                missing_tabs.append(tab.name)
            continue
        missing = _read_tab(tracker, tab, raw_tab)
        reasons.extend(f"tab '{tab.name}' has no column '{header}'" for header in missing)
        if missing:
            tabs_missing_columns.append(tab.name)
    read_percent_cells_as_points(tracker)
    if reasons:
        tracker.failure = TrackerFailure(
            kind=FailureKind.MISSING_TAB if missing_tabs else FailureKind.MISSING_COLUMNS,
            tabs=tuple(missing_tabs or tabs_missing_columns),
            reason="; ".join(reasons),
        )
    return tracker


def read_percent_cells_as_points(tracker: ParsedTracker) -> None:
    """Read percent-formatted cells of Percent indicators as points: 66.2 %, stored 0.662, is 66.2.

    The unit is on the Indicators tab, so this runs once every tab is read: a Percent
    indicator's Baseline and Target Y<N>, and the Value of each Measurement whose
    Indicator ID names one (tracker-format.md, Percent). Text such as `66.2%` already
    reads as 66.2 (`parse_number`); other units keep a percent cell's stored value.
    """
    indicators = tracker.tabs.get(INDICATORS.name)
    if indicators is None:
        return
    percent_rows = [row for row in indicators.rows if row.get("unit") == PERCENT_UNIT]
    indicator_fields = ("baseline", *(target_field(y) for y in indicators.target_years))
    for row in percent_rows:
        _percent_cells_to_points(indicators, row, indicator_fields)
    measurements = tracker.tabs.get(MEASUREMENTS.name)
    if measurements is None:
        return
    percent_ids = {row.get("indicator_id") for row in percent_rows}
    for row in measurements.rows:
        if row.get("indicator_id") in percent_ids:
            _percent_cells_to_points(measurements, row, ("value",))


def _percent_cells_to_points(data: TabData, row: Row, field_names: tuple[str, ...]) -> None:
    for name in field_names:
        position = data.positions.get(name)
        value = row.get(name)
        if (
            position is not None
            and isinstance(value, float)
            and (row["row"], position) in data.percent_cells
        ):
            row[name] = percent_points(value)


def _find_tab(tracker: ParsedTracker, raw: RawTracker, tab: Tab) -> RawTab | None:
    matches = [t for t in raw.tabs if t.title.strip().lower() == tab.name.lower()]
    if not matches:
        if tab.required:
            _fail(
                tracker,
                tab.name,
                "",
                Rule.MISSING_TAB,
                f"The required tab '{tab.name}' is missing: add a tab named {tab.name} "
                "(copy it from the tracker template).",
            )
        else:
            _note(
                tracker,
                tab.name,
                Rule.OPTIONAL_TAB_MISSING,
                f"There is no '{tab.name}' tab, so its figures are reported as zero or empty. "
                "Add the tab from the tracker template if this collaborative has such records.",
            )
        return None
    if len(matches) > 1:
        titles = ", ".join(f"'{t.title}'" for t in matches)
        _note(
            tracker,
            tab.name,
            Rule.DUPLICATE_TAB,
            f"Several tabs are named {tab.name} ({titles}); only the first is read. "
            "Merge them into one tab.",
        )
    return matches[0]


def _read_tab(tracker: ParsedTracker, tab: Tab, raw_tab: RawTab) -> list[str]:
    """Read one tab into `tracker.tabs`; return the headers of missing required columns."""
    data = TabData(tab, raw_tab.title, raw_tab.gid, percent_cells=raw_tab.percent_cells)
    headers = match_headers(tab, raw_tab.header)
    data.positions, data.target_years = headers.positions, headers.target_years
    if raw_tab.header_row != 1:
        _report_header_below_title(tracker, data, raw_tab.header_row)
    for problem in headers.problems:
        tracker.issues.append(
            located_issue(
                tracker,
                data,
                row=raw_tab.header_row,
                header=problem.header,
                position=problem.position,
                value="",
                severity=problem.severity,
                rule=problem.rule,
                message=problem.message,
            )
        )
    missing = [c.header for c in tab.columns if c.must_be_present and c.field not in data.positions]
    for header in missing:
        _fail(
            tracker,
            tab.name,
            header,
            Rule.MISSING_COLUMN,
            f"The {tab.name} tab has no '{header}' column: add it to row 1 "
            "(header spellings are in the tracker template).",
            sheet_title=raw_tab.title,
        )
    if missing:
        return missing
    named = named_positions(raw_tab.header)
    _report_unnamed_columns(tracker, data, raw_tab, named)
    for raw_row in raw_tab.rows:
        # A cell under no header never makes a row count as filled (tracker-format.md).
        if all(is_blank(cell) for p, cell in enumerate(raw_row.cells) if p in named):
            continue
        data.rows.append(_read_row(tracker, data, raw_row))
    tracker.tabs[tab.name] = data
    return []


def named_positions(header: tuple[object, ...]) -> frozenset[int]:
    """The zero-based columns that have a header (read or not)."""
    return frozenset(p for p, cell in enumerate(header) if not is_blank(cell))


def _report_header_below_title(tracker: ParsedTracker, data: TabData, header_row: int) -> None:
    above = "row 1" if header_row == 2 else f"rows 1-{header_row - 1}"
    tracker.issues.append(
        located_issue(
            tracker,
            data,
            row=header_row,
            header="",
            position=None,
            value="",
            severity=Severity.WARNING,
            rule=Rule.HEADER_BELOW_TITLE,
            message=f"The headers of the {data.tab.name} tab are in row {header_row}, not "
            f"row 1: the tab was read from row {header_row}, and the title or note above "
            f"it was ignored. To clear this warning, delete {above} so the headers are in "
            "row 1.",
        )
    )


def _report_unnamed_columns(
    tracker: ParsedTracker, data: TabData, raw_tab: RawTab, named: frozenset[int]
) -> None:
    """One warning per column that has values but no header: they are never read."""
    filled = {
        position
        for raw_row in raw_tab.rows
        for position, cell in enumerate(raw_row.cells)
        if position not in named and not is_blank(cell)
    }
    for position in sorted(filled):
        letter = cell_reference(position, None)
        tracker.issues.append(
            located_issue(
                tracker,
                data,
                row=raw_tab.header_row,
                header="",
                position=position,
                value="",
                severity=Severity.WARNING,
                rule=Rule.UNNAMED_COLUMN,
                message=f"Column {letter} has values but no header in row "
                f"{raw_tab.header_row}, so its values were ignored. Give it a header from "
                "the template if they belong to a column of the tracker, or delete them.",
            )
        )


def _read_row(tracker: ParsedTracker, data: TabData, raw_row: RawRow) -> Row:
    row: Row = {"row": raw_row.number}
    for column in data.tab.columns:
        if column.field in DISCARDED_AFTER_SCAN:
            _report_withheld_note(tracker, data, column, raw_row)
            continue
        row[column.field] = _read_cell(tracker, data, column, raw_row)
    for year in data.target_years:
        number_column = Column(f"Target Y{year}", target_field(year), Kind.NUMBER)
        row[number_column.field] = _read_cell(tracker, data, number_column, raw_row)
    return row


def _cell(data: TabData, field_name: str, raw_row: RawRow) -> object:
    position = data.positions.get(field_name)
    if position is None or position >= len(raw_row.cells):
        return None
    return raw_row.cells[position]


def _read_cell(tracker: ParsedTracker, data: TabData, column: Column, raw_row: RawRow) -> object:
    cell = _cell(data, column.field, raw_row)
    if is_blank(cell):
        return () if column.kind is Kind.LIST else column.default
    if is_spreadsheet_error(cell):
        tracker.unparsed_cells.add((data.tab.name, raw_row.number, column.field))
        _cell_issue(
            tracker,
            data,
            column,
            raw_row.number,
            clean_text(cell),
            Severity.ERROR,
            Rule.SPREADSHEET_ERROR,
            f"{column.header} shows the spreadsheet error {clean_text(cell)}: fix the formula "
            "or type the value in.",
        )
        return None
    if isinstance(cell, WithheldCell):
        return _read_withheld(tracker, data, column, raw_row.number, cell)
    if column.is_free_text or column.kind is Kind.ID:
        return clean_text(cell)
    if column.kind is Kind.LIST:
        return parse_list(cell)
    if column.kind is Kind.CHOICE:
        return parse_choice(cell, column.choices)
    try:
        return PARSERS[column.kind](cell)
    except CellError as error:
        tracker.unparsed_cells.add((data.tab.name, raw_row.number, column.field))
        shown = mask_if_personal(clean_text(cell))
        _cell_issue(
            tracker,
            data,
            column,
            raw_row.number,
            shown,
            Severity.ERROR,
            error.rule,
            f"{column.header} '{shown}' {error.message}",
        )
        return None


def _read_withheld(
    tracker: ParsedTracker, data: TabData, column: Column, row_number: int, cell: WithheldCell
) -> object:
    """Report a value ingest withheld, and read its stand-in in its place."""
    if cell.kind is not None:
        _privacy_issue(tracker, data, column, row_number, cell.kind)
    if column.kind is Kind.LIST:
        return parse_list(cell.kept)
    if column.is_free_text or column.kind is Kind.ID:
        return cell.kept
    return column.default  # withholding never leaves a typed cell withheld


def _report_withheld_note(
    tracker: ParsedTracker, data: TabData, column: Column, raw_row: RawRow
) -> None:
    """Notes are never kept; one that looked like personal data is still reported."""
    cell = _cell(data, column.field, raw_row)
    if isinstance(cell, WithheldCell) and cell.kind is not None:
        _privacy_issue(tracker, data, column, raw_row.number, cell.kind)


def _privacy_issue(
    tracker: ParsedTracker,
    data: TabData,
    column: Column,
    row_number: int,
    kind: PersonalData,
) -> None:
    _cell_issue(
        tracker,
        data,
        column,
        row_number,
        mask(kind),
        Severity.PRIVACY,
        Rule.PERSONAL_DATA_TEXT,
        f"{column.header} looks like it contains {kind.with_article}. Trackers must never hold "
        "personal details: remove it. The row still counts; the text is never printed.",
    )


def located_issue(
    tracker: ParsedTracker,
    data: TabData,
    *,
    row: int,
    header: str,
    position: int | None,
    value: str,
    severity: Severity,
    rule: str,
    message: str,
) -> Issue:
    """An issue about one cell of a tab, with everything needed to find and link it."""
    return Issue(
        collaborative=tracker.collaborative,
        tab=data.tab.name,
        row=row,
        column=header,
        value=value,
        severity=severity,
        rule=rule,
        message=message,
        cell=cell_reference(position, row),
        sheet_title=data.sheet_title,
        gid=data.gid,
        spreadsheet_id=tracker.spreadsheet_id,
    )


def _cell_issue(
    tracker: ParsedTracker,
    data: TabData,
    column: Column,
    row_number: int,
    value: str,
    severity: Severity,
    rule: str,
    message: str,
) -> None:
    position = data.positions.get(column.field)
    tracker.issues.append(
        located_issue(
            tracker,
            data,
            row=row_number,
            header=column.header,
            position=position,
            value=value,
            severity=severity,
            rule=rule,
            message=message,
        )
    )


def _fail(
    tracker: ParsedTracker,
    tab: str,
    column: str,
    rule: str,
    message: str,
    sheet_title: str = "",
) -> None:
    tracker.issues.append(
        Issue(
            collaborative=tracker.collaborative,
            tab=tab,
            row=None,
            column=column,
            value="",
            severity=Severity.STRUCTURAL,
            rule=rule,
            message=message,
            sheet_title=sheet_title,
            spreadsheet_id=tracker.spreadsheet_id,
        )
    )


def _note(tracker: ParsedTracker, tab: str, rule: str, message: str) -> None:
    tracker.issues.append(
        Issue(
            collaborative=tracker.collaborative,
            tab=tab,
            row=None,
            column="",
            value="",
            severity=Severity.WARNING,
            rule=rule,
            message=message,
            spreadsheet_id=tracker.spreadsheet_id,
        )
    )
