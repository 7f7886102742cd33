"""The `monthly-report` flow: read every tracker, check it, roll up, write outputs.

Run it from the Prefect UI (a deployment in `prefect.yaml`), on the monthly
schedule, with `stc-report run`, or directly: `python -m flows.monthly_report`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from stc_reporting.checks.followup import FOLLOWUP_FILE
from stc_reporting.config import CollaborativeConfig, load_config, select_collaboratives
from stc_reporting.figures.periods import last_day_of_previous_month
from stc_reporting.ingest.reading import ParsedTracker, unreadable_tracker
from stc_reporting.outputs.folder import OutputFolder
from stc_reporting.outputs.summary import RunSummary, run_notes, summarise_run
from stc_reporting.pipeline import RunSelection
from tasks.outputs import publish_run_summary, write_outputs
from tasks.reports import render_reports, write_data_quality_report
from tasks.rollups import compute_rollups
from tasks.sources import read_tracker
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

    Returns:
        What was written, and each collaborative's outcome.
    """
    logger = get_run_logger()
    config = load_config(Path(config_path))
    run_date = date.today()
    selection = RunSelection(
        tuple(select_collaboratives(config, only)),
        as_of or last_day_of_previous_month(run_date),
    )
    logger.info(
        "Reading %d trackers (data as of %s)",
        len(selection.collaboratives),
        selection.as_of,
        extra=PROGRESS,
    )
    futures = [read_tracker.submit(c) for c in selection.collaboratives]
    trackers = _collect(selection.collaboratives, futures)
    logger.info("Checking every tracker against the data-quality rules", extra=PROGRESS)
    issues = check_trackers(config, trackers, run_date)
    is_partial = len(selection.collaboratives) < len(config.collaboratives)
    folder = OutputFolder(Path(out_dir))
    with (
        folder.open(_holder(selection), on_wait=_say_waiting) as session,
        session.transaction() as run,
    ):
        for line in session.recovery.describe():
            logger.warning(line, extra=PROGRESS)
        followup = follow_up_issues(
            issues,
            trackers,
            selection.as_of,
            Path(out_dir),
            Path(config_path),
            Path(compare_to) if compare_to else None,
        )
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
        rollups = compute_rollups(config, selection, trackers, issues)
        logger.info("Rendering the funder reports", extra=PROGRESS)
        reports = render_reports(
            run.staging, rollups, selection.collaboratives, trackers, issues, not is_partial
        )
        for failure in reports.failures:
            logger.error(failure, extra=PROGRESS)
        quality = write_data_quality_report(
            run.staging, rollups, config, selection.collaboratives, trackers, followup
        )
        damaged = [FOLLOWUP_FILE] if followup.history_problem and not compare_to else []
        files = write_outputs(run, rollups, issues, [*reports.files, *quality], followup, damaged)
    notes = run_notes(Path(out_dir), rollups, files, is_partial, followup.history_problem)
    summary = summarise_run(rollups, out_dir, files, reports.failures, notes)
    publish_run_summary(summary)
    logger.info("Wrote %d files to %s", len(files), out_dir, extra=PROGRESS)
    return summary


def _say_waiting(message: str) -> None:
    get_run_logger().warning(message, extra=PROGRESS)


def _holder(selection: RunSelection) -> str:
    """How a run that has to wait for this one sees it."""
    ids = ", ".join(c.id for c in selection.collaboratives)
    return f"monthly-report flow run {flow_run.name}, data as of {selection.as_of} ({ids})"


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
        status = f"failed: {tracker.failure}" if tracker.failed else "read"
        rows = sum(len(tab.rows) for tab in tracker.tabs.values())
        logger.info("%s: %s (%d rows)", collaborative.name, status, rows, extra=PROGRESS)
        trackers.append(tracker)
    return trackers


if __name__ == "__main__":
    monthly_report()
