"""A throw-away PostgreSQL cluster for the end-to-end tests' Prefect server.

Uses the server programs of the PostgreSQL installed on the machine (Debian's
`postgresql`: tools/install-system-packages.sh installs it). The cluster lives in a
temporary folder, listens on a free loopback port and its own socket folder, and is
stopped and removed when its `with` block ends.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.prefect_server import free_port

# Where Debian puts PostgreSQL's server programs (initdb and pg_ctl are not on PATH).
BINARIES_GLOB = "usr/lib/postgresql/*/bin"
POSTGRES_USER = "postgres"


def postgres_binaries() -> Path | None:
    """The folder of PostgreSQL's server programs, of the newest version installed, if any."""
    found = [folder for folder in Path("/").glob(BINARIES_GLOB) if (folder / "initdb").is_file()]
    if found:
        return max(found, key=lambda folder: int(folder.parent.name.split(".")[0]))
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def why_no_postgres() -> str | None:
    """Why no PostgreSQL server can be started here, or None when one can."""
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
    """A PostgreSQL cluster in a temporary folder, on a free loopback port.

    initdb refuses to run as root, so as root every program runs as the `postgres` user
    (`runuser`), in a folder that user owns; the socket is in that folder too. Access is
    `trust`, for the `prefect` role, from loopback only.

    Args:
        binaries: The folder of PostgreSQL's server programs.
    """

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        # Not under pytest's temporary folder: its parents are private to root.
        self.folder = Path(tempfile.mkdtemp(prefix="stc-postgres-"))
        self.data = self.folder / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            account = pwd.getpwnam(POSTGRES_USER)
            os.chown(self.folder, account.pw_uid, account.pw_gid)

    @property
    def url(self) -> str:
        """The URL Prefect's server connects with (the asyncpg driver)."""
        return f"postgresql+asyncpg://prefect@127.0.0.1:{self.port}/prefect"

    def _run(self, program: str, *arguments: str) -> str:
        command = [str(self.binaries / program), *arguments]
        if os.geteuid() == 0:
            command = ["runuser", "-u", POSTGRES_USER, "--", *command]
        result = subprocess.run(
            command, cwd=self.folder, capture_output=True, text=True, timeout=90
        )
        assert result.returncode == 0, f"{program}: {result.stdout}{result.stderr}"
        return result.stdout

    def start(self) -> None:
        """Create the cluster, start its server, create the `prefect` database."""
        data = str(self.data)
        self._run("initdb", "-D", data, "-U", "prefect", "--auth=trust", "-E", "UTF8", "--no-sync")
        # A test database: no need to survive a power cut.
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        log = str(self.folder / "postgres.log")
        self._run("pg_ctl", "-D", data, "-o", options, "-l", log, "-w", "-t", "60", "start")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "prefect", "prefect")

    def query(self, sql: str) -> str:
        """Run one SQL statement in the `prefect` database; return psql's bare output."""
        connection = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "prefect", "-d", "prefect"]
        return self._run("psql", *connection, "-tAc", sql).strip()

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove the cluster's folder."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A started cluster with a `prefect` database; stopped and removed at the block's end."""
    binaries = postgres_binaries()
    assert binaries is not None, why_no_postgres()
    cluster = PostgresCluster(binaries)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
