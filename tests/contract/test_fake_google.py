"""The fake Google answers the real gspread and googleapiclient over real HTTP.

These tests hold the test harness itself to the shapes and failures of the real APIs,
so the Sheets source and Drive publisher can be tested against it with confidence.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import gspread
import pytest
import requests
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseUpload
from openpyxl import load_workbook

from tests.fakes import fieldmask
from tests.fakes.google import (
    FOLDER,
    GOOGLE_SHEET,
    XLSX,
    Cell,
    CellError,
    FakeGoogle,
    GoogleAccounts,
    ServiceAccount,
    drive_service,
    gspread_client,
    spreadsheet_from_rows,
)

pytestmark = pytest.mark.contract

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "data" / "sample").glob("*.xlsx"))
TEMPLATE = ROOT / "templates" / "tracker-template.xlsx"
UNFORMATTED = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}
PERCENT_FIELDS = (
    "sheets(properties(title,sheetId),data.rowData.values.effectiveFormat.numberFormat)"
)
T = TypeVar("T")


def reader_sheets(fake: FakeGoogle, account: ServiceAccount, timeout: float = 5.0) -> Any:
    """The gspread low-level client (one HTTP request per call) for this account."""
    return gspread_client(fake.credentials_info(account), fake.sheets_base, timeout).http_client


def drive(fake: FakeGoogle, account: ServiceAccount) -> Any:
    return drive_service(fake.credentials_info(account), fake.url)


def with_retries(call: Callable[[], T], attempts: int = 4) -> T:
    """A bounded retry on 429/5xx, as production code must do (never gspread's BackOff)."""
    for attempt in range(attempts):
        try:
            return call()
        except gspread.exceptions.APIError as error:
            if error.code not in (429, 500, 503) or attempt == attempts - 1:
                raise
            time.sleep(0.01 * 2**attempt)
    raise AssertionError("unreachable")


def expected_values(path: Path, title: str) -> list[list[object]]:
    """What UNFORMATTED_VALUE/SERIAL_NUMBER should give for a tab, computed from openpyxl."""
    sheet = load_workbook(path, data_only=True)[title]
    rows: list[list[object]] = []
    for row in sheet.iter_rows(values_only=True):
        values: list[object] = []
        for value in row:
            if isinstance(value, datetime):
                days = (value - datetime(1899, 12, 30)).total_seconds() / 86400
                value = int(days) if days.is_integer() else days
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            values.append("" if value is None else value)
        while values and values[-1] == "":
            values.pop()
        rows.append(values)
    while rows and not rows[-1]:
        rows.pop()
    return rows


# --- Sheets ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SAMPLES, ids=[path.stem for path in SAMPLES])
def test_a_sample_tracker_reads_in_two_requests_exactly_as_its_xlsx(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts, path: Path
) -> None:
    """Metadata then one batchGet of every tab gives the workbook's typed cells."""
    reader = google_accounts.reader
    sheet = fake_google.load_xlsx(path, readers=[reader.email])
    client = reader_sheets(fake_google, reader)

    meta = client.fetch_sheet_metadata(
        sheet.spreadsheet_id, params={"fields": "sheets.properties(sheetId,title,index)"}
    )
    titles = [tab["properties"]["title"] for tab in meta["sheets"]]
    ranges = ["'" + title.replace("'", "''") + "'" for title in titles]
    answer = client.values_batch_get(sheet.spreadsheet_id, ranges, params=dict(UNFORMATTED))

    assert titles == load_workbook(path, read_only=True).sheetnames
    assert meta["sheets"][0]["properties"] == {"sheetId": 0, "title": titles[0], "index": 0}
    assert answer["spreadsheetId"] == sheet.spreadsheet_id
    for title, value_range in zip(titles, answer["valueRanges"], strict=True):
        assert value_range["majorDimension"] == "ROWS"
        assert value_range["values"] == expected_values(path, title), title
    assert fake_google.count(service="sheets") == 2
    assert fake_google.count(service="sheets", account=reader.email, status=200) == 2


def test_values_have_the_real_apis_shape(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts
) -> None:
    """Trailing blanks dropped, blank middle row [], no `values` for an empty tab, typed cells."""
    reader = google_accounts.reader
    fake_google.add_spreadsheet(
        spreadsheet_from_rows(
            "shape",
            "Shape",
            {
                "My tab": [
                    ["ID", "Date", "Share", "Done", "Broken", None],
                    [],
                    ["A-1", date(2021, 1, 1), Cell(0.7, "0%"), True, CellError("#REF!"), None],
                    ["A-2", None, Cell(0.662, "0.0%"), False, "'01234", 12.0],
                ],
                "Empty": [],
            },
        ),
        readers=[reader.email],
    )
    client = reader_sheets(fake_google, reader)

    raw = client.values_batch_get("shape", ["'My tab'", "Empty"], params=dict(UNFORMATTED))
    shown = client.values_batch_get("shape", ["'My tab'!A3:D4"])
    with pytest.raises(gspread.exceptions.APIError) as no_such_tab:
        client.values_batch_get("shape", ["Activities"])

    tab, empty = raw["valueRanges"]
    assert tab["range"] == "'My tab'!A1:Z1000"
    assert tab["values"] == [
        ["ID", "Date", "Share", "Done", "Broken"],
        [],
        ["A-1", 44197, 0.7, True, "#REF!"],
        ["A-2", "", 0.662, False, "'01234", 12],
    ]
    assert empty == {"range": "Empty!A1:Z1000", "majorDimension": "ROWS"}
    assert shown["valueRanges"][0] == {
        "range": "'My tab'!A3:D4",
        "majorDimension": "ROWS",
        "values": [["A-1", "1/1/2021", "70%", "TRUE"], ["A-2", "", "66.2%", "FALSE"]],
    }
    assert no_such_tab.value.error["message"] == "Unable to parse range: Activities"


def test_percent_cells_are_found_with_one_spreadsheets_get(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts
) -> None:
    """Asking for number formats over ranges returns only those sheets, cells in place."""
    reader = google_accounts.reader
    fake_google.add_spreadsheet(
        spreadsheet_from_rows(
            "percent",
            "Percent",
            {
                "Activities": [["Activity ID"], ["A-1"]],
                "Measurements": [
                    ["Indicator ID", "Date", "Value"],
                    ["I-1", Cell(datetime(2021, 3, 31), "yyyy-mm-dd"), 12],
                    ["I-2", None, Cell(0.7, "0%")],
                ],
            },
        ),
        readers=[reader.email],
    )

    answer = reader_sheets(fake_google, reader).spreadsheets_get(
        "percent", params={"ranges": ["Measurements!A2:C"], "fields": PERCENT_FIELDS}
    )

    (sheet,) = answer["sheets"]
    assert sheet["properties"]["title"] == "Measurements"
    assert sheet["properties"]["sheetId"] > 0
    (block,) = sheet["data"]
    date_format = {"effectiveFormat": {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}}
    percent = {"effectiveFormat": {"numberFormat": {"type": "PERCENT", "pattern": "0%"}}}
    assert block["rowData"] == [{"values": [{}, date_format, {}]}, {"values": [{}, {}, percent]}]


GRID_FIELDS = (
    "sheets(properties(title,index),data(startRow,startColumn,"
    "rowData.values(effectiveValue,effectiveFormat.numberFormat.type)))"
)


def test_grid_data_gives_effective_values_and_format_types_in_one_get(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts
) -> None:
    """Values typed as Google types them, blanks `{}`, formatted blanks kept, trailing trimmed."""
    reader = google_accounts.reader
    fake_google.add_spreadsheet(
        spreadsheet_from_rows(
            "grid",
            "Grid",
            {
                "Tab": [
                    ["ID", "Date", "Share", "Done", "Broken"],
                    [],
                    ["A-1", Cell(date(2021, 1, 1), "yyyy-mm-dd"), Cell(0.7, "0%"), True],
                    ["A-2", Cell("", "yyyy-mm-dd"), None, None, CellError("#DIV/0!")],
                    [None, Cell("", "yyyy-mm-dd")],
                ],
                "Empty": [],
            },
        ),
        readers=[reader.email],
    )
    client = reader_sheets(fake_google, reader)

    masked = client.fetch_sheet_metadata(
        "grid", params={"includeGridData": "true", "fields": GRID_FIELDS}
    )
    whole = client.fetch_sheet_metadata("grid", params={"includeGridData": "true"})
    without = client.fetch_sheet_metadata("grid", params={"includeGridData": "false"})

    tab, empty = masked["sheets"]
    date_type = {"numberFormat": {"type": "DATE"}}
    error = tab["data"][0]["rowData"][3]["values"][4]["effectiveValue"]["errorValue"]
    assert error["type"] == "DIVIDE_BY_ZERO" and error["message"]
    assert tab["data"] == [
        {
            "rowData": [
                {"values": [{"effectiveValue": {"stringValue": t}} for t in tab_header()]},
                {},
                {
                    "values": [
                        {"effectiveValue": {"stringValue": "A-1"}},
                        {"effectiveValue": {"numberValue": 44197}, "effectiveFormat": date_type},
                        {
                            "effectiveValue": {"numberValue": 0.7},
                            "effectiveFormat": {"numberFormat": {"type": "PERCENT"}},
                        },
                        {"effectiveValue": {"boolValue": True}},
                    ]
                },
                {
                    "values": [
                        {"effectiveValue": {"stringValue": "A-2"}},
                        {"effectiveFormat": date_type},
                        {},
                        {},
                        {"effectiveValue": {"errorValue": error}},
                    ]
                },
                {"values": [{}, {"effectiveFormat": date_type}]},
            ]
        }
    ]
    assert empty == {"properties": {"title": "Empty", "index": 1}, "data": [{}]}
    first_cell = whole["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert first_cell["formattedValue"] == "ID"
    assert len(whole["sheets"][0]["data"][0]["rowMetadata"]) == 1000
    assert "data" not in without["sheets"][0]
    assert fake_google.count(kind="sheets.spreadsheets.get") == 3


def tab_header() -> list[str]:
    return ["ID", "Date", "Share", "Done", "Broken"]


def test_spreadsheet_metadata_has_titles_gids_and_grid_size(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts
) -> None:
    """`spreadsheets.get` without a mask has properties and sheets, and no grid data."""
    reader = google_accounts.reader
    fake_google.load_xlsx(SAMPLES[0], "meta", readers=[reader.email])

    answer = reader_sheets(fake_google, reader).fetch_sheet_metadata("meta")

    assert answer["spreadsheetId"] == "meta"
    assert answer["properties"]["title"] == SAMPLES[0].stem
    first, second = answer["sheets"][:2]
    assert first["properties"]["gridProperties"] == {"rowCount": 1000, "columnCount": 26}
    assert (first["properties"]["sheetId"], second["properties"]["sheetId"]) != (0, 0)
    assert second["properties"]["index"] == 1
    assert "data" not in first


# --- Drive -------------------------------------------------------------------------------


def test_drive_create_update_list_and_revisions_over_real_uploads(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts
) -> None:
    """A multipart create then a 3-chunk resumable update: one file, two revisions, one kept."""
    writer = google_accounts.reader
    folder = fake_google.add_folder("Finals", writers=[writer.email])
    service = drive(fake_google, writer)
    first, second = b"%PDF-1\r\n\x00\xff--\n" * 50, bytes(range(256)) * 2500  # 640 kB

    created = (
        service.files()
        .create(
            body={"name": "report.pdf", "parents": [folder]},
            media_body=MediaIoBaseUpload(io.BytesIO(first), mimetype="application/pdf"),
            supportsAllDrives=True,
            fields="id,name,webViewLink,parents",
        )
        .execute()
    )
    found = (
        service.files()
        .list(
            q=f"name = 'report.pdf' and '{folder}' in parents and trashed = false",
            supportsAllDrives=True,
            includeItemsFromAllDrives=True,
            fields="files(id,name)",
        )
        .execute()
    )
    updated = (
        service.files()
        .update(
            fileId=created["id"],
            media_body=MediaIoBaseUpload(
                io.BytesIO(second), mimetype="application/pdf", resumable=True, chunksize=256 * 1024
            ),
            supportsAllDrives=True,
            keepRevisionForever=True,
            fields="id,size",
        )
        .execute()
    )
    revisions = (
        service.revisions().list(fileId=created["id"], fields="revisions(id,keepForever)").execute()
    )
    content = service.files().get_media(fileId=created["id"], supportsAllDrives=True).execute()

    assert created["webViewLink"].endswith(f"/file/d/{created['id']}/view?usp=drivesdk")
    assert created["parents"] == [folder]
    assert found == {"files": [{"id": created["id"], "name": "report.pdf"}]}
    assert updated == {"id": created["id"], "size": str(len(second))}
    assert [revision["keepForever"] for revision in revisions["revisions"]] == [False, True]
    assert content == second
    assert fake_google.drive_file(created["id"]).revisions[0].content == first
    assert [file.name for file in fake_google.files_in(folder)] == ["report.pdf"]
    chunks = fake_google.requests(kind="drive.files.upload")
    assert [entry.status for entry in chunks] == [308, 308, 200]


def test_metadata_only_create_and_update_make_folders_rename_and_move(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts
) -> None:
    """A subfolder made without content, then renamed and moved: no revision anywhere."""
    folder = fake_google.add_folder("Finals", writers=[google_accounts.reader.email])
    files = drive(fake_google, google_accounts.reader).files()

    month = files.create(
        body={"name": "2021-10", "mimeType": FOLDER, "parents": [folder]}, supportsAllDrives=True
    ).execute()
    archive = files.create(
        body={"name": "Archive", "mimeType": FOLDER, "parents": [folder]}, supportsAllDrives=True
    ).execute()
    moved = files.update(
        fileId=month["id"],
        body={"name": "2021-10 (old)"},
        addParents=archive["id"],
        removeParents=folder,
        supportsAllDrives=True,
        fields="name,parents,mimeType",
    ).execute()

    assert moved == {"name": "2021-10 (old)", "parents": [archive["id"]], "mimeType": FOLDER}
    assert [file.name for file in fake_google.files_in(folder)] == ["Archive"]
    assert fake_google.drive_file(month["id"]).revisions == []


def test_an_xlsx_uploaded_as_a_google_sheet_is_converted_and_readable(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts
) -> None:
    """The `new-tracker` path: the template becomes a Sheet the Sheets API serves."""
    account = google_accounts.reader
    folder = fake_google.add_folder("Trackers", writers=[account.email])

    created = (
        drive(fake_google, account)
        .files()
        .create(
            body={"name": "Tracker - Fresno", "parents": [folder], "mimeType": GOOGLE_SHEET},
            media_body=MediaIoBaseUpload(io.BytesIO(TEMPLATE.read_bytes()), mimetype=XLSX),
            supportsAllDrives=True,
            fields="id,mimeType,webViewLink",
        )
        .execute()
    )
    meta = reader_sheets(fake_google, account).fetch_sheet_metadata(created["id"])

    assert created["mimeType"] == GOOGLE_SHEET
    assert created["webViewLink"].startswith(
        f"https://docs.google.com/spreadsheets/d/{created['id']}/"
    )
    assert [conversion.source_mime_type for conversion in fake_google.conversions] == [XLSX]
    titles = [sheet["properties"]["title"] for sheet in meta["sheets"]]
    assert titles == load_workbook(TEMPLATE, read_only=True).sheetnames


def test_drive_refuses_what_google_refuses(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts
) -> None:
    """No content outside a Shared Drive; no Shared Drive item without supportsAllDrives."""
    account = google_accounts.reader
    my_drive = fake_google.add_folder("Mine", writers=[account.email], shared_drive=False)
    shared = fake_google.add_folder("Shared", readers=[account.email])
    service = drive(fake_google, account)
    upload = MediaIoBaseUpload(io.BytesIO(b"x"), mimetype="text/plain")

    with pytest.raises(HttpError) as no_quota:
        service.files().create(
            body={"name": "a", "parents": [my_drive]}, media_body=upload
        ).execute()
    with pytest.raises(HttpError) as hidden:
        service.files().get(fileId=shared).execute()
    with pytest.raises(HttpError) as read_only:
        service.files().create(
            body={"name": "a", "parents": [shared]}, media_body=upload, supportsAllDrives=True
        ).execute()

    assert no_quota.value.status_code == 403
    assert no_quota.value.error_details[0]["reason"] == "storageQuotaExceeded"
    assert hidden.value.status_code == 404
    assert read_only.value.error_details[0]["reason"] == "insufficientFilePermissions"


# --- access and faults -------------------------------------------------------------------


def test_not_shared_unknown_and_bad_key_fail_as_google_does(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts
) -> None:
    """403 for a sheet not shared, 404 for a wrong id, invalid_grant for a wrong key."""
    fake_google.load_xlsx(SAMPLES[0], "private", readers=[google_accounts.reader.email])

    with pytest.raises(gspread.exceptions.APIError) as not_shared:
        reader_sheets(fake_google, google_accounts.outsider).fetch_sheet_metadata("private")
    with pytest.raises(gspread.exceptions.APIError) as unknown:
        reader_sheets(fake_google, google_accounts.reader).fetch_sheet_metadata("no-such-id")
    with pytest.raises(RefreshError, match="invalid_grant"):
        reader_sheets(fake_google, google_accounts.forged).fetch_sheet_metadata("private")
    with pytest.raises(RefreshError, match="account not found"):
        reader_sheets(fake_google, google_accounts.unknown).fetch_sheet_metadata("private")

    assert not_shared.value.code == 403
    assert not_shared.value.error == {
        "code": 403,
        "message": "The caller does not have permission",
        "status": "PERMISSION_DENIED",
    }
    assert (unknown.value.code, unknown.value.error["status"]) == (404, "NOT_FOUND")
    assert fake_google.count(kind="oauth.token", status=400) == 2


def test_a_missing_or_revoked_token_is_a_401(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts
) -> None:
    """No bearer token: 401; a denied id: 401 even after google-auth refreshes twice.

    A token without a Sheets scope is a 403.
    """
    fake_google.load_xlsx(SAMPLES[0], "open", readers=[google_accounts.reader.email])
    fake_google.load_xlsx(SAMPLES[0], "s", readers=[google_accounts.reader.email])
    fake_google.faults.deny("s", 401)

    bare = requests.get(f"{fake_google.url}/v4/spreadsheets/open", timeout=5)
    email_only = AuthorizedSession(
        service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            fake_google.credentials_info(google_accounts.reader),
            scopes=["https://www.googleapis.com/auth/userinfo.email"],
        )
    ).get(f"{fake_google.url}/v4/spreadsheets/open", timeout=5)
    with pytest.raises(gspread.exceptions.APIError) as denied:
        reader_sheets(fake_google, google_accounts.reader).fetch_sheet_metadata("s")

    assert (bare.status_code, bare.json()["error"]["status"]) == (401, "UNAUTHENTICATED")
    assert denied.value.code == 401
    assert (email_only.status_code, email_only.json()["error"]["status"]) == (
        403,
        "PERMISSION_DENIED",
    )
    assert fake_google.count(resource="s", fault="deny") == 3  # google-auth retried twice


def test_429_then_success_and_5xx_are_injected_per_request(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts
) -> None:
    """Two 429s then an answer; the 429 body says RESOURCE_EXHAUSTED."""
    fake_google.load_xlsx(SAMPLES[0], "busy", readers=[google_accounts.reader.email])
    fake_google.faults.fail(429, times=2, kind="sheets.spreadsheets.values.batchGet")
    fake_google.faults.fail(503, resource="busy", kind="sheets.spreadsheets.get")
    client = reader_sheets(fake_google, google_accounts.reader)

    with pytest.raises(gspread.exceptions.APIError) as limited:
        client.values_batch_get("busy", ["Activities"])
    answer = with_retries(lambda: client.values_batch_get("busy", ["Activities"]))
    with pytest.raises(gspread.exceptions.APIError) as unavailable:
        client.fetch_sheet_metadata("busy")

    assert limited.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert answer["valueRanges"][0]["values"][0][0] == "Activity ID"
    assert unavailable.value.code == 503
    batch = fake_google.requests(kind="sheets.spreadsheets.values.batchGet")
    assert [entry.status for entry in batch] == [429, 429, 200]
    assert fake_google.faults.pending == 0


def test_a_slow_answer_times_out_the_client_and_never_holds_the_server(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts
) -> None:
    """A 30 s stall ends in the client's 0.3 s time-out; the next request is served."""
    fake_google.load_xlsx(SAMPLES[0], "slow", readers=[google_accounts.reader.email])
    client = reader_sheets(fake_google, google_accounts.reader, timeout=0.3)
    client.fetch_sheet_metadata("slow")  # token fetched outside the timed call
    fake_google.faults.slow(30, service="sheets")

    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        client.fetch_sheet_metadata("slow")
    waited = time.monotonic() - started

    assert waited < 2
    assert client.fetch_sheet_metadata("slow")["spreadsheetId"] == "slow"


def test_a_reset_connection_breaks_the_response_midway(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts
) -> None:
    """Half the body then a TCP reset: requests raises ChunkedEncodingError, the log a 0.

    Not a `ConnectionError`: a retry must catch `requests.exceptions.RequestException`
    (or both), not only `ConnectionError`.
    """
    fake_google.load_xlsx(SAMPLES[0], "flaky", readers=[google_accounts.reader.email])
    fake_google.faults.reset_connection(kind="sheets.spreadsheets.values.batchGet")
    client = reader_sheets(fake_google, google_accounts.reader)

    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        client.values_batch_get("flaky", ["Activities"])
    again = client.values_batch_get("flaky", ["Activities"])

    assert again["valueRanges"][0]["values"]
    assert [(e.status, e.fault) for e in fake_google.requests(service="sheets")] == [
        (0, "reset"),
        (200, None),
    ]


def test_the_read_quota_is_a_sliding_window_per_account(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts
) -> None:
    """Three reads per 0.4 s: the fourth is a 429, another account is not affected."""
    reader, outsider = google_accounts.reader, google_accounts.outsider
    fake_google.load_xlsx(SAMPLES[0], "q", readers=[reader.email, outsider.email])
    fake_google.set_read_quota(3, window_seconds=0.4)
    client, other = reader_sheets(fake_google, reader), reader_sheets(fake_google, outsider)

    for _ in range(3):
        client.values_batch_get("q", ["Activities"])
    with pytest.raises(gspread.exceptions.APIError) as refused:
        client.fetch_sheet_metadata("q")
    other.fetch_sheet_metadata("q")
    time.sleep(0.45)
    client.fetch_sheet_metadata("q")

    assert refused.value.code == 429
    assert fake_google.count(account=reader.email, fault="quota") == 1
    assert fake_google.count(account=reader.email, service="sheets", status=200) == 4


def test_drive_faults_reach_googleapiclient_as_errors_of_its_transport(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts
) -> None:
    """429 is an HttpError; a reset, the stale connection after it, and a stall are OSErrors."""
    folder = fake_google.add_folder("Finals", writers=[google_accounts.reader.email])
    service = drive_service(
        fake_google.credentials_info(google_accounts.reader), fake_google.url, 0.3
    )

    def listing() -> Any:
        return service.files().list(q=f"'{folder}' in parents", supportsAllDrives=True).execute()

    listing()  # the token is fetched outside the faults
    fake_google.faults.fail(429, service="drive")
    fake_google.faults.reset_connection(service="drive")
    fake_google.faults.slow(30, service="drive")
    with pytest.raises(HttpError) as limited:
        listing()
    with pytest.raises(ConnectionResetError):
        listing()
    with pytest.raises(BrokenPipeError):  # httplib2 reuses the reset connection once
        listing()
    with pytest.raises(TimeoutError):
        listing()
    with pytest.raises(RefreshError, match="invalid_grant"):
        drive(fake_google, google_accounts.forged).files().get(fileId=folder).execute()

    assert limited.value.status_code == 429
    assert limited.value.error_details[0]["reason"] == "rateLimitExceeded"
    assert listing() == {"kind": "drive#fileList", "incompleteSearch": False, "files": []}
    assert fake_google.faults.pending == 0


def test_a_field_mask_keeps_paths_through_lists() -> None:
    """`a.b,c(d)` keeps those members in every element of a list."""
    mask = fieldmask.parse("sheets(properties(title)),spreadsheetId,files/id")
    value = {
        "spreadsheetId": "x",
        "sheets": [{"properties": {"title": "A", "index": 0}, "data": []}],
        "files": [{"id": "1", "name": "n"}],
        "other": 1,
    }

    assert fieldmask.apply(mask, value) == {
        "spreadsheetId": "x",
        "sheets": [{"properties": {"title": "A"}}],
        "files": [{"id": "1"}],
    }
    assert fieldmask.covers(fieldmask.parse(PERCENT_FIELDS), "sheets.data")
    assert not fieldmask.covers(fieldmask.parse("sheets.properties"), "sheets.data")
