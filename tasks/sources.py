"""Fetching trackers: one task run per collaborative, retried on passing faults.

Also what a run that reads on behalf of another (`flows/read_trackers.py`) needs: the
tracker or a failed one for each read, and a task that stores their snapshots.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, cast

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import State
from prefect.concurrency.sync import rate_limit
from prefect.exceptions import ObjectNotFound
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run as prefect_flow_run
from prefect.tasks import exponential_backoff

from stc_reporting import pipeline
from stc_reporting.config import CollaborativeConfig
from stc_reporting.google_access import SECRET_BLOCK
from stc_reporting.ingest.reading import ParsedTracker, unreadable_tracker
from stc_reporting.pipeline import fetch_tracker
from stc_reporting.sources import TrackerTemporarilyUnavailableError
from stc_reporting.sources.sheets import SheetsReading

SHEETS_READS_LIMIT = "sheets-reads"
"""The Prefect global concurrency limit that every worker's Sheets reads share, if it exists.

Create it once per server (`make sheets-reads-limit`): a limit of 60 with a slot decay of
1 per second lets 60 reads through at once, then one more each second.
"""


READ_TRIES = 4
"""How many times the read task runs when its source does not answer (3 retries)."""

READS_KEPT_FAILING = "its source did not answer after {tries} tries ({error}); try again later"
"""Why a collaborative failed whose read kept meeting passing faults until its retries ran out."""

READ_STOPPED = (
    "reading it stopped on an unexpected error ({error}), which was not retried; "
    "the run's log in the Prefect UI has the details to report to the pipeline's maintainers"
)
"""Why a collaborative failed whose read raised something no source reports (a bug)."""


def _is_passing_fault(task: object, task_run: object, state: object) -> bool:
    """Retry only faults that may clear (rate limits, 5xx, time-outs), never bad data."""
    try:
        state.result()  # type: ignore[attr-defined]
    except TrackerTemporarilyUnavailableError:
        return True
    except Exception:
        return False
    return False


# Tracker contents are never cached or persisted: they may hold text that must
# not be stored outside the tracker (privacy rules, docs/privacy.md).
@task(
    name="read tracker",
    task_run_name="read {collaborative.id}",
    retries=READ_TRIES - 1,
    retry_delay_seconds=exponential_backoff(backoff_factor=2),
    retry_jitter_factor=0.5,
    retry_condition_fn=_is_passing_fault,
    cache_policy=NO_CACHE,
    persist_result=False,
)
def read_tracker(
    collaborative: CollaborativeConfig,
    sheets: SheetsReading | None = None,
    from_snapshots: Path | None = None,
) -> ParsedTracker:
    """Read one collaborative's tracker from its workbook or Google Sheet, or its snapshot.

    A Google Sheet is read in one request with its own bounded retries, within
    `google.timeout_seconds`, and every read of this run shares one read limiter
    (`google.reads_per_minute`); with a `SHEETS_READS_LIMIT` on the server, each request
    also takes one of its slots (see `share_sheets_quota`).
    """
    return fetch_tracker(collaborative, sheets, from_snapshots)


def share_sheets_quota(sheets: SheetsReading | None) -> SheetsReading | None:
    """Make every Sheets request of this run take a slot of `SHEETS_READS_LIMIT`, if it exists.

    Looked up once per run, and only when a tracker of the run is a Google Sheet. Without
    the limit (or on a server without one) the run's local limiter alone keeps the quota,
    which is enough while one flow run reads in one process; the local limiter applies
    with the limit too.

    Args:
        sheets: The run's Google Sheets reading (None: no tracker is a Google Sheet).

    Returns:
        The reading, with the shared gate when the limit exists. Called from the flow,
        whose log says when the limit is used, or ignored for want of slot decay.
    """
    if sheets is None or sheets.access is None:
        return sheets
    logger = get_run_logger()
    with get_client(sync_client=True) as client:
        try:
            limit = client.read_global_concurrency_limit_by_name(SHEETS_READS_LIMIT)
        except ObjectNotFound:
            return sheets
    if limit.slot_decay_per_second <= 0:
        # `rate_limit` never gives its slots back: without decay, once they are taken
        # every later read would wait for ever.
        logger.warning(
            "The Prefect global concurrency limit %r has no slot decay, so it is not used: "
            "Google Sheets reads keep to this run's own limiter (docs/google.md, Quota)",
            SHEETS_READS_LIMIT,
        )
        return sheets
    logger.info(
        "Google Sheets reads share the Prefect global concurrency limit %r "
        "(%d slots, %g freed per second)",
        SHEETS_READS_LIMIT,
        limit.limit,
        limit.slot_decay_per_second,
    )
    gate: Callable[[], None] = partial(rate_limit, SHEETS_READS_LIMIT, occupy=1, strict=True)
    return dataclasses.replace(sheets, before_read=gate)


def tracker_or_unreadable(
    collaborative: CollaborativeConfig, future: PrefectFuture[ParsedTracker]
) -> ParsedTracker:
    """Wait for one read; a read that failed for good fails its collaborative only.

    Args:
        collaborative: Whose tracker the read task reads.
        future: The `read_tracker` task run.

    Returns:
        The tracker read, or a failed one saying why, truly: "after 4 tries" only when
        the source did not answer (the task retries only that); any other failure was
        not retried, and is a bug whose traceback is in the run's log.
    """
    future.wait()
    if future.state.is_completed():
        return future.result()
    return unreadable_tracker(collaborative.id, failed_read_reason(future.state))


def failed_read_reason(state: State[Any]) -> str:
    """Why a read task failed for good, without claiming retries that never happened.

    Only passing faults are retried (`_is_passing_fault`): anything else failed on its
    first try, so "did not answer after 4 tries" would mislead.
    """
    try:
        error = state.result(raise_on_failure=False)
    except Exception:  # the failure's result is not kept: say what is sure
        error = None
    if isinstance(error, TrackerTemporarilyUnavailableError):
        return READS_KEPT_FAILING.format(tries=READ_TRIES, error=error)
    what = type(error).__name__ if isinstance(error, BaseException) else state.name
    return READ_STOPPED.format(error=what)


# Only the snapshots reach the disk (what ingest kept, never the tracker), and the task
# returns just their names: nothing of a tracker is cached or persisted by Prefect.
@task(
    name="store snapshots",
    task_run_name="store snapshots",
    cache_policy=NO_CACHE,
    persist_result=False,
)
def store_snapshots(
    folder: Path, trackers: Sequence[ParsedTracker], as_of: date, run_date: date
) -> list[str]:
    """Write the trackers' snapshots into the shared folder of reads, all at once.

    Args:
        folder: The folder of reads the run that asked for them made.
        trackers: The trackers as read.
        as_of: The as-of date of the run that asked.
        run_date: The day of the run that asked.

    Returns:
        The snapshot files written, relative to the folder.
    """
    holder = f"read-trackers flow run {prefect_flow_run.name}"
    return pipeline.store_snapshots(folder, trackers, as_of, run_date, holder)


def google_secret_json() -> str | None:
    """The service-account JSON of the Prefect Secret block `SECRET_BLOCK`, if there is one.

    Read only when a collaborative has a `sheet_id`, after `google.credentials` and
    $GOOGLE_APPLICATION_CREDENTIALS (docs/google.md). A missing block is no error here:
    the Sheets collaboratives then fail with the message that says where the key goes.
    """
    from prefect.blocks.system import Secret

    try:
        # Called from a flow (sync): `load` returns the block, not a coroutine.
        block = cast("Secret[Any]", Secret.load(SECRET_BLOCK))
    except ValueError:  # no block of that name
        return None
    value = block.get()
    return value if isinstance(value, str) else json.dumps(value)
