"""End to end: drafts wait for a person's approval in the UI, then finals reach Drive.

A real `prefect server start`, the prefect.yaml deployments, process workers, and the
fake Google on loopback. A run with `publish` writes its drafts, suspends (its worker
process exits), and is answered through the same API the UI's form uses:

- approve (after the worker was restarted during the wait) → the finals land in the
  fake Drive folder, each byte for byte the reviewed draft's final, recorded in
  `published.json`;
- reject → nothing uploaded, the run says so;
- no answer in time → the run fails and nothing is uploaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from tests.e2e.prefect_server import PREFECT, REPO, deploy, prefect_server
from tests.fakes.google import FakeGoogle

pytestmark = pytest.mark.e2e

SAMPLE_CONFIG = REPO / "config" / "program.yaml"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A server whose expired approvals fail within seconds; prefect.yaml deployed on it."""
    home = tmp_path_factory.mktemp("prefect-home")
    settings = {"PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_LOOP_SECONDS": "1"}
    with prefect_server(home, settings) as env:
        client_env = {**env, "PREFECT_WORKER_QUERY_SECONDS": "1"}
        deploy(client_env)
        yield client_env


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as stream:
        return subprocess.Popen(
            [PREFECT, "worker", "start", "--pool", "stc-reporting"],
            env=env,
            cwd=REPO,
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(worker: subprocess.Popen[bytes]) -> None:
    """Stop a worker as its host would: SIGTERM, then SIGKILL if it has not gone.

    A Prefect worker told to stop just as its flow run suspends itself may miss the
    signal and run on (seen once in CI); the flow run must survive a worker gone either way.
    """
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)


@pytest.fixture
def drive_config(
    tmp_path: Path, fake_google: FakeGoogle, google_credentials_file: Path, google_accounts: Any
) -> tuple[Path, str]:
    """The sample program with finals going to a fake Drive folder the key may write to."""
    folder = fake_google.add_folder("Finals", writers=[google_accounts.reader.email])
    google = {
        "credentials": str(google_credentials_file),
        "sheets_endpoint": fake_google.sheets_base,
        "drive_endpoint": fake_google.drive_endpoint.removesuffix("/drive/v3/"),
        "token_uri": fake_google.token_uri,
        "drive_folder_id": folder,
    }
    text = SAMPLE_CONFIG.read_text().replace("../data/sample/", f"{REPO}/data/sample/")
    config = tmp_path / "program.yaml"
    config.write_text(text + f"google: {json.dumps(google)}\n")
    return config, folder


