"""The rows of each section of a funder report, formatted and suppressed.

Each function fills one table of the templates (summary, components, partners,
funding, the program's overview, data quality) from the typed rollups document,
the shareable texts and the run's suppression pattern; the Outcomes section's
rows are in `outcome_sections.py`. Every word comes from the report's labels
(`labels.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from stc_reporting.contract.tabs import LESSON_KINDS
from stc_reporting.figures.document import (
    FailedCollaborative,
    PeriodFigures,
    Rollups,
)
from stc_reporting.ingest.failure import FailureKind
from stc_reporting.reports.context_models import (
    FigureRow,
    GlanceRow,
    LessonGroup,
    LessonItem,
    QualityRow,
)
from stc_reporting.reports.formatting import NOT_AVAILABLE, NumberFormat, month_year
from stc_reporting.reports.labels import FailureWords, ReportLabels
from stc_reporting.reports.people_counts import PROGRAM
from stc_reporting.reports.period_labels import PeriodLabels
from stc_reporting.reports.scope import Scope
from stc_reporting.reports.suppression import SMALL_DENOMINATOR, SUPPRESSED, Cell, format_count
from stc_reporting.reports.texts import CollaborativeTexts

ReadMap = Callable[[PeriodFigures], Mapping[str, float]]
"""Reads one per-key figure (counts or dollars by category) from a period's figures."""


def suppression_legend(wording: ReportLabels) -> list[str]:
    """What the marks of small-number suppression mean, one line each."""
    marks = {
        "suppressed": SUPPRESSED,
        "not_available": NOT_AVAILABLE,
        "small_denominator": SMALL_DENOMINATOR,
    }
    return [line.format(**marks) for line in wording.suppression_legend]


def summary_rows(scope: Scope) -> list[FigureRow]:
    """The headline figures."""
    rows = scope.wording.rows
    return [
        scope.count_row(rows.activities_completed, lambda f: f.activities_completed),
        *people_rows(scope),
        scope.count_row(rows.partners_active, lambda f: f.partners_active),
        scope.count_row(rows.sectors_engaged, lambda f: f.sector_count),
        scope.count_row(rows.cross_sector_activities, lambda f: f.cross_sector_activities),
        scope.count_row(rows.funding_secured, lambda f: f.funding_secured_usd, scope.numbers.money),
        scope.count_row(rows.milestones_achieved, lambda f: f.milestones_achieved),
        scope.count_row(rows.lessons_shared, lambda f: f.lessons_shared),
        scope.rate_row(rows.reporting_completeness, lambda f: f.reporting_completeness),
    ]


def people_rows(scope: Scope) -> list[FigureRow]:
    """Participants and lived experience."""
    rows = scope.wording.rows
    return [
        scope.people_row(rows.participants, "participants"),
        scope.people_row(rows.lived_experience_participants, "lived_experience_participants"),
        scope.share_row(),
    ]


def by_key_rows(
    scope: Scope,
    read: ReadMap,
    choices: Mapping[str, str],
    fmt: Callable[[float | None], str] | None = None,
) -> list[FigureRow]:
    """One row per category of a per-key figure (components, strategies, types...).

    `choices` maps each category, as the figures key it, to the label printed for it
    (`wording.choices`), in the order of the rows.
    """

    def reader(choice: str) -> Callable[[PeriodFigures], float]:
        return lambda figures: float(read(figures)[choice])

    return [scope.count_row(label, reader(choice), fmt) for choice, label in choices.items()]


def partnership_rows(scope: Scope) -> list[FigureRow]:
    """The partner figures."""
    rows = scope.wording.rows
    return [
        scope.count_row(rows.partners_active, lambda f: f.partners_active),
        scope.count_row(rows.partners_new, lambda f: f.partners_new),
        scope.count_row(rows.partners_new_to_ipv, lambda f: f.partners_new_to_ipv),
        scope.count_row(rows.formal_commitments, lambda f: f.formal_commitments),
        scope.count_row(rows.sectors_engaged, lambda f: f.sector_count),
        scope.count_row(rows.cross_sector_activities, lambda f: f.cross_sector_activities),
    ]


def funding_rows(scope: Scope) -> list[FigureRow]:
    """Funding secured by source type, then the total rows."""
    labels, money = scope.wording.rows, scope.numbers.money
    source_types = scope.wording.choices.source_types
    rows = by_key_rows(scope, lambda f: f.funding_secured_by_source_type, source_types, money)
    rows.append(scope.count_row(labels.total_secured, lambda f: f.funding_secured_usd, money, True))
    rows.append(
        scope.count_row(labels.requested_or_pending, lambda f: f.funding_requested_usd, money, True)
    )
    return rows


def reporting_rows(scope: Scope) -> list[FigureRow]:
    """Months expected, submitted and on time; completeness and timeliness."""
    rows = scope.wording.rows
    return [
        scope.count_row(rows.months_expected, lambda f: f.months_expected),
        scope.count_row(rows.months_submitted, lambda f: f.months_submitted),
        scope.count_row(rows.months_on_time, lambda f: f.months_on_time),
        scope.rate_row(rows.reporting_completeness, lambda f: f.reporting_completeness),
        scope.rate_row(rows.reporting_timeliness, lambda f: f.reporting_timeliness),
    ]


