"""How a monthly-report run ends: a state whose name and message say what happened.

A run in which a collaborative failed ends Failed, after every other collaborative's
outputs are written, so the runs list shows it and automations notify (interface.md
v1.1). Expected outcomes of bad input are logged once, at error level, without a
traceback.
"""

from __future__ import annotations

from prefect import get_run_logger
from prefect.client.schemas.objects import State
from prefect.states import Completed, Failed

from stc_reporting.config import ConfigError
from stc_reporting.outputs.folder import FolderBusyError
from stc_reporting.outputs.summary import RunSummary


def stopped(error: ConfigError | FolderBusyError) -> State:
    """A run stopped before writing anything, for a reason a person acts on: no traceback."""
    message = f"Stopped before writing anything: {error}"
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
