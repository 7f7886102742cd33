"""The Prefect API `stc-report run` talks to: checked before the run, or a temporary one.

With `PREFECT_API_URL` set, the API is asked for its health first, so an address that
does not answer stops the command in one line (exit 2) instead of a traceback from
deep inside the flow engine.

Without it, Prefect starts a temporary server (uvicorn in a subprocess) and stops it
at exit with an `atexit` hook, which never runs when the command is killed (SIGKILL,
or SIGTERM's default action): the server would be left running, holding its port and
its database. So the command starts that server itself, before the flow (the flow
finds and uses the same one), and starts beside it a small watchdog process that
holds the reading end of a pipe whose writing end only the command holds. However the
command ends, the kernel closes that end; the watchdog reads end-of-file and stops the
server. On a normal exit the command first tells the watchdog to stand down (one byte),
then Prefect's own hook stops the server as before.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

STAND_DOWN = b"."
"""What the command writes to the watchdog when it stops the server itself."""
_GRACE_SECONDS = 5.0
SERVER_APP = "prefect.server.api.server:create_app"
"""What the temporary server's command line runs (uvicorn --factory ...)."""


class PrefectApiUnreachableError(Exception):
    """The configured Prefect API does not answer; the message says what to do."""


@contextmanager
def prefect_api() -> Iterator[None]:
    """Make sure the flow has a Prefect API: the configured one answers, or a temporary one.

    Raises:
        PrefectApiUnreachableError: `PREFECT_API_URL` is set and nothing answers there.
    """
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if url:
        check_api(url)
        yield
        return
    with temporary_server():
        yield


def check_api(url: str) -> None:
    """Ask the API at `url` for its health.

    Raises:
        PrefectApiUnreachableError: It did not answer, or answered with an error.
    """
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        problem = client.api_healthcheck()
    if problem is not None:
        reason = type(problem).__name__
        raise PrefectApiUnreachableError(
            f"the Prefect API at {url} (PREFECT_API_URL) does not answer ({reason}): start "
            "the Prefect server, or unset PREFECT_API_URL to run with a temporary one"
        )


@contextmanager
def temporary_server() -> Iterator[None]:
    """Start Prefect's temporary server now, watched so it never outlives this process."""
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the instance the flow engine will find and use
    server.start()
    process = server.server_process
    if process is None:  # pragma: no cover - start() raises rather than leave none
        yield
        return
    pipe = _watch(process.pid)
    # atexit runs hooks last-registered first: the watchdog stands down before
    # Prefect's own hook (registered by start()) stops the server.
    atexit.register(_stand_down, pipe)
    yield


def _watch(server_pid: int) -> IO[bytes]:
    """Start the watchdog for `server_pid`; return the pipe only this process writes to."""
    watchdog = subprocess.Popen(
        [sys.executable, "-m", "flows.prefect_api", str(server_pid)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C at the terminal is for the command, not for it
    )
    assert watchdog.stdin is not None
    return watchdog.stdin


def _stand_down(pipe: IO[bytes]) -> None:
    try:
        pipe.write(STAND_DOWN)
        pipe.close()
    except OSError:
        pass


def watch(server_pid: int, commands: IO[bytes]) -> None:
    """Wait until the command ends; unless it stood down, stop the server it left.

    Args:
        server_pid: The temporary server's process id.
        commands: The pipe from the command: end-of-file when it ended, whatever way.
    """
    if commands.read() == STAND_DOWN or not _is_prefect_server(server_pid):
        return
    try:
        os.kill(server_pid, signal.SIGTERM)
        deadline = time.monotonic() + _GRACE_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.1)
            os.kill(server_pid, 0)  # raises once it is gone
        os.kill(server_pid, signal.SIGKILL)
    except ProcessLookupError:
        return


def _is_prefect_server(pid: int) -> bool:
    """Whether `pid` is still the temporary server (not a new process given its number)."""
    try:
        command_line = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return Path("/proc/self").exists() is False  # no /proc here: trust the number
    except OSError:
        return False
    return SERVER_APP.encode() in command_line


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch(int(sys.argv[1]), sys.stdin.buffer)
