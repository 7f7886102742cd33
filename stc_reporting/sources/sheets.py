"""Reading a tracker from a Google Sheet: one request, typed cells, bounded retries.

One `spreadsheets.get` with grid data gives everything: the tabs (titles, gids, order)
and, for each cell, its effective value (`effectiveValue`: the number, text, boolean or
error a formula or a typed value comes to; dates as serial numbers) and the type of its
effective number format (which numbers are dates, which are percentages). A field mask
keeps the answer to those fields alone, so one tracker is one read of Google's
per-minute quota; the answer comes unindented and gzipped. The request goes through
gspread's low-level `http_client`, never `get_all_records`, which "numericises" text
(`'01234'` becomes 1234). The cells come out as `XlsxSource` gives the same workbook
downloaded as `.xlsx`: date cells as `datetime`, whole numbers as `int`, blanks as
`None`, error cells as their code (`#REF!`), rows padded to the tab's width; cells that
hold only formatting (a column formatted as dates down to row 1000) neither add rows
nor widen the tab.

Faults (docs/google.md): 429, 5xx, connection resets and time-outs are tried again
with exponential backoff and jitter, a bounded number of times and within the
configured time-out for the whole tracker; a bad key (401), a sheet not shared with
the service account (403) and a wrong id (404) fail this collaborative at once, with a
message that says what to do. Every source of a run shares one `ReadLimiter`, so the
run stays within Google's per-minute read quota; a run whose reads are spread over
several processes also passes each read through a shared gate (`before_read`: the
flow's Prefect global concurrency limit), which this module knows only as a callable.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import requests
from google.auth.exceptions import RefreshError, TransportError
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from stc_reporting.config import GoogleConfig
from stc_reporting.google_access import GoogleAccess, GoogleAccessError, RetryPolicy, google_access
from stc_reporting.sources import (
    CellPosition,
    RawTab,
    RawTracker,
    TrackerUnreadableError,
    rows_from_grid,
)

TRACKER_FIELDS = (
    "properties.title,"
    "sheets(properties(sheetId,title,index,sheetType),"
    "data(startRow,startColumn,rowData.values(effectiveValue,effectiveFormat.numberFormat.type)))"
)
"""Titles, gids, order, and each cell's effective value and number-format type: nothing else."""
TRACKER_PARAMETERS = {"includeGridData": "true", "fields": TRACKER_FIELDS, "prettyPrint": "false"}
"""`includeGridData` says what is meant (Google ignores it when a field mask is set);
`prettyPrint=false` drops the indentation Google adds by default: a third as many bytes."""
ERROR_CODES = {
    "ERROR": "#ERROR!",
    "NULL_VALUE": "#NULL!",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
    "LOADING": "Loading...",
}
"""An `errorValue.type` as the sheet shows it (and the `.xlsx` download holds it)."""
DATE_FORMATS = frozenset({"DATE", "DATE_TIME", "TIME"})
PERCENT_FORMAT = "PERCENT"
SERIAL_EPOCH = datetime(1899, 12, 30)
QUOTA_WINDOW_SECONDS = 60.0
_RETRIED_STATUSES = frozenset({408, 429})

T = TypeVar("T")


