"""The `monthly-report` flow: read every tracker, check it, roll up, render, write outputs.

Two entry points run the same steps (`stc_reporting.pipeline`), each from one task:

- `monthly_report`, the deployments' flow (`prefect.yaml`): a form for people (month,
  collaboratives by name, publish yes/no). The deployment fixes the config and the
  outputs root (`flows/settings.py`); every run writes into a folder of its own. With
  `publish`, the run then waits for a reviewer's approval in the UI and publishes
  exactly the drafts reviewed.
- `monthly_report_to_folder`, what `stc-report run` and the tests run: paths given,
  outputs straight into one folder (interface.md).

A run in which a collaborative failed ends `Failed`, after every other collaborative's
outputs are written, with a message naming who failed and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from prefect import flow, get_run_logger
from prefect.client.schemas.objects import State
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from flows.approval import Drafted, approve_and_publish, recall_drafts, remember_drafts
from flows.read_trackers import read_on_workers
from flows.run_states import STOPPING_ERRORS, final_state, stopped
from flows.settings import DeploymentSettings
from stc_reporting.checks.followup import FollowUp
from stc_reporting.config import CollaborativeConfig, Config, ConfigError, load_config
from stc_reporting.figures.document import Rollups
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.issues import Issue
from stc_reporting.outputs.run_page import (
    file_address,
    issues_by_rule,
    review_markdown,
    run_links,
    served_address,
)
from stc_reporting.outputs.runs import draft_run, previous_run, run_folder
from stc_reporting.outputs.summary import RunSummary
from stc_reporting.outputs.writer import WrittenFile
from stc_reporting.pipeline import RunPlan, output_transaction, plan_run, summarise
from stc_reporting.reports.document import RenderedDocument, RenderedReports
from stc_reporting.run_request import ReportRequest, request_form, scope_words
from tasks.handing import as_is
from tasks.outputs import (
    PROGRESS_READ,
    PROGRESS_RENDERED,
    RunProgress,
    show_progress,
    show_results,
    start_progress,
    write_outputs,
)
from tasks.publishing import share_drafts
from tasks.reports import render_data_quality_report, render_reports
from tasks.rollups import compute_rollups
from tasks.sources import Batch, google_secret_json, read_in_batches, share_sheets_quota
from tasks.validate import check_trackers, follow_up_issues

# Progress lines carry this marker so `stc-report run` can show them as they come.
PROGRESS = {"progress": True}

# Reads are I/O-bound; four at once stays well inside Google's 60 reads/minute.
MAX_PARALLEL_READS = 4


def _deployed_config() -> Config | None:
    """The deployment's config, for the form's choices; None when it cannot be loaded."""
    try:
        return load_config(DeploymentSettings().config)
    except (ConfigError, ValueError):
        return None


if TYPE_CHECKING:
    ReportForm = ReportRequest
else:  # the form lists the configured collaboratives, fixed when the flow is deployed
    ReportForm = request_form(_deployed_config())


# --- Run names ------------------------------------------------------------------------


def _run_name() -> str:
    """`2021-10 all collaboratives`, `2021-10 fresno`: the month and who, at a glance."""
    parameters = flow_run.parameters
    today = date.today()
    if "request" in parameters:
        request = ReportRequest.model_validate(_plain(parameters["request"]))
        as_of = request.as_of(today)
        config = _deployed_config()
        ids = request.collaborative_ids(config) if config else request.collaboratives
        scope = scope_words(ids, config) if config else ", ".join(ids) or "all collaboratives"
    else:
        given = parameters.get("as_of")
        as_of = date.fromisoformat(str(given)) if given else _last_month(today)
        scope = ", ".join(parameters.get("only") or []) or "all collaboratives"
    return f"{as_of:%Y-%m} {scope}"


def _plain(value: Any) -> Any:
    return value.model_dump() if isinstance(value, ReportRequest) else (value or {})


def _last_month(today: date) -> date:
    return ReportRequest().as_of(today)


# --- The deployments' flow ----------------------------------------------------------------


@flow(
    name="monthly-report",
    flow_run_name=_run_name,
    description="Check each collaborative's tracker; write the figures, the issues, the "
    "funder report drafts and the data-quality report; with publish, wait for approval "
    "and publish the finals.",
    task_runner=ThreadPoolTaskRunner(max_workers=MAX_PARALLEL_READS),  # type: ignore[arg-type]
    persist_result=False,
)
def monthly_report(request: ReportForm = ReportForm()) -> State:  # noqa: B008 (a value)
    """Check the trackers and write this month's drafts; publish them once approved.

    Args:
        request: What to report: the month, the collaboratives, and whether to publish.

    Returns:
        Completed when every collaborative reported (and, with publish, the answer);
        Failed, naming who failed and why, when any did.
    """
    try:
        return _report(request, DeploymentSettings())
    except STOPPING_ERRORS as error:
        return stopped(error)


def _report(request: ReportRequest, settings: DeploymentSettings) -> State:
    """The deployments' run: drafts (or those written before a resume), then approval."""
    config = load_config(settings.config)
    written = recall_drafts()
    if written is None:
        written = _write_run(_plan(settings, config, request), settings, spread_reads=True)
        if request.publish and settings.allow_publish:
            remember_drafts(written)
    else:
        get_run_logger().info("Resumed: back to the drafts in %s", written.draft.run_dir)
    if not request.publish:
        return final_state(written.summary)
    if not settings.allow_publish:
        get_run_logger().warning(
            "This deployment never publishes (STC_ALLOW_PUBLISH is false): drafts only"
        )
        return final_state(written.summary)
    return approve_and_publish(written, config, settings)


