"""The data-quality report: what is wrong in which tracker, and who fixes which cell.

Internal, never sent to the funder. One per run, as a self-contained HTML page
(inline styles, no CDN, works offline) and as a Word document from
`templates/data-quality-report.docx`. It leads with what changed since the last
run, puts structural failures first, then gives each collaborative a health line,
a month-by-month grid of tracker submissions and every issue grouped by tab,
most serious first, each with its cell, value (masked for privacy) and fix.
Issues in a Google Sheet link to their cell.

A run of more than `DETAILED_AT_MOST` collaboratives gets a program summary
instead, short at 500 collaboratives: the overview lists the collaboratives that
could not report, then those with the most errors, and counts the others; the
open issues are counted by rule; the changes since the last run are capped; and
each collaborative's issues are on its own page only.

Beside it, each collaborative of the run gets its own data-quality page
(`data-quality/<id>.html` and `.docx`): the same report, from the same templates,
scoped to that collaborative alone (its issues, fixes, month grid and follow-up,
nothing of any other collaborative), so a program manager can forward it as it is.
A page is made for a collaborative that failed too: it says what is wrong.

The words the code places (statuses, the grid's symbols, titles) come from
`labels.<language>.yaml`; a page in another language is that language's labels
file, and, when present, its templates `data-quality-report.<language>.*`.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from docxtpl import DocxTemplate, RichText
from jinja2 import FileSystemLoader, Template
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from stc_reporting.checks.followup import FollowUp, History, TrackedIssue
from stc_reporting.config import DEFAULT_LANGUAGE, CollaborativeConfig, ProgramConfig
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
from stc_reporting.reports.formatting import NumberFormat, long_date
from stc_reporting.reports.labels import (
    GridWords,
    QualityWords,
    ReportLabels,
    load_labels,
)
from stc_reporting.reports.pool import render_jobs
from stc_reporting.reports.render import (
    ReportRenderError,
    reproducible_zip,
    template_environment,
)
from stc_reporting.reports.sections import plain_reason

DOCX_TEMPLATE = "data-quality-report.docx"
HTML_TEMPLATE = "data-quality-report.html.j2"
REPORT_NAME = "data-quality-report"
PAGES_FOLDER = "data-quality"
"""Each collaborative's page: `data-quality/<collaborative id>.html` and `.docx`."""
CELL_SIZE = 18  # half-points: the issue tables' 9 pt
DETAILED_AT_MOST = 25
"""The most collaboratives the internal report details one by one (and lists in full)."""
CHANGES_AT_MOST = 50
"""The most new (and fixed) issues the internal report lists; the others are counted."""
PAGES_FOR_A_POOL = 40
"""From this many documents to render (the report and each page), a pool renders them."""


class IssueLine(BaseModel):
    """One issue as the report lists it (`severity` the id, `severity_label` its words)."""

    severity: str
    severity_label: str
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
    """One month of the submission grid.

    Attributes:
        label: The month, short (`Nov 19`).
        state: `on_time`, `late`, `missing` or `not_due`.
        words: The state in words (`labels.quality.states`).
        symbol: What its cell shows (`labels.quality.symbols`).
    """

    label: str
    state: str
    words: str
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


class OverviewRow(BaseModel):
    """A collaborative's line in the internal report's overview.

    `link` goes to its section of the report (`#collaborative-3`) or, in a program
    summary, to its own page (`data-quality/<id>.html`).
    """

    name: str
    status: str
    errors: int
    warnings: int
    privacy: int
    rows_excluded: int
    completeness: str
    timeliness: str
    link: str


class RuleCount(BaseModel):
    """How many open issues break one rule, in how many collaboratives."""

    severity: str
    severity_label: str
    rule: str
    issues: int
    collaboratives: int


class ChangeLine(BaseModel):
    """An issue that appeared or was fixed since the last run."""

    collaborative: str
    tab: str
    column: str
    rule: str
    detail: str


