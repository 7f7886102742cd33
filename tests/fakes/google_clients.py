"""How the harness points the real clients at the fake Google, with production's own seam.

The endpoint tricks live in `stc_reporting/google_access.py` and are reused here:

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

from typing import Any

import google_auth_httplib2
import gspread
from google.oauth2 import service_account
from googleapiclient.discovery import build

from stc_reporting.google_access import EndpointHttp, gspread_http_client

__all__ = ["SCOPES", "LoopbackHttp", "drive_service", "gspread_client", "gspread_http_client"]

SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets.readonly",
    "https://www.googleapis.com/auth/drive",
)


def gspread_client(info: dict[str, str], base_url: str, timeout: float = 5.0) -> gspread.Client:
    """A gspread client of this service account talking to `base_url`."""
    return gspread.service_account_from_dict(
        info, scopes=list(SCOPES), http_client=gspread_http_client(base_url, timeout)
    )


LoopbackHttp = EndpointHttp
"""Production's `httplib2.Http` that puts back the endpoint's scheme (google_access.py)."""


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
