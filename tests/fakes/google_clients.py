"""How the real clients are pointed at the fake Google (the tricks production needs too).

- gspread has no base-URL setting, and patching `gspread.urls` does nothing (modules copy
  the names at import): subclass `gspread.http_client.HTTPClient`, rewrite the URL prefix
  in `request()`, and pass the class as `http_client=`. Its default time-out is none.
- googleapiclient takes `client_options={"api_endpoint": BASE + "/drive/v3/"}`, but builds
  media-upload URLs from the discovery document's `rootUrl` and swaps only the host, so
  uploads stay `https://`: an `httplib2.Http` subclass rewrites the scheme back. `http=`
  and `credentials=` cannot both go to `build()`, so the credentials wrap the `Http`
  (`google_auth_httplib2.AuthorizedHttp`). A hand-made `Http` must also stop treating 308
  as a redirect (as googleapiclient's `build_http()` does), or a resumable upload in
  several chunks fails with `RedirectMissingLocation`.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import google_auth_httplib2
import gspread
import httplib2
from google.oauth2 import service_account
from googleapiclient.discovery import build
from gspread.http_client import HTTPClient

SHEETS_ORIGIN = "https://sheets.googleapis.com"
SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets.readonly",
    "https://www.googleapis.com/auth/drive",
)


def gspread_http_client(base_url: str, timeout: float) -> type[HTTPClient]:
    """An `HTTPClient` class sending Sheets requests to `base_url`, with a time-out."""

    class LoopbackHTTPClient(HTTPClient):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.timeout = timeout

        def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Any:
            if endpoint.startswith(SHEETS_ORIGIN):
                endpoint = base_url + endpoint.removeprefix(SHEETS_ORIGIN)
            return super().request(method, endpoint, *args, **kwargs)

    return LoopbackHTTPClient


def gspread_client(info: dict[str, str], base_url: str, timeout: float = 5.0) -> gspread.Client:
    """A gspread client of this service account talking to `base_url`."""
    return gspread.service_account_from_dict(
        info, scopes=list(SCOPES), http_client=gspread_http_client(base_url, timeout)
    )


class LoopbackHttp(httplib2.Http):  # type: ignore[misc]
    """An `httplib2.Http` that sends `https://` requests for one host over plain http."""

    def __init__(self, base_url: str, timeout: float) -> None:
        """Rewrite requests to the host of `base_url` (an `http://` URL)."""
        super().__init__(timeout=timeout)
        self.netloc = urllib.parse.urlsplit(base_url).netloc
        # Drive answers 308 to a partial resumable upload: not a redirect. googleapiclient's
        # own `build_http()` does the same; a hand-made Http must do it too.
        self.redirect_codes: frozenset[int] = frozenset(self.redirect_codes) - {308}

    def request(self, uri: str, *args: Any, **kwargs: Any) -> Any:
        """Send the request, over http when it is for the fake's host."""
        parts = urllib.parse.urlsplit(uri)
        if parts.scheme == "https" and parts.netloc == self.netloc:
            uri = urllib.parse.urlunsplit(parts._replace(scheme="http"))
        return super().request(uri, *args, **kwargs)


def drive_service(info: dict[str, str], base_url: str, timeout: float = 5.0) -> Any:
    """A googleapiclient Drive v3 resource of this service account talking to `base_url`."""
    credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        info, scopes=SCOPES
    )
    http = google_auth_httplib2.AuthorizedHttp(credentials, http=LoopbackHttp(base_url, timeout))
    return build(
        "drive",
        "v3",
        http=http,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": base_url + "/drive/v3/"},
    )
