"""The data-quality report: what is wrong in which tracker, and who fixes which cell.

Internal, never sent to the funder. One per run, as a self-contained HTML page
(inline styles, no CDN, works offline) and as a Word document from
`templates/data-quality-report.docx`. It leads with what changed since the last
run, puts structural failures first, then gives each collaborative a health line,
a month-by-month grid of tracker submissions and every issue grouped by tab,
most serious first, each with its cell, value (masked for privacy) and fix.
Issues in a Google Sheet link to their cell.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from docxtpl import DocxTemplate, RichText
from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from stc_reporting.checks.followup import FollowUp, TrackedIssue
from stc_reporting.config import CollaborativeConfig, ProgramConfig
from stc_reporting.contract.tabs import TAB_ORDER
from stc_reporting.figures.document import CollaborativeEntry, Rollups
from stc_reporting.figures.periods import program_year
from stc_reporting.figures.rollups import ON_TIME_DAYS, month_end
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.ingest.records import Submission, build_records
from stc_reporting.issues import SEVERITY_ORDER, Issue, Severity
from stc_reporting.locations import TEMPLATES_DIR
from stc_reporting.reports.accessibility import make_accessible
from stc_reporting.reports.document import DocumentKind, RenderedDocument
from stc_reporting.reports.formatting import fmt_rate, long_date
from stc_reporting.reports.labels import ReportLabels, load_labels
from stc_reporting.reports.render import reproducible_zip, template_environment
from stc_reporting.reports.sections import plain_reason

DOCX_TEMPLATE = "data-quality-report.docx"
HTML_TEMPLATE = "data-quality-report.html.j2"
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CELL_SIZE = 18  # half-points: the issue tables' 9 pt
GRID_SYMBOLS = {"on time": "✓", "late": "late", "missing": "✗", "not due": ""}


class IssueLine(BaseModel):
    """One issue as the report lists it."""

    severity: str
    row: str
    column: str
    cell: str
    value: str
    message: str
    status: str
    link: str


class TabIssues(BaseModel):
    """A tab's issues, most serious first."""

    tab: str
    issues: list[IssueLine]


class GridMonth(BaseModel):
    """One month of the submission grid."""

    label: str
    state: str
    symbol: str


class GridYear(BaseModel):
    """A program year's twelve months."""

    label: str
    calendar_years: str
    months: list[GridMonth]


class CollaborativeSection(BaseModel):
    """Everything about one collaborative's tracker."""

    name: str
    status: str
    reason: str
    errors: int
    warnings: int
    privacy: int
    rows_excluded: int
    completeness: str
    timeliness: str
    missing_months: str
    late_months: str
    grid: list[GridYear]
    grid_months: list[str]
    tabs: list[TabIssues]
    acknowledged: list[IssueLine]
    issue_count: int


class ChangeLine(BaseModel):
    """An issue that appeared or was fixed since the last run."""

    collaborative: str
    tab: str
    column: str
    rule: str
    detail: str


class DataQualityContext(BaseModel):
    """What the data-quality report shows."""

    program: str
    data_as_of: str
    made_on: str
    compared: bool
    new_count: int
    open_count: int
    fixed_count: int
    acknowledged_count: int
    new_issues: list[ChangeLine]
    fixed_issues: list[ChangeLine]
    acknowledgement_problems: list[str]
    structural: list[ChangeLine]
    collaboratives: list[CollaborativeSection]
    document_language: str


def cell_link(issue: Issue) -> str:
    """The Google Sheets address of an issue's cell, or '' for an .xlsx tracker."""
    return issue.link


def _status_text(tracked: TrackedIssue) -> str:
    if tracked.status == "new":
        return "new"
    if tracked.status == "acknowledged":
        return f"acknowledged: {tracked.acknowledgement}"
    return f"open since {tracked.since}"


def _line(tracked: TrackedIssue) -> IssueLine:
    issue = tracked.issue
    return IssueLine(
        severity=issue.severity.value,
        row="" if issue.row is None else str(issue.row),
        column=issue.column,
        cell=issue.cell,
        value=issue.value,
        message=issue.message,
        status=_status_text(tracked),
        link=cell_link(issue),
    )


