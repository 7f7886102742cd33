"""Every figure of docs/figures.md (contract `rollups.md`), as pure functions.

Search this module for a figure's name (`partners_new_to_ipv`, say) to find the
one line that computes it. Inputs are valid records only (`records.py` drops
error rows); a period's figures come from `collaborative_figures`, the
program's from `program_totals`, as the typed models of `document.py`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean

from stc_reporting.contract.tabs import (
    AGGREGATIONS,
    CORE_COMPONENTS,
    INDICATOR_STATUSES,
    LESSON_KINDS,
    MILESTONE_TYPES,
    SECTORS,
    SOURCE_TYPES,
    STRATEGIES,
)
from stc_reporting.figures.document import (
    ActivityFigures,
    CollaborativeFigures,
    FundingFigures,
    IndicatorEntries,
    IndicatorFigures,
    IndicatorStatus,
    IndicatorStatusCounts,
    LessonFigures,
    MilestoneFigures,
    PartnerFigures,
    ProgramTotals,
    SubmissionFigures,
)
from stc_reporting.figures.periods import Period
from stc_reporting.ingest.records import (
    Activity,
    Funding,
    Indicator,
    Lesson,
    Measurement,
    Milestone,
    Partner,
    Submission,
    TrackerRecords,
)

ON_TIME_DAYS = 15
"""A month is on time when submitted within this many days after it ends."""

_SUMMED = (
    "activities_completed",
    "participants",
    "lived_experience_participants",
    "cross_sector_activities",
    "partners_active",
    "partners_new",
    "partners_new_to_ipv",
    "formal_commitments",
    "funding_secured_usd",
    "funding_requested_usd",
    "milestones_achieved",
    "lessons_shared",
    "months_expected",
    "months_submitted",
    "months_on_time",
)
"""Program totals that are the plain sum of the collaboratives' figures."""


def share(numerator: float, denominator: float) -> float | None:
    """Return numerator / denominator, or None when the denominator is 0."""
    return numerator / denominator if denominator else None


def count_by(labels: Sequence[str], values: Iterable[str | None]) -> dict[str, int]:
    """Count values per label, every label present (zeros included)."""
    counts = Counter(value for value in values if value is not None)
    return {label: counts[label] for label in labels}


# --- Activities ---------------------------------------------------------------


def activity_figures(
    activities: Sequence[Activity], partners: Sequence[Partner], period: Period
) -> ActivityFigures:
    """Figures over valid `Completed` activities dated in the period."""
    done = [a for a in activities if a.status == "Completed" and period.contains(a.date)]
    participants = sum(a.participants or 0 for a in done)
    lived = sum(a.lived_experience_participants or 0 for a in done)
    sector_of = {p.partner_id: p.sector for p in partners}
    return ActivityFigures(
        activities_completed=len(done),
        activities_by_component=count_by(CORE_COMPONENTS, (a.core_component for a in done)),
        activities_by_strategy=count_by(STRATEGIES, (a.strategy for a in done)),
        participants=participants,
        lived_experience_participants=lived,
        lived_experience_share=share(lived, participants),
        cross_sector_activities=sum(
            1 for a in done if len({sector_of[i] for i in a.partner_ids if i in sector_of}) >= 2
        ),
    )


# --- Partners -----------------------------------------------------------------


def is_active(partner: Partner, period: Period) -> bool:
    """Active: joined by `e` and not left before the period starts."""
    return partner.joined <= period.effective_end and (
        partner.left is None or partner.left >= period.start
    )


def partner_figures(partners: Sequence[Partner], period: Period) -> PartnerFigures:
    """Figures over valid partners active in (or new to) the period."""
    active = [p for p in partners if is_active(p, period)]
    sectors = sorted({p.sector for p in active})
    return PartnerFigures(
        partners_active=len(active),
        partners_active_by_sector=count_by(SECTORS, (p.sector for p in active)),
        partners_new=sum(1 for p in partners if period.contains(p.joined)),
        sectors_engaged=sectors,
        sector_count=len(sectors),
        partners_new_to_ipv=sum(1 for p in active if not p.prior_ipv_focus),
        formal_commitments=sum(
            1
            for p in active
            if p.formal_commitment_date is not None
            and p.formal_commitment_date <= period.effective_end
        ),
    )


# --- Funding and milestones ---------------------------------------------------


