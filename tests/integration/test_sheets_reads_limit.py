"""Sheets reads take slots of the Prefect global concurrency limit when the server has it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from flows.monthly_report import run_to_folder
from tasks.sources import SHEETS_READS_LIMIT
from tests.fakes.google import FakeGoogle, GoogleAccounts

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
SHEETS = ("oakland", "fresno", "san-diego")


def write_config(tmp_path: Path, fake: FakeGoogle, key: Path) -> Path:
    """Three collaboratives kept as Google Sheets on the fake; the key in the config."""
    sample = (REPO / "config" / "program.yaml").read_text()
    program = sample[sample.index("program:") : sample.index("collaboratives:")]
    lines = [program.rstrip(), "collaboratives:"]
    for identifier in SHEETS:
        lines.append(
            f"  - {{id: {identifier}, name: {identifier}, city: X, sheet_id: {identifier}-sheet}}"
        )
    lines.append(
        f"google: {{credentials: {key}, sheets_endpoint: {fake.sheets_base}, "
        f"token_uri: {fake.token_uri}}}"
    )
    config = tmp_path / "program.yaml"
    config.write_text("\n".join(lines) + "\n")
    return config


def active_slots() -> int:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_global_concurrency_limit_by_name(SHEETS_READS_LIMIT).active_slots


@pytest.fixture
def sheets_reads_limit() -> Iterator[None]:
    """The limit, decaying so slowly that no slot frees during the test."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

    with get_client(sync_client=True) as client:
        client.create_global_concurrency_limit(
            GlobalConcurrencyLimitCreate(
                name=SHEETS_READS_LIMIT, limit=100, slot_decay_per_second=0.01
            )
        )
    try:
        yield
    finally:
        with get_client(sync_client=True) as client:
            client.delete_global_concurrency_limit_by_name(SHEETS_READS_LIMIT)


@pytest.fixture
def sheets_config(
    tmp_path: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> Path:
    for identifier in SHEETS:
        fake_google.load_xlsx(
            REPO / f"data/sample/{identifier}.xlsx",
            f"{identifier}-sheet",
            readers=[google_accounts.reader.email],
        )
    return write_config(tmp_path, fake_google, google_credentials_file)


def run(config: Path, out: Path) -> list[str]:
    summary = run_to_folder(config_path=str(config), as_of=date(2021, 10, 31), out_dir=str(out))
    return [c.status for c in summary.collaboratives]


def test_every_sheets_request_takes_one_slot_of_the_global_limit(
    tmp_path: Path, fake_google: FakeGoogle, sheets_config: Path, sheets_reads_limit: None
) -> None:
    """With `sheets-reads` on the server, each request the fake saw took one slot of it."""
    before = active_slots()
    fake_google.faults.fail(429, times=1, kind="sheets.spreadsheets.get")

    assert run(sheets_config, tmp_path / "out") == ["ok"] * len(SHEETS)

    requests = fake_google.count(service="sheets")
    assert requests == len(SHEETS) + 1  # one per tracker, and the retried 429
    assert active_slots() - before == requests


def test_without_the_limit_the_local_limiter_alone_keeps_the_quota(
    tmp_path: Path, fake_google: FakeGoogle, sheets_config: Path
) -> None:
    """No `sheets-reads` on the server: the flow reads every sheet all the same."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client, pytest.raises(ObjectNotFound):
        client.read_global_concurrency_limit_by_name(SHEETS_READS_LIMIT)

    assert run(sheets_config, tmp_path / "out") == ["ok"] * len(SHEETS)
    assert fake_google.count(service="sheets", status=200) == len(SHEETS)
