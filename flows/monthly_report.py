"""The `monthly-report` flow: read every tracker, check it, roll up, render, write outputs.

It runs the steps of `stc_reporting.pipeline.run_monthly_report`, in the same order,
each from one task: reads run in parallel with retries, and every step shows in the
Prefect UI. Run it from the Prefect UI (a deployment in `prefect.yaml`), on the
monthly schedule, with `stc-report run`, or directly: `python -m flows.monthly_report`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, cast

from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from stc_reporting.config import CollaborativeConfig
from stc_reporting.google_access import SECRET_BLOCK
from stc_reporting.ingest.reading import ParsedTracker, unreadable_tracker
from stc_reporting.outputs.summary import RunSummary
from stc_reporting.pipeline import RunPlan, output_transaction, plan_run, summarise
from tasks.outputs import publish_run_summary, write_outputs
from tasks.reports import render_data_quality_report, render_reports
from tasks.rollups import compute_rollups
from tasks.sources import read_tracker, share_sheets_quota
from tasks.validate import check_trackers, follow_up_issues

# Progress lines carry this marker so `stc-report run` can show them as they come.
PROGRESS = {"progress": True}

# Reads are I/O-bound; four at once stays well inside Google's 60 reads/minute.
MAX_PARALLEL_READS = 4


@flow(
    name="monthly-report",
    description="Check each collaborative's tracker; write rollups.json, issues.csv, the "
    "funder report drafts and manifest.json.",
    task_runner=ThreadPoolTaskRunner(max_workers=MAX_PARALLEL_READS),  # type: ignore[arg-type]
    persist_result=False,
)
def monthly_report(
    config_path: str = "config/program.yaml",
    as_of: date | None = None,
    only: list[str] | None = None,
    out_dir: str = "out",
    compare_to: str | None = None,
    from_snapshots: str | None = None,
) -> RunSummary:
    """Check every collaborative's tracker and write this month's outputs.

    Args:
        config_path: The program config file that lists the collaboratives and where
            each tracker is kept, relative to the working folder.
        as_of: Count records dated up to this day. Leave blank for the last day of the
            previous month.
        only: Collaborative ids to include (for example fresno). Leave blank for all.
        out_dir: Folder for rollups.json, issues.csv, manifest.json and the reports.
        compare_to: Folder of an earlier run to compare issues with. Leave blank to
            compare with the earlier run in the output folder.
        from_snapshots: Folder of an earlier run's snapshots (its `snapshots` folder) to
            make that run again from, without the trackers. Leave blank to read the
            trackers.

    Returns:
        What was written, and each collaborative's outcome.
    """
    logger = get_run_logger()
    plan = plan_run(
        Path(config_path),
        Path(out_dir),
        as_of,
        only,
        Path(compare_to) if compare_to else None,
        from_snapshots=Path(from_snapshots) if from_snapshots else None,
        google_secret=google_secret_json,
    )
    selection = plan.selection
    logger.info(
        "Reading %d trackers (data as of %s)",
        len(selection.collaboratives),
        selection.as_of,
        extra=PROGRESS,
    )
    sheets = share_sheets_quota(plan.sheets)
    futures = [
        read_tracker.submit(c, sheets, plan.from_snapshots) for c in selection.collaboratives
    ]
    trackers = _collect(selection.collaboratives, futures)
    logger.info("Checking every tracker against the data-quality rules", extra=PROGRESS)
    issues = check_trackers(plan.config, trackers, plan.run_date)
    with output_transaction(plan, _holder(plan), _say_waiting) as (transaction, recovered):
        for line in recovered:
            logger.warning(line, extra=PROGRESS)
        followup = follow_up_issues(plan, issues, trackers)
        if followup.history_problem:
            logger.warning(followup.history_problem, extra=PROGRESS)
        for problem in followup.acknowledgement_problems:
            logger.warning(problem, extra=PROGRESS)
        logger.info(
            "Found %d data-quality issues (%d new, %d still open, %d fixed since last run); "
            "computing figures",
            len(issues),
            followup.count("new"),
            followup.count("open"),
            followup.count("fixed"),
            extra=PROGRESS,
        )
        rollups = compute_rollups(plan, trackers, issues)
        logger.info("Rendering the funder reports", extra=PROGRESS)
        reports = render_reports(plan, rollups, trackers, issues)
        for failure in reports.failures:
            logger.error(failure, extra=PROGRESS)
        quality = render_data_quality_report(plan, rollups, trackers, followup)
        rendered = [*reports.documents, *reports.inputs, *quality]
        files = write_outputs(plan, transaction, rollups, issues, followup, rendered, trackers)
    summary = summarise(plan, rollups, files, reports, followup)
    publish_run_summary(summary)
    logger.info("Wrote %d files to %s", len(files), out_dir, extra=PROGRESS)
    return summary


def google_secret_json() -> str | None:
    """The service-account JSON of the Prefect Secret block `SECRET_BLOCK`, if there is one.

    Read only when a collaborative has a `sheet_id`, after `google.credentials` and
    $GOOGLE_APPLICATION_CREDENTIALS (docs/google.md). A missing block is no error here:
    the Sheets collaboratives then fail with the message that says where the key goes.
    """
    from prefect.blocks.system import Secret

    try:
        # Called from the flow (sync): `load` returns the block, not a coroutine.
        block = cast("Secret[Any]", Secret.load(SECRET_BLOCK))
    except ValueError:  # no block of that name
        return None
    value = block.get()
    return value if isinstance(value, str) else json.dumps(value)


def _say_waiting(message: str) -> None:
    get_run_logger().warning(message, extra=PROGRESS)


def _holder(plan: RunPlan) -> str:
    """How a run that has to wait for this one sees it."""
    return f"monthly-report flow run {flow_run.name}, {plan.describe()}"


def _collect(
    collaboratives: Sequence[CollaborativeConfig],
    futures: Sequence[PrefectFuture[ParsedTracker]],
) -> list[ParsedTracker]:
    """Wait for every read; a read that failed for good fails its collaborative only."""
    logger = get_run_logger()
    trackers = []
    for collaborative, future in zip(collaboratives, futures, strict=True):
        future.wait()
        if future.state.is_completed():
            tracker = future.result()
        else:
            tracker = unreadable_tracker(
                collaborative.id, "reading kept failing after several tries; try again later"
            )
        status = f"failed: {tracker.failure.reason}" if tracker.failure else "read"
        rows = sum(len(tab.rows) for tab in tracker.tabs.values())
        logger.info("%s: %s (%d rows)", collaborative.name, status, rows, extra=PROGRESS)
        trackers.append(tracker)
    return trackers


if __name__ == "__main__":
    monthly_report()
