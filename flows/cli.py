"""`stc-report`: the command line for program managers and schedulers.

`run` runs the Prefect flow `monthly-report` end to end; `validate` only reads
and checks the trackers and prints what to fix, and which monthly submissions are
missing or late by `--as-of`. Exit status: 0 every selected
collaborative reported, 1 at least one failed, 2 a config or usage error.

A failure of the environment (an output folder that is a file or read-only, a full
disk, a path that loops, an unreachable Prefect API) ends in one line on stderr, no
traceback, with status 2 when the set-up must be fixed and 1 when the run failed on the
way (`flows/environment_failures.py`). A bug keeps its traceback.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from flows.environment_failures import EXIT_FIX_SETUP, environment_failure
from flows.prefect_api import PrefectApiUnreachableError
from stc_reporting.config import (
    Config,
    ConfigError,
    collaborative_entry_yaml,
    load_config,
    select_collaboratives,
)
from stc_reporting.contract.tabs import SUBMISSIONS
from stc_reporting.figures.periods import as_of_problem, last_day_of_previous_month
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.ingest.records import build_records
from stc_reporting.issues import Issue, Severity
from stc_reporting.outputs.folder import FolderBusyError
from stc_reporting.outputs.writer import issues_csv_bytes
from stc_reporting.reports.quality import month_grid
from stc_reporting.sources.snapshot import recorded_dates

if TYPE_CHECKING:  # the Google clients load only for the commands that use them
    from stc_reporting.google_access import GoogleAccess

EXIT_OK, EXIT_COLLABORATIVE_FAILED, EXIT_USAGE = 0, 1, 2
COLLABORATIVE_ID = re.compile(r"[a-z0-9-]+")

# Defaults for running Prefect in-process from a terminal; an explicit environment
# (a worker, a Prefect profile) wins. Prefect's console logs are silent: this CLI shows
# the progress, the warnings and the outcome itself, each in one line (a failed task's
# traceback is no news to a program manager); the full logs still reach the Prefect
# API and UI.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
}

app = typer.Typer(
    help="Safety Through Connection reporting: check trackers, compute figures, write outputs.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
console = Console()
errors = Console(stderr=True)

ConfigOption = Annotated[
    Path, typer.Option("--config", help="The program config file.", show_default=True)
]
AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        help="Count records up to this day (YYYY-MM-DD). Default: last day of previous month.",
        show_default=False,
    ),
]
ValidateAsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        help="List monthly submissions missing or late by this day (YYYY-MM-DD). "
        "Default: last day of previous month. The rules always compare with today.",
        show_default=False,
    ),
]
OnlyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--only",
        help="Only these collaborative ids: --only fresno oakland, or repeat --only.",
        show_default=False,
    ),
]
_EXTRA_ARGS = {"allow_extra_args": True}

P = ParamSpec("P")
R = TypeVar("R")


def environment_failures_in_one_line(command: Callable[P, R]) -> Callable[P, R]:
    """End the command in one line, no traceback, when the environment fails it.

    Only failures of the environment are caught (`environment_failure`, an unreachable
    Prefect API): a bug still shows its traceback.
    """

    @wraps(command)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except PrefectApiUnreachableError as error:
            _stop(str(error), EXIT_FIX_SETUP, error)
        except Exception as error:
            failure = environment_failure(error, _out_dir(kwargs))
            if failure is None:
                raise
            _stop(failure.line, failure.exit_code, error)

    return guarded


def _out_dir(arguments: dict[str, object]) -> Path | None:
    out = arguments.get("out")
    return out if isinstance(out, Path) else None


def _stop(line: str, exit_code: int, error: Exception) -> NoReturn:
    errors.print(f"[bold red]Stopped:[/] {escape(line)}", highlight=False, soft_wrap=True)
    raise typer.Exit(exit_code) from error


def _only_ids(ctx: typer.Context, only: list[str] | None) -> list[str] | None:
    """Collect `--only a b` as well as `--only a --only b` and `--only a,b`."""
    extra = list(ctx.args)
    if extra and not only:
        raise typer.BadParameter(f"unexpected argument(s): {' '.join(extra)}")
    ids = [part.strip() for item in [*(only or []), *extra] for part in item.split(",")]
    return [identifier for identifier in ids if identifier] or None


def _load(config_path: Path, only: list[str] | None) -> Config:
    try:
        config = load_config(config_path)
        select_collaboratives(config, only)
    except ConfigError as error:
        errors.print(f"[bold red]Config error[/] {escape(str(error))}", highlight=False)
        raise typer.Exit(EXIT_USAGE) from error
    return config


def _check_snapshots(folder: Path, config: Config, only: list[str] | None) -> None:
    """Stop before the flow starts when the snapshots cannot make one run again."""
    problem = None if folder.is_dir() else f"--from-snapshots {folder} is not a folder"
    if problem is None:
        try:
            recorded_dates(folder, [c.id for c in select_collaboratives(config, only)])
        except ValueError as error:
            problem = str(error)
    if problem is not None:
        errors.print(f"[bold red]Cannot replay:[/] {escape(problem)}", highlight=False)
        raise typer.Exit(EXIT_USAGE)


def _check_as_of(as_of: date, config: Config) -> None:
    """Stop before the flow starts for an as-of date in the future or before the program."""
    problem = as_of_problem(as_of, config.program.start, date.today())
    if problem is not None:
        errors.print(f"[bold red]--as-of:[/] {escape(problem)}", highlight=False)
        raise typer.Exit(EXIT_USAGE)


@app.command(context_settings=_EXTRA_ARGS)
@environment_failures_in_one_line
def run(
    ctx: typer.Context,
    config: ConfigOption = Path("config/program.yaml"),
    out: Annotated[Path, typer.Option("--out", help="Folder for the outputs.")] = Path("out"),
    as_of: AsOfOption = None,
    only: OnlyOption = None,
    compare_to: Annotated[
        Path | None,
        typer.Option(
            "--compare-to",
            help="An earlier run's output folder to compare issues "
            "with (default: the earlier run in --out).",
            show_default=False,
        ),
    ] = None,
    from_snapshots: Annotated[
        Path | None,
        typer.Option(
            "--from-snapshots",
            help="Make an earlier run again from its snapshots folder instead of the "
            "trackers (default --as-of: the one the snapshots were read for).",
            show_default=False,
        ),
    ] = None,
    no_reports: Annotated[
        bool,
        typer.Option(
            "--no-reports",
            help="Skip rendering the funder reports and the data-quality report (an "
            "operator's option, to time or test the rest of the run; report drafts "
            "already in --out stay as they were).",
        ),
    ] = False,
) -> None:
    """Run the monthly-report flow: check trackers, compute figures, write outputs."""
    ids = _only_ids(ctx, only)
    loaded = _load(config, ids)
    if from_snapshots is not None:
        _check_snapshots(from_snapshots, loaded, ids)
    elif as_of is not None:
        _check_as_of(as_of.date(), loaded)
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    from flows.prefect_api import prefect_api

    handler = _ProgressHandler()
    try:
        with (
            console.status("Starting the monthly-report flow...", spinner="dots") as status,
            prefect_api(meanwhile=_import_the_run),
        ):
            from flows.monthly_report import run_to_folder

            # Only now: importing Prefect's flow engine sets its logging up afresh.
            logging.getLogger("prefect.flow_runs").addHandler(handler)
            handler.status = status
            summary = run_to_folder(
                config_path=str(config),
                as_of=as_of.date() if as_of else None,
                only=ids,
                out_dir=str(out),
                compare_to=str(compare_to) if compare_to else None,
                from_snapshots=str(from_snapshots) if from_snapshots else None,
                no_reports=no_reports,
            )
    except (FolderBusyError, ConfigError) as error:
        errors.print(f"[bold red]Stopped:[/] {escape(str(error))}", highlight=False)
        raise typer.Exit(EXIT_USAGE) from error
    finally:
        logging.getLogger("prefect.flow_runs").removeHandler(handler)
    _print_run_summary(summary)
    raise typer.Exit(summary.exit_code)


def _import_the_run() -> None:
    """Import the flow and Great Expectations (seconds) while the Prefect server starts."""
    import flows.monthly_report  # noqa: F401  (deferred: seconds, with Prefect and the domain)
    from stc_reporting.checks.validation import import_great_expectations

    import_great_expectations()


class _ProgressHandler(logging.Handler):
    """Shows the flow's progress lines under the spinner, and its warnings, as they come.

    Errors are not shown here: the summary (or the one line of a stopped run) says them.
    """

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.status: object | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "progress", False):
            console.print(f"  [dim]•[/] {escape(record.getMessage())}", highlight=False)
            update = getattr(self.status, "update", None)
            if update is not None:
                update(record.getMessage() + "...")
        elif record.levelno == logging.WARNING:
            errors.print(f"[yellow]Warning:[/] {escape(record.getMessage())}", highlight=False)


def _print_run_summary(summary: object) -> None:
    from stc_reporting.outputs.summary import (
        SHOWN_AT_MOST,
        RunSummary,
        files_written,
        rows_to_show,
    )

    assert isinstance(summary, RunSummary)
    table = Table(title=f"Data as of {summary.as_of}", title_justify="left")
    for header in ("Collaborative", "Status", "Errors", "Warnings", "Privacy", "Rows excluded"):
        table.add_column(
            header, justify="left" if header in ("Collaborative", "Status") else "right"
        )
    rows = rows_to_show(summary.collaboratives)
    for c in rows.shown:
        status = "[green]ok[/]" if c.status == "ok" else f"[red]failed[/]: {escape(c.reason or '')}"
        counts = (str(c.errors), str(c.warnings), str(c.privacy), str(c.rows_excluded))
        table.add_row(Text(c.name), status, *counts)
    console.print(table)
    for line in rows.more:
        console.print(f"… {escape(line)}.", highlight=False)
    reports = [f for f in summary.files if f.startswith("reports/")]
    others = files_written([f for f in summary.files if not f.startswith("reports/")])
    console.print(f"Wrote to [bold]{escape(summary.out_dir)}[/]: {', '.join(others)}")
    console.print(f"Report drafts for review: {len(reports)} in {escape(summary.out_dir)}/reports/")
    for failure in summary.report_failures:
        console.print(f"[bold red]Report not made:[/] {escape(failure)}", highlight=False)
    for note in summary.notes:
        console.print(f"[yellow]Note:[/] {escape(note)}", highlight=False)
    if summary.failed:
        failed = [c.id for c in summary.failed]
        names = ", ".join(failed[:SHOWN_AT_MOST])
        if len(failed) > SHOWN_AT_MOST:
            names += f" and {len(failed) - SHOWN_AT_MOST:,} more"
        console.print(f"[bold red]{len(summary.failed)} collaborative(s) failed:[/] {names}")
    elif summary.report_failures:
        count = len(summary.report_failures)
        console.print(f"[bold red]Every collaborative reported, but {count} report(s) failed.[/]")
    else:
        console.print("[bold green]Every collaborative reported.[/]")


class OutputFormat(StrEnum):
    """How `validate` prints the issues."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"


