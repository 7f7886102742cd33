"""The Prefect API `stc-report run` talks to: checked before the run, or a temporary one.

With `PREFECT_API_URL` set, the API is asked for its health first, so an address that
does not answer stops the command in one line (exit 2) instead of a traceback from
deep inside the flow engine.

Without it, Prefect starts a temporary server (uvicorn in a subprocess) and stops it
at exit with an `atexit` hook, which never runs when the command is killed (SIGKILL,
or SIGTERM's default action): the server would be left running, holding its port and
its database. So the command first starts a small watchdog process, which holds the
reading end of a pipe whose writing end only the command holds, then marks its own
environment with a token (`LEFT_BY`) and starts the server itself, before the flow
(the flow finds and uses the same one); the server inherits the mark. However the
command ends, the kernel closes its end of the pipe; the watchdog reads end-of-file
and stops every process still carrying the mark (SIGTERM, then SIGKILL after a grace),
found through `/proc`, so a process number reused meanwhile is never hit. On a normal
exit Prefect's own hook stops the server, then the command tells the watchdog to
stand down (one byte). Without `/proc` (not Linux) the watchdog finds nothing to stop.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

STAND_DOWN = b"."
"""What the command writes to the watchdog when it has stopped the server itself."""
LEFT_BY = "STC_REPORT_TEMPORARY_SERVER_OF"
"""Environment variable marking the processes the command starts (the server inherits it)."""
_GRACE_SECONDS = 5.0


class PrefectApiUnreachableError(Exception):
    """The configured Prefect API does not answer; the message says what to do."""


@contextmanager
def prefect_api(meanwhile: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Make sure the flow has a Prefect API: the configured one answers, or a temporary one.

    Args:
        meanwhile: Work to do while a temporary server starts (seconds, on a fresh
            Prefect home), before the flow begins; done before checking a configured
            API otherwise.

    Raises:
        PrefectApiUnreachableError: `PREFECT_API_URL` is set and nothing answers there.
    """
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if url:
        meanwhile()
        check_api(url)
        yield
        return
    with temporary_server(meanwhile):
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
def temporary_server(meanwhile: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Start Prefect's temporary server now, watched so it never outlives this process.

    Args:
        meanwhile: Done here while a thread starts the server, before the flow begins.

    Raises:
        Exception: What stopped the server from starting (Prefect's own errors).
    """
    token = f"{os.getpid()}-{secrets.token_hex(8)}"
    pipe = _watch(token)  # before the server: a kill while it starts leaves nothing either
    os.environ[LEFT_BY] = token  # the server (and anything else started now) inherits it
    # atexit runs hooks last-registered first, and start() registers Prefect's hook that
    # stops the server: so the watchdog stands down after the server has been stopped.
    atexit.register(_stand_down, pipe)
    # On a fresh Prefect home the server takes seconds to start (importing its app,
    # creating its database), mostly in its own process: this one imports what the run
    # needs meanwhile, on the other core.
    starting = _ServerStart()
    starting.start()
    meanwhile()
    starting.join()
    if starting.error is not None:
        raise starting.error
    yield


class _ServerStart(threading.Thread):
    """Starts the instance of Prefect's temporary server the flow engine will find and use."""

    def __init__(self) -> None:
        super().__init__(name="prefect-temporary-server", daemon=True)
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            from prefect.server.api.server import SubprocessASGIServer

            SubprocessASGIServer().start()
        except Exception as error:  # raised again in the command's thread
            self.error = error


def _watch(token: str) -> IO[bytes]:
    """Start the watchdog for processes marked `token`; return the pipe only we write to."""
    watchdog = subprocess.Popen(
        [sys.executable, "-m", "flows.prefect_api", token],
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


def watch(token: str, commands: IO[bytes]) -> None:
    """Wait until the command ends; unless it stood down, stop what it left running.

    Args:
        token: The value of `LEFT_BY` in the environment of the processes to stop.
        commands: The pipe from the command: end-of-file when it ended, whatever way.
    """
    if commands.read() == STAND_DOWN:
        return
    left = marked_processes(token)
    for pid in left:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + _GRACE_SECONDS
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = [pid for pid in left if pid in marked_processes(token)]
    for pid in left:
        _signal(pid, signal.SIGKILL)


def marked_processes(token: str) -> list[int]:
    """Live processes, other than this one, whose environment holds `LEFT_BY=token`."""
    entry = f"{LEFT_BY}={token}".encode()
    found = []
    for process in Path("/proc").glob("[0-9]*"):
        try:
            marked = entry in (process / "environ").read_bytes().split(b"\0")
            state = (process / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue  # gone meanwhile, or not ours to read
        if marked and state != "Z" and int(process.name) != os.getpid():
            found.append(int(process.name))
    return found


def _signal(pid: int, signal_number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal_number)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch(sys.argv[1], sys.stdin.buffer)
