"""Computing the year two / year three / combined figures."""

from __future__ import annotations

from collections.abc import Sequence

from prefect import task
from prefect.cache_policies import NO_CACHE

from stc_reporting.figures.document import Rollups
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.issues import Issue
from stc_reporting.pipeline import RunPlan, roll_up


@task(
    name="compute figures",
    task_run_name="compute figures",
    cache_policy=NO_CACHE,
    persist_result=False,
)
def compute_rollups(
    plan: RunPlan, trackers: Sequence[ParsedTracker], issues: Sequence[Issue]
) -> Rollups:
    """Build the rollups document from the checked trackers."""
    return roll_up(plan, trackers, issues)