@app.command(context_settings=_EXTRA_ARGS)
@environment_failures_in_one_line
def validate(
    ctx: typer.Context,
    config: ConfigOption = Path("config/program.yaml"),
    as_of: ValidateAsOfOption = None,
    only: OnlyOption = None,
    severity: Annotated[
        list[Severity] | None,
        typer.Option(
            "--severity", help="Only issues of this severity (repeatable).", show_default=False
        ),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table for people; csv or json for programs.")
    ] = OutputFormat.TABLE,
) -> None:
    """Read and check the trackers only, and print what to fix, cell by cell."""
    from stc_reporting.pipeline import read_and_check

    ids = _only_ids(ctx, only)
    loaded = _load(config, ids)
    collaboratives = select_collaboratives(loaded, ids)
    if as_of is not None:
        _check_as_of(as_of.date(), loaded)
    # The rules compare with the day of the run, never as_of (tracker-format.md);
    # as_of says which months' submissions are due.
    due_by = as_of.date() if as_of else last_day_of_previous_month(date.today())
    with console.status("Reading trackers...") as status:
        checked = read_and_check(
            loaded,
            collaboratives,
            date.today(),
            lambda step, detail: status.update(f"{step}: {detail}..." if detail else f"{step}..."),
        )
    trackers, issues = checked.trackers, checked.issues
    shown = [i for i in issues if not severity or i.severity in severity]
    if output is OutputFormat.CSV:
        sys.stdout.write(issues_csv_bytes(shown).decode("utf-8"))
    elif output is OutputFormat.JSON:
        sys.stdout.write(
            json.dumps([_issue_json(i) for i in shown], indent=2, ensure_ascii=False) + "\n"
        )
    else:
        _print_issues(shown)
    failed = 0
    for collaborative, tracker in zip(collaboratives, trackers, strict=True):
        own = [i for i in issues if i.collaborative == collaborative.id]
        counts = ", ".join(f"{sum(1 for i in own if i.severity is s)} {s.value}" for s in Severity)
        state = (
            f"[red]failed: {escape(tracker.failure.reason)}[/]"
            if tracker.failure
            else "[green]ok[/]"
        )
        line = f"{collaborative.id}: {state} ({counts})"
        if not tracker.failed:
            line += f"; {_submissions_due(loaded, tracker, own, due_by)}"
        target = console if output is OutputFormat.TABLE else errors
        target.print(line, highlight=False)
        failed += tracker.failed
    raise typer.Exit(EXIT_COLLABORATIVE_FAILED if failed else EXIT_OK)


