"""End to end: Failed, Crashed and Late runs of the deployments reach a webhook.

Starts a Prefect server of our own (runs count as late one second after their start
time), applies the notifications with `tools/setup_notifications.py` pointed at a
webhook receiver on loopback, deploys prefect.yaml, then makes one run of the on-demand
deployment late (no worker), one fail (a tracker that is no workbook) and one crash (its
process killed), and reads what the receiver was sent. About a minute; every process is
stopped at the end.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.prefect_server import REPO, deploy, prefect_server, process_worker
from tools.setup_notifications import BLOCK_NAME

pytestmark = pytest.mark.e2e

# The address program managers open the UI at (behind the organisation's proxy, say):
# the links in the notifications start with it.
UI_URL = "https://prefect.example.org"
SERVER_SETTINGS = {
    "PREFECT_UI_URL": UI_URL,
    "PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS": "1",
    "PREFECT_SERVER_SERVICES_LATE_RUNS_LOOP_SECONDS": "1",
}
WAIT_SECONDS = 60
ON_DEMAND = "monthly-report/on-demand"
SAMPLE_CONFIG = REPO / "config" / "program.yaml"
FRESNO, OAKLAND = "Mujeres Poderosas Amorosas", "Allies Against Violence"
OCTOBER = "2021-10-31"
SERVER_SET = {"id", "created", "updated"}  # fields of an automation a client cannot send


@dataclass
class Notification:
    """One POST the webhook received: the JSON the custom webhook block sends."""

    subject: str
    title: str
    body: str
    text: str


@dataclass
class WebhookReceiver:
    """A webhook on loopback that records every JSON POST it receives."""

    received: list[Notification] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def record(self, payload: dict[str, str]) -> None:
        """Keep one POST's JSON and wake whoever waits."""
        with self.arrived:
            self.received.append(Notification(**payload))
            self.arrived.notify_all()

    def wait_for(self, wanted: Callable[[Notification], bool]) -> Notification:
        """The first notification that is `wanted`, waiting up to WAIT_SECONDS for it."""
        with self.arrived:
            found = self.arrived.wait_for(
                lambda: next((n for n in self.received if wanted(n)), None), WAIT_SECONDS
            )
        assert found, f"no such notification within {WAIT_SECONDS} s; got {self.received}"
        return found


def serve(receiver: WebhookReceiver) -> ThreadingHTTPServer:
    """An HTTP server on a free loopback port that hands each POST's JSON to `receiver`."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            receiver.record(json.loads(self.rfile.read(length)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test output quiet

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@pytest.fixture(scope="module")
def webhook() -> Iterator[tuple[WebhookReceiver, str]]:
    """The receiver and its URL, served from a thread for the module's tests."""
    receiver = WebhookReceiver()
    http = serve(receiver)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver, f"http://127.0.0.1:{http.server_address[1]}/stc-reporting"
    finally:
        http.shutdown()
        http.server_close()


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, webhook: tuple[WebhookReceiver, str]
) -> Iterator[dict[str, str]]:
    """A server with prefect.yaml deployed and notifications set up (URL in $STC_NOTIFY_URL)."""
    with prefect_server(tmp_path_factory.mktemp("prefect-home"), SERVER_SETTINGS) as env:
        setup_notifications(env, STC_NOTIFY_URL=webhook[1])
        deploy(env)
        yield env


