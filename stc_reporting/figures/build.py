"""Assembling the rollups document of a run from its checked trackers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from stc_reporting.config import CollaborativeConfig, Config
from stc_reporting.figures.document import (
    CollaborativeEntry,
    FailedCollaborative,
    ReportingCollaborative,
    Rollups,
)
from stc_reporting.figures.periods import reporting_periods
from stc_reporting.figures.rollups import CollaborativePeriod, collaborative_figures, program_totals
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.ingest.records import build_records
from stc_reporting.issues import Issue, data_quality_counts


@dataclass(frozen=True)
class RunSelection:
    """What a run covers: the collaboratives (config order) and the as-of date."""

    collaboratives: tuple[CollaborativeConfig, ...]
    as_of: date


def build_rollups(
    config: Config,
    selection: RunSelection,
    trackers: Sequence[ParsedTracker],
    issues: Sequence[Issue],
) -> Rollups:
    """Assemble the rollups document (docs/figures.md) from checked trackers.

    Args:
        config: The program config.
        selection: The collaboratives and as-of date of this run.
        trackers: The trackers as read, one per selected collaborative.
        issues: Every issue found.

    Returns:
        The rollups document, as `rollups.json` is written from it.
    """
    program = config.program
    periods = reporting_periods(program.start, program.years, selection.as_of)
    by_collaborative: dict[str, list[Issue]] = defaultdict(list)
    for issue in issues:
        by_collaborative[issue.collaborative].append(issue)
    tracker_of = {tracker.collaborative: tracker for tracker in trackers}
    entries: dict[str, CollaborativeEntry] = {}
    parts: dict[str, list[CollaborativePeriod]] = {period.label: [] for period in periods}
    for collaborative in selection.collaboratives:
        tracker = tracker_of[collaborative.id]
        own_issues = by_collaborative[collaborative.id]
        quality = data_quality_counts(own_issues)
        if tracker.failure is not None:
            entries[collaborative.id] = FailedCollaborative(
                name=collaborative.name,
                city=collaborative.city,
                reason=tracker.failure.reason,
                reason_kind=tracker.failure.kind,
                reason_tabs=list(tracker.failure.tabs),
                data_quality=quality,
            )
            continue
        records = build_records(tracker, own_issues)
        figures = {period.label: collaborative_figures(records, period) for period in periods}
        entries[collaborative.id] = ReportingCollaborative(
            name=collaborative.name, city=collaborative.city, data_quality=quality, periods=figures
        )
        has_tab = "Submissions" in records.tabs_present
        for label, period_figures in figures.items():
            if period_figures is not None:
                parts[label].append(CollaborativePeriod(period_figures, has_tab))
    return Rollups(
        program=program.name,
        funder=program.funder,
        as_of=selection.as_of,
        periods={p.label: (p.start, p.end) for p in periods},
        collaboratives=entries,
        program_totals={
            p.label: program_totals(parts[p.label]) if p.started else None for p in periods
        },
        collaboratives_failed=[
            identifier
            for identifier, entry in entries.items()
            if isinstance(entry, FailedCollaborative)
        ],
    )
