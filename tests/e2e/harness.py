"""Real processes on loopback for the end-to-end tests: PostgreSQL, a Prefect server, workers.

Every process is started in a session of its own and stopped (its whole process group)
when its block ends; every wait is bounded.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).parent / "prefect")
POOL = "stc-reporting"

# Where Debian puts PostgreSQL's server programs (`initdb`, `pg_ctl` are not on PATH).
POSTGRES_BIN_GLOB = "/usr/lib/postgresql/*/bin"
POSTGRES_USER = "postgres"


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(api_url: str, seconds: float) -> None:
    """Wait until the Prefect API answers /health, at most `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"Prefect server at {api_url} not healthy after {seconds} s")


def prefect(env: dict[str, str], *arguments: str, timeout: float = 180) -> str:
    """Run the prefect CLI from the repository; fail with its output unless it succeeds."""
    result = subprocess.run(
        [PREFECT, *arguments], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def api(env: dict[str, str], path: str, body: dict[str, Any] | None = None) -> Any:
    """POST a JSON body to the Prefect REST API (`/flow_runs/filter`, …) and return its JSON."""
    request = urllib.request.Request(
        env["PREFECT_API_URL"] + path,
        data=json.dumps(body or {}).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def start(
    command: Sequence[str], env: dict[str, str], log: Path, cwd: Path = REPO
) -> subprocess.Popen[bytes]:
    """Start a process in a session of its own, its output going to `log`."""
    with log.open("ab") as stream:
        return subprocess.Popen(
            list(command),
            env=env,
            cwd=cwd,
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    """Stop a process and its children (SIGTERM, then SIGKILL after `seconds`)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- PostgreSQL --------------------------------------------------------------------------


def postgres_binaries() -> Path | None:
    """The folder of PostgreSQL's server programs, the newest version installed, if any."""
    found = sorted(Path("/").glob(POSTGRES_BIN_GLOB.lstrip("/")), key=_version)
    found = [folder for folder in found if (folder / "initdb").is_file()]
    if found:
        return found[-1]
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version(folder: Path) -> tuple[int, ...]:
    number = folder.parent.name
    return tuple(int(part) for part in number.split(".") if part.isdigit())


def why_no_postgres() -> str | None:
    """Why the tests cannot start a PostgreSQL server here, or None when they can."""
    if postgres_binaries() is None:
        return (
            "no PostgreSQL server programs (initdb, pg_ctl) are installed; "
            "tools/install-system-packages.sh installs Debian's postgresql"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(POSTGRES_USER)
        except KeyError:
            return f"running as root and there is no {POSTGRES_USER!r} user to run initdb as"
    return None


class PostgresCluster:
    """A throw-away PostgreSQL cluster in a temporary folder, on a free loopback port.

    initdb refuses to run as root, so as root every command runs as the `postgres`
    user (`runuser`), in a folder that user owns; its unix socket is in that folder.
    """

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="stc-postgres-"))
        self.port = free_port()
        self.data = self.folder / "data"
        if os.geteuid() == 0:
            account = pwd.getpwnam(POSTGRES_USER)
            os.chown(self.folder, account.pw_uid, account.pw_gid)

    @property
    def url(self) -> str:
        """The SQLAlchemy URL Prefect's server connects with (asyncpg driver)."""
        return f"postgresql+asyncpg://prefect@127.0.0.1:{self.port}/prefect"

    def _run(self, program: str, *arguments: str, timeout: float = 90) -> None:
        command = [str(self.binaries / program), *arguments]
        if os.geteuid() == 0:
            command = ["runuser", "-u", POSTGRES_USER, "--", *command]
        result = subprocess.run(
            command, cwd=self.folder, capture_output=True, text=True, timeout=timeout
        )
        assert result.returncode == 0, f"{program}: {result.stdout}{result.stderr}"

    def start(self) -> str:
        """Create the cluster and the `prefect` database, start the server; return its URL."""
        # Trust on loopback only: the cluster listens on 127.0.0.1 and its own socket folder.
        self._run(
            "initdb", "-D", str(self.data), "-U", "prefect", "--auth=trust", "-E", "UTF8",
            "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        log = str(self.folder / "postgres.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "-t", "60",
                  "start")  # fmt: skip
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "prefect", "prefect")
        return self.url

    def query(self, sql: str) -> str:
        """Run one SQL statement in the `prefect` database with psql; return its bare output."""
        command = [str(self.binaries / "psql"), "-h", "127.0.0.1", "-p", str(self.port)]
        command += ["-U", "prefect", "-d", "prefect", "-tAc", sql]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove the cluster's folder."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A started PostgreSQL cluster with a `prefect` database, stopped and removed after."""
    binaries = postgres_binaries()
    assert binaries is not None, why_no_postgres()
    cluster = PostgresCluster(binaries)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


# --- Prefect ------------------------------------------------------------------------------


@contextmanager
def prefect_server(
    home: Path, database_url: str | None = None, startup_seconds: float = 150
) -> Iterator[dict[str, str]]:
    """`prefect server start` on a free loopback port with its own PREFECT_HOME.

    Args:
        home: The server's PREFECT_HOME; its log goes to `home/server.log`.
        database_url: PREFECT_SERVER_DATABASE_CONNECTION_URL; None: SQLite in `home`.
        startup_seconds: How long the server may take to become healthy.

    Yields:
        The environment for the CLI, workers and deployments: PREFECT_API_URL pointing
        at the server, and STC_CHECKOUT (this repository) for `prefect deploy`.
    """
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "STC_CHECKOUT": str(REPO),
    }
    env.pop("PREFECT_API_URL", None)
    if database_url is not None:
        env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = database_url
    command = [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    server = start(command, env, home / "server.log")
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        wait_healthy(api_url, startup_seconds)
        yield {**env, "PREFECT_API_URL": api_url}
    finally:
        stop(server)


@contextmanager
def workers(
    env: dict[str, str], names: Sequence[str], logs: Path, cwd: Path, limit: int | None = None
) -> Iterator[dict[str, Path]]:
    """Process workers on the pool, polling every second; yields each one's log file.

    Args:
        env: The environment pointing at the server.
        names: The workers' names (`prefect worker start --name`).
        logs: The folder for their logs (`<name>.log`).
        cwd: The folder each worker is started in.
        limit: At most this many flow runs at once per worker (None: no limit).
    """
    started = []
    env = {**env, "PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_WORKER_PREFETCH_SECONDS": "5"}
    try:
        for name in names:
            command = [PREFECT, "worker", "start", "--pool", POOL, "--name", name]
            command += ["--limit", str(limit)] if limit is not None else []
            started.append(start(command, env, logs / f"{name}.log", cwd))
        yield {name: logs / f"{name}.log" for name in names}
    finally:
        for process in started:
            stop(process)
