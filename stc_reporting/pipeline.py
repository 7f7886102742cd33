"""The complete pipeline as one function: read → check → follow up → roll up → render → write.

`run_monthly_report` composes the named steps below, in that order, with no
orchestrator. Everything else runs the same steps: the Prefect flow
(`flows/monthly_report.py`) calls each step from one task (adding retries,
parallel reads and visibility), `stc-report validate` runs `read_and_check`, and
the benchmarks and tests call `run_monthly_report` or single steps. A test checks
that the flow and this function write identical `rollups.json` and `issues.csv`.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from stc_reporting.checks.followup import FOLLOWUP_FILE, FollowUp, followup_json, track_issues
from stc_reporting.checks.outliers import find_outliers
from stc_reporting.checks.validation import CheckWindow, validate_trackers
from stc_reporting.config import (
    CollaborativeConfig,
    Config,
    ConfigError,
    load_config,
    select_collaboratives,
)
from stc_reporting.figures.build import RunSelection, TracedRollups, build_traced_rollups
from stc_reporting.figures.document import Rollups
from stc_reporting.figures.periods import as_of_problem, last_day_of_previous_month
from stc_reporting.google_access import GoogleAccess
from stc_reporting.ingest.reading import ParsedTracker, read_tracker, unreadable_tracker
from stc_reporting.issues import Issue, sort_issues
from stc_reporting.locations import TEMPLATES_DIR, file_in_the_way
from stc_reporting.outputs.audit import audit_document
from stc_reporting.outputs.folder import OutputFolder, OutputFolderError, Transaction
from stc_reporting.outputs.publish_run import PublishResult, PublishRunError, publish_run
from stc_reporting.outputs.publisher_factory import publisher_for
from stc_reporting.outputs.runs import DraftRun, drafts_unchanged
from stc_reporting.outputs.summary import RunSummary, run_notes, summarise_run
from stc_reporting.outputs.writer import (
    WrittenFile,
    data_documents,
    snapshot_documents,
    write_run,
)
from stc_reporting.reports.document import RenderedDocument, RenderedReports
from stc_reporting.reports.funder import render_funder_reports
from stc_reporting.reports.narratives import NARRATIVES_FILE, NarrativesError, load_narratives
from stc_reporting.reports.pool import render_processes
from stc_reporting.reports.quality import render_dq_report
from stc_reporting.reports.texts import ProgramTexts
from stc_reporting.sources import TrackerTemporarilyUnavailableError
from stc_reporting.sources.factory import source_for
from stc_reporting.sources.sheets import SheetsReading, sheets_reading
from stc_reporting.sources.snapshot import SNAPSHOTS_FOLDER, recorded_dates, snapshot_path


class Step(StrEnum):
    """The pipeline's steps, in order, as a person watching a run reads them."""

    READ = "Reading trackers"
    CHECK = "Checking the data-quality rules"
    FOLLOW_UP = "Following issues up since the last run"
    ROLL_UP = "Computing figures"
    RENDER = "Rendering the reports"
    WRITE = "Writing the outputs"


Progress = Callable[[Step, str], None]
"""Told which step starts and, while reading, which tracker (a spinner, a log, a timer)."""

SecretReader = Callable[[], str | None]
"""Gives the service-account JSON kept in the Prefect Secret block, if any (the flow's)."""


@dataclass(frozen=True)
class RunPlan:
    """Everything a run needs to know before it reads a tracker.

    Attributes:
        config: The program config.
        config_path: The config file (acknowledgements.yaml sits beside it).
        selection: The collaboratives and as-of date of this run.
        out_dir: The run's output folder.
        compare_to: An earlier run's folder to follow issues up against, if not `out_dir`.
        run_date: The calendar day of the run (rules and "made on" use it).
        from_snapshots: A folder of an earlier run's snapshots to read the trackers
            from instead of their workbooks or Google Sheets.
        sheets: How the run reads Google Sheets (None when no tracker is one).
    """

    config: Config
    config_path: Path
    selection: RunSelection
    out_dir: Path
    compare_to: Path | None
    run_date: date
    from_snapshots: Path | None = None
    sheets: SheetsReading | None = None

    @property
    def is_partial(self) -> bool:
        """The run covers only some of the program's collaboratives (`--only`)."""
        return len(self.selection.collaboratives) < len(self.config.collaboratives)

    def describe(self) -> str:
        """The run in a few words, for a run that has to wait for this one."""
        ids = ", ".join(c.id for c in self.selection.collaboratives)
        return f"data as of {self.selection.as_of} ({ids})"