def client_call(env: dict[str, str], code: str) -> str:
    """Run a few lines against the API in a fresh interpreter (the UI's calls)."""
    result = subprocess.run(
        [str(Path(PREFECT).parent / "python"), "-c", code],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def start_run(env: dict[str, str], config: Path, root: Path, extra: dict[str, str]) -> UUID:
    job_env = {"STC_CONFIG": str(config), "STC_OUTPUTS_ROOT": str(root), **extra}
    code = (
        "from prefect.deployments import run_deployment\n"
        "run = run_deployment('monthly-report/on-demand', timeout=0, "
        "parameters={'request': {'month': '2021-10-31', 'publish': True}}, "
        f"job_variables={{'env': {job_env!r}}})\n"
        "print(run.id)"
    )
    return UUID(client_call(env, code))


def state_of(env: dict[str, str], run: UUID) -> tuple[str, str, str]:
    code = (
        "from prefect.client.orchestration import get_client\n"
        "with get_client(sync_client=True) as c:\n"
        f"    s = c.read_flow_run('{run}').state\n"
        "print(s.type.value + '|' + (s.name or '') + '|' + (s.message or '').replace('\\n', ' '))"
    )
    kind, name, message = client_call(env, code).split("|", 2)
    return kind, name, message


def wait_for(env: dict[str, str], run: UUID, kinds: set[str], seconds: float) -> tuple[str, str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        kind, name, message = state_of(env, run)
        if kind in kinds:
            return name, message
        time.sleep(2)
    raise AssertionError(f"run {run} still {kind} {name}: {message} after {seconds} s")


def review_text(env: dict[str, str], run: UUID) -> str:
    code = (
        "from prefect.input.actions import read_flow_run_input\n"
        f"print(read_flow_run_input('suspended-approval-description', flow_run_id='{run}'))"
    )
    return client_call(env, code)


def answer(env: dict[str, str], run: UUID, reply: dict[str, Any]) -> None:
    code = (
        "from prefect.flow_runs import resume_flow_run\n"
        f"resume_flow_run('{run}', run_input={reply!r})"
    )
    client_call(env, code)


def tail(log: Path, lines: int = 60) -> str:
    """The end of a worker's log, for a failing assertion's message."""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def run_folder_of(root: Path) -> Path:
    (folder,) = list((root / "2021-10").iterdir())
    return folder


def test_approved_drafts_reach_drive_exactly_as_reviewed_after_a_worker_restart(
    api: dict[str, str],
    drive_config: tuple[Path, str],
    fake_google: FakeGoogle,
    tmp_path: Path,
) -> None:
    """Suspended (no process held), worker replaced, approved: finals in Drive, recorded."""
    config, folder = drive_config
    root = tmp_path / "runs"
    worker = start_worker(api, tmp_path / "worker-1.log")
    try:
        run = start_run(api, config, root, {})
        name, message = wait_for(api, run, {"PAUSED", "FAILED", "CRASHED", "COMPLETED"}, 240)
    finally:
        stop(worker)
    assert name == "Suspended", f"{message}\n{tail(tmp_path / 'worker-1.log')}"
    review = review_text(api, run)
    assert "Program report (draft)" in review and "file://" in review
    assert "Allies Against Violence" in review
    drafts = {
        entry["path"]: entry["sha256"]
        for entry in json.loads((run_folder_of(root) / "manifest.json").read_text())["files"]
        if entry["kind"] in ("program-report", "collaborative-report")
    }
    assert len(drafts) == 6 and fake_google.files_in(folder) == []
    worker = start_worker(api, tmp_path / "worker-2.log")
    try:
        answer(api, run, {"approve": True, "reviewer": "Ana Reviewer", "note": "Checked."})
        name, message = wait_for(api, run, {"COMPLETED", "FAILED", "CRASHED"}, 240)
    finally:
        stop(worker)
    assert name == "Published", message
    assert message.startswith("Approved by Ana Reviewer: 6 finals published to")
    published = json.loads((run_folder_of(root) / "published.json").read_text())
    (publication,) = published["publications"]
    assert publication["reviewer"] == "Ana Reviewer" and publication["note"] == "Checked."
    assert {f["file"]: f["draft_sha256"] for f in publication["files"]} == drafts
    in_drive = {f.name: hashlib.sha256(f.content).hexdigest() for f in fake_google.files_in(folder)}
    assert sorted(in_drive.values()) == sorted(f["sha256"] for f in publication["files"])


def run_to_the_end(
    api: dict[str, str],
    config: Path,
    root: Path,
    log: Path,
    settings: dict[str, str],
    reply: dict[str, Any] | None,
) -> tuple[str, str]:
    """Start a publishing run, answer its form with `reply` (None: never), await its end."""
    worker = start_worker(api, log)
    try:
        run = start_run(api, config, root, settings)
        if reply is not None:
            assert wait_for(api, run, {"PAUSED", "FAILED", "CRASHED"}, 240)[0] == "Suspended"
            answer(api, run, reply)
        return wait_for(api, run, {"COMPLETED", "FAILED", "CRASHED"}, 240)
    finally:
        stop(worker)


def test_a_rejected_review_uploads_nothing_and_says_so(
    api: dict[str, str], drive_config: tuple[Path, str], fake_google: FakeGoogle, tmp_path: Path
) -> None:
    """approve: no → Completed "Not approved", nothing in Drive, no published.json."""
    config, folder = drive_config
    root = tmp_path / "runs"
    reply = {"approve": False, "reviewer": "Ana Reviewer", "note": "Typo p. 2"}
    name, message = run_to_the_end(api, config, root, tmp_path / "worker.log", {}, reply)
    assert name == "Not approved"
    assert message == "Not approved by Ana Reviewer: nothing was published. Note: Typo p. 2"
    assert fake_google.files_in(folder) == []
    assert not (run_folder_of(root) / "published.json").exists()


def test_a_review_not_answered_in_time_fails_the_run_and_uploads_nothing(
    api: dict[str, str], drive_config: tuple[Path, str], fake_google: FakeGoogle, tmp_path: Path
) -> None:
    """The wait has a limit (STC_APPROVAL_TIMEOUT_HOURS); past it the run is Failed."""
    config, folder = drive_config
    root = tmp_path / "runs"
    settings = {"STC_APPROVAL_TIMEOUT_HOURS": "0.002"}
    name, message = run_to_the_end(api, config, root, tmp_path / "worker.log", settings, None)
    assert name == "Failed" and "never resumed" in message
    assert fake_google.files_in(folder) == []
    shutil.rmtree(root)