def funding_figures(funding: Sequence[Funding], period: Period) -> FundingFigures:
    """Figures over valid funding rows dated in the period."""
    dated = [f for f in funding if period.contains(f.date)]
    secured = [f for f in dated if f.status == "Secured"]
    return FundingFigures(
        funding_secured_usd=math.fsum(f.amount_usd for f in secured),
        funding_requested_usd=math.fsum(
            f.amount_usd for f in dated if f.status in ("Requested", "Pending")
        ),
        funding_secured_by_source_type={
            source_type: math.fsum(f.amount_usd for f in secured if f.source_type == source_type)
            for source_type in SOURCE_TYPES
        },
    )


def milestone_figures(milestones: Sequence[Milestone], period: Period) -> MilestoneFigures:
    """Figures over valid `Achieved` milestones dated in the period."""
    achieved = [m for m in milestones if m.status == "Achieved" and period.contains(m.date)]
    return MilestoneFigures(
        milestones_achieved=len(achieved),
        milestones_by_type=count_by(MILESTONE_TYPES, (m.type for m in achieved)),
    )


# --- Lessons ------------------------------------------------------------------


def lesson_figures(lessons: Sequence[Lesson], period: Period) -> LessonFigures:
    """Figures over valid lessons dated in the period."""
    dated = [lesson for lesson in lessons if period.contains(lesson.date)]
    return LessonFigures(
        lessons_by_kind=count_by(LESSON_KINDS, (lesson.kind for lesson in dated)),
        lessons_shared=sum(1 for lesson in dated if lesson.share_with_funder),
    )


# --- Indicators ---------------------------------------------------------------


def aggregate(aggregation: str, measurements: Sequence[Measurement]) -> float | None:
    """Combine an indicator's values in a period: Sum, Latest, Mean or Max.

    `Latest` takes the value with the latest date; on a tie, the row furthest
    down the sheet.
    """
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {aggregation!r}")
    if not measurements:
        return None
    values = [m.value for m in measurements]
    if aggregation == "Sum":
        return math.fsum(values)
    if aggregation == "Mean":
        return fmean(values)
    if aggregation == "Max":
        return max(values)
    return max(measurements, key=lambda m: (m.date, m.row)).value


def period_target(indicator: Indicator, period: Period) -> float | None:
    """The target for the period.

    One year: `Target Y<N>`. Combined: for `Sum`, the sum of the years' targets
    (None if any is missing); otherwise the last year's target.
    """
    if not period.is_combined:
        return indicator.targets.get(period.years[0])
    if indicator.aggregation == "Sum":
        targets = [indicator.targets.get(year) for year in period.years]
        known = [t for t in targets if t is not None]
        return math.fsum(known) if len(known) == len(targets) else None
    return indicator.targets.get(period.years[-1])


def indicator_status(value: float | None, target: float | None, direction: str) -> IndicatorStatus:
    """`no data`, `no target`, `on track` or `behind` (docs/figures.md)."""
    if value is None:
        return "no data"
    if target is None:
        return "no target"
    on_track = value >= target if direction == "Increase" else value <= target
    return "on track" if on_track else "behind"


def indicator_figures(
    indicator: Indicator, measurements: Sequence[Measurement], period: Period
) -> IndicatorFigures:
    """One indicator's value, target, percent of target and status in the period."""
    dated = [
        m
        for m in measurements
        if m.indicator_id == indicator.indicator_id and period.contains(m.date)
    ]
    value = aggregate(indicator.aggregation, dated)
    target = period_target(indicator, period)
    return IndicatorFigures(
        value=value,
        target=target,
        pct_of_target=value / target if value is not None and target else None,
        status=indicator_status(value, target, indicator.direction),
        baseline=indicator.baseline,
        unit=indicator.unit,
        aggregation=indicator.aggregation,
        direction=indicator.direction,
        outcome=indicator.outcome,
        measurements=len(dated),
    )


def indicators_figures(
    indicators: Sequence[Indicator], measurements: Sequence[Measurement], period: Period
) -> tuple[IndicatorEntries, IndicatorStatusCounts]:
    """Every indicator's figures, keyed by Indicator ID, and the status counts."""
    entries = {i.indicator_id: indicator_figures(i, measurements, period) for i in indicators}
    counts = count_by(INDICATOR_STATUSES, (entry.status for entry in entries.values()))
    return IndicatorEntries(indicators=entries), IndicatorStatusCounts(
        indicator_status_counts=counts
    )


