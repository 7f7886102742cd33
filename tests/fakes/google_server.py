"""A fake Google on loopback: OAuth token endpoint, Sheets v4 reads and Drive v3 files.

The real gspread and googleapiclient talk to it over real HTTP (see README.md in this
folder): start it, load spreadsheets from `.xlsx` files, share them with service
accounts, inject faults, then count what the clients asked for in the request log.
"""

from __future__ import annotations

import contextlib
import re
import socket
import struct
import threading
import time
import traceback
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.fakes.drive_model import GOOGLE_SHEET, DriveFile
from tests.fakes.drive_service import Access, Conversion, DriveService
from tests.fakes.faults import FaultRule, Faults, LoggedRequest, ReadQuota, RequestLog
from tests.fakes.google_api import ApiError, ApiRequest, ApiResponse
from tests.fakes.google_auth import ServiceAccount, TokenIssuer
from tests.fakes.sheets_model import Spreadsheet, spreadsheet_from_xlsx
from tests.fakes.sheets_service import SheetsService

SHEETS_SCOPES = frozenset(
    "https://www.googleapis.com/auth/" + name
    for name in ("spreadsheets", "spreadsheets.readonly", "drive", "drive.readonly", "drive.file")
)
DRIVE_SCOPES = frozenset(
    "https://www.googleapis.com/auth/" + name for name in ("drive", "drive.file", "drive.readonly")
)


@dataclass(frozen=True)
class Route:
    """A path the fake serves: method, pattern, the API method id it stands for."""

    method: str
    pattern: re.Pattern[str]
    kind: str

    @property
    def service(self) -> str:
        """`oauth`, `sheets` or `drive`."""
        return self.kind.split(".")[0]


def _route(method: str, pattern: str, kind: str) -> Route:
    return Route(method, re.compile(pattern + r"$"), kind)


_ID = r"(?P<id>[^/:]+)"
_SHEET = rf"/v4/spreadsheets/{_ID}"
_FILE = rf"/drive/v3/files/{_ID}"
ROUTES = (
    _route("POST", r"/token", "oauth.token"),
    _route("GET", rf"/v4/spreadsheets/{_ID}", "sheets.spreadsheets.get"),
    _route("GET", rf"{_SHEET}/values:batchGet", "sheets.spreadsheets.values.batchGet"),
    _route("GET", rf"{_SHEET}/values/(?P<range>[^/]+)", "sheets.spreadsheets.values.get"),
    _route("GET", r"/drive/v3/files", "drive.files.list"),
    _route("POST", r"/drive/v3/files", "drive.files.create"),
    _route("POST", r"/upload/drive/v3/files", "drive.files.create"),
    _route("PUT", rf"/upload/drive/v3/files(?:/{_ID})?", "drive.files.upload"),
    _route("GET", rf"/drive/v3/files/{_ID}", "drive.files.get"),
    _route("PATCH", rf"/drive/v3/files/{_ID}", "drive.files.update"),
    _route("PATCH", rf"/upload/drive/v3/files/{_ID}", "drive.files.update"),
    _route("GET", rf"/drive/v3/files/{_ID}/revisions", "drive.revisions.list"),
    _route("PATCH", rf"{_FILE}/revisions/(?P<revision>[^/]+)", "drive.revisions.update"),
)  # fmt: skip
SHEETS_READS = ("sheets.spreadsheets.get", "sheets.spreadsheets.values.batchGet",
                "sheets.spreadsheets.values.get")  # fmt: skip


