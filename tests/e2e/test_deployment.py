"""End to end: a real Prefect server, the prefect.yaml deployments, a worker, one run.

Starts `prefect server start` on a free loopback port with its own PREFECT_HOME,
deploys with `prefect --no-prompt deploy --all`, starts a process worker from the
repository folder, runs the on-demand deployment with parameters, and checks the
outputs. About a minute; every process is stopped at the end.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from stc_reporting.figures.document import read_rollups

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).parent / "prefect")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"Prefect server at {url} not healthy after {seconds} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A Prefect server of our own on loopback; yields the environment that points at it."""
    home = tmp_path_factory.mktemp("prefect-home")
    api = f"http://127.0.0.1:{free_port()}/api"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    port = api.split(":")[2].split("/")[0]
    process = subprocess.Popen(
        [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", port],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_healthy(api, 120)
        yield {**env, "PREFECT_API_URL": api}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def prefect(env: dict[str, str], *arguments: str, timeout: float = 180) -> str:
    result = subprocess.run(
        [PREFECT, *arguments], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_on_demand_deployment_runs_on_a_worker(server: dict[str, str], tmp_path: Path) -> None:
    """Deploy prefect.yaml, run on-demand with parameters, and get the outputs."""
    prefect(server, "work-pool", "create", "stc-reporting", "--type", "process")
    prefect(server, "--no-prompt", "deploy", "--all")
    listed = prefect(server, "deployment", "ls")
    assert "monthly-report/monthly" in listed and "monthly-report/on-demand" in listed
    worker = subprocess.Popen(
        [PREFECT, "worker", "start", "--pool", "stc-reporting"],
        env={**server, "PWD": str(REPO)},
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        out = tmp_path / "out"
        prefect(
            server,
            "deployment",
            "run",
            "monthly-report/on-demand",
            "-p",
            f"out_dir={out}",
            "-p",
            "as_of=2021-10-31",
            "-p",
            'only=["fresno"]',
            "--watch",
            timeout=300,
        )
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    rollups = read_rollups(out / "rollups.json")
    assert list(rollups.collaboratives) == list(rollups.reporting) == ["fresno"]
    assert (out / "reports" / "collaborative-fresno.docx").is_file()
