"""The pipeline's steps as plain functions: fetch, check, roll up.

`flows/monthly_report.py` runs these as Prefect tasks; `stc-report validate`
and the tests call them directly. Each step takes and returns plain data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from stc_reporting.checks.outliers import find_outliers
from stc_reporting.checks.validation import CheckWindow, validate_trackers
from stc_reporting.config import CollaborativeConfig, Config
from stc_reporting.figures.periods import reporting_periods
from stc_reporting.figures.rollups import CollaborativePeriod, collaborative_figures, program_totals
from stc_reporting.ingest.reading import ParsedTracker, read_tracker
from stc_reporting.ingest.records import build_records
from stc_reporting.issues import Issue, data_quality_counts, sort_issues
from stc_reporting.sources.factory import source_for

SCHEMA_VERSION = 1


def fetch_tracker(collaborative: CollaborativeConfig) -> ParsedTracker:
    """Read one collaborative's tracker from its configured source."""
    return read_tracker(source_for(collaborative), collaborative.id)


def check_trackers(
    config: Config, trackers: Sequence[ParsedTracker], run_date: date
) -> list[Issue]:
    """Run every data-quality rule; return all issues, reading and rules, sorted.

    Args:
        config: The program config (window and collaborative order).
        trackers: The trackers as read.
        run_date: The calendar day of the run.

    Returns:
        Every issue, in the order people read them.
    """
    window = CheckWindow(config.program.start, config.program.end, run_date)
    found = [issue for tracker in trackers for issue in tracker.issues]
    found += validate_trackers(trackers, window)
    for tracker in trackers:
        own = [issue for issue in found if issue.collaborative == tracker.collaborative]
        found += find_outliers(tracker, own)
    return sort_issues(found, [c.id for c in config.collaboratives])


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
) -> dict[str, Any]:
    """Assemble `rollups.json` (docs/figures.md) from checked trackers.

    Args:
        config: The program config.
        selection: The collaboratives and as-of date of this run.
        trackers: The trackers as read, one per selected collaborative.
        issues: Every issue found.

    Returns:
        The rollups document, ready to serialise.
    """
    program = config.program
    periods = reporting_periods(program.start, program.years, selection.as_of)
    by_collaborative: dict[str, list[Issue]] = defaultdict(list)
    for issue in issues:
        by_collaborative[issue.collaborative].append(issue)
    tracker_of = {tracker.collaborative: tracker for tracker in trackers}
    entries: dict[str, Any] = {}
    parts: dict[str, list[CollaborativePeriod]] = {period.label: [] for period in periods}
    for collaborative in selection.collaboratives:
        tracker = tracker_of[collaborative.id]
        own_issues = by_collaborative[collaborative.id]
        entry: dict[str, Any] = {"name": collaborative.name, "city": collaborative.city}
        if tracker.failed:
            entry |= {"status": "failed", "reason": tracker.failure}
            entry |= {"data_quality": data_quality_counts(own_issues), "periods": None}
            entries[collaborative.id] = entry
            continue
        records = build_records(tracker, own_issues)
        figures = {period.label: collaborative_figures(records, period) for period in periods}
        entry |= {"status": "ok", "data_quality": data_quality_counts(own_issues)}
        entry["periods"] = figures
        entries[collaborative.id] = entry
        has_tab = "Submissions" in records.tabs_present
        for label, period_figures in figures.items():
            if period_figures is not None:
                parts[label].append(CollaborativePeriod(period_figures, has_tab))
    return {
        "schema_version": SCHEMA_VERSION,
        "program": program.name,
        "funder": program.funder,
        "as_of": selection.as_of.isoformat(),
        "periods": {p.label: [p.start.isoformat(), p.end.isoformat()] for p in periods},
        "collaboratives": entries,
        "program_totals": {
            p.label: program_totals(parts[p.label]) if p.started else None for p in periods
        },
        "collaboratives_failed": [
            identifier for identifier, entry in entries.items() if entry["status"] == "failed"
        ],
    }
