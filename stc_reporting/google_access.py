"""Access to Google (Sheets and Drive): credentials once per run, clients on configured endpoints.

One place knows how the real clients are pointed at `google.sheets_endpoint`,
`google.drive_endpoint` and `google.token_uri` (production Google, a private endpoint, or
the loopback fake in tests), and how long a request may take. The Sheets source
(`sources/sheets.py`) and the Drive publisher (`outputs/drive.py`) take a `GoogleAccess`
from the caller; nothing here reads globals after it is built.

Tricks the clients need (stack notes, and tests/fakes/README.md):
- gspread has no base-URL setting and patching `gspread.urls` does nothing: a subclass
  of `gspread.http_client.HTTPClient` rewrites the URL prefix, and sets a time-out
  (gspread's default is none).
- googleapiclient takes `client_options={"api_endpoint": ...}` but builds media-upload
  URLs from the discovery document's `https` root with only the host swapped: an
  `httplib2.Http` subclass puts back the endpoint's scheme, and stops treating 308 as a
  redirect (a resumable upload answers 308 between chunks, as `build_http()` knows).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import google_auth_httplib2
import gspread
import httplib2
import requests
from google.oauth2 import service_account
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from gspread.http_client import HTTPClient

from stc_reporting.config import GoogleConfig

SHEETS_ORIGIN = "https://sheets.googleapis.com"
ENVIRONMENT_VARIABLE = "GOOGLE_APPLICATION_CREDENTIALS"
SECRET_BLOCK = "stc-google-service-account"
"""The Prefect Secret block holding the service-account JSON as a string (docs/google.md)."""
SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets.readonly",
    "https://www.googleapis.com/auth/drive",
)
DEFAULT_TIMEOUT_SECONDS = 30.0


class GoogleAccessError(Exception):
    """Google cannot be reached as configured; the message says what to fix."""


@dataclass(frozen=True)
class GoogleAccess:
    """A service account's credentials and where Google is, built once per run.

    Attributes:
        credentials: The service account's credentials (tokens refresh themselves).
        email: The service account's e-mail: what a sheet must be shared with.
        sheets_endpoint: Base URL of the Sheets API.
        drive_endpoint: Base URL of the Drive API.
        timeout: Seconds any one request may take.
    """

    credentials: service_account.Credentials
    email: str
    sheets_endpoint: str
    drive_endpoint: str
    timeout: float = DEFAULT_TIMEOUT_SECONDS

    def sheets_client(self) -> gspread.Client:
        """A gspread client on the configured Sheets endpoint, with the time-out."""
        return gspread.Client(
            auth=self.credentials,
            http_client=gspread_http_client(self.sheets_endpoint.rstrip("/"), self.timeout),
        )

    def drive_service(self) -> Any:
        """A googleapiclient Drive v3 resource on the configured endpoint (no network at build)."""
        base = self.drive_endpoint.rstrip("/")
        http = google_auth_httplib2.AuthorizedHttp(
            self.credentials, http=EndpointHttp(base, self.timeout)
        )
        return build(
            "drive",
            "v3",
            http=http,
            static_discovery=True,
            cache_discovery=False,
            client_options={"api_endpoint": base + "/drive/v3/"},
        )


def google_access(
    settings: GoogleConfig | None,
    environment: Mapping[str, str] | None = None,
    secret_json: str | None = None,
    timeout: float | None = None,
) -> GoogleAccess:
    """Build Google access from the config, the environment, or a Prefect Secret's JSON.

    Credentials come from `google.credentials` in the config, else the file named by
    `$GOOGLE_APPLICATION_CREDENTIALS`, else `secret_json` (the flow reads the Secret
    block `SECRET_BLOCK`; the domain never imports Prefect).

    Args:
        settings: The config's `google` section (None: all defaults).
        environment: The environment variables (default: this process's).
        secret_json: The service-account JSON from a Prefect Secret block, if any.
        timeout: Seconds any one request may take (default: `google.timeout_seconds`).

    Raises:
        GoogleAccessError: No credentials were found, or they cannot be used.
    """
    settings = settings or GoogleConfig()
    environment = os.environ if environment is None else environment
    info = _service_account_info(settings, environment, secret_json)
    info = {**info, "token_uri": settings.token_uri}
    try:
        credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=SCOPES
        )
    except (ValueError, KeyError) as error:
        raise GoogleAccessError(f"the service-account key cannot be used: {error}") from error
    return GoogleAccess(
        credentials,
        str(info.get("client_email", "")),
        settings.sheets_endpoint,
        settings.drive_endpoint,
        settings.timeout_seconds if timeout is None else timeout,
    )


def _service_account_info(
    settings: GoogleConfig, environment: Mapping[str, str], secret_json: str | None
) -> dict[str, Any]:
    if settings.credentials is not None:
        return _read_key(settings.credentials, "google.credentials in the config")
    if environment.get(ENVIRONMENT_VARIABLE):
        return _read_key(Path(environment[ENVIRONMENT_VARIABLE]), f"${ENVIRONMENT_VARIABLE}")
    if secret_json:
        return _parse_key(secret_json, f"the Prefect Secret block {SECRET_BLOCK!r}")
    raise GoogleAccessError(
        "no Google credentials: set google.credentials in the config, or "
        f"${ENVIRONMENT_VARIABLE}, or store the service-account JSON in the Prefect "
        f"Secret block {SECRET_BLOCK!r}"
    )


def _read_key(path: Path, named_by: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise GoogleAccessError(
            f"the service-account key {path} ({named_by}) cannot be read: {error.strerror}"
        ) from error
    return _parse_key(text, f"{path} ({named_by})")


def _parse_key(text: str, where: str) -> dict[str, Any]:
    try:
        info = json.loads(text)
    except ValueError:
        info = None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        # Never echo the text: it may hold a private key.
        raise GoogleAccessError(f"{where} is not a service-account JSON key")
    return info


def gspread_http_client(base_url: str, timeout: float) -> type[HTTPClient]:
    """An `HTTPClient` class that sends Sheets requests to `base_url`, with a time-out."""

    class EndpointHTTPClient(HTTPClient):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.timeout = timeout

        def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Any:
            if endpoint.startswith(SHEETS_ORIGIN):
                endpoint = base_url + endpoint.removeprefix(SHEETS_ORIGIN)
            return super().request(method, endpoint, *args, **kwargs)

    return EndpointHTTPClient


class EndpointHttp(httplib2.Http):  # type: ignore[misc]
    """An `httplib2.Http` that sends requests for the endpoint's host with its scheme."""

    def __init__(self, base_url: str, timeout: float) -> None:
        """Rewrite requests for the host of `base_url` to its scheme; time out requests."""
        super().__init__(timeout=timeout)
        parts = urllib.parse.urlsplit(base_url)
        self.scheme, self.netloc = parts.scheme, parts.netloc
        # Drive answers 308 to a partial resumable upload: not a redirect.
        self.redirect_codes: frozenset[int] = frozenset(self.redirect_codes) - {308}

    def request(self, uri: str, *args: Any, **kwargs: Any) -> Any:
        """Send the request, with the endpoint's scheme when it is for the endpoint's host."""
        parts = urllib.parse.urlsplit(uri)
        if parts.netloc == self.netloc and parts.scheme != self.scheme:
            uri = urllib.parse.urlunsplit(parts._replace(scheme=self.scheme))
        return super().request(uri, *args, **kwargs)


# --- Bounded retries -------------------------------------------------------------------

T = TypeVar("T")

TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
"""HTTP statuses worth another try: time-out, rate limit, server errors."""
_RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


@dataclass(frozen=True)
class RetryPolicy:
    """How often, and how long apart, a request that failed for a passing reason is sent again.

    Exponential backoff with jitter: before retry n it sleeps between half and all of
    `min(max_delay, first_delay * 2**(n-1))`, the other half random ("equal jitter"), so
    several workers that met the same 429 do not come back together and none comes back
    at once. Bounded: after `attempts` tries the last error is raised (never gspread's
    `BackOffHTTPClient`, which recurses without bound).

    Attributes:
        attempts: Tries in all, the first included.
        first_delay: The backoff before the first retry, seconds; it doubles for each next.
        max_delay: The longest backoff, seconds.
        sleep: How to sleep (tests pass a recorder).
    """

    attempts: int = 5
    first_delay: float = 1.0
    max_delay: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    @classmethod
    def from_settings(cls, settings: GoogleConfig) -> RetryPolicy:
        """The policy the config's `google` section sets (`attempts`, `backoff_*`)."""
        return cls(settings.attempts, settings.backoff_seconds, settings.backoff_cap_seconds)

    def delay(self, retry: int, draw: Callable[[], float] = random.random) -> float:
        """Seconds to wait before retry number `retry` (1 for the first retry)."""
        backoff = min(self.max_delay, self.first_delay * 2 ** (retry - 1))
        return float(backoff / 2 + backoff / 2 * draw())


def google_api_status(error: BaseException) -> int | None:
    """The HTTP status of a googleapiclient error, None for anything else."""
    return error.status_code if isinstance(error, HttpError) else None


def is_transient(error: BaseException) -> bool:
    """True for a failure a later try may not meet: 429, 5xx, a reset, a time-out.

    A reset mid-response is `ConnectionResetError`/`BrokenPipeError` under httplib2 and
    `requests.exceptions.ChunkedEncodingError` under requests, which is no
    `ConnectionError`: so every `RequestException` and `OSError` counts (stack notes).
    Drive also answers some rate limits with 403 `rateLimitExceeded`.
    """
    if isinstance(error, HttpError):
        if error.status_code in TRANSIENT_STATUSES:
            return True
        return error.status_code == 403 and _reason(error) in _RATE_LIMIT_REASONS
    if isinstance(error, gspread.exceptions.APIError):
        return error.code in TRANSIENT_STATUSES
    return isinstance(
        error,
        OSError
        | requests.exceptions.RequestException
        | http.client.HTTPException
        | httplib2.HttpLib2Error,
    )


def _reason(error: HttpError) -> str:
    details = error.error_details
    if isinstance(details, list) and details and isinstance(details[0], dict):
        return str(details[0].get("reason", ""))
    return ""


def with_retries(
    call: Callable[[], T],
    policy: RetryPolicy,
    transient: Callable[[BaseException], bool] = is_transient,
) -> T:
    """Call `call` until it succeeds, retrying transient failures as `policy` allows.

    Args:
        call: One complete try (build the request inside, so each try is fresh).
        policy: How many tries and how long between them.
        transient: Which failures deserve another try.

    Returns:
        What the first successful try returned.

    Raises:
        Exception: The failure of the last try, or the first failure that is not transient.
    """
    tries = 0
    while True:
        tries += 1
        try:
            return call()
        except Exception as error:
            if tries >= policy.attempts or not transient(error):
                raise
            policy.sleep(policy.delay(tries))
