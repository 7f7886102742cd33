"""Every figure of docs/figures.md (contract `rollups.md`), as pure functions.

Search this module for a figure's name (`partners_new_to_ipv`, say) to find the
one line that computes it. Inputs are valid records only (`records.py` drops
error rows); a period's figures come from `collaborative_figures`, the
program's from `program_totals`, as the typed models of `document.py`.

Each figure is computed through a `Ledger` (`lineage.py`), which records in the same
step the rows it counted and the rule that chose them: the audit workbook is written
from that record, so it shows exactly what the figure was computed from.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
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
from stc_reporting.figures.lineage import (
    ACHIEVED_IN_PERIOD,
    ACTIVE_IN_PERIOD,
    AGGREGATION_METHODS,
    COMPLETED_IN_PERIOD,
    DATED_IN_PERIOD,
    EXPECTED_MONTH,
    JOINED_IN_PERIOD,
    MONTH_ALREADY_LISTED,
    NO_INDICATOR,
    NOT_ACTIVE,
    NOT_EXPECTED_MONTH,
    NOT_STATUS,
    ON_TIME_MONTH,
    REQUESTED_IN_PERIOD,
    SECURED_IN_PERIOD,
    SUBMITTED_MONTH,
    Ledger,
    Method,
    PeriodLineage,
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


# --- Activities ---------------------------------------------------------------


def activity_figures(
    activities: Sequence[Activity],
    partners: Sequence[Partner],
    period: Period,
    ledger: Ledger | None = None,
) -> ActivityFigures:
    """Figures over valid `Completed` activities dated in the period."""
    ledger = ledger or Ledger()
    dated = ledger.in_period(activities, period, lambda a: a.date)
    done = ledger.keep(
        dated,
        lambda a: a.status == "Completed",
        NOT_STATUS.format(status="not Completed", wanted="Completed"),
    )
    participants = ledger.total("participants", done, lambda a: a.participants, COMPLETED_IN_PERIOD)
    lived = ledger.total(
        "lived_experience_participants",
        done,
        lambda a: a.lived_experience_participants,
        COMPLETED_IN_PERIOD,
    )
    sector_of = {p.partner_id: p.sector for p in partners}
    cross_sector = [
        a for a in done if len({sector_of[i] for i in a.partner_ids if i in sector_of}) >= 2
    ]
    return ActivityFigures(
        activities_completed=ledger.count("activities_completed", done, COMPLETED_IN_PERIOD),
        activities_by_component=ledger.count_by(
            "activities_by_component",
            CORE_COMPONENTS,
            done,
            lambda a: a.core_component,
            COMPLETED_IN_PERIOD,
        ),
        activities_by_strategy=ledger.count_by(
            "activities_by_strategy", STRATEGIES, done, lambda a: a.strategy, COMPLETED_IN_PERIOD
        ),
        participants=participants,
        lived_experience_participants=lived,
        lived_experience_share=ledger.share(
            "lived_experience_share",
            ("lived_experience_participants", lived),
            ("participants", participants),
        ),
        cross_sector_activities=ledger.count(
            "cross_sector_activities", cross_sector, CROSS_SECTOR_RULE
        ),
    )


CROSS_SECTOR_RULE = (
    f"{COMPLETED_IN_PERIOD}; its Partner IDs (valid Partners rows) cover at least 2 Sectors"
)


# --- Partners -----------------------------------------------------------------


def is_active(partner: Partner, period: Period) -> bool:
    """Active: joined by `e` and not left before the period starts."""
    return partner.joined <= period.effective_end and (
        partner.left is None or partner.left >= period.start
    )


def partner_figures(
    partners: Sequence[Partner], period: Period, ledger: Ledger | None = None
) -> PartnerFigures:
    """Figures over valid partners active in (or new to) the period."""
    ledger = ledger or Ledger()
    active = ledger.keep(partners, lambda p: is_active(p, period), NOT_ACTIVE)
    sectors = ledger.distinct("sectors_engaged", active, lambda p: p.sector, ACTIVE_IN_PERIOD)
    ledger.derive("sector_count", Method.DISTINCT)
    ledger.counted("sector_count", active, lambda p: p.sector, ACTIVE_IN_PERIOD)
    new_to_ipv = [p for p in active if not p.prior_ipv_focus]
    committed = [
        p
        for p in active
        if p.formal_commitment_date is not None and p.formal_commitment_date <= period.effective_end
    ]
    return PartnerFigures(
        partners_active=ledger.count("partners_active", active, ACTIVE_IN_PERIOD),
        partners_active_by_sector=ledger.count_by(
            "partners_active_by_sector", SECTORS, active, lambda p: p.sector, ACTIVE_IN_PERIOD
        ),
        partners_new=ledger.count(
            "partners_new", [p for p in partners if period.contains(p.joined)], JOINED_IN_PERIOD
        ),
        sectors_engaged=sectors,
        sector_count=len(sectors),
        partners_new_to_ipv=ledger.count("partners_new_to_ipv", new_to_ipv, NEW_TO_IPV_RULE),
        formal_commitments=ledger.count("formal_commitments", committed, COMMITMENT_RULE),
    )


NEW_TO_IPV_RULE = f"{ACTIVE_IN_PERIOD}; Prior IPV focus No"
COMMITMENT_RULE = f"{ACTIVE_IN_PERIOD}; Formal commitment date by the period's end"


# --- Funding and milestones ---------------------------------------------------


def funding_figures(
    funding: Sequence[Funding], period: Period, ledger: Ledger | None = None
) -> FundingFigures:
    """Figures over valid funding rows dated in the period."""
    ledger = ledger or Ledger()
    dated = ledger.in_period(funding, period, lambda f: f.date)
    secured = [f for f in dated if f.status == "Secured"]
    requested = [f for f in dated if f.status in ("Requested", "Pending")]
    counted = {id(f) for f in (*secured, *requested)}
    ledger.exclude(
        (f for f in dated if id(f) not in counted),
        NOT_STATUS.format(status="Declined", wanted="Secured, Requested or Pending"),
    )
    return FundingFigures(
        funding_secured_usd=ledger.money(
            "funding_secured_usd", secured, lambda f: f.amount_usd, SECURED_IN_PERIOD
        ),
        funding_requested_usd=ledger.money(
            "funding_requested_usd", requested, lambda f: f.amount_usd, REQUESTED_IN_PERIOD
        ),
        funding_secured_by_source_type={
            source_type: ledger.money(
                "funding_secured_by_source_type",
                [f for f in secured if f.source_type == source_type],
                lambda f: f.amount_usd,
                SECURED_IN_PERIOD,
                key=source_type,
            )
            for source_type in SOURCE_TYPES
        },
    )


def milestone_figures(
    milestones: Sequence[Milestone], period: Period, ledger: Ledger | None = None
) -> MilestoneFigures:
    """Figures over valid `Achieved` milestones dated in the period."""
    ledger = ledger or Ledger()
    dated = ledger.in_period(milestones, period, lambda m: m.date)
    achieved = ledger.keep(
        dated,
        lambda m: m.status == "Achieved",
        NOT_STATUS.format(status="not Achieved", wanted="Achieved"),
    )
    return MilestoneFigures(
        milestones_achieved=ledger.count("milestones_achieved", achieved, ACHIEVED_IN_PERIOD),
        milestones_by_type=ledger.count_by(
            "milestones_by_type", MILESTONE_TYPES, achieved, lambda m: m.type, ACHIEVED_IN_PERIOD
        ),
    )


# --- Lessons ------------------------------------------------------------------


def lesson_figures(
    lessons: Sequence[Lesson], period: Period, ledger: Ledger | None = None
) -> LessonFigures:
    """Figures over valid lessons dated in the period."""
    ledger = ledger or Ledger()
    dated = ledger.in_period(lessons, period, lambda lesson: lesson.date)
    shared = [lesson for lesson in dated if lesson.share_with_funder]
    return LessonFigures(
        lessons_by_kind=ledger.count_by(
            "lessons_by_kind", LESSON_KINDS, dated, lambda lesson: lesson.kind, DATED_IN_PERIOD
        ),
        lessons_shared=ledger.count("lessons_shared", shared, SHARED_RULE),
    )


SHARED_RULE = f"{DATED_IN_PERIOD}; Share with funder Yes"


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
    return latest(measurements).value


def latest(measurements: Sequence[Measurement]) -> Measurement:
    """The measurement with the latest date; on a tie, the row furthest down the sheet."""
    return max(measurements, key=lambda m: (m.date, m.row))


def aggregated_rows(aggregation: str, measurements: Sequence[Measurement]) -> list[Measurement]:
    """The measurements an indicator's value is computed from: for `Latest`, the one taken."""
    if aggregation == "Latest" and measurements:
        return [latest(measurements)]
    return list(measurements)