@dataclass(frozen=True)
class CheckedTrackers:
    """The trackers as read and every issue found in them, sorted."""

    trackers: list[ParsedTracker]
    issues: list[Issue]


def refuse_a_file_as_folder(out_dir: Path) -> None:
    """Stop before any tracker is read when the output folder, or a folder above it, is a file.

    Found only when writing, it would cost the whole run's reading and checking first.

    Raises:
        NotADirectoryError: Naming the file in the way.
    """
    blocking = file_in_the_way(out_dir)
    if blocking is not None:
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(blocking))


def plan_run(
    config_path: Path,
    out_dir: Path,
    as_of: date | None = None,
    only: Sequence[str] | None = None,
    compare_to: Path | None = None,
    run_date: date | None = None,
    from_snapshots: Path | None = None,
    google_secret: SecretReader | None = None,
) -> RunPlan:
    """Load the config and settle what a run covers (the flow's and CLI's parameters).

    Args:
        config_path: The program config file.
        out_dir: The run's output folder.
        as_of: Count records up to this day; default the last day of the previous month,
            or, replaying snapshots, the as-of date they were read for.
        only: Collaborative ids to include; None or empty for all.
        compare_to: An earlier run's folder to compare issues with.
        run_date: The day of the run; default today, or, replaying snapshots, the day
            they were read (so the rules compare dates with the same day).
        from_snapshots: A folder of an earlier run's snapshots to replay.
        google_secret: Reads the Prefect Secret block's service-account JSON; called
            only when a collaborative of the run has a `sheet_id` (and no replay).

    Raises:
        NotADirectoryError: `out_dir`, or a folder above it, is a file.
        ConfigError: The config cannot be used, `only` names an unknown id, `as_of` is
            in the future or before the program started, the snapshots replayed come
            from runs with different dates, or `STC_RENDER_PROCESSES` is no number.
    """
    refuse_a_file_as_folder(out_dir)
    render_processes()  # a bad STC_RENDER_PROCESSES stops the run now, not after reading
    config = load_config(config_path)
    collaboratives = select_collaboratives(config, list(only) if only else None)
    if from_snapshots is not None:
        as_of, run_date = _replayed_dates(from_snapshots, collaboratives, as_of, run_date)
    today = run_date or date.today()
    as_of = as_of or last_day_of_previous_month(today)
    if problem := as_of_problem(as_of, config.program.start, today):
        raise ConfigError(f"as-of date: {problem}")
    selection = RunSelection(tuple(collaboratives), as_of)
    sheets = None if from_snapshots else connect_sheets(config, collaboratives, google_secret)
    return RunPlan(
        config, config_path, selection, out_dir, compare_to, today, from_snapshots, sheets
    )


def _replayed_dates(
    folder: Path,
    collaboratives: Sequence[CollaborativeConfig],
    as_of: date | None,
    run_date: date | None,
) -> tuple[date | None, date | None]:
    """The dates a replay runs with: those given, else those the snapshots were read with."""
    try:
        recorded = recorded_dates(folder, [c.id for c in collaboratives])
    except ValueError as error:
        raise ConfigError(str(error)) from error
    if recorded is None:
        return as_of, run_date
    return as_of or recorded[0], run_date or recorded[1]


def connect_sheets(
    config: Config,
    collaboratives: Sequence[CollaborativeConfig],
    google_secret: SecretReader | None = None,
) -> SheetsReading | None:
    """Set up Google Sheets reading once for a run, if a collaborative of it needs it.

    Missing or unusable credentials are not raised: they become the reason each Google
    Sheets collaborative fails, and the `.xlsx` ones still report.

    Returns:
        The run's Sheets access, shared read limiter and retry policy; None without
        any `sheet_id` collaborative.
    """
    if not any(c.sheet_id for c in collaboratives):
        return None
    secret = google_secret() if google_secret is not None else None
    return sheets_reading(config.google, secret_json=secret)


# --- Read and check ---------------------------------------------------------------------


def fetch_tracker(
    collaborative: CollaborativeConfig,
    sheets: SheetsReading | None = None,
    from_snapshots: Path | None = None,
) -> ParsedTracker:
    """Read one collaborative's tracker from its configured source, or from its snapshot.

    Args:
        collaborative: Whose tracker to read.
        sheets: The run's Google Sheets access (see `connect_sheets`), for a `sheet_id`.
        from_snapshots: A folder of an earlier run's snapshots to read it from instead.

    Raises:
        TrackerTemporarilyUnavailableError: The source may answer on a later try.
    """
    return read_tracker(source_for(collaborative, sheets, from_snapshots), collaborative.id)


