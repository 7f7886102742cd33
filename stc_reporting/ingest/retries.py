"""Reading a tracker again when its source did not answer, and only then.

Passing faults (Google's rate limits, 5xx answers, time-outs: a source raises
`TrackerTemporarilyUnavailableError` for them) are tried `READ_TRIES` times in all,
with doubling waits made random so that failed reads do not all come back together.
Anything else a read raises is a bug: it is not tried again, its traceback goes to the
log, and the tracker fails alone with a reason that never claims tries that did not
happen.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any

from stc_reporting.ingest.reading import ParsedTracker, unreadable_tracker
from stc_reporting.sources import TrackerTemporarilyUnavailableError

READ_TRIES = 4
"""How many times a tracker is read when its source does not answer (3 retries)."""

READ_RETRY_SECONDS = (2.0, 4.0, 8.0)
"""The waits before the 2nd, 3rd and 4th tries (doubling), each made random by half."""

READ_RETRY_JITTER = 0.5
"""How much of each wait is random, so that failed reads do not all come back together."""

READS_KEPT_FAILING = "its source did not answer after {tries} tries ({error}); try again later"
"""Why a collaborative failed whose read kept meeting passing faults until its retries ran out."""

READ_STOPPED = (
    "reading it stopped on an unexpected error ({error}), which was not retried; "
    "the run's log in the Prefect UI has the details to report to the pipeline's maintainers"
)
"""Why a collaborative failed whose read raised something no source reports (a bug)."""

READ_RETRYING = "%s: its source did not answer (%s); try %d of %d in %.1f s"
"""The log line before a passing fault's retry (collaborative, error, next try, tries, wait)."""

READ_BUG = "%s: reading it stopped on an unexpected error, not retried"
"""The log line, with the traceback, of a read that raised something no source reports."""

Log = logging.Logger | logging.LoggerAdapter[Any]


def read_with_retries(
    read: Callable[[], ParsedTracker],
    collaborative_id: str,
    log: Log,
    sleep: Callable[[float], None] = time.sleep,
) -> ParsedTracker:
    """Read one tracker, trying again only on passing faults (rate limits, 5xx, time-outs).

    Args:
        read: Reads the tracker once; raises `TrackerTemporarilyUnavailableError` when
            its source may answer on a later try.
        collaborative_id: Whose tracker it is, for the log and a failed tracker.
        log: Where retries and bugs are told (the run's log).
        sleep: Waits between tries.

    Returns:
        The tracker read, or a failed one saying why, truly: "after 4 tries" only when
        the source did not answer; anything else was tried once, and is a bug whose
        traceback is in the log.
    """
    for attempt in range(1, READ_TRIES):
        try:
            return read()
        except TrackerTemporarilyUnavailableError as error:
            wait = _jittered(READ_RETRY_SECONDS[attempt - 1])
            log.warning(READ_RETRYING, collaborative_id, error, attempt + 1, READ_TRIES, wait)
            sleep(wait)
        except Exception as error:
            return _bug(collaborative_id, error, log)
    try:
        return read()
    except TrackerTemporarilyUnavailableError as error:
        reason = READS_KEPT_FAILING.format(tries=READ_TRIES, error=error)
        return unreadable_tracker(collaborative_id, reason)
    except Exception as error:
        return _bug(collaborative_id, error, log)


def _jittered(seconds: float) -> float:
    return seconds * random.uniform(1 - READ_RETRY_JITTER, 1 + READ_RETRY_JITTER)


def _bug(collaborative_id: str, error: Exception, log: Log) -> ParsedTracker:
    """A read that raised what no source raises: its traceback to the log, its reason in words."""
    log.exception(READ_BUG, collaborative_id)
    return unreadable_tracker(collaborative_id, READ_STOPPED.format(error=type(error).__name__))