def period_target(indicator: Indicator, period: Period) -> float | None:
    """The target for the period.

    One year: `Target Y<N>`. Combined: for `Sum`, the sum of the years' targets
    (None if any is missing); otherwise the last year's target.
    """
    years = target_years(indicator, period)
    if len(years) == 1:
        return indicator.targets.get(years[0])
    targets = [indicator.targets.get(year) for year in years]
    known = [t for t in targets if t is not None]
    return math.fsum(known) if len(known) == len(targets) else None


def target_years(indicator: Indicator, period: Period) -> tuple[int, ...]:
    """The program years whose `Target Y<N>` make the period's target (summed)."""
    if period.is_combined and indicator.aggregation == "Sum":
        return period.years
    return (period.years[-1],)


def indicator_status(value: float | None, target: float | None, direction: str) -> IndicatorStatus:
    """`no data`, `no target`, `on track` or `behind` (docs/figures.md)."""
    if value is None:
        return "no data"
    if target is None:
        return "no target"
    on_track = value >= target if direction == "Increase" else value <= target
    return "on track" if on_track else "behind"


def indicator_figures(
    indicator: Indicator,
    measurements: Sequence[Measurement],
    period: Period,
    ledger: Ledger | None = None,
) -> IndicatorFigures:
    """One indicator's value, target, percent of target and status in the period."""
    ledger = ledger or Ledger()
    identifier = indicator.indicator_id
    dated = ledger.in_period(
        (m for m in measurements if m.indicator_id == identifier), period, lambda m: m.date
    )
    value = aggregate(indicator.aggregation, dated)
    ledger.derive(
        "indicators.value",
        AGGREGATION_METHODS.get(indicator.aggregation, Method.LATEST),
        key=identifier,
    )
    rule = f"{DATED_IN_PERIOD}; aggregation {indicator.aggregation}"
    ledger.counted(
        "indicators.value",
        aggregated_rows(indicator.aggregation, dated),
        lambda m: m.value,
        rule,
        key=identifier,
    )
    ledger.count("indicators.measurements", dated, DATED_IN_PERIOD, key=identifier)
    target = _traced_target(indicator, period, ledger)
    pct_of_target = ledger.share(
        "indicators.pct_of_target",
        ("indicators.value", value),
        ("indicators.target", target),
        key=identifier,
    )
    status = indicator_status(value, target, indicator.direction)
    ledger.derive("indicators.status", Method.STATUS, key=identifier)
    return IndicatorFigures(
        value=value,
        target=target,
        pct_of_target=pct_of_target,
        status=status,
        baseline=indicator.baseline,
        unit=indicator.unit,
        aggregation=indicator.aggregation,
        direction=indicator.direction,
        outcome=indicator.outcome,
        measurements=len(dated),
    )


