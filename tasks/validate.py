"""Checking every tracker against the contract's rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from stc_reporting.checks.followup import FollowUp, track_issues
from stc_reporting.config import Config
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.issues import Issue
from stc_reporting.pipeline import check_trackers as check_all


# One task for all trackers: Great Expectations pays its fixed cost once per tab,
# and its contexts are not thread-safe (GX issue 12209).
@task(name="check-trackers", cache_policy=NO_CACHE, persist_result=False)
def check_trackers(
    config: Config, trackers: Sequence[ParsedTracker], run_date: date
) -> list[Issue]:
    """Run every data-quality rule over every tracker."""
    return check_all(config, trackers, run_date)


@task(name="follow-up-issues", cache_policy=NO_CACHE, persist_result=False)
def follow_up_issues(
    issues: Sequence[Issue],
    trackers: Sequence[ParsedTracker],
    as_of: date,
    out_dir: Path,
    config_path: Path,
    compare_to: Path | None,
) -> FollowUp:
    """Mark each issue new, still open or acknowledged, and list what was fixed."""
    return track_issues(issues, trackers, as_of, out_dir, config_path, compare_to)
