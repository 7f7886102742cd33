"""The service-account key and the access tokens never reach a log, an output or a message.

A run reads five Google Sheets, four of them refused or failing (401, 403, 404, a 429
that never clears, a reset mid-answer), and one with a key Google does not know. Every
log record (at DEBUG, every library's), every byte the run wrote (`.docx` and `.xlsx`
unzipped), every failure reason and every exception message on the way, with their
causes, are scanned for the private key, its id and every access token the fake issued.
"""

from __future__ import annotations

import json
import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from stc_reporting.pipeline import plan_run, run_monthly_report
from stc_reporting.sources import TrackerUnreadableError
from tests.contract.test_sheets_source import (
    AS_OF,
    RUN_DATE,
    SAMPLES,
    access_for,
    google_yaml,
    load_samples,
    write_config,
)
from tests.fakes.google import FakeGoogle, GoogleAccounts, ServiceAccount

pytestmark = pytest.mark.contract

FAULTS = {"oakland": 401, "fresno": 403, "los-angeles": 404}


def secrets_of(account: ServiceAccount, fake: FakeGoogle) -> dict[str, str]:
    """What must never be shown: the key's body lines, its id, each access token issued."""
    body = [line for line in account.private_key_pem.splitlines() if "-----" not in line]
    found = {f"private key line {n}": line for n, line in enumerate(body[1:-1:8])}
    found["private key id"] = account.key_id
    found |= {f"access token {n}": token for n, token in enumerate(fake.issuer.issued())}
    return found


def written_text(folder: Path) -> Iterator[tuple[str, str]]:
    """Every file under the folder as text, the members of zip files (docx, xlsx) unpacked."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    yield f"{path}!{member}", archive.read(member).decode("utf-8", "replace")
        yield str(path), data.decode("utf-8", "replace")


def messages_of(error: BaseException | None) -> str:
    """An exception's message, representation and arguments, down its chain of causes."""
    texts = []
    while error is not None:
        texts += [str(error), repr(error), *map(repr, error.args)]
        error = error.__cause__ or error.__context__
    return "\n".join(texts)


def assert_nothing_shows(secrets: dict[str, str], places: dict[str, str]) -> None:
    assert len(secrets) >= 3 and all(len(value) >= 20 for value in secrets.values())
    leaks = [
        f"{name} in {where}"
        for where, text in places.items()
        for name, value in secrets.items()
        if value in text
    ]
    assert leaks == []
    assert not any("PRIVATE KEY" in text for text in places.values())


def test_a_run_with_refused_and_failing_sheets_shows_no_key_and_no_token(
    tmp_path: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """401, 403, 404, 429 for ever, a reset: logs, outputs and reasons hold no secret."""
    caplog.set_level(logging.DEBUG)
    load_samples(fake_google, google_accounts.reader.email)
    for identifier, status in FAULTS.items():
        fake_google.faults.deny(f"{identifier}-sheet", status)
    fake_google.faults.fail(429, times=50, resource="san-diego-sheet")
    fake_google.faults.reset_connection(times=1, resource="mckinleyville-sheet")
    config = write_config(
        tmp_path,
        {i: f"sheet_id: {i}-sheet" for i in SAMPLES},
        google_yaml(fake_google, google_credentials_file),
    )
    outcome = run_monthly_report(plan_run(config, tmp_path / "out", AS_OF, run_date=RUN_DATE))

    reasons = {c.id: c.reason or "" for c in outcome.summary.collaboratives}
    assert [identifier for identifier, reason in reasons.items() if reason] == [
        *sorted(FAULTS, key=SAMPLES.index),
        "san-diego",
    ]
    assert fake_google.issuer.issued(), "the run was given an access token to keep secret"
    places = dict(written_text(tmp_path / "out"))
    places["log"] = caplog.text + "\n".join(
        messages_of(record.exc_info[1] if record.exc_info else None) for record in caplog.records
    )
    places["reasons"] = json.dumps(reasons)
    assert_nothing_shows(secrets_of(google_accounts.reader, fake_google), places)


@pytest.mark.parametrize("refusal", ["forged key", 401, 403, 404])
def test_the_exceptions_of_a_refused_read_hold_no_secret_down_their_causes(
    refusal: str | int,
    tmp_path: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """The error a read raises, and every error it was raised from, hold no key or token."""
    from stc_reporting.google_access import RetryPolicy
    from stc_reporting.sources.sheets import ReadLimiter, SheetsSource

    account = google_accounts.forged if refusal == "forged key" else google_accounts.reader
    key = account.write(tmp_path / "key.json", fake_google.token_uri)
    load_samples(fake_google, google_accounts.reader.email)
    if isinstance(refusal, int):
        fake_google.faults.deny("fresno-sheet", refusal)
    access = access_for(fake_google, key if refusal == "forged key" else google_credentials_file)
    source = SheetsSource("fresno-sheet", access, ReadLimiter(), RetryPolicy(attempts=2))
    with pytest.raises(TrackerUnreadableError) as raised:
        source.read()
    places = {"exception": messages_of(raised.value)}
    assert_nothing_shows(secrets_of(account, fake_google), places)
