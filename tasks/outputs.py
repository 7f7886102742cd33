"""Writing the run's files and showing what was written in the Prefect UI.

Artifacts carry stable keys, so the Artifacts page keeps each one's history across
runs: `run-summary`, `issues-by-tab`, `run-progress`, a link per draft (beyond 25
collaboratives, only the program's and those of the collaboratives the summary lists).
They hold counts, names and file links only, never a tracker's cell (docs/privacy.md).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
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
from stc_reporting.outputs.run_page import (
    RunLink,
    issue_rows,
    links_to_show,
    summary_markdown,
)
from stc_reporting.outputs.summary import RunSummary
from stc_reporting.outputs.writer import WrittenFile
from stc_reporting.pipeline import RunPlan
from stc_reporting.pipeline import write_outputs as write_all
from stc_reporting.reports.document import RenderedDocument

SUMMARY_KEY = "run-summary"
ISSUES_KEY = "issues-by-tab"
PROGRESS_KEY = "run-progress"


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
    """Put the run's summary, its issues table and links to the drafts on its page.

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
    for link in links_to_show(links, summary):
        create_link_artifact(
            key=link.key, link=link.url, link_text=link.text, description=link.text
        )


@dataclass
class RunProgress:
    """The run's progress bar and what it counts: trackers read and checked, reports rendered.

    Attributes:
        artifact: The progress artifact on the run's page.
        trackers: How many trackers the run reads.
        with_reports: Whether the run renders reports (`stc-report run --no-reports` does not).
        read: Trackers read so far (failed reads included: they are done).
        checked: Trackers checked so far.
        rendered: Funder reports rendered, or None until they are (and without reports).
        written: Whether the outputs are written.
        shown_at: When the bar last moved (`time.monotonic`).
    """

    artifact: UUID
    trackers: int
    with_reports: bool = True
    read: int = 0
    checked: int = 0
    rendered: int | None = None
    written: bool = False
    shown_at: float = field(default_factory=time.monotonic)

    def percent(self) -> float:
        """How far the run is, in percent.

        Each tracker counts once read, once checked and once rendered for (all at once,
        when the reports are made); writing the outputs counts once more.
        """
        rendering = self.trackers if self.with_reports else 0
        total = 2 * self.trackers + rendering + 1
        done = self.read + self.checked + int(self.written)
        done += rendering if self.rendered is not None else 0
        return 100.0 * done / total

    def description(self) -> str:
        """`Read 120 of 500 trackers`, then `...; checked 500; rendered 480 reports`."""
        parts = [PROGRESS_READ.format(read=self.read, trackers=self.trackers)]
        if self.checked:
            parts.append(PROGRESS_CHECKED.format(checked=self.checked))
        if self.rendered is not None:
            parts.append(PROGRESS_RENDERED.format(rendered=self.rendered))
        if self.written:
            parts.append(PROGRESS_WRITTEN)
        return "; ".join(parts)


PROGRESS_READ = "Read {read} of {trackers} trackers"
PROGRESS_CHECKED = "checked {checked}"
PROGRESS_RENDERED = "rendered {rendered} funder reports and the data-quality report"
PROGRESS_WRITTEN = "wrote the outputs"
PROGRESS_EVERY_SECONDS = 1.0
"""The bar moves at most once a second while trackers are read (each step's end always shows)."""


def start_progress(trackers: int, with_reports: bool = True) -> RunProgress:
    """A progress bar on the run's page, from the first read to the written outputs."""
    description = PROGRESS_READ.format(read=0, trackers=trackers)
    # Called from the (sync) flow: Prefect's dispatch returns the id, not a coroutine.
    artifact = create_progress_artifact(0.0, key=PROGRESS_KEY, description=description)
    return RunProgress(cast("UUID", artifact), trackers, with_reports)


def show_progress(progress: RunProgress, *, force: bool = False) -> bool:
    """Move the bar to what `progress` counts now, unless it moved less than a second ago.

    Args:
        progress: The run's progress, counts updated by the caller.
        force: Move it whatever the time (the end of a step).

    Returns:
        Whether it moved.
    """
    now = time.monotonic()
    if not force and now - progress.shown_at < PROGRESS_EVERY_SECONDS:
        return False
    progress.shown_at = now
    update_progress_artifact(
        progress.artifact, progress.percent(), description=progress.description()
    )
    return True