def _quiet(step: Step, detail: str) -> None:
    """Progress goes nowhere unless a caller shows it."""


def read_trackers(
    collaboratives: Sequence[CollaborativeConfig],
    progress: Progress = _quiet,
    sheets: SheetsReading | None = None,
    from_snapshots: Path | None = None,
) -> list[ParsedTracker]:
    """Read every tracker, one after the other; a source that does not answer fails alone.

    Args:
        collaboratives: Whose trackers to read, in order.
        progress: Told the collaborative's name before its tracker is read.
        sheets: The run's Google Sheets access (see `connect_sheets`).
        from_snapshots: A folder of an earlier run's snapshots to read them from.

    Returns:
        One tracker per collaborative, in the same order.
    """
    trackers = []
    for collaborative in collaboratives:
        progress(Step.READ, collaborative.name)
        try:
            trackers.append(fetch_tracker(collaborative, sheets, from_snapshots))
        except TrackerTemporarilyUnavailableError as error:
            reason = f"its source did not answer ({error}); try again later"
            trackers.append(unreadable_tracker(collaborative.id, reason))
    return trackers


def store_snapshots(
    folder: Path,
    trackers: Sequence[ParsedTracker],
    as_of: date,
    run_date: date,
    holder: str = "",
) -> list[str]:
    """Write the trackers' snapshots into a shared folder of reads, all at once.

    A run whose reads are spread over several workers gets its trackers this way: each
    reading run stores the snapshots of the trackers it read (`snapshots/<id>.json`: the
    cells ingest kept after its privacy step, or why a tracker could not be read) and
    the run that asked reads them back with `read_stored_snapshots`. The folder's
    transaction makes them appear whole or not at all.

    Args:
        folder: The folder of reads, made by the run that asked for them.
        trackers: The trackers as read.
        as_of: The run's as-of date.
        run_date: The day of the run.
        holder: Who is writing, shown to another reading run that has to wait.

    Returns:
        The files written, relative to the folder.

    Raises:
        OutputFolderError: The folder does not exist here: the worker does not see the
            storage of the run that asked (every worker must share it).
    """
    if not folder.is_dir():
        raise OutputFolderError(
            f"the folder of reads {folder} does not exist on this worker; every worker must "
            "share the folder the run that asked for the reads made it in (docs/operations.md)"
        )
    documents = snapshot_documents(trackers, as_of, run_date)
    with OutputFolder(folder).open(holder) as session, session.transaction() as transaction:
        for document in documents:
            transaction.put(document.path, document.content)
        return transaction.commit()


def read_stored_snapshots(
    collaboratives: Sequence[CollaborativeConfig], folder: Path
) -> list[ParsedTracker]:
    """Read back the trackers a reading run stored with `store_snapshots`.

    Reading a snapshot gives the same records and issues as reading the tracker did
    (docs/outputs.md, "Snapshots"); a tracker that could not be read comes back failed
    with its reason.

    Args:
        collaboratives: Whose trackers to read back, in order.
        folder: The folder of reads.

    Returns:
        One tracker per collaborative, in the same order; one without a snapshot in the
        folder comes back failed, saying so.
    """
    trackers = []
    for collaborative in collaboratives:
        if not (folder / snapshot_path(collaborative.id)).is_file():
            reason = (
                f"the run that read it finished without leaving its snapshot in {folder}; "
                "check that every worker shares that folder (docs/operations.md)"
            )
            trackers.append(unreadable_tracker(collaborative.id, reason))
            continue
        trackers.append(fetch_tracker(collaborative, from_snapshots=folder / SNAPSHOTS_FOLDER))
    return trackers


def check_trackers(
    config: Config, trackers: Sequence[ParsedTracker], run_date: date
) -> list[Issue]:
    """Run every data-quality rule; return all issues, reading and rules, sorted.

    Args:
        config: The program config (window and collaborative order).
        trackers: The trackers as read.
        run_date: The calendar day of the run.

    Returns:
        Every issue, in the order people read them.
    """
    window = CheckWindow(config.program.start, config.program.end, run_date)
    found = [issue for tracker in trackers for issue in tracker.issues]
    found += validate_trackers(trackers, window)
    for tracker in trackers:
        own = [issue for issue in found if issue.collaborative == tracker.collaborative]
        found += find_outliers(tracker, own)
    return sort_issues(found, [c.id for c in config.collaboratives])


