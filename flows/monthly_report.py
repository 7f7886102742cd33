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

import json
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from prefect import flow, get_run_logger, suspend_flow_run
from prefect.client.schemas.objects import State
from prefect.futures import PrefectFuture
from prefect.input import RunInput
from prefect.results import ResultStore, get_default_result_storage
from prefect.runtime import flow_run
from prefect.serializers import JSONSerializer
from prefect.states import Completed, Failed
from prefect.task_runners import ThreadPoolTaskRunner
from pydantic import BaseModel, Field, ValidationError

from flows.settings import DeploymentSettings
from stc_reporting.config import CollaborativeConfig, Config, ConfigError, load_config
from stc_reporting.google_access import SECRET_BLOCK
from stc_reporting.ingest.reading import ParsedTracker, unreadable_tracker
from stc_reporting.outputs.folder import FolderBusyError
from stc_reporting.outputs.publisher_factory import drive_folder_of
from stc_reporting.outputs.run_page import (
    file_address,
    issues_by_rule,
    review_markdown,
    run_links,
    served_address,
)
from stc_reporting.outputs.runs import DraftRun, draft_run, previous_run, run_folder
from stc_reporting.outputs.summary import RunSummary
from stc_reporting.outputs.writer import WrittenFile
from stc_reporting.pipeline import RunPlan, output_transaction, plan_run, summarise
from stc_reporting.run_request import ReportRequest, request_form, scope_words
from tasks.outputs import show_progress, show_results, start_progress, write_outputs
from tasks.publishing import publish_approved, share_drafts
from tasks.reports import render_data_quality_report, render_reports
from tasks.rollups import compute_rollups
from tasks.sources import read_tracker, share_sheets_quota
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


class Approval(RunInput):
    """The reviewer's answer (interface.md: `approve`, `reviewer`, `note`)."""

    approve: bool = Field(
        default=False,
        title="Approve and publish",
        description="Yes publishes these drafts, as they are, to the funder's folder. "
        "No publishes nothing.",
    )
    reviewer: str = Field(
        title="Your name",
        description="Recorded with your answer, whichever it is (the server has no logins).",
    )
    note: str = Field(
        default="",
        title="Note",
        description="Optional: what you checked, or why you did not approve.",
    )


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
    except (ConfigError, FolderBusyError) as error:
        return _stopped(error)


def _report(request: ReportRequest, settings: DeploymentSettings) -> State:
    """The deployments' run: drafts (or those written before a resume), then approval."""
    config = load_config(settings.config)
    written = _recall_drafts()
    if written is None:
        written = _write_run(_plan(settings, config, request), settings)
        if request.publish and settings.allow_publish:
            _remember_drafts(written)
    else:
        get_run_logger().info("Resumed: back to the drafts in %s", written.draft.run_dir)
    if not request.publish:
        return _final_state(written.summary)
    if not settings.allow_publish:
        get_run_logger().warning(
            "This deployment never publishes (STC_ALLOW_PUBLISH is false): drafts only"
        )
        return _final_state(written.summary)
    return _approve_and_publish(written, config, settings)


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
        return _final_state(_write_run(plan, DeploymentSettings()).summary)
    except (ConfigError, FolderBusyError) as error:
        return _stopped(error)


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


class _Written(BaseModel):
    """A run's outcome, the drafts it put up for review, and the review form's text."""

    summary: RunSummary
    draft: DraftRun
    review: str


def _write_run(plan: RunPlan, settings: DeploymentSettings) -> _Written:
    """Read, check, follow up, roll up, render, write; show the results on the run's page."""
    logger = get_run_logger()
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
        quality = render_data_quality_report(plan, rollups, trackers, followup)
        rendered = [*reports.documents, *reports.inputs, *quality]
        files = write_outputs(plan, transaction, rollups, issues, followup, rendered, trackers)
    summary = summarise(plan, rollups, files, reports, followup)
    names = {c.id: c.name for c in plan.config.collaboratives}
    address = (
        served_address(settings.outputs_root, settings.outputs_url)
        if settings.outputs_url
        and plan.out_dir.resolve().is_relative_to(settings.outputs_root.resolve())
        else file_address
    )
    links = run_links(plan.out_dir, files, names, _shared_in_drive(plan, files), address)
    show_results(summary, rollups, issues, links, str(flow_run.name or ""), names)
    logger.info("Wrote %d files to %s", len(files), plan.out_dir, extra=PROGRESS)
    draft = draft_run(plan.out_dir, files, summary)
    wait_days = settings.approval_timeout_hours / 24
    review = review_markdown(summary, issues_by_rule(issues), links, wait_days)
    return _Written(summary=summary, draft=draft, review=review)


def _shared_in_drive(plan: RunPlan, files: list[WrittenFile]) -> dict[str, str]:
    """Put the drafts in the reviewers' Drive folder, when one is configured."""
    google = plan.config.google
    if google is None or google.drafts_folder_id is None:
        return {}
    month = f"{plan.selection.as_of:%Y-%m}"
    folder = google.drafts_folder_id
    return share_drafts(plan.config, folder, plan.out_dir, files, month, google_secret_json())


