"""A real Prefect server, the prefect CLI and process workers, for the end-to-end tests.

Each server runs `prefect server start` on a free loopback port with a PREFECT_HOME of
its own (SQLite there, or the database its settings name); every process is started in a
session of its own and stopped, with all its children, when its `with` block ends, and
every wait is bounded. PostgreSQL for the server: tests/e2e/postgres.py.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

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
    home: Path, settings: Mapping[str, str] | None = None, startup_seconds: float = 150
) -> Iterator[dict[str, str]]:
    """Run a Prefect server of our own; yield the environment that points at it.

    The environment also sets STC_CHECKOUT to this repository, so `prefect deploy` with
    it makes runs start here (prefect.yaml's pull step). The server's output goes to
    `home/server.log`.

    Args:
        home: Its PREFECT_HOME (the SQLite database lives there unless `settings` name
            another with PREFECT_SERVER_DATABASE_CONNECTION_URL).
        settings: More environment variables for the server, such as its services' settings.
        startup_seconds: How long it may take to answer its health check.
    """
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "STC_CHECKOUT": str(REPO),
        **(settings or {}),
    }
    env.pop("PREFECT_API_URL", None)
    command = [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with running(command, env, log=home / "server.log"):
        api = f"http://127.0.0.1:{port}/api"
        wait_healthy(api, startup_seconds)
        yield {**env, "PREFECT_API_URL": api}


@contextmanager
def running(
    command: Sequence[str],
    env: Mapping[str, str],
    log: Path | None = None,
    cwd: Path = REPO,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command`; at the block's end stop it and its children (SIGTERM, then SIGKILL).

    Args:
        command: The program and its arguments.
        env: Its whole environment.
        log: A file for its output and errors (appended to); None: discarded.
        cwd: The folder it starts in (default: the repository).
    """
    with ExitStack() as stack:
        output = stack.enter_context(log.open("ab")) if log is not None else subprocess.DEVNULL
        process = subprocess.Popen(
            list(command),
            env=dict(env),
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT if log is not None else subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


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
    """Create (or keep) the process work pool and every deployment in prefect.yaml."""
    prefect(env, "work-pool", "create", POOL, "--type", "process", "--overwrite")
    prefect(env, "--no-prompt", "deploy", "--all")


def api(env: Mapping[str, str], path: str, body: Mapping[str, Any] | None = None) -> Any:
    """POST a JSON body to the server's REST API (`/flow_runs/filter`, …); return its JSON."""
    request = urllib.request.Request(
        env["PREFECT_API_URL"] + path,
        data=json.dumps(dict(body or {})).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@contextmanager
def process_worker(env: Mapping[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """A process worker for the pool, started from the repository folder, polling every second."""
    worker_env = {**env, "PREFECT_WORKER_QUERY_SECONDS": "1"}
    with running([PREFECT, "worker", "start", "--pool", POOL], worker_env) as worker:
        yield worker


@contextmanager
def workers(
    env: Mapping[str, str],
    names: Sequence[str],
    logs: Path,
    cwd: Path,
    limit: int | None = None,
) -> Iterator[dict[str, Path]]:
    """Named process workers for the pool, polling every second; yields each one's log file.

    Args:
        env: The environment pointing at the server.
        names: The workers' names (`prefect worker start --name`).
        logs: The folder for their logs (`<name>.log`).
        cwd: The folder each worker is started in.
        limit: At most this many flow runs at once per worker (None: no limit).
    """
    worker_env = {**env, "PREFECT_WORKER_QUERY_SECONDS": "1"}
    files = {name: logs / f"{name}.log" for name in names}
    with ExitStack() as stack:
        for name, log in files.items():
            command = [PREFECT, "worker", "start", "--pool", POOL, "--name", name]
            command += ["--limit", str(limit)] if limit is not None else []
            stack.enter_context(running(command, worker_env, log=log, cwd=cwd))
        yield files