def read_and_check(
    config: Config,
    collaboratives: Sequence[CollaborativeConfig],
    run_date: date,
    progress: Progress = _quiet,
    sheets: SheetsReading | None = None,
    from_snapshots: Path | None = None,
) -> CheckedTrackers:
    """Read the trackers and check them: the part of a run `stc-report validate` does.

    Args:
        config: The program config.
        collaboratives: Whose trackers to read, in order.
        run_date: The calendar day of the run (rules compare dates with it).
        progress: Told what is being done, for a person watching.
        sheets: The run's Google Sheets access (default: set up here when needed).
        from_snapshots: A folder of an earlier run's snapshots to read them from.
    """
    if sheets is None and from_snapshots is None:
        sheets = connect_sheets(config, collaboratives)
    trackers = read_trackers(collaboratives, progress, sheets, from_snapshots)
    progress(Step.CHECK, "")
    return CheckedTrackers(trackers, check_trackers(config, trackers, run_date))


def follow_up_issues(
    plan: RunPlan, issues: Sequence[Issue], trackers: Sequence[ParsedTracker]
) -> FollowUp:
    """Mark each issue new, still open or acknowledged against the previous run."""
    return track_issues(
        issues, trackers, plan.selection.as_of, plan.out_dir, plan.config_path, plan.compare_to
    )


# --- The output folder -------------------------------------------------------------------


@contextmanager
def output_transaction(
    plan: RunPlan, holder: str = "", on_wait: Callable[[str], None] | None = None
) -> Iterator[tuple[Transaction, list[str]]]:
    """Lock the run's output folder, settle what an interrupted run left, open a transaction.

    Everything from following issues up to writing happens inside, so two runs into one
    folder never interleave and the previous run's follow-up file is the one compared
    with (docs/outputs.md).

    Args:
        plan: The run.
        holder: Who is running, for a run that has to wait (default: the plan in words).
        on_wait: Told once, in a sentence, when this run has to wait for another.

    Yields:
        The transaction the writer commits, and what recovering the folder did, in words.

    Raises:
        FolderBusyError: Another run kept the folder for too long.
    """
    folder = OutputFolder(plan.out_dir)
    with (
        folder.open(holder or plan.describe(), on_wait=on_wait) as session,
        session.transaction() as transaction,
    ):
        yield transaction, session.recovery.describe()


# --- Roll up ---------------------------------------------------------------------------


def roll_up(
    plan: RunPlan, trackers: Sequence[ParsedTracker], issues: Sequence[Issue]
) -> TracedRollups:
    """Compute every figure of the run, and the rows each came from (`figures/build.py`).

    The rollups document and its lineage come from one computation: the reports are
    rendered from `.rollups`, and `write_outputs` writes `rollups.json` and `audit.xlsx`
    from both, so the audit shows exactly the figures written, without computing them again.
    """
    return build_traced_rollups(plan.config, plan.selection, trackers, issues)


# --- Render and write ---------------------------------------------------------------------


def render_reports(
    plan: RunPlan,
    rollups: Rollups,
    trackers: Sequence[ParsedTracker],
    issues: Sequence[Issue],
    templates: Path = TEMPLATES_DIR,
    is_draft: bool = True,
) -> RenderedReports:
    """Render the funder reports (drafts unless told): each ok collaborative's and the program's.

    The program report is made only when the run covers every collaborative. The
    templates folder holds the Word templates and `labels.<language>.yaml`; each
    report's language is the config's (`program.language`, a collaborative's `language`).
    The narratives come from `narratives.yaml` beside the config; when that file cannot be
    used, no report is made and the run says why, as for a broken labels file.
    """
    program = plan.config.program
    ids = [c.id for c in plan.config.collaboratives]
    try:
        narratives = load_narratives(plan.config_path.parent / NARRATIVES_FILE, ids)
    except NarrativesError as error:  # like a broken labels file: fix it, run again
        return RenderedReports(failures=[f"no report was made: {error}"])
    return render_funder_reports(
        rollups,
        plan.selection.collaboratives,
        trackers,
        issues,
        plan.run_date,
        templates,
        is_draft=is_draft,
        program_report=not plan.is_partial,
        language=plan.config.program.language,
        program_texts=ProgramTexts(
            organization=program.organization or "",
            serves=program.serves or "",
            language=program.language,
            serves_translations=program.serves_translations,
            narrative=narratives.program,
        ),
        narratives=narratives.collaboratives,
    )