class DataQualityContext(BaseModel):
    """What the data-quality report shows, or one collaborative's page of it.

    `scope` is empty for the internal report of every collaborative of the run, and
    the collaborative's name on its page: the templates leave out the overview of
    all collaboratives and the collaborative columns there.

    `detailed` is False for a program summary (more than `DETAILED_AT_MOST`
    collaboratives): `collaboratives` is then empty, `overview` holds the worst
    first, `overview_more` counts the others, `by_rule` counts the open issues by
    rule, and `new_more`/`fixed_more` count the changes not listed.
    """

    scope: str
    title: str
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
    detailed: bool = True
    overview: list[OverviewRow] = []
    overview_more: list[str] = []
    by_rule: list[RuleCount] = []
    new_more: str = ""
    fixed_more: str = ""


def cell_link(issue: Issue) -> str:
    """The Google Sheets address of an issue's cell, or '' for an .xlsx tracker."""
    return issue.link


def _status_text(tracked: TrackedIssue, words: QualityWords) -> str:
    if tracked.status == "new":
        return words.status_new
    if tracked.status == "acknowledged":
        return words.status_acknowledged.format(reason=tracked.acknowledgement)
    return words.status_open.format(month=tracked.since)


def _line(tracked: TrackedIssue, words: QualityWords) -> IssueLine:
    issue = tracked.issue
    return IssueLine(
        severity=issue.severity.value,
        severity_label=str(getattr(words.severities, issue.severity.value)),
        row="" if issue.row is None else str(issue.row),
        column=issue.column,
        cell=issue.cell,
        value=issue.value,
        message=issue.message,
        status=_status_text(tracked, words),
        link=cell_link(issue),
    )


def month_grid(
    submissions: Sequence[Submission],
    has_tab: bool,
    years: Sequence[int],
    program_start: date,
    as_of: date,
    wording: ReportLabels | None = None,
) -> list[GridYear]:
    """Each program year's months: on time, late, missing, or not due yet.

    A month is due once it has ended by `as_of` (as in `rollups.months_expected`).
    Its label, words and symbol are those of `wording` (English without it).
    """
    wording = wording or load_labels()
    words = wording.quality
    submitted = {s.month: s.submitted_on for s in submissions} if has_tab else {}
    grid = []
    for year in years:
        first, _ = program_year(program_start, year)
        month, months = first.replace(day=1), []
        for _ in range(12):
            end = month_end(month)
            if end > as_of:
                state = "not_due"
            elif month not in submitted:
                state = "missing"
            elif submitted[month] <= end + timedelta(days=ON_TIME_DAYS):
                state = "on_time"
            else:
                state = "late"
            label = words.grid_month.format(
                month=short_month(month, wording), year=f"{month.year % 100:02d}"
            )
            months.append(
                GridMonth(
                    label=label,
                    state=state,
                    words=_of(words.states, state),
                    symbol=_of(words.symbols, state),
                )
            )
            month = end + timedelta(days=1)
        last = month - timedelta(days=1)
        span = str(first.year) if last.year == first.year else f"{first.year}–{last.year % 100:02d}"
        label = words.year.format(number=year)
        grid.append(GridYear(label=label, calendar_years=span, months=months))
    return grid


def short_month(month: date, wording: ReportLabels) -> str:
    """A month's short name in the report's language (`Nov`, `nov`): Babel's, as in dates."""
    return format_date(month, "MMM", locale=wording.locale)


def grid_months(program_start: date, wording: ReportLabels) -> list[str]:
    """The months of a program year in order: the grid's column headings (`Nov` … `Oct`)."""
    first = program_start.replace(day=1)
    return [
        short_month(
            date(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, 1),
            wording,
        )
        for k in range(12)
    ]


def _of(words: GridWords, state: str) -> str:
    """The words for a grid state (`on_time`, `late`, `missing`, `not_due`)."""
    return str(getattr(words, state))


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
    words, rate = wording.quality, NumberFormat(wording.locale).rate
    records = build_records(tracker, issues) if not tracker.failed else None
    combined = (entry.periods or {}).get(combined_label)
    grid = month_grid(
        records.submissions if records else (),
        bool(records and "Submissions" in records.tabs_present),
        program.years,
        program.start,
        as_of,
        wording,
    )
    months = [m for year in grid for m in year.months]
    open_issues = sorted(
        (t for t in tracked if t.status != "acknowledged"),
        key=lambda t: (
            t.issue.severity is not Severity.STRUCTURAL,  # what stops the tracker: first
            TAB_ORDER.get(t.issue.tab, -1),
            SEVERITY_ORDER[t.issue.severity],
            t.issue.row or 0,
            t.issue.column,
        ),
    )
    tabs: dict[str, list[IssueLine]] = {}
    for item in open_issues:
        tabs.setdefault(item.issue.tab or words.whole_tracker, []).append(_line(item, words))
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
        completeness=rate(combined.reporting_completeness if combined else None),
        timeliness=rate(combined.reporting_timeliness if combined else None),
        missing_months=_months_in(months, "missing", words),
        late_months=_months_in(months, "late", words),
        grid=grid,
        grid_months=grid_months(program.start, wording),
        tabs=[TabIssues(tab=tab, issues=lines) for tab, lines in tabs.items()],
        acknowledged=[_line(t, words) for t in tracked if t.status == "acknowledged"],
        issue_count=len(open_issues),
    )