def month_grid(
    submissions: Sequence[Submission],
    has_tab: bool,
    years: Sequence[int],
    program_start: date,
    as_of: date,
) -> list[GridYear]:
    """Each program year's months: on time, late, missing, or not due yet.

    A month is due once it has ended by `as_of` (as in `rollups.months_expected`).
    """
    submitted = {s.month: s.submitted_on for s in submissions} if has_tab else {}
    grid = []
    for year in years:
        first, _ = program_year(program_start, year)
        month, months = first.replace(day=1), []
        for _ in range(12):
            end = month_end(month)
            if end > as_of:
                state = "not due"
            elif month not in submitted:
                state = "missing"
            elif submitted[month] <= end + timedelta(days=ON_TIME_DAYS):
                state = "on time"
            else:
                state = "late"
            label = f"{MONTH_NAMES[month.month - 1]} {month.year % 100:02d}"
            months.append(GridMonth(label=label, state=state, symbol=GRID_SYMBOLS[state]))
            month = end + timedelta(days=1)
        last = month - timedelta(days=1)
        span = str(first.year) if last.year == first.year else f"{first.year}–{last.year % 100:02d}"
        grid.append(GridYear(label=f"Year {year}", calendar_years=span, months=months))
    return grid


def grid_months(program_start: date) -> list[str]:
    """The months of a program year in order: the grid's column headings (`Nov` … `Oct`)."""
    return [MONTH_NAMES[(program_start.month - 1 + offset) % 12] for offset in range(12)]


def _section(
    collaborative: CollaborativeConfig,
    tracker: ParsedTracker,
    tracked: list[TrackedIssue],
    entry: CollaborativeEntry,
    program: ProgramConfig,
    combined_label: str,
    as_of: date,
    wording: ReportLabels,
) -> CollaborativeSection:
    issues = [t.issue for t in tracked]
    records = build_records(tracker, issues) if not tracker.failed else None
    combined = (entry.periods or {}).get(combined_label)
    grid = month_grid(
        records.submissions if records else (),
        bool(records and "Submissions" in records.tabs_present),
        program.years,
        program.start,
        as_of,
    )
    months = [m for year in grid for m in year.months]
    open_issues = sorted(
        (t for t in tracked if t.status != "acknowledged"),
        key=lambda t: (
            TAB_ORDER.get(t.issue.tab, -1),
            SEVERITY_ORDER[t.issue.severity],
            t.issue.row or 0,
            t.issue.column,
        ),
    )
    tabs: dict[str, list[IssueLine]] = {}
    for item in open_issues:
        tabs.setdefault(item.issue.tab or "Whole tracker", []).append(_line(item))
    quality = entry.data_quality
    return CollaborativeSection(
        name=collaborative.name,
        status="failed" if tracker.failed else "ok",
        reason=(
            plain_reason(tracker.failure.kind, tracker.failure.tabs, wording.failures)
            if tracker.failure
            else ""
        ),
        errors=quality.errors,
        warnings=quality.warnings,
        privacy=quality.privacy,
        rows_excluded=quality.rows_excluded,
        completeness=fmt_rate(combined.reporting_completeness if combined else None),
        timeliness=fmt_rate(combined.reporting_timeliness if combined else None),
        missing_months=", ".join(m.label for m in months if m.state == "missing") or "none",
        late_months=", ".join(m.label for m in months if m.state == "late") or "none",
        grid=grid,
        grid_months=grid_months(program.start),
        tabs=[TabIssues(tab=tab, issues=lines) for tab, lines in tabs.items()],
        acknowledged=[_line(t) for t in tracked if t.status == "acknowledged"],
        issue_count=len(open_issues),
    )