def render_quality_report(
    plan: RunPlan,
    rollups: Rollups,
    trackers: Sequence[ParsedTracker],
    followup: FollowUp,
) -> list[RenderedDocument]:
    """Render the internal data-quality report and each collaborative's page, HTML and Word."""
    return render_dq_report(
        rollups,
        plan.selection.collaboratives,
        trackers,
        followup,
        plan.config.program,
        plan.run_date,
        languages={c.id: plan.config.language_of(c) for c in plan.selection.collaboratives},
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
    """Write the run: rollups, issues, follow-up, audit, reports, snapshots, then the manifest.

    `rollups.json` and `audit.xlsx` are both written from `traced` (see `roll_up`): the
    audit's figures are the file's by construction. A damaged follow-up file of this
    folder is kept under a dated name, never lost.
    """
    order = [c.id for c in plan.config.collaboratives]
    snapshots = snapshot_documents(trackers, plan.selection.as_of, plan.run_date)
    documents = [
        *data_documents(traced.rollups, issues, followup_json(followup)),
        audit_document(traced, order),
        *rendered,
        *snapshots,
    ]
    damaged = [FOLLOWUP_FILE] if followup.history_problem and plan.compare_to is None else []
    return write_run(transaction, documents, damaged)


def summarise(
    plan: RunPlan,
    rollups: Rollups,
    files: Sequence[WrittenFile],
    reports: RenderedReports,
    followup: FollowUp,
) -> RunSummary:
    """What the run wrote, each collaborative's outcome, and what it left as it was."""
    notes = run_notes(plan.out_dir, rollups, files, plan.is_partial, followup.history_problem)
    return summarise_run(rollups, str(plan.out_dir), files, reports.failures, notes)


# --- The whole run --------------------------------------------------------------------------


@dataclass(frozen=True)
class RunOutcome:
    """Everything a run produced, in memory, besides the files it wrote.

    Attributes:
        checked: The trackers as read and every issue.
        followup: Each issue's status against the previous run.
        rollups: The rollups document.
        reports: The funder reports rendered, and the ones that failed.
        files: Every file written, the manifest last.
        summary: What the run wrote and each collaborative's outcome.
    """

    checked: CheckedTrackers
    followup: FollowUp
    rollups: Rollups
    reports: RenderedReports
    files: list[WrittenFile]
    summary: RunSummary


def run_monthly_report(plan: RunPlan, progress: Progress = _quiet) -> RunOutcome:
    """Run the complete pipeline, step by step, with no orchestrator.

    Args:
        plan: What the run covers and where it writes (see `plan_run`).
        progress: Told as each step starts.

    Returns:
        What the run produced; its `summary` is what the flow returns.
    """
    checked = read_and_check(
        plan.config,
        plan.selection.collaboratives,
        plan.run_date,
        progress,
        plan.sheets,
        plan.from_snapshots,
    )
    with output_transaction(plan) as (transaction, _recovered):
        progress(Step.FOLLOW_UP, "")
        followup = follow_up_issues(plan, checked.issues, checked.trackers)
        progress(Step.ROLL_UP, "")
        traced = roll_up(plan, checked.trackers, checked.issues)
        rollups = traced.rollups
        progress(Step.RENDER, "")
        reports = render_reports(plan, rollups, checked.trackers, checked.issues)
        quality = render_quality_report(plan, rollups, checked.trackers, followup)
        progress(Step.WRITE, "")
        rendered = [*reports.documents, *reports.inputs, *quality]
        files = write_outputs(
            plan, transaction, traced, checked.issues, followup, rendered, checked.trackers
        )
    summary = summarise(plan, rollups, files, reports, followup)
    return RunOutcome(checked, followup, rollups, reports, files, summary)


# --- Publish an approved run ---------------------------------------------------------------


def publish_approved(
    draft: DraftRun,
    config: Config,
    reviewer: str,
    note: str | None,
    access: GoogleAccess | None = None,
) -> PublishResult:
    """Publish the finals of drafts a reviewer approved, exactly as reviewed.

    The drafts' hashes kept while the run waited must still match the run folder;
    then `publish_run` checks them again against the manifest, renders the finals
    and hands them to the configured publisher (Drive, or `RUN_DIR/final/`).

    Raises:
        PublishRunError: A draft changed since the review, or the folder is no run;
            nothing was published.
    """
    changed = drafts_unchanged(draft)
    if changed:
        raise PublishRunError("; ".join(changed) + ": nothing was published")
    run_dir = Path(draft.run_dir)
    return publish_run(run_dir, publisher_for(config, run_dir, access), reviewer, note)
