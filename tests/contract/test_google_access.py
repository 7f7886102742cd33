"""Google access: credentials from config, environment or a Secret; clients on our endpoints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stc_reporting.config import GoogleConfig
from stc_reporting.google_access import GoogleAccessError, google_access
from tests.fakes.google import FakeGoogle, GoogleAccounts

pytestmark = pytest.mark.contract

DATA = Path(__file__).resolve().parents[2] / "data" / "sample"


def settings(fake: FakeGoogle, credentials: Path | None = None) -> GoogleConfig:
    return GoogleConfig(
        credentials=credentials,
        sheets_endpoint=fake.sheets_base,
        drive_endpoint=fake.drive_endpoint.removesuffix("/drive/v3/"),
        token_uri=fake.token_uri,
    )


def test_the_config_key_file_reaches_sheets_through_the_configured_endpoint(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts, google_credentials_file: Path
) -> None:
    """One batchGet with the real gspread lands on the fake, signed by the configured account."""
    fake_google.load_xlsx(DATA / "fresno.xlsx", "fresno-id", readers=[google_accounts.reader.email])
    access = google_access(settings(fake_google, google_credentials_file), environment={})
    assert access.email == google_accounts.reader.email
    answer = access.sheets_client().http_client.values_batch_get("fresno-id", ["Activities"])
    assert answer["valueRanges"][0]["values"][0][0] == "Activity ID"
    assert fake_google.count(kind="sheets.spreadsheets.values.batchGet", status=200) == 1


def test_the_environment_variable_and_the_secret_json_are_the_fallbacks(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts, google_credentials_file: Path
) -> None:
    """$GOOGLE_APPLICATION_CREDENTIALS, then the Secret block's JSON string."""
    from_env = google_access(
        settings(fake_google),
        environment={"GOOGLE_APPLICATION_CREDENTIALS": str(google_credentials_file)},
    )
    from_secret = google_access(
        settings(fake_google), environment={}, secret_json=google_credentials_file.read_text()
    )
    assert from_env.email == from_secret.email == google_accounts.reader.email


def test_no_credentials_is_a_message_saying_where_to_put_them(fake_google: FakeGoogle) -> None:
    """Nothing configured: the message names the config key, the variable and the block."""
    with pytest.raises(
        GoogleAccessError,
        match=r"google\.credentials.*GOOGLE_APPLICATION_CREDENTIALS.*stc-google-service-account",
    ):
        google_access(settings(fake_google), environment={})


def test_a_file_that_is_no_key_is_refused_without_echoing_it(
    tmp_path: Path, fake_google: FakeGoogle
) -> None:
    """A JSON that is not a service-account key is named, its content never printed."""
    path = tmp_path / "key.json"
    path.write_text(json.dumps({"type": "authorized_user", "secret": "do-not-print"}))
    with pytest.raises(GoogleAccessError) as caught:
        google_access(settings(fake_google, path), environment={})
    assert "is not a service-account JSON key" in str(caught.value)
    assert "do-not-print" not in str(caught.value)


def test_drive_uploads_reach_the_configured_endpoint(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts, google_credentials_file: Path
) -> None:
    """A multipart upload through googleapiclient lands in the fake's Shared Drive folder."""
    from googleapiclient.http import MediaInMemoryUpload

    folder = fake_google.add_folder("Finals", writers=[google_accounts.reader.email])
    drive = google_access(
        settings(fake_google, google_credentials_file), environment={}
    ).drive_service()
    media = MediaInMemoryUpload(b"report", mimetype="application/octet-stream")
    created = (
        drive.files()
        .create(
            body={"name": "r.docx", "parents": [folder]}, media_body=media, supportsAllDrives=True
        )
        .execute()
    )
    assert [f.name for f in fake_google.files_in(folder)] == ["r.docx"]
    assert created["id"]