class FakeGoogle:
    """The fake Google: a `ThreadingHTTPServer` on 127.0.0.1 and what it serves.

    Use it as a context manager, or `start()` / `stop()`. Endpoints for the clients:
    `token_uri` (in the service-account JSON), `sheets_base` (replaces
    `https://sheets.googleapis.com`), `drive_endpoint` (googleapiclient's `api_endpoint`).
    """

    def __init__(self, accounts: Iterable[ServiceAccount] = ()) -> None:
        """A stopped fake that accepts JWTs signed by these accounts' keys."""
        self.issuer = TokenIssuer()
        for account in accounts:
            self.issuer.register(account)
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.files: dict[str, DriveFile] = {}
        self.access = Access(self.files)
        self.sheets = SheetsService(self.spreadsheets, self.access.can_read)
        self.drive = DriveService(self.files, self.access, self._register_conversion)
        self.faults = Faults()
        self.read_quota = ReadQuota()
        self.request_log = RequestLog()
        self.internal_errors: list[str] = []
        # Set when a test's state is reset or the server stops: requests still waiting on
        # a `slow` fault give up, and requests of an earlier test are not logged in this one.
        self.abandon = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle ----------------------------------------------------------------------

    def start(self) -> FakeGoogle:
        """Listen on a free loopback port, answering from a background thread."""
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-google",
            daemon=True,
        )  # fmt: skip
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; slow answers still waiting are abandoned, connections closed."""
        if self._server is None:
            return
        self.abandon.set()
        self._server.shutdown()
        self._server.close_all()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> FakeGoogle:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget spreadsheets, files, sharing, faults, quota use and the log; keep accounts."""
        self.abandon.set()
        self.abandon = threading.Event()
        self.spreadsheets.clear()
        self.files.clear()
        self.access.shares.clear()
        self.drive.conversions.clear()
        self.drive.sessions.clear()
        self.faults.clear()
        self.read_quota = ReadQuota()
        self.request_log.clear()
        self.internal_errors.clear()

    # --- endpoints -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        if self._server is None:
            raise RuntimeError("the fake Google is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def token_uri(self) -> str:
        """The OAuth token endpoint, for the service-account JSON."""
        return self.url + "/token"

    @property
    def sheets_base(self) -> str:
        """What replaces `https://sheets.googleapis.com` in Sheets URLs."""
        return self.url

    @property
    def drive_endpoint(self) -> str:
        """The Drive v3 `api_endpoint` for googleapiclient's `client_options`."""
        return self.url + "/drive/v3/"

    # --- accounts and content ------------------------------------------------------------

    def register(self, account: ServiceAccount) -> None:
        """Accept this account's JWTs."""
        self.issuer.register(account)

    def credentials_info(self, account: ServiceAccount) -> dict[str, str]:
        """The account's service-account JSON with `token_uri` pointing here."""
        return account.info(self.token_uri)

    def add_spreadsheet(self, spreadsheet: Spreadsheet, readers: Iterable[str] = ()) -> Spreadsheet:
        """Serve a spreadsheet (also a Drive file of its id), readable by `readers`."""
        self.spreadsheets[spreadsheet.spreadsheet_id] = spreadsheet
        self.files.setdefault(
            spreadsheet.spreadsheet_id,
            DriveFile(spreadsheet.spreadsheet_id, spreadsheet.title, GOOGLE_SHEET),
        )
        for email in readers:
            self.access.share(spreadsheet.spreadsheet_id, email, "reader")
        return spreadsheet

    def load_xlsx(
        self,
        path: Path,
        spreadsheet_id: str | None = None,
        *,
        title: str | None = None,
        readers: Iterable[str] = (),
    ) -> Spreadsheet:
        """Serve an `.xlsx` file as a Google Sheet (id defaults to `sheet-<file stem>`)."""
        sheet_id = spreadsheet_id or f"sheet-{path.stem}"
        spreadsheet = spreadsheet_from_xlsx(path, sheet_id, title or path.stem)
        return self.add_spreadsheet(spreadsheet, readers)

    def share(self, resource_id: str, email: str, role: str = "reader") -> None:
        """Share a spreadsheet, file or folder with `email` as `reader` or `writer`."""
        self.access.share(resource_id, email, role)

    def add_folder(
        self,
        name: str,
        *,
        writers: Iterable[str] = (),
        readers: Iterable[str] = (),
        shared_drive: bool = True,
    ) -> str:
        """A Drive folder (by default a Shared Drive's), shared as given; its id."""
        folder = self.drive.add_folder(name, shared_drive=shared_drive)
        for email in writers:
            self.access.share(folder.file_id, email, "writer")
        for email in readers:
            self.access.share(folder.file_id, email, "reader")
        return folder.file_id

    def drive_file(self, file_id: str) -> DriveFile:
        """A Drive file or folder by id (KeyError if none)."""
        return self.files[file_id]

    def files_in(self, folder_id: str) -> list[DriveFile]:
        """The (untrashed) files directly in a folder, in creation order."""
        return [f for f in self.files.values() if folder_id in f.parents and not f.trashed]

    @property
    def conversions(self) -> list[Conversion]:
        """Every upload that asked to be converted to a Google type."""
        return list(self.drive.conversions)

    def set_read_quota(self, limit: int, window_seconds: float = 60.0) -> None:
        """Allow each account `limit` Sheets reads per sliding `window_seconds`."""
        self.read_quota = ReadQuota(limit, window_seconds)

    # --- the log -------------------------------------------------------------------------

    def requests(self, **where: Any) -> list[LoggedRequest]:
        """The logged requests whose fields equal `where` (`service="sheets"`, `status=429`)."""
        return [
            entry
            for entry in self.request_log.entries()
            if all(getattr(entry, name) == value for name, value in where.items())
        ]

    def count(self, **where: Any) -> int:
        """How many logged requests match `where`."""
        return len(self.requests(**where))

    # --- serving -------------------------------------------------------------------------

    def _register_conversion(self, file: DriveFile, content: bytes) -> None:
        self.spreadsheets[file.file_id] = spreadsheet_from_xlsx(content, file.file_id, file.name)

    def answer(self, route: Route, match: re.Match[str], request: ApiRequest) -> ApiResponse:
        """Authenticate, apply the quota, and let the service answer."""
        if route.kind == "oauth.token":
            response, account = self.issuer.exchange(request.body)
            request.account = account or ""
            return response
        if route.kind != "drive.files.upload":  # a session URI is its own credential
            self._authenticate(route, request)
        if route.kind in SHEETS_READS and not self.read_quota.admit(request.account):
            raise _QuotaExceededError
        return self._dispatch(route, match.groupdict(), request)

    def _authenticate(self, route: Route, request: ApiRequest) -> None:
        grant = self.issuer.grant_for(request.headers.get("authorization"))
        if grant is None:
            raise service_error(route.service, 401)
        request.account, request.scopes = grant.account, grant.scopes
        needed = SHEETS_SCOPES if route.service == "sheets" else DRIVE_SCOPES
        if not needed & grant.scopes:
            raise service_error(
                route.service, 403, "Request had insufficient authentication scopes."
            )

    def _dispatch(
        self, route: Route, groups: dict[str, str | None], request: ApiRequest
    ) -> ApiResponse:
        resource = urllib.parse.unquote(groups.get("id") or "")
        kind = route.kind
        if kind == "sheets.spreadsheets.get":
            return self.sheets.get(request, resource)
        if kind == "sheets.spreadsheets.values.batchGet":
            return self.sheets.batch_get(request, resource)
        if kind == "sheets.spreadsheets.values.get":
            return self.sheets.values_get(
                request, resource, urllib.parse.unquote(groups["range"] or "")
            )
        if kind == "drive.files.list":
            return self.drive.list_files(request)
        if kind == "drive.files.create":
            return self.drive.create(request)
        if kind == "drive.files.upload":
            return self.drive.upload_chunk(request, request.param("upload_id") or "")
        if kind == "drive.files.get":
            return self.drive.get(request, resource)
        if kind == "drive.files.update":
            return self.drive.update(request, resource)
        if kind == "drive.revisions.list":
            return self.drive.list_revisions(request, resource)
        return self.drive.update_revision(
            request, resource, urllib.parse.unquote(groups["revision"] or "")
        )


class _QuotaExceededError(Exception):
    """The account's read quota is used up."""


def service_error(service: str, status: int, message: str | None = None) -> ApiError:
    """An error in the service's own shape: Drive's `errors` list, Google's status elsewhere."""
    if service == "drive":
        reason = "authError" if status == 401 else None
        defaults = {401: "Invalid Credentials", 429: "Rate Limit Exceeded"}
        text = message or defaults.get(status)
        return ApiError.drive(status, text, reason)
    if service == "oauth":
        return ApiError(
            status, {"error": "internal_failure", "error_description": "Fault injected."}
        )
    return ApiError.google(status, message)


class _Server(ThreadingHTTPServer):
    """The HTTP server, knowing its fake and its open connections (to close on stop)."""

    daemon_threads = True
    block_on_close = False
    fake: FakeGoogle

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.connections: set[socket.socket] = set()
        self.lock = threading.Lock()

    def close_all(self) -> None:
        """Close every open (keep-alive) connection so no handler thread lingers."""
        with self.lock:
            for connection in list(self.connections):
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Google serves
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Without it, a small response waits for the client's delayed ACK: 40 ms each.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the request log is the record."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        started = time.monotonic()
        fake = self.server.fake
        abandon = fake.abandon
        parts = urllib.parse.urlsplit(self.path)
        request = ApiRequest(
            method=self.command,
            path=parts.path,
            query=urllib.parse.parse_qs(parts.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self._read_body(),
            base_url=fake.url,
        )
        route, match = _find_route(self.command, parts.path)
        resource = (
            urllib.parse.unquote(match.group("id") or "")
            if match and "id" in match.groupdict()
            else None
        )
        kind, service = (route.kind, route.service) if route else ("unknown", "unknown")
        fault = fake.faults.take(service, kind, resource) if route else None
        answer, fault_name = self._answer(fake, route, match, request, fault, abandon)
        json_bytes = 0
        if answer is not None:
            answer, json_bytes = _as_asked(answer, request)
        if abandon.is_set():
            self.close_connection = True
            return  # a request of a test that has ended, or the server is stopping
        reset = fault_name == "reset"
        status = 0 if answer is None or reset else answer.status
        # Logged before the answer goes out, so a client that has its answer finds it logged.
        fake.request_log.add(
            LoggedRequest(
                self.command, parts.path, kind, service, resource or None,
                request.account or None, status, started, time.monotonic() - started,
                fault_name, json_bytes, len(answer.body) if answer is not None else 0,
            )
        )  # fmt: skip
        if answer is not None and reset:
            self._reset(answer)
        elif answer is not None:
            self._send(answer)

    def _answer(
        self,
        fake: FakeGoogle,
        route: Route | None,
        match: re.Match[str] | None,
        request: ApiRequest,
        fault: FaultRule | None,
        abandon: threading.Event,
    ) -> tuple[ApiResponse | None, str | None]:
        """The answer to send (None: none) and the name of the fault that shaped it."""
        if route is None or match is None:
            return _encode(
                ApiError.google(404, f"Not found: {request.method} {request.path}")
            ), None
        if fault is not None and fault.action in ("status", "deny"):
            return _encode(service_error(route.service, fault.status)), fault.action
        if fault is not None and fault.action == "slow" and abandon.wait(fault.seconds):
            return None, "slow"
        try:
            answer: ApiResponse | ApiError = fake.answer(route, match, request)
        except ApiError as error:
            answer = error
        except _QuotaExceededError:
            return _encode(ApiError.google(429)), "quota"
        except Exception:  # a bug in the fake: say so loudly rather than pass as a 500
            fake.internal_errors.append(traceback.format_exc())
            answer = ApiError.google(500, "Fake Google internal error (see internal_errors).")
        return _encode(answer), fault.action if fault else None

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            body = bytearray()
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                body.extend(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return bytes(body)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _head(self, response: ApiResponse) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _send(self, response: ApiResponse) -> None:
        try:
            self._head(response)
            self.wfile.write(response.body)
            self.wfile.flush()
        except OSError:  # the client gave up (its time-out): nothing to answer
            self.close_connection = True

    def _reset(self, response: ApiResponse) -> None:
        """Send the head and half the body, then close with RST (SO_LINGER 0)."""
        self.close_connection = True
        try:
            self._head(response)
            self.wfile.write(response.body[: max(1, len(response.body) // 2)])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


def _as_asked(answer: ApiResponse, request: ApiRequest) -> tuple[ApiResponse, int]:
    """The answer shaped as Google shapes it for this request, and its length before gzip.

    `prettyPrint=false` (a system parameter of every Google API) drops the indentation;
    a JSON answer is gzipped when the client accepts gzip and its User-Agent contains
    "gzip", the two things Google's performance guides ask for.
    """
    if request.param("prettyPrint", "true") == "false":
        answer = answer.compact()
    json_bytes = len(answer.body)
    accepts = "gzip" in request.headers.get("accept-encoding", "")
    if accepts and "gzip" in request.headers.get("user-agent", ""):
        answer = answer.gzipped()
    return answer, json_bytes


def _encode(answer: ApiResponse | ApiError) -> ApiResponse:
    if isinstance(answer, ApiError):
        return ApiResponse.of_json(answer.body, answer.status)
    return answer


def _find_route(method: str, path: str) -> tuple[Route | None, re.Match[str] | None]:
    for route in ROUTES:
        if route.method == method and (match := route.pattern.match(path)):
            return route, match
    return None, None