def build_dq_context(
    rollups: Rollups,
    collaboratives: Sequence[CollaborativeConfig],
    trackers: Sequence[ParsedTracker],
    followup: FollowUp,
    program: ProgramConfig,
    made_on: date,
    wording: ReportLabels,
) -> DataQualityContext:
    """Build the data-quality report's context.

    Args:
        rollups: The run's rollups document (health counts, completeness).
        collaboratives: The run's collaboratives, config order.
        trackers: Their trackers as read.
        followup: Every issue with its status, what was fixed, acknowledgement problems.
        program: `start` (date) and `years` (list of int) of the program.
        made_on: The day the report is made.
        wording: The labels of the funder reports: dates and the plain failure reasons
            are said the same way here (the rest of this internal report's wording is
            in its templates and in this module).
    """
    as_of = rollups.as_of
    names = {c.id: c.name for c in collaboratives}
    by_collaborative: dict[str, list[TrackedIssue]] = {c.id: [] for c in collaboratives}
    for tracked in followup.tracked:
        by_collaborative.setdefault(tracked.issue.collaborative, []).append(tracked)
    tracker_of = {t.collaborative: t for t in trackers}
    combined_label = list(rollups.periods)[-1]  # years first, the combined period last
    return DataQualityContext(
        program=rollups.program,
        data_as_of=long_date(as_of, wording.dates, wording.locale),
        made_on=long_date(made_on, wording.dates, wording.locale),
        compared=bool(followup.compared),
        new_count=followup.count("new"),
        open_count=followup.count("open"),
        fixed_count=followup.count("fixed"),
        acknowledged_count=followup.count("acknowledged"),
        new_issues=[
            ChangeLine(
                collaborative=names.get(t.issue.collaborative, t.issue.collaborative),
                tab=t.issue.tab,
                column=t.issue.column,
                rule=t.issue.rule,
                detail=f"row {t.issue.row}" if t.issue.row else "",
            )
            for t in followup.tracked
            if t.status == "new" and t.issue.collaborative in followup.compared
        ],
        fixed_issues=[
            ChangeLine(
                collaborative=names.get(f.collaborative, f.collaborative),
                tab=f.tab,
                column=f.column,
                rule=f.rule,
                detail=f"open since {f.since}",
            )
            for f in followup.fixed
        ],
        acknowledgement_problems=followup.acknowledgement_problems,
        document_language=wording.report.document_language,
        structural=[
            ChangeLine(
                collaborative=names.get(t.issue.collaborative, t.issue.collaborative),
                tab=t.issue.tab,
                column=t.issue.column,
                rule=t.issue.rule,
                detail=t.issue.message,
            )
            for t in followup.tracked
            if t.issue.severity is Severity.STRUCTURAL
        ],
        collaboratives=[
            _section(
                c,
                tracker_of[c.id],
                by_collaborative[c.id],
                rollups.collaboratives[c.id],
                program,
                combined_label,
                as_of,
                wording,
            )
            for c in collaboratives
        ],
    )


def render_dq_report(
    rollups: Rollups,
    collaboratives: Sequence[CollaborativeConfig],
    trackers: Sequence[ParsedTracker],
    followup: FollowUp,
    program: ProgramConfig,
    made_on: date,
    wording: ReportLabels | None = None,
) -> list[RenderedDocument]:
    """Render `data-quality-report.html` and `.docx` (arguments as `build_dq_context`).

    Without `wording`, the English labels beside the templates are used.
    """
    wording = wording or load_labels()
    context = build_dq_context(
        rollups, collaboratives, trackers, followup, program, made_on, wording
    )
    kind = DocumentKind.DATA_QUALITY_REPORT
    return [
        RenderedDocument("data-quality-report.html", kind, None, render_dq_html(context)),
        RenderedDocument("data-quality-report.docx", kind, None, render_dq_docx(context)),
    ]


def render_dq_html(context: DataQualityContext, templates: Path = TEMPLATES_DIR) -> bytes:
    """Render the self-contained HTML page."""
    environment = SandboxedEnvironment(loader=FileSystemLoader(templates), autoescape=True)
    page = environment.get_template(HTML_TEMPLATE).render(**context.model_dump())
    return page.encode("utf-8")


def render_dq_docx(context: DataQualityContext, templates: Path = TEMPLATES_DIR) -> bytes:
    """Render the Word version; Google Sheets cells become links."""
    document = DocxTemplate(templates / DOCX_TEMPLATE)
    data = context.model_dump()
    for section in data["collaboratives"]:
        for tab in section["tabs"]:
            for line in tab["issues"]:
                # The template prints the cell with `{{r }}`, so a link is a run of its own
                # (a hyperlink inside a run's text is no hyperlink in Word); the size is
                # the template's for that table (9 pt).
                cell = line["cell"] or "—"
                line["cell"] = (
                    RichText(
                        cell,
                        url_id=document.build_url_id(line["link"]),
                        color="2E75B6",
                        underline=True,
                        size=CELL_SIZE,
                    )
                    if line["link"]
                    else RichText(cell, size=CELL_SIZE)
                )
    document.render(data, jinja_env=template_environment(), autoescape=True)
    buffer = io.BytesIO()
    document.docx.core_properties.title = f"Data-quality report, data as of {context.data_as_of}"
    make_accessible(document.docx, context.document_language)
    document.save(buffer)
    return reproducible_zip(buffer.getvalue())
