"""A read task that failed for good says why truthfully: retried faults, or a bug tried once."""

from __future__ import annotations

from pathlib import Path

import pytest
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from stc_reporting.config import load_config
from stc_reporting.ingest.failure import FailureKind
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.sources import TrackerTemporarilyUnavailableError
from tasks.sources import READ_STOPPED, READ_TRIES, READS_KEPT_FAILING, tracker_or_unreadable

pytestmark = pytest.mark.integration


@task(persist_result=False, cache_policy=NO_CACHE)
def failing_read(error: str) -> ParsedTracker:
    """A read whose source raises a passing fault, or something no source raises."""
    if error == "passing":
        raise TrackerTemporarilyUnavailableError("HTTP 503 five times")
    raise ZeroDivisionError("a bug in reading")


@flow
def read_failing(sample_config: Path, error: str) -> ParsedTracker:
    """One collaborative's read failing for good, as the monthly flow waits for it."""
    collaborative = load_config(sample_config).collaboratives[0]
    return tracker_or_unreadable(collaborative, failing_read.submit(error))


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        ("passing", READS_KEPT_FAILING.format(tries=READ_TRIES, error="HTTP 503 five times")),
        ("bug", READ_STOPPED.format(error="ZeroDivisionError")),
    ],
)
def test_a_failed_read_claims_retries_only_for_passing_faults(
    sample_config: Path, error: str, reason: str
) -> None:
    """A bug failed on its one try: it must not read 'kept failing after several tries'."""
    tracker = read_failing(sample_config, error)
    assert tracker.failure is not None
    assert tracker.failure.kind is FailureKind.UNREADABLE
    assert tracker.failure.reason == f"the tracker could not be read: {reason}"