def _months_in(months: Sequence[GridMonth], state: str, words: QualityWords) -> str:
    return ", ".join(m.label for m in months if m.state == state) or words.none


def build_dq_context(
    rollups: Rollups,
    collaboratives: Sequence[CollaborativeConfig],
    trackers: Sequence[ParsedTracker],
    followup: FollowUp,
    program: ProgramConfig,
    made_on: date,
    wording: ReportLabels,
    scope: str = "",
) -> DataQualityContext:
    """Build the data-quality report's context.

    Args:
        rollups: The run's rollups document (health counts, completeness).
        collaboratives: The run's collaboratives, config order.
        trackers: Their trackers as read.
        followup: Every issue with its status, what was fixed, acknowledgement problems.
        program: `start` (date) and `years` (list of int) of the program.
        made_on: The day the report is made.
        wording: The labels: dates, plain failure reasons, statuses and the grid's
            words (the report's headings and sentences are in its templates).
        scope: Empty for the report of every collaborative; the collaborative's name
            for its own page (`build_page_context` gives the rest of the page's scope).
    """
    as_of = rollups.as_of
    words = wording.quality
    detailed = bool(scope) or len(collaboratives) <= DETAILED_AT_MOST
    names = {c.id: c.name for c in collaboratives}
    by_collaborative: dict[str, list[TrackedIssue]] = {c.id: [] for c in collaboratives}
    for tracked in followup.tracked:
        by_collaborative.setdefault(tracked.issue.collaborative, []).append(tracked)
    tracker_of = {t.collaborative: t for t in trackers}
    combined_label = list(rollups.periods)[-1]  # years first, the combined period last
    data_as_of = long_date(as_of, wording.dates, wording.locale)
    rows = _overview_rows(rollups, collaboratives, combined_label, detailed, wording)
    shown = rows if detailed else _worst_first(rows)[:DETAILED_AT_MOST]
    new_issues = [
        ChangeLine(
            collaborative=names.get(t.issue.collaborative, t.issue.collaborative),
            tab=t.issue.tab,
            column=t.issue.column,
            rule=t.issue.rule,
            detail=words.row.format(row=t.issue.row) if t.issue.row else "",
        )
        for t in followup.tracked
        if t.status == "new" and t.issue.collaborative in followup.compared
    ]
    fixed_issues = [
        ChangeLine(
            collaborative=names.get(f.collaborative, f.collaborative),
            tab=f.tab,
            column=f.column,
            rule=f.rule,
            detail=words.status_open.format(month=f.since),
        )
        for f in followup.fixed
    ]
    cap = None if detailed else CHANGES_AT_MOST
    return DataQualityContext(
        scope=scope,
        title=(
            words.page_document_title.format(collaborative=scope, date=data_as_of)
            if scope
            else words.document_title.format(date=data_as_of)
        ),
        program=rollups.program,
        data_as_of=data_as_of,
        made_on=long_date(made_on, wording.dates, wording.locale),
        compared=bool(followup.compared),
        new_count=followup.count("new"),
        open_count=followup.count("open"),
        fixed_count=followup.count("fixed"),
        acknowledged_count=followup.count("acknowledged"),
        new_issues=new_issues[:cap],
        fixed_issues=fixed_issues[:cap],
        new_more=_more(words.more_changes, len(new_issues) - len(new_issues[:cap])),
        fixed_more=_more(words.more_changes, len(fixed_issues) - len(fixed_issues[:cap])),
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
            for c in (collaboratives if detailed else ())
        ],
        detailed=detailed,
        overview=[row for _, row in shown],
        overview_more=[] if detailed else _overview_more(rows, shown, words),
        by_rule=[] if detailed else _by_rule(followup.tracked, words),
    )


