"""A tracker's read is tried again on passing faults only, with doubling random waits."""

from __future__ import annotations

import logging

import pytest

from stc_reporting.ingest.reading import ParsedTracker, parse_tracker
from stc_reporting.ingest.retries import (
    READ_RETRY_JITTER,
    READ_RETRY_SECONDS,
    READ_STOPPED,
    READ_TRIES,
    READS_KEPT_FAILING,
    read_with_retries,
)
from stc_reporting.sources import TrackerTemporarilyUnavailableError
from tests.builders import minimal_tabs, raw_tracker

pytestmark = pytest.mark.unit

LOG = logging.getLogger("test-read-retries")


class Source:
    """Fails with `errors` in turn, then reads the tracker."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.reads = 0

    def __call__(self) -> ParsedTracker:
        self.reads += 1
        if self.errors:
            raise self.errors.pop(0)
        return parse_tracker(raw_tracker(minimal_tabs()), "fresno")


def test_a_source_that_answers_on_the_third_try_gives_the_tracker_after_two_waits() -> None:
    """Two 503s, then the tracker: the waits double, each within its random half."""
    source = Source(*[TrackerTemporarilyUnavailableError("HTTP 503")] * 2)
    waits: list[float] = []
    tracker = read_with_retries(source, "fresno", LOG, sleep=waits.append)
    assert tracker.failure is None and source.reads == 3
    for wait, base in zip(waits, READ_RETRY_SECONDS, strict=False):
        assert base * (1 - READ_RETRY_JITTER) <= wait <= base * (1 + READ_RETRY_JITTER)
    assert len(waits) == 2


def test_a_source_that_never_answers_fails_alone_after_every_try_and_says_how_many() -> None:
    """Four tries, three waits, and a reason that names the tries and the last error."""
    never = TrackerTemporarilyUnavailableError("HTTP 429")
    source = Source(*[never] * 10)
    waits: list[float] = []
    tracker = read_with_retries(source, "fresno", LOG, sleep=waits.append)
    assert source.reads == READ_TRIES and len(waits) == READ_TRIES - 1
    assert tracker.failure is not None
    assert READS_KEPT_FAILING.format(tries=READ_TRIES, error=never) in tracker.failure.reason


def test_a_bug_is_tried_once_and_never_claims_retries(caplog: pytest.LogCaptureFixture) -> None:
    """A ZeroDivisionError while reading: one try, no wait, its traceback in the log."""
    source = Source(ZeroDivisionError("a bug"))
    waits: list[float] = []
    with caplog.at_level(logging.ERROR, logger=LOG.name):
        tracker = read_with_retries(source, "fresno", LOG, sleep=waits.append)
    assert source.reads == 1 and waits == []
    assert tracker.failure is not None
    assert READ_STOPPED.format(error="ZeroDivisionError") in tracker.failure.reason
    assert "tries" not in tracker.failure.reason
    assert any(record.exc_info for record in caplog.records)