def _traced_target(indicator: Indicator, period: Period, ledger: Ledger) -> float | None:
    """`period_target`, noting the Indicators row's targets it was made of."""
    target = period_target(indicator, period)
    identifier = indicator.indicator_id
    ledger.derive("indicators.target", Method.TARGET, key=identifier)
    if target is not None:
        for year in target_years(indicator, period):
            ledger.counted(
                "indicators.target",
                [indicator],
                _target_of(year),
                f"Target Y{year}",
                key=identifier,
            )
    return target


def _target_of(year: int) -> Callable[[Indicator], float]:
    return lambda indicator: indicator.targets[year]


def indicators_figures(
    indicators: Sequence[Indicator],
    measurements: Sequence[Measurement],
    period: Period,
    ledger: Ledger | None = None,
) -> tuple[IndicatorEntries, IndicatorStatusCounts]:
    """Every indicator's figures, keyed by Indicator ID, and the status counts."""
    ledger = ledger or Ledger()
    entries = {
        i.indicator_id: indicator_figures(i, measurements, period, ledger) for i in indicators
    }
    listed = {i.indicator_id for i in indicators}
    ledger.exclude((m for m in measurements if m.indicator_id not in listed), NO_INDICATOR)
    entry_rows = list({i.indicator_id: i for i in indicators}.values())  # as `entries`: last
    counts = ledger.count_by(
        "indicator_status_counts",
        INDICATOR_STATUSES,
        entry_rows,
        lambda i: entries[i.indicator_id].status,
        STATUS_RULE,
    )
    return IndicatorEntries(indicators=entries), IndicatorStatusCounts(
        indicator_status_counts=counts
    )