def _overview_rows(
    rollups: Rollups,
    collaboratives: Sequence[CollaborativeConfig],
    combined_label: str,
    detailed: bool,
    wording: ReportLabels,
) -> list[tuple[CollaborativeEntry, OverviewRow]]:
    """Each collaborative's overview line, config order, with its rollups entry."""
    rate = NumberFormat(wording.locale).rate
    rows = []
    for number, collaborative in enumerate(collaboratives, start=1):
        entry = rollups.collaboratives[collaborative.id]
        combined = (entry.periods or {}).get(combined_label)
        quality = entry.data_quality
        link = f"#collaborative-{number}" if detailed else f"{PAGES_FOLDER}/{collaborative.id}.html"
        row = OverviewRow(
            name=collaborative.name,
            status=entry.status,
            errors=quality.errors,
            warnings=quality.warnings,
            privacy=quality.privacy,
            rows_excluded=quality.rows_excluded,
            completeness=rate(combined.reporting_completeness if combined else None),
            timeliness=rate(combined.reporting_timeliness if combined else None),
            link=link,
        )
        rows.append((entry, row))
    return rows


def _worst_first(
    rows: Sequence[tuple[CollaborativeEntry, OverviewRow]],
) -> list[tuple[CollaborativeEntry, OverviewRow]]:
    """Those that could not report, then the most errors, privacy issues and warnings."""
    return sorted(
        rows,
        key=lambda pair: (
            pair[1].status == "ok",
            -pair[1].errors,
            -pair[1].privacy,
            -pair[1].warnings,
        ),
    )


def _open_issues(row: OverviewRow) -> bool:
    return bool(row.errors or row.warnings or row.privacy)


def _overview_more(
    rows: Sequence[tuple[CollaborativeEntry, OverviewRow]],
    shown: Sequence[tuple[CollaborativeEntry, OverviewRow]],
    words: QualityWords,
) -> list[str]:
    """The collaboratives the overview leaves out, counted: failed, with issues, without."""
    listed = {id(row) for _, row in shown}
    rest = [row for _, row in rows if id(row) not in listed]
    failed = [row for row in rest if row.status != "ok"]
    with_issues = [row for row in rest if row.status == "ok" and _open_issues(row)]
    counts = (
        (words.more_failed, len(failed)),
        (words.more_with_issues, len(with_issues)),
        (words.more_without_issues, len(rest) - len(failed) - len(with_issues)),
    )
    return [_more(sentence, count) for sentence, count in counts if count]


def _more(sentence: str, count: int) -> str:
    return sentence.format(count=f"{count:,}") if count else ""


def _by_rule(tracked: Sequence[TrackedIssue], words: QualityWords) -> list[RuleCount]:
    """The open issues counted by rule: most serious first, then the most frequent."""
    issues: dict[tuple[Severity, str], int] = {}
    where: dict[tuple[Severity, str], set[str]] = {}
    for item in tracked:
        if item.status == "acknowledged":
            continue
        key = (item.issue.severity, item.issue.rule)
        issues[key] = issues.get(key, 0) + 1
        where.setdefault(key, set()).add(item.issue.collaborative)
    ranked = sorted(issues, key=lambda key: (SEVERITY_ORDER[key[0]], -issues[key], key[1]))
    return [
        RuleCount(
            severity=severity.value,
            severity_label=str(getattr(words.severities, severity.value)),
            rule=rule,
            issues=issues[(severity, rule)],
            collaboratives=len(where[(severity, rule)]),
        )
        for severity, rule in ranked
    ]


def followup_of(followup: FollowUp, collaborative: str) -> FollowUp:
    """The follow-up of one collaborative: its issues, its fixes, its comparison.

    Acknowledgement problems are left out: they are about the program staff's
    `acknowledgements.yaml`, not about the collaborative's tracker.
    """
    return replace(
        followup,
        tracked=[t for t in followup.tracked if t.issue.collaborative == collaborative],
        fixed=[f for f in followup.fixed if f.collaborative == collaborative],
        acknowledgement_problems=[],
        compared={c: m for c, m in followup.compared.items() if c == collaborative},
        complete=followup.complete & {collaborative},
        history=History(),
    )


