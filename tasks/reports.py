"""Rendering the funder report drafts and the data-quality report (nothing is written here)."""

from __future__ import annotations

from collections.abc import Sequence

from prefect import task
from prefect.cache_policies import NO_CACHE

from stc_reporting.checks.followup import FollowUp
from stc_reporting.figures.document import Rollups
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.issues import Issue
from stc_reporting.pipeline import RunPlan
from stc_reporting.pipeline import render_quality_report as render_quality
from stc_reporting.pipeline import render_reports as render_funder
from stc_reporting.reports.document import RenderedDocument, RenderedReports


@task(
    name="render reports",
    task_run_name="render reports",
    cache_policy=NO_CACHE,
    persist_result=False,
)
def render_reports(
    plan: RunPlan,
    rollups: Rollups,
    trackers: Sequence[ParsedTracker],
    issues: Sequence[Issue],
) -> RenderedReports:
    """Render the program report and one report per collaborative that reported."""
    return render_funder(plan, rollups, trackers, issues)


@task(
    name="render data-quality report",
    task_run_name="render data-quality report",
    cache_policy=NO_CACHE,
    persist_result=False,
)
def render_data_quality_report(
    plan: RunPlan,
    rollups: Rollups,
    trackers: Sequence[ParsedTracker],
    followup: FollowUp,
) -> list[RenderedDocument]:
    """Render the internal data-quality report and each collaborative's page, HTML and Word."""
    return render_quality(plan, rollups, trackers, followup)