STATUS_RULE = "The indicator's status in the period"


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
    submissions: Sequence[Submission],
    has_tab: bool,
    period: Period,
    ledger: Ledger | None = None,
) -> SubmissionFigures:
    """Reporting completeness and timeliness over the period's expected months."""
    ledger = ledger or Ledger()
    expected = expected_months(period)
    ledger.derive("months_expected", Method.COUNT)
    for month in expected:
        ledger.month("months_expected", month, EXPECTED_MONTH)
    row_of = {s.month: s for s in submissions} if has_tab else {}  # a month listed twice: last
    ledger.exclude((s for s in submissions if row_of.get(s.month) is not s), MONTH_ALREADY_LISTED)
    listed = set(expected)
    ledger.exclude((s for s in submissions if s.month not in listed), NOT_EXPECTED_MONTH)
    submitted = [row_of[month] for month in expected if month in row_of]
    on_time = [
        s for s in submitted if s.submitted_on <= month_end(s.month) + timedelta(days=ON_TIME_DAYS)
    ]
    denominator = len(expected) if has_tab else 0
    months_submitted = ledger.count("months_submitted", submitted, SUBMITTED_MONTH)
    months_on_time = ledger.count(
        "months_on_time", on_time, ON_TIME_MONTH.format(days=ON_TIME_DAYS)
    )
    return SubmissionFigures(
        months_expected=len(expected),
        months_submitted=months_submitted,
        months_on_time=months_on_time,
        reporting_completeness=ledger.share(
            "reporting_completeness",
            ("months_submitted", months_submitted),
            (EXPECTED_WITH_TAB, denominator),
        ),
        reporting_timeliness=ledger.share(
            "reporting_timeliness",
            ("months_on_time", months_on_time),
            (EXPECTED_WITH_TAB, denominator),
        ),
    )


EXPECTED_WITH_TAB = "months_expected (0 without a Submissions tab)"


# --- Per collaborative and program-wide ---------------------------------------


def collaborative_figures(
    records: TrackerRecords, period: Period, ledger: Ledger | None = None
) -> CollaborativeFigures | None:
    """Every figure for one collaborative in one period (None if it starts after as_of).

    Args:
        records: The collaborative's valid records.
        period: The period.
        ledger: Records the rows each figure counted (`traced_figures`); default none kept.
    """
    if not period.started:
        return None
    ledger = ledger or Ledger()
    indicators, status_counts = indicators_figures(
        records.indicators, records.measurements, period, ledger
    )
    groups = (
        activity_figures(records.activities, records.partners, period, ledger),
        partner_figures(records.partners, period, ledger),
        funding_figures(records.funding, period, ledger),
        milestone_figures(records.milestones, period, ledger),
        lesson_figures(records.lessons, period, ledger),
        indicators,
        status_counts,
        submission_figures(
            records.submissions, "Submissions" in records.tabs_present, period, ledger
        ),
    )
    return CollaborativeFigures.model_validate({k: v for group in groups for k, v in group})


def traced_figures(
    records: TrackerRecords, period: Period, ledger: Ledger
) -> tuple[CollaborativeFigures | None, PeriodLineage | None]:
    """`collaborative_figures`, with the lineage of every figure (None: not started)."""
    figures = collaborative_figures(records, period, ledger)
    return figures, None if figures is None else ledger.lineage()


@dataclass(frozen=True)
class CollaborativePeriod:
    """One ok collaborative's figures for a period, and whether it keeps Submissions."""

    figures: CollaborativeFigures
    has_submissions_tab: bool


def program_totals(
    parts: Sequence[CollaborativePeriod], ledger: Ledger | None = None
) -> ProgramTotals:
    """Program-wide figures for one period over the `ok` collaboratives.

    Counts and sums add up; per-key maps add key by key; shares are recomputed
    from the summed parts (never averaged); sectors are the union.
    """
    ledger = ledger or Ledger()
    figures = [part.figures for part in parts]
    totals: dict[str, object] = {}
    for name in _SUMMED:
        ledger.derive(name, Method.TOTAL)
        totals[name] = _sum(getattr(f, name) for f in figures)
    for name, keys in _SUMMED_BY_KEY.items():
        for key in keys:
            ledger.derive(name, Method.TOTAL, key=key)
        totals[name] = {key: _sum(getattr(f, name)[key] for f in figures) for key in keys}
    participants = sum(f.participants for f in figures)
    lived = sum(f.lived_experience_participants for f in figures)
    totals["lived_experience_share"] = ledger.share(
        "lived_experience_share",
        ("lived_experience_participants", lived),
        ("participants", participants),
    )
    sectors = sorted({sector for f in figures for sector in f.sectors_engaged})
    ledger.derive("sectors_engaged", Method.UNION)
    ledger.derive("sector_count", Method.DISTINCT)
    totals["sectors_engaged"] = sectors
    totals["sector_count"] = len(sectors)
    with_tab = [part.figures for part in parts if part.has_submissions_tab]
    expected = sum(f.months_expected for f in with_tab)
    totals["reporting_completeness"] = ledger.share(
        "reporting_completeness",
        ("months_submitted", sum(f.months_submitted for f in with_tab)),
        (EXPECTED_WITH_TAB, expected),
    )
    totals["reporting_timeliness"] = ledger.share(
        "reporting_timeliness",
        ("months_on_time", sum(f.months_on_time for f in with_tab)),
        (EXPECTED_WITH_TAB, expected),
    )
    ledger.derive("collaboratives_reporting", Method.COUNT)
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