def plain_reason(kind: FailureKind, tabs: Sequence[str], words: FailureWords) -> str:
    """Say why a collaborative has no data, in words for a funder (no paths, no jargon)."""
    if kind is FailureKind.MISSING_TAB and tabs:
        return words.missing_tab.format(tab=tabs[0])
    if kind is FailureKind.MISSING_COLUMNS:
        return words.missing_columns
    return words.unreadable


def glance_rows(
    rollups: Rollups, hidden: frozenset[Cell], labels: PeriodLabels, wording: ReportLabels
) -> list[GlanceRow]:
    """The program report's overview: one row per collaborative, then the program total."""
    rows = []
    combined = labels.combined
    words = wording.overview
    for cid, entry in rollups.collaboratives.items():
        if isinstance(entry, FailedCollaborative):
            note = plain_reason(entry.reason_kind, entry.reason_tabs, wording.failures)
            rows.append(_unavailable_row(entry.name, entry.city, words.data_unavailable, note))
            continue
        figures = entry.periods.get(combined)
        if figures is None:
            rows.append(_unavailable_row(entry.name, entry.city, words.not_started, ""))
            continue
        rows.append(_glance_row(entry.name, entry.city, cid, figures, hidden, combined, wording))
    totals = rollups.program_totals.get(combined)
    if totals is not None:
        total = _glance_row(words.program_total, "", PROGRAM, totals, hidden, combined, wording)
        rows.append(total.model_copy(update={"is_total": True}))
    return rows


def _unavailable_row(name: str, city: str, status: str, note: str) -> GlanceRow:
    return GlanceRow(
        name=name,
        city=city,
        status=status,
        note=note,
        activities=NOT_AVAILABLE,
        participants=NOT_AVAILABLE,
        partners=NOT_AVAILABLE,
        sectors=NOT_AVAILABLE,
        funding=NOT_AVAILABLE,
        milestones=NOT_AVAILABLE,
        completeness=NOT_AVAILABLE,
    )


def _glance_row(
    name: str,
    city: str,
    scope: str,
    figures: PeriodFigures,
    hidden: frozenset[Cell],
    period: str,
    wording: ReportLabels,
) -> GlanceRow:
    # No status for a collaborative that reports: only an exception is worth a word.
    numbers = NumberFormat(wording.locale)
    return GlanceRow(
        name=name,
        city=city,
        status="",
        note="",
        activities=numbers.count(figures.activities_completed),
        participants=format_count(
            figures.participants, Cell(scope, period, "participants") in hidden, numbers
        ),
        partners=numbers.count(figures.partners_active),
        sectors=numbers.count(figures.sector_count),
        funding=numbers.money(figures.funding_secured_usd),
        milestones=numbers.count(figures.milestones_achieved),
        completeness=numbers.rate(figures.reporting_completeness),
    )


def reported_window(rollups: Rollups, labels: PeriodLabels) -> tuple[date, date]:
    """The combined period's first day and its effective end (clipped at as_of)."""
    start, end = rollups.periods[labels.combined]
    return start, min(end, rollups.as_of)


def lesson_groups(
    texts: list[CollaborativeTexts],
    rollups: Rollups,
    labels: PeriodLabels,
    wording: ReportLabels,
) -> list[LessonGroup]:
    """Shared lessons dated in the reported window, by kind, oldest first."""
    start, end = reported_window(rollups, labels)
    groups = []
    for kind in LESSON_KINDS:
        items = sorted(
            (
                lesson
                for t in texts
                for lesson in t.lessons
                if lesson.kind == kind and start <= lesson.date <= end
            ),
            key=lambda lesson: (lesson.date, lesson.collaborative),
        )
        if items:
            groups.append(
                LessonGroup(
                    kind=wording.choices.lesson_kinds[kind],
                    lessons=[
                        LessonItem(
                            text=i.text,
                            source=wording.report.lesson_source.format(
                                collaborative=i.collaborative,
                                month=month_year(i.date, wording.dates, wording.locale),
                            ),
                        )
                        for i in items
                    ],
                )
            )
    return groups


def quality_rows(
    rollups: Rollups, labels: PeriodLabels, only: str | None, wording: ReportLabels
) -> list[QualityRow]:
    """Data-quality counts by collaborative (one collaborative's report: its own only).

    Never the privacy count: the funder does not see how many personal details a
    collaborative's tracker held (docs/privacy.md).
    """
    of = wording.values.part_of_whole
    rows = []
    for cid, entry in rollups.collaboratives.items():
        if only is not None and cid != only:
            continue
        quality = entry.data_quality
        figures = (entry.periods or {}).get(labels.combined)
        months = on_time = NOT_AVAILABLE
        if figures is not None and figures.reporting_completeness is not None:
            months = of.format(part=figures.months_submitted, whole=figures.months_expected)
            on_time = of.format(part=figures.months_on_time, whole=figures.months_expected)
        rows.append(
            QualityRow(
                name=entry.name,
                errors=str(quality.errors),
                warnings=str(quality.warnings),
                rows_excluded=str(quality.rows_excluded),
                months=months,
                on_time=on_time,
            )
        )
    return rows
