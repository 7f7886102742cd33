"""The pipeline's steps as plain functions: fetch and check.

Rolling up is `figures.build.build_rollups`. `flows/monthly_report.py` runs
these as Prefect tasks; `stc-report validate` and the tests call them directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from stc_reporting.checks.outliers import find_outliers
from stc_reporting.checks.validation import CheckWindow, validate_trackers
from stc_reporting.config import CollaborativeConfig, Config
from stc_reporting.ingest.reading import ParsedTracker, read_tracker
from stc_reporting.issues import Issue, sort_issues
from stc_reporting.sources.factory import source_for


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