def build_page_context(
    rollups: Rollups,
    collaborative: CollaborativeConfig,
    tracker: ParsedTracker,
    followup: FollowUp,
    program: ProgramConfig,
    made_on: date,
    wording: ReportLabels,
) -> DataQualityContext:
    """One collaborative's page: the report's context built from its data alone.

    Only its config, its tracker and its follow-up go in, so nothing of another
    collaborative can come out (arguments as `build_dq_context`).
    """
    return build_dq_context(
        rollups,
        [collaborative],
        [tracker],
        followup_of(followup, collaborative.id),
        program,
        made_on,
        wording,
        scope=collaborative.name,
    )


def render_dq_report(
    rollups: Rollups,
    collaboratives: Sequence[CollaborativeConfig],
    trackers: Sequence[ParsedTracker],
    followup: FollowUp,
    program: ProgramConfig,
    made_on: date,
    wording: ReportLabels | None = None,
    languages: Mapping[str, str] | None = None,
    templates: Path = TEMPLATES_DIR,
) -> list[RenderedDocument]:
    """Render `data-quality-report.html` and `.docx`, and each collaborative's page.

    Arguments as `build_dq_context`; without `wording`, the English labels beside
    the templates are used for the report. Each collaborative's page is in its
    language in `languages` (collaborative id to language code; English when absent).
    Each language's labels are read, and each template compiled, once for all pages.
    """
    wording = wording or load_labels(templates=templates)
    context = build_dq_context(
        rollups, collaboratives, trackers, followup, program, made_on, wording
    )
    jobs = [QualityDocumentsJob(REPORT_NAME, None, context, templates, DEFAULT_LANGUAGE)]
    tracker_of = {t.collaborative: t for t in trackers}
    labels: dict[str, ReportLabels] = {}
    for collaborative in collaboratives:
        language = (languages or {}).get(collaborative.id, DEFAULT_LANGUAGE)
        if language not in labels:
            labels[language] = load_labels(language, templates)
        page = build_page_context(
            rollups,
            collaborative,
            tracker_of[collaborative.id],
            followup,
            program,
            made_on,
            labels[language],
        )
        path = f"{PAGES_FOLDER}/{collaborative.id}"
        jobs.append(QualityDocumentsJob(path, collaborative.id, page, templates, language))
    documents: list[RenderedDocument] = []
    for job, made in zip(jobs, render_jobs(jobs, pool_from=PAGES_FOR_A_POOL), strict=True):
        if made.error is not None:  # as before the pool: the run stops, saying which and why
            raise ReportRenderError(f"{job.path}: {made.error}")
        documents += made.documents
    return documents


@dataclass(frozen=True)
class QualityDocumentsJob:
    """The data-quality report or one collaborative's page, to render as HTML and Word.

    Attributes:
        path: Where its files go under `--out`, without `.html` or `.docx`.
        collaborative: Whose page it is; None for the report of every collaborative.
        context: Its finished context.
        templates: The folder of the templates.
        language: The language of its templates.
    """

    path: str
    collaborative: str | None
    context: DataQualityContext
    templates: Path
    language: str

    def render(self) -> list[RenderedDocument]:
        """Render the HTML page and the Word document."""
        kind = (
            DocumentKind.DATA_QUALITY_REPORT
            if self.collaborative is None
            else DocumentKind.DATA_QUALITY_PAGE
        )
        html = render_dq_html(self.context, self.templates, self.language)
        docx = _word_renderer(self.templates).render(self.context, self.language)
        return [
            RenderedDocument(f"{self.path}.html", kind, self.collaborative, html),
            RenderedDocument(f"{self.path}.docx", kind, self.collaborative, docx),
        ]


def template_for(name: str, language: str, templates: Path = TEMPLATES_DIR) -> str:
    """The template of a language: `data-quality-report.<language>.docx` when it exists.

    Otherwise the template itself (`data-quality-report.docx`), whose words then
    come from the language's labels alone.
    """
    stem, _, extension = name.partition(".")
    localized = f"{stem}.{language}.{extension}"
    return localized if (templates / localized).is_file() else name


