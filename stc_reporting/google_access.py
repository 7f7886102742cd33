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

import json
import os
import random
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import google_auth_httplib2
import gspread
import httplib2
from google.oauth2 import service_account
from googleapiclient.discovery import build
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
            http_client=_gspread_http_client(self.sheets_endpoint.rstrip("/"), self.timeout),
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


def _gspread_http_client(base_url: str, timeout: float) -> type[HTTPClient]:
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


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff and jitter (never gspread's BackOffHTTPClient).

    Attributes:
        attempts: Tries in all, the first included.
        base_seconds: The backoff before the first retry; it doubles for each next one.
        cap_seconds: The longest backoff.
    """

    attempts: int = 5
    base_seconds: float = 1.0
    cap_seconds: float = 30.0

    @classmethod
    def from_settings(cls, settings: GoogleConfig) -> RetryPolicy:
        """The policy the config's `google` section sets (`attempts`, `backoff_*`)."""
        return cls(settings.attempts, settings.backoff_seconds, settings.backoff_cap_seconds)

    def delay(self, retry: int, draw: Callable[[], float] = random.random) -> float:
        """Seconds to wait before retry number `retry` (1 for the first retry).

        Half the backoff is always waited and the other half is random ("equal jitter"):
        clients that failed together do not come back together, and none comes back at once.
        """
        backoff = min(self.cap_seconds, self.base_seconds * 2 ** (retry - 1))
        return float(backoff / 2 + backoff / 2 * draw())
