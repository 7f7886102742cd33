"""A read that failed for good says why truthfully: retried faults, or a bug tried once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

import stc_reporting.ingest.retries
import tasks.sources
from stc_reporting.config import CollaborativeConfig, load_config
from stc_reporting.ingest.failure import FailureKind
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.ingest.retries import READ_STOPPED, READ_TRIES, READS_KEPT_FAILING
from stc_reporting.sources import TrackerTemporarilyUnavailableError
from tasks.sources import batch_or_unreadable, read_with_retries

pytestmark = pytest.mark.integration

ERRORS = {
    "passing": TrackerTemporarilyUnavailableError("HTTP 503 five times"),
    "bug": ZeroDivisionError("a bug in reading"),
}


@flow
def read_failing(collaborative: CollaborativeConfig) -> ParsedTracker:
    """One collaborative's read failing for good, as a batch of the monthly flow reads it."""
    return read_with_retries(collaborative)


@pytest.mark.parametrize(
    ("error", "reason", "tries"),
    [
        ("passing", READS_KEPT_FAILING.format(tries=READ_TRIES, error=ERRORS["passing"]), 4),
        ("bug", READ_STOPPED.format(error="ZeroDivisionError"), 1),
    ],
)
def test_a_failed_read_claims_retries_only_for_passing_faults(
    sample_config: Path, monkeypatch: pytest.MonkeyPatch, error: str, reason: str, tries: int
) -> None:
    """A bug failed on its one try: it must not read 'kept failing after several tries'."""
    calls: list[str] = []

    def fetch(collaborative: CollaborativeConfig, *_args: Any) -> ParsedTracker:
        calls.append(collaborative.id)
        raise ERRORS[error]

    monkeypatch.setattr(tasks.sources, "fetch_tracker", fetch)
    monkeypatch.setattr(stc_reporting.ingest.retries, "READ_RETRY_SECONDS", (0.01,) * 3)
    collaborative = load_config(sample_config).collaboratives[0]
    tracker = read_failing(collaborative)
    assert len(calls) == tries
    assert tracker.failure is not None
    assert tracker.failure.kind is FailureKind.UNREADABLE
    assert tracker.failure.reason == f"the tracker could not be read: {reason}"


@task(persist_result=False, cache_policy=NO_CACHE)
def crashing_batch(collaboratives: list[CollaborativeConfig]) -> list[ParsedTracker]:
    """A batch's task stopped by something outside any one read."""
    raise RuntimeError("the worker thread went away")


@flow
def read_crashing(collaboratives: list[CollaborativeConfig]) -> list[ParsedTracker]:
    return batch_or_unreadable(collaboratives, crashing_batch.submit(collaboratives))


def test_a_batch_whose_task_failed_fails_each_of_its_collaboratives_once_tried(
    sample_config: Path,
) -> None:
    """Every tracker of the batch fails with the bug's reason; none claims retries."""
    collaboratives = load_config(sample_config).collaboratives[:2]
    trackers = read_crashing(collaboratives)
    assert [t.collaborative for t in trackers] == [c.id for c in collaboratives]
    for tracker in trackers:
        assert tracker.failure is not None
        assert tracker.failure.reason == (
            "the tracker could not be read: " + READ_STOPPED.format(error="RuntimeError")
        )