def _stopped(error: ConfigError | FolderBusyError) -> State:
    """A run stopped before writing anything, for a reason a person acts on: no traceback."""
    message = f"Stopped before writing anything: {error}"
    get_run_logger().error(message)
    return Failed(message=message, data=error)


def _final_state(summary: RunSummary) -> State:
    """Completed when everyone reported; Failed, naming who failed and why, otherwise.

    Failures are logged here, once, at error level, without a traceback: they are
    expected outcomes of bad input, not bugs.
    """
    problems = [f"{c.name} failed: {c.reason}" for c in summary.failed]
    problems += [f"report not made: {failure}" for failure in summary.report_failures]
    if not problems:
        return Completed(
            message=f"Every collaborative reported (data as of {summary.as_of})", data=summary
        )
    reported = len(summary.collaboratives) - len(summary.failed)
    message = (
        f"{'; '.join(problems)}. {reported} of {len(summary.collaboratives)} collaboratives "
        f"reported; their outputs are in {summary.out_dir}"
    )
    get_run_logger().error(message)
    return Failed(message=message, data=summary)


# --- Approval ---------------------------------------------------------------------------------


def _draft_key() -> str:
    return f"stc-draft-run-{flow_run.id}"


def _remember_drafts(written: _Written) -> None:
    """Keep the run folder, the drafts' hashes, the outcome and the review text.

    Stored in Prefect's result storage under the flow run's id while the run waits for
    approval, so a resumed run (a new process, maybe on another worker) finds them:
    counts, names and hashes only, no tracker content.
    """
    _waiting_store().write(written.model_dump_json(), key=_draft_key())


def _waiting_store() -> ResultStore:
    """Prefect's default result storage (`PREFECT_LOCAL_STORAGE_PATH`, or a shared block).

    The flow persists no results of its own (they would hold tracker content), so this
    store is named explicitly; with workers on several machines, point
    `PREFECT_DEFAULT_RESULT_STORAGE_BLOCK` at storage they share (docs/operations.md).
    """
    return ResultStore(result_storage=get_default_result_storage(), serializer=JSONSerializer())


def _recall_drafts() -> _Written | None:
    """What this run wrote before it waited for approval, if it is resuming."""
    store = _waiting_store()
    if not store.exists(_draft_key()):
        return None
    return _Written.model_validate_json(store.read(_draft_key()).result)


def _approve_and_publish(written: _Written, config: Config, settings: DeploymentSettings) -> State:
    """Wait for the reviewer (the worker is freed meanwhile); publish only on approval."""
    logger = get_run_logger()
    draft, description = written.draft, written.review
    if not draft.drafts:
        logger.error("No funder report was written, so there is nothing to approve")
        return _final_state(draft.summary)
    answer = _answer(description, settings)
    if not answer.approve or not answer.reviewer.strip():
        who = answer.reviewer.strip() or "the reviewer"
        note = f" Note: {answer.note}" if answer.note else ""
        logger.warning("Not approved by %s: nothing was published.%s", who, note)
        return Completed(
            name="Not approved",
            message=f"Not approved by {who}: nothing was published.{note}",
        )
    reviewer = answer.reviewer.strip()
    secret = google_secret_json() if drive_folder_of(config) else None
    result = publish_approved(draft, config, reviewer, answer.note or None, secret)
    published = len(result.publication.files) if result.publication else 0
    outcome = f"Approved by {reviewer}: {published} finals published to {result.destination}"
    if result.failures:
        message = f"{outcome}; not published: {'; '.join(result.failures)}"
        logger.error(message)
        return Failed(message=message, data=draft.summary)
    drafted = _final_state(draft.summary)
    if drafted.is_failed():
        return Failed(message=f"{drafted.message}. {outcome}", data=draft.summary)
    return Completed(name="Published", message=outcome)


_ASK_AGAIN = "**Please give your name: every answer is recorded with the reviewer's name.**"
_MOST_ASKS = 3


def _answer(description: str, settings: DeploymentSettings) -> Approval:
    """Ask until the reviewer's answer carries a name (a few times at most).

    The form's fields are checked only after the run resumes (Prefect validates run
    input on load), so an answer without a name is asked again, never taken.
    """
    text = description
    for attempt in range(1, _MOST_ASKS + 1):
        key = "approval" if attempt == 1 else f"approval-{attempt}"
        try:
            answer = _ask(text, settings, key)
        except ValidationError:
            answer = None
        if answer is not None and answer.reviewer.strip():
            return answer
        text = f"{_ASK_AGAIN}\n\n{description}"
    return Approval(approve=False, reviewer="", note="no reviewer's name was given")


def _ask(description: str, settings: DeploymentSettings, key: str) -> Approval:
    """Suspend the run until the reviewer answers the form (the process exits meanwhile)."""
    return suspend_flow_run(
        wait_for_input=Approval.with_initial_data(description=description),
        timeout=int(settings.approval_timeout_hours * 3600),
        key=key,
    )


# --- Google and progress ------------------------------------------------------------------


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
    progress: UUID = start_progress(len(collaboratives))
    trackers = []
    for done, (collaborative, future) in enumerate(
        zip(collaboratives, futures, strict=True), start=1
    ):
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
        show_progress(progress, done, len(collaboratives))
        trackers.append(tracker)
    return trackers


if __name__ == "__main__":
    monthly_report_to_folder()
