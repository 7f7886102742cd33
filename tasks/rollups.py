"""Computing the year two / year three / combined figures."""

from __future__ import annotations

from collections.abc import Sequence

from prefect import task
from prefect.cache_policies import NO_CACHE

from stc_reporting.figures.build import TracedRollups
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
) -> TracedRollups:
    """Build the rollups document, and its lineage for `audit.xlsx`, from the checked trackers.

    Kept in memory only (`persist_result=False`): the lineage lists every row counted.
    """
    return roll_up(plan, trackers, issues)
