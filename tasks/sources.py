"""Fetching trackers: one task run per collaborative, retried on passing faults."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from stc_reporting.config import CollaborativeConfig
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.pipeline import fetch_tracker
from stc_reporting.sources import TrackerTemporarilyUnavailableError
from stc_reporting.sources.sheets import SheetsReading


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
    name="read-tracker",
    task_run_name="read-tracker-{collaborative.id}",
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
    (`google.reads_per_minute`): a run spread over several workers needs a Prefect
    global concurrency limit as well (docs/google.md, "Quota").
    """
    return fetch_tracker(collaborative, sheets, from_snapshots)
