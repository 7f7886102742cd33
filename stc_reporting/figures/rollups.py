"""Every figure of docs/figures.md (contract `rollups.md`), as pure functions.

Search this module for a figure's name (`partners_new_to_ipv`, say) to find the
one line that computes it. Inputs are valid records only (`records.py` drops
error rows); a period's figures come from `collaborative_figures`, the
program's from `program_totals`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean
from typing import Any

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

Figures = dict[str, Any]

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
TOTAL_FIGURES = (
    "activities_completed",
    "activities_by_component",
    "activities_by_strategy",
    "participants",
    "lived_experience_participants",
    "lived_experience_share",
    "cross_sector_activities",
    "partners_active",
    "partners_active_by_sector",
    "partners_new",
    "sectors_engaged",
    "sector_count",
    "partners_new_to_ipv",
    "formal_commitments",
    "funding_secured_usd",
    "funding_requested_usd",
    "funding_secured_by_source_type",
    "milestones_achieved",
    "milestones_by_type",
    "lessons_by_kind",
    "lessons_shared",
    "indicator_status_counts",
    "months_expected",
    "months_submitted",
    "months_on_time",
    "reporting_completeness",
    "reporting_timeliness",
    "collaboratives_reporting",
)
"""Program-total figures, in the order `rollups.json` lists them."""
_SUMMED_BY_KEY = (
    "activities_by_component",
    "partners_active_by_sector",
    "activities_by_strategy",
    "funding_secured_by_source_type",
    "milestones_by_type",
    "lessons_by_kind",
    "indicator_status_counts",
)


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
) -> Figures:
    """Figures over valid `Completed` activities dated in the period."""
    done = [a for a in activities if a.status == "Completed" and period.contains(a.date)]
    participants = sum(a.participants or 0 for a in done)
    lived = sum(a.lived_experience_participants or 0 for a in done)
    sector_of = {p.partner_id: p.sector for p in partners}
    return {
        "activities_completed": len(done),
        "activities_by_component": count_by(CORE_COMPONENTS, (a.core_component for a in done)),
        "activities_by_strategy": count_by(STRATEGIES, (a.strategy for a in done)),
        "participants": participants,
        "lived_experience_participants": lived,
        "lived_experience_share": share(lived, participants),
        "cross_sector_activities": sum(
            1 for a in done if len({sector_of[i] for i in a.partner_ids if i in sector_of}) >= 2
        ),
    }


# --- Partners -----------------------------------------------------------------


def is_active(partner: Partner, period: Period) -> bool:
    """Active: joined by `e` and not left before the period starts."""
    return partner.joined <= period.effective_end and (
        partner.left is None or partner.left >= period.start
    )


def partner_figures(partners: Sequence[Partner], period: Period) -> Figures:
    """Figures over valid partners active in (or new to) the period."""
    active = [p for p in partners if is_active(p, period)]
    sectors = sorted({p.sector for p in active})
    return {
        "partners_active": len(active),
        "partners_active_by_sector": count_by(SECTORS, (p.sector for p in active)),
        "partners_new": sum(1 for p in partners if period.contains(p.joined)),
        "sectors_engaged": sectors,
        "sector_count": len(sectors),
        "partners_new_to_ipv": sum(1 for p in active if not p.prior_ipv_focus),
        "formal_commitments": sum(
            1
            for p in active
            if p.formal_commitment_date is not None
            and p.formal_commitment_date <= period.effective_end
        ),
    }


# --- Funding and milestones ---------------------------------------------------


def funding_figures(funding: Sequence[Funding], period: Period) -> Figures:
    """Figures over valid funding rows dated in the period."""
    dated = [f for f in funding if period.contains(f.date)]
    secured = [f for f in dated if f.status == "Secured"]
    return {
        "funding_secured_usd": math.fsum(f.amount_usd for f in secured),
        "funding_requested_usd": math.fsum(
            f.amount_usd for f in dated if f.status in ("Requested", "Pending")
        ),
        "funding_secured_by_source_type": {
            source_type: math.fsum(f.amount_usd for f in secured if f.source_type == source_type)
            for source_type in SOURCE_TYPES
        },
    }


def milestone_figures(milestones: Sequence[Milestone], period: Period) -> Figures:
    """Figures over valid `Achieved` milestones dated in the period."""
    achieved = [m for m in milestones if m.status == "Achieved" and period.contains(m.date)]
    return {
        "milestones_achieved": len(achieved),
        "milestones_by_type": count_by(MILESTONE_TYPES, (m.type for m in achieved)),
    }


# --- Lessons ------------------------------------------------------------------


def lesson_figures(lessons: Sequence[Lesson], period: Period) -> Figures:
    """Figures over valid lessons dated in the period."""
    dated = [lesson for lesson in lessons if period.contains(lesson.date)]
    return {
        "lessons_by_kind": count_by(LESSON_KINDS, (lesson.kind for lesson in dated)),
        "lessons_shared": sum(1 for lesson in dated if lesson.share_with_funder),
    }


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


def indicator_status(value: float | None, target: float | None, direction: str) -> str:
    """`no data`, `no target`, `on track` or `behind` (docs/figures.md)."""
    if value is None:
        return "no data"
    if target is None:
        return "no target"
    on_track = value >= target if direction == "Increase" else value <= target
    return "on track" if on_track else "behind"


def indicator_figures(
    indicator: Indicator, measurements: Sequence[Measurement], period: Period
) -> Figures:
    """One indicator's value, target, percent of target and status in the period."""
    dated = [
        m
        for m in measurements
        if m.indicator_id == indicator.indicator_id and period.contains(m.date)
    ]
    value = aggregate(indicator.aggregation, dated)
    target = period_target(indicator, period)
    return {
        "value": value,
        "target": target,
        "pct_of_target": value / target if value is not None and target else None,
        "status": indicator_status(value, target, indicator.direction),
        "baseline": indicator.baseline,
        "unit": indicator.unit,
        "aggregation": indicator.aggregation,
        "direction": indicator.direction,
        "outcome": indicator.outcome,
        "measurements": len(dated),
    }