def render_dq_html(
    context: DataQualityContext,
    templates: Path = TEMPLATES_DIR,
    language: str = DEFAULT_LANGUAGE,
) -> bytes:
    """Render the self-contained HTML page."""
    template = _html_environment(templates).get_template(
        template_for(HTML_TEMPLATE, language, templates)
    )
    page = template.render(language=language, **context.model_dump())
    return page.encode("utf-8")


@lru_cache(maxsize=8)
def _html_environment(templates: Path) -> SandboxedEnvironment:
    """One environment per templates folder: it compiles each page template once.

    Jinja's loader checks the file's modification time on every use, so an edited
    template is compiled again; 500 pages no longer parse the same template 500 times.
    """
    return SandboxedEnvironment(loader=FileSystemLoader(templates), autoescape=True)


class _CompiledOnceEnvironment(SandboxedEnvironment):
    """The reports' Jinja environment, compiling each distinct template source once.

    docxtpl hands the environment a document part's whole XML as a string for each
    document; every page of one Word template has the same XML, so it is compiled once.
    """

    def __init__(self) -> None:
        base = template_environment()
        super().__init__(autoescape=base.autoescape, undefined=base.undefined)
        self._compiled: dict[str, Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        """The compiled template of `source`: compiled on first use, then reused."""
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self._compiled:
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]


class _PatchedOnceTemplate(DocxTemplate):  # type: ignore[misc]  # docxtpl is untyped
    """A Word template whose XML docxtpl cleans for Jinja once per render of many pages.

    `patch_xml` is a pure function of the XML (a long chain of regular expressions),
    so its result is shared by every document made from the same template.
    """

    def __init__(self, path: Path, patched: dict[str, str]) -> None:
        super().__init__(path)
        self._patched = patched

    def patch_xml(self, src_xml: str) -> str:
        """`src_xml` cleaned for Jinja by docxtpl, once per distinct XML."""
        if src_xml not in self._patched:
            self._patched[src_xml] = super().patch_xml(src_xml)
        return self._patched[src_xml]


class WordRenderer:
    """Renders the report and many pages from the same Word templates, preparing them once.

    Args:
        templates: The folder of the Word templates.
    """

    def __init__(self, templates: Path = TEMPLATES_DIR) -> None:
        self.templates = templates
        self._environment = _CompiledOnceEnvironment()
        self._patched: dict[str, str] = {}

    def render(self, context: DataQualityContext, language: str = DEFAULT_LANGUAGE) -> bytes:
        """Render the Word version of `context`; Google Sheets cells become links."""
        path = self.templates / template_for(DOCX_TEMPLATE, language, self.templates)
        document = _PatchedOnceTemplate(path, self._patched)
        data = context.model_dump()
        for section in data["collaboratives"]:
            for tab in section["tabs"]:
                for line in tab["issues"]:
                    line["cell"] = _cell_text(document, line)
        document.render(data, jinja_env=self._environment, autoescape=True)
        buffer = io.BytesIO()
        document.docx.core_properties.title = context.title
        make_accessible(document.docx, context.document_language)
        document.save(buffer)
        return reproducible_zip(buffer.getvalue())


def _cell_text(document: DocxTemplate, line: dict[str, str]) -> RichText:
    # The template prints the cell with `{{r }}`, so a link is a run of its own (a
    # hyperlink inside a run's text is no hyperlink in Word); the size is the
    # template's for that table (9 pt).
    cell = line["cell"] or "—"
    if not line["link"]:
        return RichText(cell, size=CELL_SIZE)
    return RichText(
        cell,
        url_id=document.build_url_id(line["link"]),
        color="2E75B6",
        underline=True,
        size=CELL_SIZE,
    )


@lru_cache(maxsize=4)
def _word_renderer(templates: Path) -> WordRenderer:
    """One `WordRenderer` per templates folder in each process (the run's, or a worker)."""
    return WordRenderer(templates)


def render_dq_docx(
    context: DataQualityContext,
    templates: Path = TEMPLATES_DIR,
    language: str = DEFAULT_LANGUAGE,
) -> bytes:
    """Render the Word version of one report or page (`WordRenderer` for many)."""
    return WordRenderer(templates).render(context, language)
