"""Bounded retries for Google requests: which failures are tried again, how often, how far apart."""

from __future__ import annotations

import json

import httplib2
import pytest
import requests
from googleapiclient.errors import HttpError

from stc_reporting.google_access import RetryPolicy, is_transient, with_retries

pytestmark = pytest.mark.unit


def http_error(status: int, reason: str = "") -> HttpError:
    """A googleapiclient error as Drive sends it."""
    body = {"error": {"code": status, "message": "m", "errors": [{"reason": reason}]}}
    return HttpError(httplib2.Response({"status": status}), json.dumps(body).encode())


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (http_error(429), True),
        (http_error(503), True),
        (http_error(403, "rateLimitExceeded"), True),
        (http_error(403, "insufficientFilePermissions"), False),
        (http_error(404, "notFound"), False),
        (http_error(401), False),
        (ConnectionResetError(), True),
        (TimeoutError(), True),
        (requests.exceptions.ChunkedEncodingError(), True),
        (requests.exceptions.ReadTimeout(), True),
        (ValueError("bad"), False),
    ],
)
def test_only_passing_failures_are_tried_again(error: Exception, transient: bool) -> None:
    """429, 5xx, Drive's rate-limit 403, resets and time-outs; never 401/403/404 or a bug."""
    assert is_transient(error) is transient


def test_a_failure_that_keeps_coming_stops_after_the_bound() -> None:
    """Five tries in all, four jittered sleeps each under its exponential ceiling."""
    sleeps: list[float] = []
    tries = 0

    def call() -> None:
        nonlocal tries
        tries += 1
        raise http_error(429)

    policy = RetryPolicy(attempts=5, first_delay=1.0, max_delay=3.0, sleep=sleeps.append)
    with pytest.raises(HttpError):
        with_retries(call, policy)
    assert tries == 5
    ceilings = [1.0, 2.0, 3.0, 3.0]
    assert len(sleeps) == 4 and all(0 <= s <= c for s, c in zip(sleeps, ceilings, strict=True))


def test_a_lasting_refusal_is_not_tried_again() -> None:
    """A 404 is raised at once, with no sleep."""
    sleeps: list[float] = []

    def call() -> None:
        raise http_error(404, "notFound")

    with pytest.raises(HttpError):
        with_retries(call, RetryPolicy(sleep=sleeps.append))
    assert sleeps == []


def test_a_try_that_succeeds_ends_the_retries() -> None:
    """Two passing failures, then the answer."""
    answers: list[object] = [TimeoutError(), http_error(503), "ok"]

    def call() -> object:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert with_retries(call, RetryPolicy(sleep=lambda _: None)) == "ok"
    assert answers == []