def _plan(settings: DeploymentSettings, config: Config, request: ReportRequest) -> RunPlan:
    """Settle the run: its collaboratives, its dates, and a folder of its own."""
    today = date.today()
    ids = request.collaborative_ids(config)
    as_of = request.as_of(today)
    started = cast("datetime", flow_run.scheduled_start_time or datetime.now())
    out_dir = run_folder(
        settings.outputs_root, as_of, started, scope_words(ids, config), str(flow_run.id)
    )
    return plan_run(
        settings.config,
        out_dir,
        as_of,
        ids,
        previous_run(settings.outputs_root, out_dir),
        google_secret=google_secret_json,
    )


# --- What `stc-report run` runs -------------------------------------------------------------


@flow(
    name="monthly-report",
    flow_run_name=_run_name,
    description="Check each collaborative's tracker; write rollups.json, issues.csv, the "
    "funder report drafts and manifest.json into one folder.",
    task_runner=ThreadPoolTaskRunner(max_workers=MAX_PARALLEL_READS),  # type: ignore[arg-type]
    persist_result=False,
)
def monthly_report_to_folder(
    config_path: str = "config/program.yaml",
    as_of: date | None = None,
    only: list[str] | None = None,
    out_dir: str = "out",
    compare_to: str | None = None,
    from_snapshots: str | None = None,
    no_reports: bool = False,
) -> State:
    """Check every collaborative's tracker and write this month's outputs into `out_dir`.

    Args:
        config_path: The program config file, relative to the working folder.
        as_of: Count records dated up to this day. Blank: the last day of last month.
        only: Collaborative ids to include (for example fresno). Blank: all.
        out_dir: Folder for rollups.json, issues.csv, manifest.json and the reports.
        compare_to: An earlier run's folder to compare issues with. Blank: the earlier
            run in the output folder.
        from_snapshots: An earlier run's `snapshots` folder to make that run again
            from, without the trackers. Blank: read the trackers.
        no_reports: Render neither the funder reports nor the data-quality report (an
            operator's and benchmarks' option, to time the rest of the run): drafts an
            earlier run left in `out_dir` stay as they were, and the summary says so.

    Returns:
        Completed when every collaborative reported, else Failed naming who failed;
        either way its data is the run's `RunSummary`.
    """
    try:
        plan = plan_run(
            Path(config_path),
            Path(out_dir),
            as_of,
            only,
            Path(compare_to) if compare_to else None,
            from_snapshots=Path(from_snapshots) if from_snapshots else None,
            google_secret=google_secret_json,
        )
        written = _write_run(plan, DeploymentSettings(), with_reports=not no_reports)
        return final_state(written.summary)
    except STOPPING_ERRORS as error:
        return stopped(error, Path(out_dir))


