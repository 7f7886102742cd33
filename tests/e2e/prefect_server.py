"""A real Prefect server, the prefect CLI and process workers, for the end-to-end tests.

Each server runs `prefect server start` on a free loopback port with a PREFECT_HOME of
its own; every process is started in a session of its own and stopped, with all its
children, when its `with` block ends.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).parent / "prefect")
POOL = "stc-reporting"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(api: str, seconds: float) -> None:
    """Wait until the server at `api` answers its health check; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"Prefect server at {api} not healthy after {seconds} s")


@contextmanager
def prefect_server(
    home: Path, settings: Mapping[str, str] | None = None
) -> Iterator[dict[str, str]]:
    """Run a Prefect server of our own; yield the environment that points at it.

    Args:
        home: Its PREFECT_HOME (the database lives there).
        settings: More environment variables for the server, such as its services' settings.
    """
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        **(settings or {}),
    }
    env.pop("PREFECT_API_URL", None)
    with running([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env):
        api = f"http://127.0.0.1:{port}/api"
        wait_healthy(api, 120)
        yield {**env, "PREFECT_API_URL": api}


@contextmanager
def running(command: list[str], env: Mapping[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` from the repository folder; at the block's end stop it and its children."""
    process = subprocess.Popen(
        command,
        env=dict(env),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def prefect(env: Mapping[str, str], *arguments: str, timeout: float = 180) -> str:
    """Run the prefect CLI from the repository folder; fail with its output if it fails."""
    result = subprocess.run(
        [PREFECT, *arguments],
        env=dict(env),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def deploy(env: Mapping[str, str]) -> None:
    """Create the process work pool and every deployment in prefect.yaml."""
    prefect(env, "work-pool", "create", POOL, "--type", "process")
    prefect(env, "--no-prompt", "deploy", "--all")


@contextmanager
def process_worker(env: Mapping[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """A process worker for the pool, started from the repository folder, polling every second."""
    worker_env = {**env, "PWD": str(REPO), "PREFECT_WORKER_QUERY_SECONDS": "1"}
    with running([PREFECT, "worker", "start", "--pool", POOL], worker_env) as worker:
        yield worker