def _submissions_due(config: Config, tracker: ParsedTracker, issues: list[Issue], by: date) -> str:
    """The months missing or late by `by`, as the data-quality report's month grid shows them."""
    records = build_records(tracker, issues)
    if SUBMISSIONS.name not in records.tabs_present:
        return "no Submissions tab"
    grid = month_grid(records.submissions, True, config.program.years, config.program.start, by)
    months = [month for year in grid for month in year.months]
    missing = [month.label for month in months if month.state == "missing"]
    late = [month.label for month in months if month.state == "late"]
    if not missing and not late:
        return f"every month due by {by} submitted on time"
    parts = [
        f"{len(found)} {state} ({', '.join(found)})"
        for state, found in (("missing", missing), ("late", late))
        if found
    ]
    return f"submissions due by {by}: " + ", ".join(parts)


def _issue_json(issue: Issue) -> dict[str, object]:
    return {
        "collaborative": issue.collaborative,
        "tab": issue.tab,
        "row": issue.row,
        "column": issue.column,
        "cell": issue.cell,
        "value": issue.value,
        "severity": issue.severity.value,
        "rule": issue.rule,
        "message": issue.message,
        "link": issue.link,
    }


_SEVERITY_STYLE = {
    Severity.STRUCTURAL: "bold red",
    Severity.ERROR: "red",
    Severity.PRIVACY: "magenta",
    Severity.WARNING: "yellow",
}