class ReadLimiter:
    """At most `reads_per_minute` Sheets reads in any minute, for every source of a run.

    A read holds its slot while it is in flight and counts from the moment it ended,
    which is when Google counts it, so the run never goes past the quota even when a
    request is slow. Thread-safe: the flow reads several trackers at once.
    """

    def __init__(
        self,
        reads_per_minute: int = 60,
        window_seconds: float = QUOTA_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Allow `reads_per_minute` reads per `window_seconds`.

        Args:
            reads_per_minute: The quota (Google's default: 60 per service account).
            window_seconds: The quota's window.
            clock: Monotonic seconds (tests pass a fake).
            sleep: How to wait (tests pass a fake).
        """
        self.limit = reads_per_minute
        self.window = window_seconds
        self._clock = clock
        self._sleep = sleep
        self._ended: deque[float] = deque()
        self._in_flight = 0
        self._lock = threading.Lock()

    @contextmanager
    def read(self) -> Iterator[float]:
        """Wait for a free slot, hold it for one read, and count the read when it ends.

        Yields:
            The seconds waited for the slot.
        """
        waited = self._take_slot()
        try:
            yield waited
        finally:
            with self._lock:
                self._in_flight -= 1
                self._ended.append(self._clock())

    def _take_slot(self) -> float:
        started = self._clock()
        while True:
            with self._lock:
                now = self._clock()
                while self._ended and self._ended[0] <= now - self.window:
                    self._ended.popleft()
                if len(self._ended) + self._in_flight < self.limit:
                    self._in_flight += 1
                    return now - started
                # Full: the oldest finished read leaves the window first (or, with
                # every slot in flight, check again shortly).
                pause = self._ended[0] + self.window - now if self._ended else 0.05
            self._sleep(max(pause, 0.001))


@dataclass(frozen=True)
class SheetsReading:
    """How one run reads Google Sheets: shared by every Sheets source of the run.

    Attributes:
        access: The service account and endpoints, or None when there is none.
        problem: Why there is no access (shown for every Sheets collaborative).
        limiter: The run's read limiter (`google.reads_per_minute`).
        retry: Tries and backoff (`google.attempts`, `google.backoff_*`).
        before_read: Called before each Sheets request, after the local limiter gave
            it a slot; it returns when the request may go. The flow sets it to take a
            slot of the Prefect global concurrency limit shared by every worker
            (docs/google.md, "Quota"); None: the local limiter alone.
    """

    access: GoogleAccess | None
    problem: str = ""
    limiter: ReadLimiter = field(default_factory=ReadLimiter)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    before_read: Callable[[], None] | None = None


def sheets_reading(
    settings: GoogleConfig | None,
    environment: Mapping[str, str] | None = None,
    secret_json: str | None = None,
) -> SheetsReading:
    """Set up Google Sheets reading for one run: credentials once, one limiter.

    A credential problem is kept as the reason each Sheets collaborative fails, not
    raised: the `.xlsx` collaboratives of the run still report.

    Args:
        settings: The config's `google` section (None: all defaults).
        environment: The environment variables (default: this process's).
        secret_json: The service-account JSON from the Prefect Secret block, if any.
    """
    settings = settings or GoogleConfig()
    limiter = ReadLimiter(settings.reads_per_minute)
    retry = RetryPolicy.from_settings(settings)
    try:
        access = google_access(settings, environment, secret_json)
    except GoogleAccessError as error:
        return SheetsReading(None, str(error), limiter, retry)
    return SheetsReading(access, "", limiter, retry)


class SheetsSource:
    """A tracker kept as a Google Sheet, read in one request."""

    def __init__(
        self,
        spreadsheet_id: str,
        access: GoogleAccess,
        limiter: ReadLimiter | None = None,
        retry: RetryPolicy | None = None,
        before_read: Callable[[], None] | None = None,
    ) -> None:
        """Read this spreadsheet with this access.

        Args:
            spreadsheet_id: The id in the sheet's address (`/d/<id>/edit`).
            access: Credentials and endpoints, built once per run.
            limiter: The run's shared read limiter (default: one of its own).
            retry: Tries, backoff and how to wait (default: 5 tries, 1 s doubling up to 30 s).
            before_read: The run's shared gate, called before each request (every
                try), once the local limiter has given it a slot (see `SheetsReading`).
        """
        self.spreadsheet_id = spreadsheet_id
        self.access = access
        self.limiter = limiter or ReadLimiter()
        self.retry = retry or RetryPolicy()
        self._before_read = before_read

    def read(self) -> RawTracker:
        """Fetch every tab's cells in one request: `spreadsheets.get` with grid data.

        Raises:
            TrackerUnreadableError: The sheet cannot be read (not shared, wrong id, key
                refused), or Google kept failing until the tries or the time-out ran out.
        """
        http = self.access.sheets_client().http_client
        _ask_for_gzip(http)
        deadline = _Deadline(self.access.timeout)
        spreadsheet = self._call(
            http,
            deadline,
            lambda: http.fetch_sheet_metadata(self.spreadsheet_id, params=dict(TRACKER_PARAMETERS)),
        )
        sheets = sorted(
            (s for s in spreadsheet.get("sheets", []) if _is_grid(s)),
            key=lambda s: int(s["properties"].get("index", 0)),
        )
        title = spreadsheet.get("properties", {}).get("title", "")
        return RawTracker(
            description=f"Google Sheet '{title}' ({self.spreadsheet_id})",
            tabs=tuple(_raw_tab(sheet) for sheet in sheets),
            spreadsheet_id=self.spreadsheet_id,
        )

    def _call(self, http: HTTPClient, deadline: _Deadline, request: Callable[[], T]) -> T:
        """Make one request, trying again on passing faults within the tries and the time."""
        problem = ""
        tries = 0
        for tries in range(1, self.retry.attempts + 1):
            if tries > 1:
                pause = self.retry.delay(tries - 1)
                if pause >= deadline.remaining():
                    break
                self.retry.sleep(pause)
            with self.limiter.read() as waited:
                waited += self._pass_shared_gate()
                deadline.extend(waited)  # waiting for our own quota is not Google being slow
                http.timeout = max(deadline.remaining(), 0.001)
                try:
                    return request()
                except (APIError, RefreshError, TransportError, OSError) as error:
                    problem = self._passing_fault(error)
            if deadline.remaining() <= 0:
                break
        # Not TrackerTemporarilyUnavailableError: the tries are spent here, within the
        # time-out; another round of task retries would only multiply them past it.
        raise TrackerUnreadableError(
            f"Google Sheets did not answer for sheet {self.spreadsheet_id} ({problem}; "
            f"{tries} {'try' if tries == 1 else 'tries'} in {deadline.elapsed():.0f} s, "
            f"time-out {self.access.timeout:g} s): try the run again later"
        )

    def _pass_shared_gate(self) -> float:
        """Wait at the gate shared with other processes, if any; return the seconds waited."""
        if self._before_read is None:
            return 0.0
        started = time.monotonic()
        self._before_read()
        return time.monotonic() - started

    def _passing_fault(self, error: Exception) -> str:
        """Describe a fault worth another try; raise the ones that no retry can fix."""
        if isinstance(error, APIError):
            status = error.response.status_code
            if status in _RETRIED_STATUSES or status >= 500:
                return f"HTTP {status} {_status_name(error)}".rstrip()
            raise TrackerUnreadableError(self._refusal(status, error)) from error
        if isinstance(error, RefreshError) and not getattr(error, "retryable", False):
            raise TrackerUnreadableError(_key_refused(self.access.email, error)) from error
        if isinstance(error, requests.Timeout | TimeoutError):
            return "no answer in time"
        return f"connection failed: {type(error).__name__}"

    def _refusal(self, status: int, error: APIError) -> str:
        """What the program manager does about a refusal (401, 403, 404, other 4xx)."""
        sheet = f"Google Sheet {self.spreadsheet_id}"
        if status == 401:
            return _key_refused(self.access.email, error)
        if status == 403:
            return (
                f"{sheet} is not shared with the service account: share the sheet with "
                f"{self.access.email} as Viewer"
            )
        if status == 404:
            return (
                f"there is no {sheet}: check the sheet_id in the config (the part of the "
                "sheet's address between /d/ and /edit)"
            )
        return f"Google refused to read {sheet} (HTTP {status}: {_google_message(error)})"


class _Deadline:
    """The time one tracker's read may take at Google, less our own quota waits."""

    def __init__(self, seconds: float) -> None:
        self.started = time.monotonic()
        self.ends = self.started + seconds

    def remaining(self) -> float:
        return self.ends - time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def extend(self, seconds: float) -> None:
        self.ends += seconds


def _ask_for_gzip(http: HTTPClient) -> None:
    """Have Google gzip its answers: it does when the User-Agent says "gzip" too.

    requests already sends `Accept-Encoding: gzip` and unzips the answer; a tracker's
    answer is about 20 times smaller on the wire (docs/google.md, "How a tracker is read").
    """
    agent = str(http.session.headers.get("User-Agent", ""))
    if "gzip" not in agent:
        http.session.headers["User-Agent"] = f"{agent} stc-reporting (gzip)".strip()


def _key_refused(email: str, error: Exception) -> str:
    detail = error.args[0] if error.args and isinstance(error.args[0], str) else ""
    if isinstance(error, APIError):
        detail = _google_message(error)
    return (
        f"the service-account key is not accepted ({detail or 'refused'}): create a new key "
        f"for {email} and put it where docs/google.md says"
    )


def _status_name(error: APIError) -> str:
    body = error.error if isinstance(error.error, Mapping) else {}
    return str(body.get("status", ""))


def _google_message(error: APIError) -> str:
    body = error.error if isinstance(error.error, Mapping) else {}
    return str(body.get("message", "")) or error.response.reason or "refused"


def _is_grid(sheet: Mapping[str, Any]) -> bool:
    """Charts on their own sheet have no cells to read."""
    return bool(sheet.get("properties", {}).get("sheetType", "GRID") == "GRID")


def _raw_tab(sheet: Mapping[str, Any]) -> RawTab:
    """A tab's cells, typed, from its grid data: as many rows and columns as hold a value."""
    cells = _grid_cells(sheet)
    height = max((row for row, _ in cells), default=-1) + 1
    width = max((column for _, column in cells), default=-1) + 1
    grid: list[tuple[object, ...]] = []
    percent: set[CellPosition] = set()
    for row_index in range(height):
        row = []
        for column in range(width):
            value, kind = cells.get((row_index, column), ("", None))
            if kind == PERCENT_FORMAT and _is_number(value):
                percent.add((row_index + 1, column))
            row.append(_typed(value, kind))
        grid.append(tuple(row))
    return RawTab(
        title=sheet["properties"]["title"],
        header=grid[0] if grid else (),
        rows=rows_from_grid(grid),
        gid=int(sheet["properties"].get("sheetId", 0)),
        percent_cells=frozenset(percent),
    )


def _grid_cells(sheet: Mapping[str, Any]) -> dict[tuple[int, int], tuple[object, str | None]]:
    """Zero-based (row, column) → (effective value, number-format type), for cells with a value.

    A cell with formatting and no value (`{}` once the mask has dropped the rest) is
    left out, so such cells past the last value do not count, as in the `.xlsx` reading.
    """
    cells: dict[tuple[int, int], tuple[object, str | None]] = {}
    for block in sheet.get("data", []):
        top, left = block.get("startRow", 0), block.get("startColumn", 0)
        for row_offset, row in enumerate(block.get("rowData", [])):
            for column_offset, cell in enumerate(row.get("values", [])):
                value = _effective_value(cell.get("effectiveValue"))
                if value == "":
                    continue
                kind = cell.get("effectiveFormat", {}).get("numberFormat", {}).get("type")
                if kind != PERCENT_FORMAT and kind not in DATE_FORMATS:
                    kind = None
                cells[(top + row_offset, left + column_offset)] = (value, kind)
    return cells


def _effective_value(value: Mapping[str, Any] | None) -> object:
    """An `ExtendedValue` as a plain value: a number, text, boolean, error code; "" if blank."""
    if not value:
        return ""
    for key in ("numberValue", "stringValue", "boolValue"):
        if key in value:
            return value[key]
    if "errorValue" in value:
        return ERROR_CODES.get(str(value["errorValue"].get("type", "")), "#ERROR!")
    return ""


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _typed(value: object, kind: str | None) -> object:
    """A cell as openpyxl gives it from the same workbook downloaded as .xlsx."""
    if value == "":
        return None
    if not _is_number(value):
        return value  # text (error cells are their code), booleans
    number = float(value)  # type: ignore[arg-type]
    if kind in DATE_FORMATS:
        return _from_serial(number)
    return int(number) if number.is_integer() else number


def _from_serial(serial: float) -> object:
    """A serial date as openpyxl reads a date cell: a datetime, or a time below one day."""
    days, fraction = divmod(serial, 1)
    within_day = timedelta(milliseconds=round(fraction * 86_400_000))
    if 0 <= serial < 1 and within_day.days == 0:
        return (datetime.min + within_day).time()
    return SERIAL_EPOCH + timedelta(days=days) + within_day