def run_to_folder(**parameters: Any) -> RunSummary:
    """Run `monthly_report_to_folder` and return its summary, whether it Completed or Failed.

    Raises:
        Exception: What stopped the run before it wrote anything (a busy folder, a
            config error), as raised inside it.
    """
    state = monthly_report_to_folder(**parameters, return_state=True)
    outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, RunSummary):
        return outcome
    if isinstance(outcome, BaseException):
        raise outcome
    raise RuntimeError(f"the monthly-report run ended {state.name}: {state.message}")


# --- The steps both run ----------------------------------------------------------------


def _write_run(
    plan: RunPlan,
    settings: DeploymentSettings,
    spread_reads: bool = False,
    with_reports: bool = True,
) -> Drafted:
    """Read, check, follow up, roll up, render, write; show the results on the run's page.

    Args:
        plan: The run.
        settings: What the deployment fixes.
        spread_reads: Read in `read-trackers` runs over the workers, when the deployment
            asks for it (`STC_TRACKERS_PER_READ_RUN`); `stc-report run` never does.
        with_reports: Render the funder reports and the data-quality report
            (`stc-report run --no-reports` does not).
    """
    logger = get_run_logger()
    selection = plan.selection
    logger.info(
        "Reading %d trackers (data as of %s)",
        len(selection.collaboratives),
        selection.as_of,
        extra=PROGRESS,
    )
    progress = start_progress(len(selection.collaboratives), with_reports)
    spread = spread_reads and settings.trackers_per_read_run and plan.from_snapshots is None
    trackers = _read_on_workers(plan, settings, progress) if spread else _read_here(plan, progress)
    logger.info("Checking every tracker against the data-quality rules", extra=PROGRESS)
    issues = check_trackers(as_is(plan.config), as_is(trackers), plan.run_date)
    progress.checked = len(trackers)
    show_progress(progress, force=True)
    with output_transaction(plan, _holder(plan), _say_waiting) as (transaction, recovered):
        for line in recovered:
            logger.warning(line, extra=PROGRESS)
        followup = follow_up_issues(as_is(plan), as_is(issues), as_is(trackers))
        if followup.history_problem:
            logger.warning(followup.history_problem, extra=PROGRESS)
        for problem in followup.acknowledgement_problems:
            logger.warning(problem, extra=PROGRESS)
        logger.info(
            "Checked %d trackers: %d data-quality issues (%d new, %d still open, %d fixed "
            "since last run); computing figures",
            progress.checked,
            len(issues),
            followup.count("new"),
            followup.count("open"),
            followup.count("fixed"),
            extra=PROGRESS,
        )
        traced = compute_rollups(as_is(plan), as_is(trackers), as_is(issues))
        rollups = traced.rollups
        reports, quality = _render(plan, rollups, trackers, issues, followup, progress)
        rendered = [*reports.documents, *reports.inputs, *quality]
        files = write_outputs(
            as_is(plan),
            as_is(transaction),
            as_is(traced),
            as_is(issues),
            as_is(followup),
            as_is(rendered),
            as_is(trackers),
        )
    progress.written = True
    show_progress(progress, force=True)
    summary = summarise(plan, rollups, files, reports, followup)
    names = {c.id: c.name for c in plan.config.collaboratives}
    shared = _shared_in_drive(plan, files)
    links = run_links(plan.out_dir, files, names, shared, _address(plan, settings))
    show_results(summary, rollups, issues, links, str(flow_run.name or ""), names)
    logger.info("Wrote %d files to %s", len(files), plan.out_dir, extra=PROGRESS)
    draft = draft_run(plan.out_dir, files, summary)
    wait_days = settings.approval_timeout_hours / 24
    review = review_markdown(summary, issues_by_rule(issues), links, wait_days)
    return Drafted(summary=summary, draft=draft, review=review)


