"""Writing the run's files and showing what was written in the Prefect UI.

Artifacts carry stable keys, so the Artifacts page keeps each one's history across
runs: `run-summary`, `issues-by-tab`, `reading-trackers`, one link per draft. They hold
counts, names and file links only, never a tracker's cell (docs/privacy.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast
from uuid import UUID

from prefect import task
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE

from stc_reporting.checks.followup import FollowUp
from stc_reporting.figures.build import TracedRollups
from stc_reporting.figures.document import Rollups
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.issues import Issue
from stc_reporting.outputs.folder import Transaction
from stc_reporting.outputs.run_page import RunLink, issue_rows, summary_markdown
from stc_reporting.outputs.summary import RunSummary
from stc_reporting.outputs.writer import WrittenFile
from stc_reporting.pipeline import RunPlan
from stc_reporting.pipeline import write_outputs as write_all
from stc_reporting.reports.document import RenderedDocument

SUMMARY_KEY = "run-summary"
ISSUES_KEY = "issues-by-tab"
PROGRESS_KEY = "reading-trackers"


@task(
    name="write outputs", task_run_name="write outputs", cache_policy=NO_CACHE, persist_result=False
)
def write_outputs(
    plan: RunPlan,
    transaction: Transaction,
    traced: TracedRollups,
    issues: Sequence[Issue],
    followup: FollowUp,
    rendered: Sequence[RenderedDocument],
    trackers: Sequence[ParsedTracker],
) -> list[WrittenFile]:
    """Write every file of the run (data, reports, snapshots) and the manifest: commit it."""
    return write_all(plan, transaction, traced, issues, followup, rendered, trackers)


def show_results(
    summary: RunSummary,
    rollups: Rollups,
    issues: Sequence[Issue],
    links: Sequence[RunLink],
    run_name: str,
    names: dict[str, str],
) -> None:
    """Put the run's summary, its issues table and a link to each draft on its page.

    Called from the flow itself, not a task, so the artifacts belong to the flow run
    and lead its Artifacts tab.
    """
    create_markdown_artifact(
        key=SUMMARY_KEY,
        markdown=summary_markdown(summary, rollups, run_name, links),
        description=f"{run_name}: who reported, why others failed, files written.",
    )
    create_table_artifact(
        key=ISSUES_KEY,
        table=issue_rows(issues, names),
        description=f"{run_name}: data-quality issues per collaborative and tab "
        "(details in issues.csv and the data-quality report).",
    )
    for link in links:
        create_link_artifact(
            key=link.key, link=link.url, link_text=link.text, description=link.text
        )


def start_progress(total: int) -> UUID:
    """A progress bar on the run's page while its trackers are read."""
    # Called from the (sync) flow: Prefect's dispatch returns the id, not a coroutine.
    artifact = create_progress_artifact(
        0.0, key=PROGRESS_KEY, description=f"Reading {total} trackers"
    )
    return cast("UUID", artifact)


def show_progress(artifact: UUID, done: int, total: int) -> None:
    """Move the bar: `done` of `total` trackers read."""
    update_progress_artifact(
        artifact, 100.0 * done / total, description=f"Read {done} of {total} trackers"
    )
