"""Fetching trackers: a task run per batch of trackers, each read retried on passing faults.

Also what a run that reads on behalf of another (`flows/read_trackers.py`) needs: the
tracker or a failed one for each read, and a task that stores their snapshots.
"""

from __future__ import annotations

import dataclasses
import json
import math
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
from prefect.futures import PrefectFuture, as_completed
from prefect.runtime import flow_run as prefect_flow_run

from stc_reporting import pipeline
from stc_reporting.config import CollaborativeConfig
from stc_reporting.google_access import SECRET_BLOCK
from stc_reporting.ingest.reading import ParsedTracker, unreadable_tracker
from stc_reporting.ingest.retries import READ_STOPPED, READ_TRIES, READS_KEPT_FAILING
from stc_reporting.ingest.retries import read_with_retries as retrying
from stc_reporting.pipeline import fetch_tracker
from stc_reporting.sources import TrackerTemporarilyUnavailableError
from stc_reporting.sources.sheets import SheetsReading
from tasks.handing import as_is

SHEETS_READS_LIMIT = "sheets-reads"
"""The Prefect global concurrency limit that every worker's Sheets reads share, if it exists.

Create it once per server (`make sheets-reads-limit`): a limit of 60 with a slot decay of
1 per second lets 60 reads through at once, then one more each second.
"""


READ_TASKS_PER_WORKER = 4
"""How many read tasks each of a run's read threads takes, one after the other.

A run's trackers are read in batches, one task each, rather than one task per tracker:
a task run costs Prefect a few round trips, 500 of them far more than reading the
workbooks. Four batches a thread keep the threads evenly busy (a slow batch does not
hold up the others for long) and move the progress bar some sixteen times a run.
"""

Batch = tuple[CollaborativeConfig, ...]
OnBatch = Callable[[Batch, list[ParsedTracker]], None]


# Tracker contents are never cached or persisted: they may hold text that must
# not be stored outside the tracker (privacy rules, docs/privacy.md).
@task(name="read trackers", cache_policy=NO_CACHE, persist_result=False)
def read_batch(
    collaboratives: Sequence[CollaborativeConfig],
    sheets: SheetsReading | None = None,
    from_snapshots: Path | None = None,
) -> list[ParsedTracker]:
    """Read a batch of trackers one after the other; a read failing for good fails alone.

    Each tracker comes from its workbook or Google Sheet, or its snapshot. A Google Sheet
    is read in one request with its own bounded retries, within `google.timeout_seconds`,
    and every read of this run shares one read limiter (`google.reads_per_minute`); with a
    `SHEETS_READS_LIMIT` on the server, each request also takes one of its slots (see
    `share_sheets_quota`). A source that does not answer is tried `READ_TRIES` times.
    """
    return [read_with_retries(c, sheets, from_snapshots) for c in collaboratives]


def read_with_retries(
    collaborative: CollaborativeConfig,
    sheets: SheetsReading | None = None,
    from_snapshots: Path | None = None,
) -> ParsedTracker:
    """Read one tracker, again only on passing faults (`stc_reporting.ingest.retries`)."""
    read = partial(fetch_tracker, collaborative, sheets, from_snapshots)
    return retrying(read, collaborative.id, get_run_logger())


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


def read_in_batches(
    collaboratives: Sequence[CollaborativeConfig],
    sheets: SheetsReading | None,
    workers: int,
    from_snapshots: Path | None = None,
    on_batch: OnBatch | None = None,
) -> list[ParsedTracker]:
    """Read the trackers in `read trackers` tasks of a batch each, on the flow's threads.

    Call it from a flow whose task runner has `workers` threads.

    Args:
        collaboratives: Whose trackers to read, in order.
        sheets: The run's Google Sheets reading (see `share_sheets_quota`).
        workers: The flow's read threads: `READ_TASKS_PER_WORKER` batches for each.
        from_snapshots: A folder of an earlier run's snapshots to read them from.
        on_batch: Told each batch with its trackers as it finishes (progress).

    Returns:
        One tracker per collaborative, in the order given.
    """
    batches = read_batches(collaboratives, workers * READ_TASKS_PER_WORKER)
    futures = {
        read_batch.with_options(task_run_name=batch_name(batch)).submit(
            as_is(batch), as_is(sheets), from_snapshots
        ): batch
        for batch in batches
    }
    read: dict[str, ParsedTracker] = {}
    for future in as_completed(list(futures)):
        batch = futures[future]
        trackers = batch_or_unreadable(batch, future)
        read.update((c.id, tracker) for c, tracker in zip(batch, trackers, strict=True))
        if on_batch is not None:
            on_batch(batch, trackers)
    return [read[c.id] for c in collaboratives]


def read_batches(collaboratives: Sequence[CollaborativeConfig], count: int) -> list[Batch]:
    """Split the collaboratives into at most `count` consecutive batches of even size."""
    size = max(1, math.ceil(len(collaboratives) / max(1, count)))
    return [tuple(collaboratives[i : i + size]) for i in range(0, len(collaboratives), size)]


def batch_name(batch: Sequence[CollaborativeConfig]) -> str:
    """`read fresno`; `read fresno, oakland, ukiah and 22 more` for a larger batch."""
    ids = [c.id for c in batch]
    return "read " + ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")


def batch_or_unreadable(
    batch: Sequence[CollaborativeConfig], future: PrefectFuture[list[ParsedTracker]]
) -> list[ParsedTracker]:
    """Wait for one batch's read; should its task itself fail, fail its collaboratives.

    `read_batch` fails a tracker alone, so its task fails only when something outside
    any one read stopped it (its worker thread, Prefect itself).

    Returns:
        One tracker per collaborative of the batch, read or failed with the reason.
    """
    future.wait()
    if future.state.is_completed():
        return future.result()
    reason = failed_read_reason(future.state)
    return [unreadable_tracker(c.id, reason) for c in batch]


def failed_read_reason(state: State[Any]) -> str:
    """Why a read task failed for good, without claiming retries that never happened.

    Only passing faults are retried: anything else failed on its first try, so "did not
    answer after 4 tries" would mislead.
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