def _print_issues(issues: list[Issue]) -> None:
    if not issues:
        console.print("[green]No data-quality issues.[/]")
        return
    table = Table(show_lines=False, expand=True)
    for header in ("Collaborative", "Tab", "Row", "Column", "Value", "Severity", "Problem"):
        table.add_column(header, overflow="fold")
    for issue in issues:
        style = _SEVERITY_STYLE[issue.severity]
        table.add_row(
            issue.collaborative,
            issue.tab,
            "" if issue.row is None else str(issue.row),
            Text(issue.column),
            Text(issue.value),
            Text(issue.severity.value, style=style),
            Text(issue.message),
        )
    console.print(table)


# --- publish and new-tracker (Google Drive, or RUN_DIR/final/) ---------------------------


def _drive_access(loaded: Config) -> GoogleAccess | None:
    """Google access when a Drive folder is configured (else None); exit 2 without credentials."""
    from stc_reporting.google_access import GoogleAccessError
    from stc_reporting.outputs.publisher_factory import drive_access

    try:
        return drive_access(loaded)
    except GoogleAccessError as error:
        errors.print(f"[bold red]Google access:[/] {escape(str(error))}", highlight=False)
        raise typer.Exit(EXIT_USAGE) from error


@app.command()
@environment_failures_in_one_line
def publish(
    run_dir: Annotated[
        Path, typer.Argument(help="The output folder of the reviewed run (its --out).")
    ],
    reviewer: Annotated[
        str, typer.Option("--reviewer", help="Who reviewed the drafts and approves them.")
    ],
    note: Annotated[
        str | None, typer.Option("--note", help="A note recorded with the publication.")
    ] = None,
    config: ConfigOption = Path("config/program.yaml"),
) -> None:
    """Publish the finals of a reviewed run: to google.drive_folder_id, else RUN_DIR/final/."""
    from stc_reporting.outputs.publish_run import PUBLISHED_FILE, PublishRunError, publish_run
    from stc_reporting.outputs.publisher_factory import publisher_for

    loaded = _load(config, None)
    publisher = publisher_for(loaded, run_dir, _drive_access(loaded))
    try:
        with console.status(f"Publishing the finals to {publisher.destination}..."):
            result = publish_run(
                run_dir,
                publisher,
                reviewer,
                note,
                on_wait=lambda message: errors.print(f"[yellow]{escape(message)}[/]"),
            )
    except (PublishRunError, FolderBusyError) as error:
        errors.print(f"[bold red]Nothing published:[/] {escape(str(error))}", highlight=False)
        raise typer.Exit(EXIT_USAGE) from error
    published = result.publication.files if result.publication else []
    for report in published:
        console.print(f"[green]Published[/] {escape(report.file)}: {escape(report.link)}")
    for failure in result.failures:
        errors.print(f"[bold red]Not published:[/] {escape(failure)}", highlight=False)
    if result.publication:
        console.print(f"Recorded in {escape(str(run_dir / PUBLISHED_FILE))}.")
    total = len(published) + len(result.failures)
    summary = f"{len(published)} of {total} final(s) published to {result.destination}."
    console.print(escape(summary), style="bold green" if not result.failures else "bold red")
    raise typer.Exit(result.exit_code)


