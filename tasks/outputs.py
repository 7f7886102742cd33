"""Writing the run's files and showing what was written in the Prefect UI."""

from __future__ import annotations

from collections.abc import Sequence

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from stc_reporting.checks.followup import FollowUp
from stc_reporting.figures.document import Rollups
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.issues import Issue
from stc_reporting.outputs.folder import Transaction
from stc_reporting.outputs.summary import RunSummary
from stc_reporting.outputs.writer import WrittenFile
from stc_reporting.pipeline import RunPlan
from stc_reporting.pipeline import write_outputs as write_all
from stc_reporting.reports.document import RenderedDocument


@task(name="write-outputs", cache_policy=NO_CACHE, persist_result=False)
def write_outputs(
    plan: RunPlan,
    transaction: Transaction,
    rollups: Rollups,
    issues: Sequence[Issue],
    followup: FollowUp,
    rendered: Sequence[RenderedDocument],
    trackers: Sequence[ParsedTracker],
) -> list[WrittenFile]:
    """Write every file of the run (data, reports, snapshots) and the manifest: commit it."""
    return write_all(plan, transaction, rollups, issues, followup, rendered, trackers)


@task(name="publish-run-summary", cache_policy=NO_CACHE, persist_result=False)
def publish_run_summary(summary: RunSummary) -> None:
    """Show each collaborative's outcome as artifacts (counts only, no tracker text)."""
    create_table_artifact(
        key="collaborative-status",
        table=[c.model_dump() for c in summary.collaboratives],
        description=f"Data as of {summary.as_of}: status and data-quality counts.",
    )
    failed = "".join(f"\n- **{c.name}**: {c.reason}" for c in summary.failed)
    reported = "" if summary.report_failures else "Every collaborative reported."
    lines = [
        f"# Monthly report, data as of {summary.as_of}",
        f"Written to `{summary.out_dir}`: " + ", ".join(f"`{f}`" for f in summary.files),
        f"Failed collaboratives:{failed}" if failed else reported,
        *(f"Report not made: {failure}" for failure in summary.report_failures),
        *summary.notes,
    ]
    create_markdown_artifact(key="monthly-report-summary", markdown="\n\n".join(lines))
