"""The flow reads Google Sheets trackers with the key of the Prefect Secret block."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from flows.monthly_report import run_to_folder
from stc_reporting.google_access import SECRET_BLOCK
from stc_reporting.outputs.summary import RunSummary
from tests.fakes.google import FakeGoogle, GoogleAccounts

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
FRESNO = "data/sample/fresno.xlsx"


def write_config(tmp_path: Path, fake: FakeGoogle) -> Path:
    """Oakland as a Google Sheet, Fresno as .xlsx; no key in the config."""
    sample = (REPO / "config" / "program.yaml").read_text()
    program = sample[sample.index("program:") : sample.index("collaboratives:")]
    config = tmp_path / "program.yaml"
    config.write_text(
        program
        + "collaboratives:\n"
        + "  - {id: oakland, name: Oakland, city: Oakland, sheet_id: oakland-sheet}\n"
        + f"  - {{id: fresno, name: Fresno, city: Fresno, workbook: {REPO / FRESNO}}}\n"
        + f"google: {{sheets_endpoint: {fake.sheets_base}, token_uri: {fake.token_uri}}}\n"
    )
    return config


def run(config: Path, out: Path) -> RunSummary:
    return run_to_folder(config_path=str(config), as_of=date(2021, 10, 31), out_dir=str(out))


def test_the_secret_block_key_reads_the_sheet_and_its_absence_fails_that_sheet_only(
    tmp_path: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No block: Oakland fails saying where the key goes, Fresno reports; with it, both report."""
    from prefect.blocks.system import Secret

    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    fake_google.load_xlsx(
        REPO / "data/sample/oakland.xlsx", "oakland-sheet", readers=[google_accounts.reader.email]
    )
    config = write_config(tmp_path, fake_google)

    without = run(config, tmp_path / "without")
    reasons = {c.id: c.reason for c in without.collaboratives}
    assert reasons["fresno"] is None
    assert SECRET_BLOCK in str(reasons["oakland"])
    assert fake_google.count(service="sheets") == 0

    key = google_accounts.reader.info(fake_google.token_uri)
    Secret(value=json.dumps(key)).save(SECRET_BLOCK, overwrite=True)
    try:
        with_key = run(config, tmp_path / "with")
    finally:
        Secret.delete(SECRET_BLOCK)
    assert [c.status for c in with_key.collaboratives] == ["ok", "ok"]
    assert fake_google.count(service="sheets", resource="oakland-sheet", status=200) == 1
    issues = (tmp_path / "with" / "issues.csv").read_text()
    assert "https://docs.google.com/spreadsheets/d/oakland-sheet/edit#gid=" in issues