@app.command("new-tracker")
@environment_failures_in_one_line
def new_tracker(
    identifier: Annotated[
        str, typer.Argument(metavar="ID", help="The new collaborative's id: [a-z0-9-]+.")
    ],
    name: Annotated[str, typer.Option("--name", help="The collaborative's name.")],
    city: Annotated[
        str | None, typer.Option("--city", help="Its city, for the config entry.")
    ] = None,
    config: ConfigOption = Path("config/program.yaml"),
) -> None:
    """Make a new tracker: the blank template as a Google Sheet in the configured Drive folder."""
    from stc_reporting.outputs.drive import DriveError, create_tracker_sheet
    from stc_reporting.outputs.publisher_factory import drive_folder_of

    if not COLLABORATIVE_ID.fullmatch(identifier):
        errors.print(f"[bold red]Usage:[/] ID must be [a-z0-9-]+, not {escape(identifier)!r}")
        raise typer.Exit(EXIT_USAGE)
    loaded = _load(config, None)
    if any(c.id == identifier for c in loaded.collaboratives):
        errors.print(f"[bold red]Usage:[/] {escape(str(config))} already has id {identifier}")
        raise typer.Exit(EXIT_USAGE)
    folder_id = drive_folder_of(loaded)
    access = _drive_access(loaded)
    if folder_id is None or access is None:
        errors.print(
            "[bold red]Config error[/] new-tracker needs google.drive_folder_id: the Drive "
            "folder (in a Shared Drive) where the tracker is made",
            highlight=False,
        )
        raise typer.Exit(EXIT_USAGE)
    try:
        sheet = create_tracker_sheet(access, folder_id, name)
    except (DriveError, OSError) as error:
        errors.print(f"[bold red]No tracker made:[/] {escape(str(error))}", highlight=False)
        raise typer.Exit(EXIT_COLLABORATIVE_FAILED) from error
    console.print(f"Made the Google Sheet {escape(sheet.name)}: {escape(sheet.link)}")
    console.print(f"Add this entry under collaboratives: in {escape(str(config))}:\n")
    console.print(escape(collaborative_entry_yaml(identifier, name, sheet.id, city)), end="")
    console.print(
        f"\nThen share the Sheet with the people who keep the tracker (as Editor); "
        f"{escape(access.email)} can already read it."
    )
    raise typer.Exit(EXIT_OK)


def main() -> None:
    """Entry point for `python -m flows.cli`."""
    app()


if __name__ == "__main__":
    main()
