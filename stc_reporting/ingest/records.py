"""Typed tracker records: the valid rows that rollups count.

Rows with an error issue are left out here, once, so no figure can count them.
Free text a funder report never prints (Notes) was already dropped at ingest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, TypeVar

from stc_reporting.contract.tabs import (
    ACTIVITIES,
    FUNDING,
    INDICATORS,
    LESSONS,
    MEASUREMENTS,
    MILESTONES,
    PARTNERS,
    SUBMISSIONS,
)
from stc_reporting.ingest.reading import ParsedTracker, Row
from stc_reporting.issues import Issue, rows_in_error


@dataclass(frozen=True, slots=True)
class Activity:
    """A row of the Activities tab."""

    activity_id: str
    date: date
    core_component: str
    strategy: str | None
    title: str
    status: str
    participants: int | None
    lived_experience_participants: int | None
    partner_ids: tuple[str, ...]
    modality: str | None
    row: int


@dataclass(frozen=True, slots=True)
class Partner:
    """A row of the Partners tab."""

    partner_id: str
    organization: str
    sector: str
    joined: date
    left: date | None
    engagement_level: str | None
    prior_ipv_focus: bool
    formal_commitment_date: date | None
    row: int


@dataclass(frozen=True, slots=True)
class Milestone:
    """A row of the Milestones tab."""

    milestone_id: str
    date: date
    type: str
    level: str | None
    status: str
    description: str
    row: int


@dataclass(frozen=True, slots=True)
class Funding:
    """A row of the Funding tab."""

    funding_id: str
    source: str
    source_type: str
    status: str
    amount_usd: float
    date: date
    purpose: str | None
    row: int


@dataclass(frozen=True, slots=True)
class Indicator:
    """A row of the Indicators tab; `targets` maps program year to target."""

    indicator_id: str
    indicator: str
    outcome: str
    unit: str
    aggregation: str
    direction: str
    baseline: float | None
    targets: dict[int, float]
    row: int


@dataclass(frozen=True, slots=True)
class Measurement:
    """A row of the Measurements tab."""

    indicator_id: str
    date: date
    value: float
    row: int


@dataclass(frozen=True, slots=True)
class Lesson:
    """A row of the Lessons tab."""

    lesson_id: str
    date: date
    kind: str
    core_component: str | None
    lesson: str
    share_with_funder: bool
    row: int


@dataclass(frozen=True, slots=True)
class Submission:
    """A row of the Submissions tab; `month` is the month's first day."""

    month: date
    submitted_on: date
    row: int


@dataclass(frozen=True)
class TrackerRecords:
    """One collaborative's valid records, tab by tab.

    Attributes:
        tabs_present: Contract names of the tabs the tracker has.
    """

    activities: tuple[Activity, ...] = ()
    partners: tuple[Partner, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    funding: tuple[Funding, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    measurements: tuple[Measurement, ...] = ()
    lessons: tuple[Lesson, ...] = ()
    submissions: tuple[Submission, ...] = ()
    tabs_present: frozenset[str] = field(default_factory=frozenset)


T = TypeVar("T")


def build_records(tracker: ParsedTracker, issues: Iterable[Issue]) -> TrackerRecords:
    """Turn a tracker's valid rows into typed records.

    Args:
        tracker: The tracker as read.
        issues: Every issue found for it (reading and rules).

    Returns:
        Records for every row without an error issue.
    """
    excluded = rows_in_error(issues)

    def valid(tab: str, make: Callable[[Row], T]) -> tuple[T, ...]:
        data = tracker.tabs.get(tab)
        if data is None:
            return ()
        return tuple(
            make(row)
            for row in data.rows
            if (tracker.collaborative, tab, row["row"]) not in excluded
        )

    return TrackerRecords(
        activities=valid(ACTIVITIES.name, lambda r: Activity(**_fields(r, Activity))),
        partners=valid(PARTNERS.name, lambda r: Partner(**_fields(r, Partner))),
        milestones=valid(MILESTONES.name, lambda r: Milestone(**_fields(r, Milestone))),
        funding=valid(FUNDING.name, lambda r: Funding(**_fields(r, Funding))),
        indicators=valid(INDICATORS.name, _indicator),
        measurements=valid(MEASUREMENTS.name, lambda r: Measurement(**_fields(r, Measurement))),
        lessons=valid(LESSONS.name, lambda r: Lesson(**_fields(r, Lesson))),
        submissions=valid(SUBMISSIONS.name, lambda r: Submission(**_fields(r, Submission))),
        tabs_present=frozenset(tracker.tabs),
    )


def _fields(row: Row, record_type: type[Any]) -> dict[str, Any]:
    return {f.name: row[f.name] for f in fields(record_type)}


def _indicator(row: Row) -> Indicator:
    targets = {
        int(name.removeprefix("target_y")): float(value)  # type: ignore[arg-type]
        for name, value in row.items()
        if name.startswith("target_y") and value is not None
    }
    return Indicator(**_fields({**row, "targets": targets}, Indicator))
