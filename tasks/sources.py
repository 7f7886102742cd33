"""Fetching trackers: one task run per collaborative, retried on passing faults."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.concurrency.sync import rate_limit
from prefect.exceptions import ObjectNotFound
from prefect.tasks import exponential_backoff

from stc_reporting.config import CollaborativeConfig
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.pipeline import fetch_tracker
from stc_reporting.sources import TrackerTemporarilyUnavailableError
from stc_reporting.sources.sheets import SheetsReading

SHEETS_READS_LIMIT = "sheets-reads"
"""The Prefect global concurrency limit that every worker's Sheets reads share, if it exists.

Create it once per server (`make sheets-reads-limit`): a limit of 60 with a slot decay of
1 per second lets 60 reads through at once, then one more each second.
"""


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
    retries=3,
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

    A Google Sheet is read in two requests with its own bounded retries, within
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
