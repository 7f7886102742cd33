"""The data-quality issue record, shared by reading, validation and outputs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from openpyxl.utils import get_column_letter
from pydantic import BaseModel, ConfigDict

from stc_reporting.contract.tabs import TAB_ORDER
from stc_reporting.privacy import redact


class Severity(StrEnum):
    """How much an issue matters (docs/tracker-format.md, "Severity")."""

    STRUCTURAL = "structural"
    ERROR = "error"
    PRIVACY = "privacy"
    WARNING = "warning"


SEVERITY_ORDER = {severity: rank for rank, severity in enumerate(Severity)}


@dataclass(frozen=True, slots=True)
class Issue:
    """One thing wrong in a tracker, located so a person can fix it.

    Attributes:
        collaborative: The collaborative's config id.
        tab: The contract tab name (`Activities`), or "" for the whole tracker.
        row: The sheet row a person sees (header = 1), or None for a whole tab.
        column: The column header (as the contract spells it), or "".
        value: The offending value as text; masked for privacy issues.
        severity: error, warning, privacy or structural.
        rule: A stable rule id, explained in docs/data-quality-rules.md.
        message: What is wrong and how to fix it, in plain words.
        cell: The A1 reference of the cell (`C14`), when there is one.
        sheet_title: The tab's title as the tracker spells it.
        gid: The Google Sheets tab id, for links to the cell.
        spreadsheet_id: The Google Sheets spreadsheet id, for links to the cell.
    """

    collaborative: str
    tab: str
    row: int | None
    column: str
    value: str
    severity: Severity
    rule: str
    message: str
    cell: str = ""
    sheet_title: str = ""
    gid: int | None = None
    spreadsheet_id: str | None = None

    def __post_init__(self) -> None:
        # Defence in depth: whatever produced the issue, no personal data leaves in it.
        for name in ("value", "column", "message"):
            object.__setattr__(self, name, redact(getattr(self, name)))

    @property
    def link(self) -> str:
        """The address of the issue's cell in its Google Sheet, or '' for an .xlsx tracker.

        `https://docs.google.com/spreadsheets/d/<id>/edit#gid=<gid>&range=<A1>`; an issue
        about a whole tab links to the tab, one about the whole tracker to the sheet.
        """
        return sheet_link(self.spreadsheet_id, self.gid, self.cell)

    @property
    def excludes_row(self) -> bool:
        """Whether this issue keeps its row out of every rollup."""
        return self.severity is Severity.ERROR and self.row is not None


def sheet_link(spreadsheet_id: str | None, gid: int | None, cell: str = "") -> str:
    """The address of a cell (or tab, or sheet) in a Google Sheet; '' for an .xlsx tracker.

    Args:
        spreadsheet_id: The Google Sheets id, None for an .xlsx tracker.
        gid: The tab's id, None for the whole sheet.
        cell: An A1 reference (`C14`), "" for the whole tab.
    """
    if not spreadsheet_id:
        return ""
    address = f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}/edit"
    if gid is None:
        return address
    return f"{address}#gid={gid}" + (f"&range={cell}" if cell else "")


def cell_reference(column_index: int | None, row: int | None) -> str:
    """Return an A1 reference for a zero-based column index and a sheet row."""
    if column_index is None:
        return ""
    letter = get_column_letter(column_index + 1)
    return f"{letter}{row}" if row is not None else letter


def sort_issues(issues: Iterable[Issue], collaborative_order: Sequence[str]) -> list[Issue]:
    """Sort issues the way people read them: by collaborative, tab, row, column.

    Args:
        issues: Issues in any order.
        collaborative_order: Collaborative ids in config order.

    Returns:
        The issues in a stable, reproducible order.
    """
    position = {collaborative: index for index, collaborative in enumerate(collaborative_order)}

    def key(issue: Issue) -> tuple[int, str, int, int, int, str, str, str]:
        return (
            position.get(issue.collaborative, len(position)),
            issue.collaborative,
            TAB_ORDER.get(issue.tab, -1),
            issue.row if issue.row is not None else 0,
            SEVERITY_ORDER[issue.severity],
            issue.column,
            issue.rule,
            issue.value,
        )

    return sorted(issues, key=key)


def rows_in_error(issues: Iterable[Issue]) -> set[tuple[str, str, int]]:
    """Return (collaborative, tab, row) of every row an error excludes."""
    return {
        (issue.collaborative, issue.tab, issue.row)
        for issue in issues
        if issue.excludes_row and issue.row is not None
    }


class DataQualityCounts(BaseModel):
    """One collaborative's issues by severity, and the rows errors keep out of the figures."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    errors: int
    warnings: int
    privacy: int
    structural: int
    rows_excluded: int


def data_quality_counts(issues: Iterable[Issue]) -> DataQualityCounts:
    """Count one collaborative's issues by severity, and the rows errors exclude.

    Returns:
        `errors`, `warnings`, `privacy`, `structural` issue counts and
        `rows_excluded`, the number of distinct rows with at least one error.
    """
    listed = list(issues)
    by_severity = Counter(issue.severity for issue in listed)
    return DataQualityCounts(
        errors=by_severity[Severity.ERROR],
        warnings=by_severity[Severity.WARNING],
        privacy=by_severity[Severity.PRIVACY],
        structural=by_severity[Severity.STRUCTURAL],
        rows_excluded=len(rows_in_error(listed)),
    )