def indicators_figures(
    indicators: Sequence[Indicator], measurements: Sequence[Measurement], period: Period
) -> Figures:
    """Every indicator's figures, keyed by Indicator ID, and the status counts."""
    entries = {i.indicator_id: indicator_figures(i, measurements, period) for i in indicators}
    return {
        "indicators": entries,
        "indicator_status_counts": count_by(
            INDICATOR_STATUSES, (entry["status"] for entry in entries.values())
        ),
    }


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


def submission_figures(submissions: Sequence[Submission], has_tab: bool, period: Period) -> Figures:
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
    return {
        "months_expected": len(expected),
        "months_submitted": len(submitted),
        "months_on_time": len(on_time),
        "reporting_completeness": share(len(submitted), denominator),
        "reporting_timeliness": share(len(on_time), denominator),
    }


# --- Per collaborative and program-wide ---------------------------------------


def collaborative_figures(records: TrackerRecords, period: Period) -> Figures | None:
    """Every figure for one collaborative in one period (None if it starts after as_of)."""
    if not period.started:
        return None
    return {
        **activity_figures(records.activities, records.partners, period),
        **partner_figures(records.partners, period),
        **funding_figures(records.funding, period),
        **milestone_figures(records.milestones, period),
        **lesson_figures(records.lessons, period),
        **indicators_figures(records.indicators, records.measurements, period),
        **submission_figures(records.submissions, "Submissions" in records.tabs_present, period),
    }


@dataclass(frozen=True)
class CollaborativePeriod:
    """One ok collaborative's figures for a period, and whether it keeps Submissions."""

    figures: Figures
    has_submissions_tab: bool


def program_totals(parts: Sequence[CollaborativePeriod]) -> Figures:
    """Program-wide figures for one period over the `ok` collaboratives.

    Counts and sums add up; per-key maps add key by key; shares are recomputed
    from the summed parts (never averaged); sectors are the union.
    """
    figures = [part.figures for part in parts]
    totals: Figures = {name: _sum(f[name] for f in figures) for name in _SUMMED}
    for name in _SUMMED_BY_KEY:
        keys = figures[0][name] if figures else _EMPTY_MAPS[name]
        totals[name] = {key: _sum(f[name][key] for f in figures) for key in keys}
    totals["lived_experience_share"] = share(
        totals["lived_experience_participants"], totals["participants"]
    )
    sectors = sorted({sector for f in figures for sector in f["sectors_engaged"]})
    totals["sectors_engaged"] = sectors
    totals["sector_count"] = len(sectors)
    with_tab = [part.figures for part in parts if part.has_submissions_tab]
    expected = sum(f["months_expected"] for f in with_tab)
    totals["reporting_completeness"] = share(sum(f["months_submitted"] for f in with_tab), expected)
    totals["reporting_timeliness"] = share(sum(f["months_on_time"] for f in with_tab), expected)
    totals["collaboratives_reporting"] = len(parts)
    return {name: totals[name] for name in TOTAL_FIGURES}


def _sum(values: Iterable[int | float]) -> int | float:
    items = list(values)
    if all(isinstance(v, int) for v in items):
        return sum(items)
    return math.fsum(items)


_EMPTY_MAPS: dict[str, Sequence[str]] = {
    "activities_by_component": CORE_COMPONENTS,
    "activities_by_strategy": STRATEGIES,
    "partners_active_by_sector": SECTORS,
    "funding_secured_by_source_type": SOURCE_TYPES,
    "milestones_by_type": MILESTONE_TYPES,
    "lessons_by_kind": LESSON_KINDS,
    "indicator_status_counts": INDICATOR_STATUSES,
}
