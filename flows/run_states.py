"""How a monthly-report run ends: a state whose name and message say what happened.

A run in which a collaborative failed ends Failed, after every other collaborative's
outputs are written, so the runs list shows it and automations notify (interface.md
v1.1). Expected outcomes of bad input are logged once, at error level, without a
traceback.
"""

from __future__ import annotations

from pathlib import Path

from prefect import get_run_logger
from prefect.client.schemas.objects import State
from prefect.states import Completed, Failed

from flows.environment_failures import environment_failure
from stc_reporting.config import ConfigError
from stc_reporting.outputs.folder import FolderBusyError, OutputFolderError
from stc_reporting.outputs.summary import RunSummary

STOPPING_ERRORS = (ConfigError, FolderBusyError, OutputFolderError, OSError)
"""What stops a run for a reason a person acts on (the set-up, the machine), not a bug."""


def stopped(error: Exception, out_dir: Path | None = None) -> State:
    """A run stopped for a reason a person acts on (`STOPPING_ERRORS`): one line, no traceback.

    A config error or a busy folder stops the run before it writes anything. A fault of
    the machine (a full disk, an output folder that is a file or read-only) may stop it
    while writing: the output folder's transaction then leaves it as it was
    (docs/outputs.md), so no file is ever half-written.

    Args:
        error: One of `STOPPING_ERRORS`; its data, for `stc-report run` to report.
        out_dir: The run's output folder, named when the error names no file.
    """
    failure = environment_failure(error, out_dir)
    if failure is None:
        message = f"Stopped before writing anything: {error}"
    else:
        message = f"Stopped: {failure.line}"
    get_run_logger().error(message)
    return Failed(message=message, data=error)


def final_state(summary: RunSummary) -> State:
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
