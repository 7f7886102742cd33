"""Checking every tracker against the contract's rules, and following issues up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from prefect import task
from prefect.cache_policies import NO_CACHE

from stc_reporting.checks.followup import FollowUp
from stc_reporting.config import Config
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.issues import Issue
from stc_reporting.pipeline import RunPlan
from stc_reporting.pipeline import check_trackers as check_all
from stc_reporting.pipeline import follow_up_issues as follow_up


# One task for all trackers: Great Expectations pays its fixed cost once per tab,
# and its contexts are not thread-safe (GX issue 12209).
@task(
    name="check trackers",
    task_run_name="check trackers",
    cache_policy=NO_CACHE,
    persist_result=False,
)
def check_trackers(
    config: Config, trackers: Sequence[ParsedTracker], run_date: date
) -> list[Issue]:
    """Run every data-quality rule over every tracker."""
    return check_all(config, trackers, run_date)


@task(
    name="follow up issues",
    task_run_name="follow up issues",
    cache_policy=NO_CACHE,
    persist_result=False,
)
def follow_up_issues(
    plan: RunPlan, issues: Sequence[Issue], trackers: Sequence[ParsedTracker]
) -> FollowUp:
    """Mark each issue new, still open or acknowledged, and list what was fixed."""
    return follow_up(plan, issues, trackers)