# --- Submissions --------------------------------------------------------------


def month_end(first_day: date) -> date:
    """Return the last day of the month that starts on `first_day`."""
    next_month = (first_day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return next_month - timedelta(days=1)


def expected_months(period: Period) -> list[date]:
    """First days of the calendar months wholly inside `[start, e]`."""
    months = []
    month = period.start.replace(day=1)
    while month <= period.effective_end:
        if month >= period.start and month_end(month) <= period.effective_end:
            months.append(month)
        month = month_end(month) + timedelta(days=1)
    return months


def submission_figures(
    submissions: Sequence[Submission], has_tab: bool, period: Period
) -> SubmissionFigures:
    """Reporting completeness and timeliness over the period's expected months."""
    expected = expected_months(period)
    submitted_on = {s.month: s.submitted_on for s in submissions} if has_tab else {}
    submitted = [month for month in expected if month in submitted_on]
    on_time = [
        month
        for month in submitted
        if submitted_on[month] <= month_end(month) + timedelta(days=ON_TIME_DAYS)
    ]
    denominator = len(expected) if has_tab else 0
    return SubmissionFigures(
        months_expected=len(expected),
        months_submitted=len(submitted),
        months_on_time=len(on_time),
        reporting_completeness=share(len(submitted), denominator),
        reporting_timeliness=share(len(on_time), denominator),
    )


# --- Per collaborative and program-wide ---------------------------------------


def collaborative_figures(records: TrackerRecords, period: Period) -> CollaborativeFigures | None:
    """Every figure for one collaborative in one period (None if it starts after as_of)."""
    if not period.started:
        return None
    indicators, status_counts = indicators_figures(records.indicators, records.measurements, period)
    groups = (
        activity_figures(records.activities, records.partners, period),
        partner_figures(records.partners, period),
        funding_figures(records.funding, period),
        milestone_figures(records.milestones, period),
        lesson_figures(records.lessons, period),
        indicators,
        status_counts,
        submission_figures(records.submissions, "Submissions" in records.tabs_present, period),
    )
    return CollaborativeFigures.model_validate({k: v for group in groups for k, v in group})


@dataclass(frozen=True)
class CollaborativePeriod:
    """One ok collaborative's figures for a period, and whether it keeps Submissions."""

    figures: CollaborativeFigures
    has_submissions_tab: bool


def program_totals(parts: Sequence[CollaborativePeriod]) -> ProgramTotals:
    """Program-wide figures for one period over the `ok` collaboratives.

    Counts and sums add up; per-key maps add key by key; shares are recomputed
    from the summed parts (never averaged); sectors are the union.
    """
    figures = [part.figures for part in parts]
    totals: dict[str, object] = {name: _sum(getattr(f, name) for f in figures) for name in _SUMMED}
    for name, keys in _SUMMED_BY_KEY.items():
        totals[name] = {key: _sum(getattr(f, name)[key] for f in figures) for key in keys}
    participants = sum(f.participants for f in figures)
    lived = sum(f.lived_experience_participants for f in figures)
    totals["lived_experience_share"] = share(lived, participants)
    sectors = sorted({sector for f in figures for sector in f.sectors_engaged})
    totals["sectors_engaged"] = sectors
    totals["sector_count"] = len(sectors)
    with_tab = [part.figures for part in parts if part.has_submissions_tab]
    expected = sum(f.months_expected for f in with_tab)
    totals["reporting_completeness"] = share(sum(f.months_submitted for f in with_tab), expected)
    totals["reporting_timeliness"] = share(sum(f.months_on_time for f in with_tab), expected)
    totals["collaboratives_reporting"] = len(parts)
    return ProgramTotals.model_validate(totals)


def _sum(values: Iterable[int | float]) -> int | float:
    items = list(values)
    if all(isinstance(v, int) for v in items):
        return sum(items)
    return math.fsum(items)


_SUMMED_BY_KEY: dict[str, Sequence[str]] = {
    "activities_by_component": CORE_COMPONENTS,
    "activities_by_strategy": STRATEGIES,
    "partners_active_by_sector": SECTORS,
    "funding_secured_by_source_type": SOURCE_TYPES,
    "milestones_by_type": MILESTONE_TYPES,
    "lessons_by_kind": LESSON_KINDS,
    "indicator_status_counts": INDICATOR_STATUSES,
}
"""Program totals summed key by key, with every key (zeros too) even with no collaborative."""