def setup_notifications(env: Mapping[str, str], *arguments: str, **variables: str) -> str:
    """Run the documented setup command against the server; its output."""
    result = subprocess.run(
        [sys.executable, "-m", "tools.setup_notifications", *arguments],
        env={**env, **variables},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def api(env: Mapping[str, str], path: str, body: object = None) -> Any:
    """Call the server's REST API: GET, or POST `body` as JSON; the JSON it answers."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{env['PREFECT_API_URL']}/{path}", data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def start_run(env: Mapping[str, str], request: dict[str, Any], job_env: dict[str, str]) -> str:
    """Start a run of the on-demand deployment, as the UI's Run button does; its id.

    Args:
        env: Points at the server.
        request: The run form's answers.
        job_env: What the deployment's `job_variables: env:` would set (STC_CONFIG, ...).
    """
    deployment = api(env, f"deployments/name/{ON_DEMAND}")
    body = {"parameters": {"request": request}, "job_variables": {"env": job_env}}
    run = api(env, f"deployments/{deployment['id']}/create_flow_run", body)
    return str(run["id"])


def program_with_broken_tracker(folder: Path) -> Path:
    """The sample program, Fresno's tracker swapped for a file that is no workbook."""
    broken = folder / "fresno.xlsx"
    broken.write_bytes(b"this is not a workbook")
    text = SAMPLE_CONFIG.read_text().replace("../data/sample/", f"{REPO}/data/sample/")
    config = folder / "program.yaml"
    config.write_text(text.replace(f"{REPO}/data/sample/fresno.xlsx", str(broken)))
    return config


def read_flow_run(env: Mapping[str, str], run_id: str) -> dict[str, Any]:
    """The flow run as the server's REST API returns it."""
    run: dict[str, Any] = api(env, f"flow_runs/{run_id}")
    return run


def read_all(env: Mapping[str, str], collection: str) -> list[dict[str, Any]]:
    """Every item of a collection of the server's REST API (`automations`, `block_documents`)."""
    items: list[dict[str, Any]] = api(env, f"{collection}/filter", {})
    return items


def automations_and_blocks(env: Mapping[str, str]) -> dict[str, list[tuple[str, str]]]:
    """The ids and names of the server's automations and blocks."""
    return {
        kind: sorted((item["id"], item["name"]) for item in read_all(env, collection))
        for kind, collection in (("automations", "automations"), ("blocks", "block_documents"))
    }


def wait_until_running(env: Mapping[str, str], run_id: str) -> dict[str, Any]:
    """The flow run once its process runs it, waiting up to WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        run = read_flow_run(env, run_id)
        if run["state_type"] == "RUNNING" and run["infrastructure_pid"]:
            return run
        assert run["state_type"] not in {"COMPLETED", "FAILED", "CRASHED"}, run["state"]
        time.sleep(0.2)
    raise AssertionError(f"flow run {run_id} not running after {WAIT_SECONDS} s")


def about(run_id: str, state: str) -> Callable[[Notification], bool]:
    """Whether a notification is the one about this run reaching this state."""
    return lambda n: f"flow-run/{run_id}" in n.body and n.subject.endswith(f" is {state}")


def check_names_the_run(notification: Notification, run: dict[str, Any], state: str) -> None:
    """The notification says in words which run, which state, and links to the run."""
    assert notification.subject == f'STC reporting: the run "{run["name"]}" is {state}'
    assert f'"{run["name"]}" (monthly-report/on-demand) is {state}.' in notification.body
    assert f"Open the run: {UI_URL}/runs/flow-run/{run['id']}" in notification.body
    assert notification.title == notification.subject
    assert notification.text == f"{notification.subject}\n\n{notification.body}"


def test_applying_the_setup_again_changes_nothing(
    server: dict[str, str], webhook: tuple[WebhookReceiver, str]
) -> None:
    """A second setup updates the one automation and the one block in place: no copies."""
    before = automations_and_blocks(server)
    output = setup_notifications(server, "--url", webhook[1])
    assert "updated automation 'stc-reporting run needs attention'" in output
    assert "removed" not in output
    assert automations_and_blocks(server) == before
    assert [name for _, name in before["automations"]] == ["stc-reporting run needs attention"]
    assert [name for _, name in before["blocks"]] == [BLOCK_NAME]


def test_the_setup_removes_copies_that_prefect_automation_create_added(
    server: dict[str, str], webhook: tuple[WebhookReceiver, str]
) -> None:
    """`prefect automation create` adds a copy each time; the setup leaves exactly one."""
    (automation,) = read_all(server, "automations")
    copy = {key: value for key, value in automation.items() if key not in SERVER_SET}
    api(server, "automations/", copy)  # what `prefect automation create` sends
    assert len(read_all(server, "automations")) == 2
    output = setup_notifications(server, "--url", webhook[1])
    assert "removed 1 copy of it" in output
    assert len(read_all(server, "automations")) == 1


def test_a_run_no_worker_picks_up_notifies_as_late(
    server: dict[str, str], webhook: tuple[WebhookReceiver, str]
) -> None:
    """With no worker running, a run becomes Late and the webhook says to start the worker."""
    run_id = start_run(server, {}, {})
    try:
        notification = webhook[0].wait_for(about(run_id, "Late"))
    finally:  # no worker should ever run it
        cancelled = {"type": "CANCELLED", "name": "Cancelled"}
        api(server, f"flow_runs/{run_id}/set_state", {"state": cancelled, "force": True})
    check_names_the_run(notification, read_flow_run(server, run_id), "Late")
    assert "has not started: no worker is taking runs" in notification.body


def test_a_run_with_a_broken_tracker_notifies_naming_the_collaborative(
    server: dict[str, str], webhook: tuple[WebhookReceiver, str], tmp_path: Path
) -> None:
    """One tracker cannot be read: the run ends Failed and the message names who and why."""
    job_env = {
        "STC_CONFIG": str(program_with_broken_tracker(tmp_path)),
        "STC_OUTPUTS_ROOT": str(tmp_path / "runs"),
    }
    request = {"month": OCTOBER, "collaboratives": [f"{FRESNO} (Fresno)", f"{OAKLAND} (Oakland)"]}
    with process_worker(server):
        run_id = start_run(server, request, job_env)
        notification = webhook[0].wait_for(about(run_id, "Failed"))
    run = read_flow_run(server, run_id)
    check_names_the_run(notification, run, "Failed")
    assert f"What Prefect says: {run['state']['message']}" in notification.body
    assert f"{FRESNO} failed: " in notification.body
    assert "1 of 2 collaboratives reported" in notification.body
    assert OAKLAND not in notification.body  # it reported: only who failed is named


def test_a_run_whose_process_is_killed_notifies_as_crashed(
    server: dict[str, str], webhook: tuple[WebhookReceiver, str], tmp_path: Path
) -> None:
    """Killing a running flow's process crashes the run; the webhook says to run it again."""
    job_env = {"STC_CONFIG": str(SAMPLE_CONFIG), "STC_OUTPUTS_ROOT": str(tmp_path / "runs")}
    with process_worker(server):
        run_id = start_run(server, {"month": OCTOBER}, job_env)
        running = wait_until_running(server, run_id)
        os.kill(int(running["infrastructure_pid"]), signal.SIGKILL)
        notification = webhook[0].wait_for(about(run_id, "Crashed"))
    check_names_the_run(notification, read_flow_run(server, run_id), "Crashed")
    assert "Run it again once the worker is back." in notification.body
    assert "SIGKILL" in notification.body
