"""Faults on demand, the per-account read quota, and the request log of the fake Google."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class FaultRule:
    """A fault for the next `remaining` requests that match (service, kind, resource).

    Attributes:
        action: `status` or `deny` (answer `status` with Google's error body), `slow` (wait
            `seconds`, then answer normally) or `reset` (send half the answer, then a
            TCP reset).
        service: `sheets`, `drive` or `oauth`; None matches Sheets and Drive, not the
            token endpoint (google-auth retries that one itself, with 1 s sleeps).
        kind: A request kind such as `sheets.spreadsheets.values.batchGet`.
        resource: A spreadsheet or file id.
    """

    action: str
    remaining: int
    status: int = 0
    seconds: float = 0.0
    service: str | None = None
    kind: str | None = None
    resource: str | None = None

    def matches(self, service: str, kind: str, resource: str | None) -> bool:
        """True when the rule applies to this request."""
        if self.service is None and service == "oauth":
            return False
        return (
            self.service in (None, service)
            and self.kind in (None, kind)
            and self.resource in (None, resource)
        )


class Faults:
    """Faults a test asks for; each is used up by the requests it hits, in order given."""

    def __init__(self) -> None:
        """No faults."""
        self._rules: list[FaultRule] = []
        self._denials: dict[str, int] = {}
        self._lock = threading.Lock()

    def fail(
        self,
        status: int,
        times: int = 1,
        *,
        service: str | None = None,
        kind: str | None = None,
        resource: str | None = None,
    ) -> None:
        """Answer `status` (429, 500, 503, ...) to the next `times` matching requests."""
        self._add(FaultRule("status", times, status, 0.0, service, kind, resource))

    def slow(
        self,
        seconds: float,
        times: int = 1,
        *,
        service: str | None = None,
        kind: str | None = None,
        resource: str | None = None,
    ) -> None:
        """Wait `seconds` before answering the next `times` matching requests.

        The wait ends early when the server stops, so a hung client never hangs the tests.
        """
        self._add(FaultRule("slow", times, 0, seconds, service, kind, resource))

    def reset_connection(
        self,
        times: int = 1,
        *,
        service: str | None = None,
        kind: str | None = None,
        resource: str | None = None,
    ) -> None:
        """Send the headers and half the body, then reset the connection (TCP RST)."""
        self._add(FaultRule("reset", times, 0, 0.0, service, kind, resource))

    def deny(self, resource_id: str, status: int) -> None:
        """Answer `status` (401, 403 or 404) to every request about this id, until reset."""
        with self._lock:
            self._denials[resource_id] = status

    def clear(self) -> None:
        """Forget every fault."""
        with self._lock:
            self._rules.clear()
            self._denials.clear()

    def take(self, service: str, kind: str, resource: str | None) -> FaultRule | None:
        """The fault for this request, if any, counting it as used."""
        with self._lock:
            if resource is not None and resource in self._denials:
                return FaultRule("deny", 1, self._denials[resource])
            for rule in self._rules:
                if rule.matches(service, kind, resource):
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self._rules.remove(rule)
                    return rule
        return None

    @property
    def pending(self) -> int:
        """How many injected faults are still to be used (denials not counted)."""
        with self._lock:
            return sum(rule.remaining for rule in self._rules)

    def _add(self, rule: FaultRule) -> None:
        if rule.remaining < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._rules.append(rule)


@dataclass
class ReadQuota:
    """Sheets' per-user read quota: at most `limit` reads in any `window` seconds.

    Only reads that were answered count (a refused one is not a read), so "the quota was
    never exceeded" can be checked on the log's successful reads.
    """

    limit: int = 60
    window: float = 60.0
    _reads: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self, account: str) -> bool:
        """Count a read by this account now, or refuse it (False) when over the quota."""
        now = time.monotonic()
        with self._lock:
            reads = self._reads.setdefault(account, deque())
            while reads and reads[0] <= now - self.window:
                reads.popleft()
            if len(reads) >= self.limit:
                return False
            reads.append(now)
            return True


@dataclass(frozen=True)
class LoggedRequest:
    """One request the fake answered (or cut off).

    Attributes:
        kind: What it was, by the API's method id: `oauth.token`,
            `sheets.spreadsheets.get`, `sheets.spreadsheets.values.batchGet`,
            `drive.files.create`, ...; `unknown` for a path the fake does not serve.
        service: `oauth`, `sheets`, `drive` or `unknown`.
        resource: The spreadsheet or file id in the path, if any.
        account: The service-account e-mail (from the token, or the JWT for `oauth`).
        status: The HTTP status sent; 0 when the connection was reset or dropped.
        started: `time.monotonic()` when the request arrived.
        duration: Seconds spent answering it.
        fault: The injected fault that shaped the answer (`status`, `slow`, `reset`,
            `quota`), or None.
        response_bytes: The length of the answer's body before any gzip (and cut-off).
        sent_bytes: The length of the body as sent: gzipped when the client asked for
            it (`Accept-Encoding: gzip` and "gzip" in its User-Agent).
    """

    method: str
    path: str
    kind: str
    service: str
    resource: str | None
    account: str | None
    status: int
    started: float
    duration: float
    fault: str | None = None
    response_bytes: int = 0
    sent_bytes: int = 0


class RequestLog:
    """Every request, in arrival order; thread-safe."""

    def __init__(self) -> None:
        """An empty log."""
        self._entries: list[LoggedRequest] = []
        self._lock = threading.Lock()

    def add(self, entry: LoggedRequest) -> None:
        """Record one request."""
        with self._lock:
            self._entries.append(entry)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()

    def entries(self) -> list[LoggedRequest]:
        """A copy of the log."""
        with self._lock:
            return list(self._entries)