def _render(
    plan: RunPlan,
    rollups: Rollups,
    trackers: list[ParsedTracker],
    issues: list[Issue],
    followup: FollowUp,
    progress: RunProgress,
) -> tuple[RenderedReports, list[RenderedDocument]]:
    """Render the funder reports and the data-quality report, unless the run skips them."""
    logger = get_run_logger()
    if not progress.with_reports:
        logger.info("Not rendering the reports (--no-reports)", extra=PROGRESS)
        return RenderedReports(), []
    logger.info("Rendering the funder reports", extra=PROGRESS)
    reports = render_reports(as_is(plan), as_is(rollups), as_is(trackers), as_is(issues))
    quality = render_data_quality_report(
        as_is(plan), as_is(rollups), as_is(trackers), as_is(followup)
    )
    progress.rendered = len(reports.documents)
    show_progress(progress, force=True)
    rendered = PROGRESS_RENDERED.format(rendered=progress.rendered)
    logger.info(rendered[:1].upper() + rendered[1:], extra=PROGRESS)
    return reports, quality


def _address(plan: RunPlan, settings: DeploymentSettings) -> Callable[[Path], str]:
    """How the run page links to a file: on the web where the root is served, else file://."""
    served = settings.outputs_url and plan.out_dir.resolve().is_relative_to(
        settings.outputs_root.resolve()
    )
    if served and settings.outputs_url:
        return served_address(settings.outputs_root, settings.outputs_url)
    return file_address


def _shared_in_drive(plan: RunPlan, files: list[WrittenFile]) -> dict[str, str]:
    """Put the drafts in the reviewers' Drive folder, when one is configured."""
    google = plan.config.google
    if google is None or google.drafts_folder_id is None:
        return {}
    month = f"{plan.selection.as_of:%Y-%m}"
    folder = google.drafts_folder_id
    return share_drafts(plan.config, folder, plan.out_dir, files, month, google_secret_json())


# --- Google and progress ------------------------------------------------------------------


def _say_waiting(message: str) -> None:
    get_run_logger().warning(message, extra=PROGRESS)


def _holder(plan: RunPlan) -> str:
    """How a run that has to wait for this one sees it."""
    return f"monthly-report flow run {flow_run.name}, {plan.describe()}"


def _read_here(plan: RunPlan, progress: RunProgress) -> list[ParsedTracker]:
    """Read every tracker in this run, a batch per task, four at once; a failed read fails alone."""

    def on_batch(batch: Batch, trackers: list[ParsedTracker]) -> None:
        _count_reads(progress, zip(batch, trackers, strict=True))

    return read_in_batches(
        plan.selection.collaboratives,
        share_sheets_quota(plan.sheets),
        MAX_PARALLEL_READS,
        plan.from_snapshots,
        on_batch,
    )


def _read_on_workers(
    plan: RunPlan, settings: DeploymentSettings, progress: RunProgress
) -> list[ParsedTracker]:
    """Read the trackers in `read-trackers` runs of a few each, spread over the workers."""

    def on_read(collaborative: CollaborativeConfig, tracker: ParsedTracker) -> None:
        _count_reads(progress, [(collaborative, tracker)])

    return read_on_workers(
        plan.selection.collaboratives,
        config_path=plan.config_path,
        as_of=plan.selection.as_of,
        run_date=plan.run_date,
        shared_folder=settings.outputs_root,
        per_run=settings.trackers_per_read_run,
        on_read=on_read,
    )


def _count_reads(
    progress: RunProgress, read: Iterable[tuple[CollaborativeConfig, ParsedTracker]]
) -> None:
    """Count trackers read, say each failure; move the bar and say the count, once a second."""
    logger = get_run_logger()
    for collaborative, tracker in read:
        progress.read += 1
        if tracker.failure:
            reason = tracker.failure.reason
            logger.info("%s: failed: %s", collaborative.name, reason, extra=PROGRESS)
    if show_progress(progress, force=progress.read == progress.trackers):
        logger.info(
            PROGRESS_READ.format(read=progress.read, trackers=progress.trackers), extra=PROGRESS
        )


if __name__ == "__main__":
    monthly_report_to_folder()
