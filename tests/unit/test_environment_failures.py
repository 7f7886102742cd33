"""Failures of the machine in one line, and the watchdog of the temporary Prefect server."""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.environment_failures import environment_failure
from flows.prefect_api import LEFT_BY, STAND_DOWN, marked_processes, watch
from stc_reporting.locations import file_in_the_way
from stc_reporting.outputs.folder import OutputFolderError
from stc_reporting.pipeline import refuse_a_file_as_folder

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("code", "exit_code", "says"),
    [
        (errno.ENOSPC, 1, "the disk is full (no space left to write in out)"),
        (errno.EDQUOT, 1, "the disk is full"),
        (errno.EIO, 1, "Input/output error: out/.stc-output/lock"),
        (errno.EROFS, 2, "cannot write in out (Read-only file system)"),
        (errno.EACCES, 2, "cannot write in out (Permission denied)"),
        (errno.ELOOP, 2, "is a symbolic link that leads back to itself"),
    ],
)
def test_each_kind_of_os_error_is_one_line_with_its_exit_status(
    code: int, exit_code: int, says: str
) -> None:
    """A full disk or an I/O error: run again (1); a path or a permission: fix it (2)."""
    error = OSError(code, os.strerror(code), "out/.stc-output/lock")
    failure = environment_failure(error, Path("out"))
    assert failure is not None
    assert failure.exit_code == exit_code
    assert says in failure.line and "\n" not in failure.line


def test_a_file_in_the_place_of_the_output_folder_is_named(tmp_path: Path) -> None:
    """ENOTDIR on `<file>/.stc-output`: the line names the file the person chose."""
    a_file = tmp_path / "out"
    a_file.write_text("x")
    error = NotADirectoryError(errno.ENOTDIR, "Not a directory", str(a_file / ".stc-output"))
    failure = environment_failure(error, a_file)
    assert failure is not None and failure.exit_code == 2
    assert failure.line == f"{a_file} is a file, not a folder: choose a folder for the outputs"


def test_the_file_in_the_way_is_the_nearest_existing_part_of_the_path_when_it_is_a_file(
    tmp_path: Path,
) -> None:
    """A file, or a file above the path, is in the way; a folder or a path still to make is not."""
    a_file = tmp_path / "out"
    a_file.write_text("x")
    assert file_in_the_way(a_file) == a_file
    assert file_in_the_way(a_file / "run" / "2021-10") == a_file
    assert file_in_the_way(tmp_path) is None
    assert file_in_the_way(tmp_path / "new" / "run") is None
    with pytest.raises(NotADirectoryError, match="out"):
        refuse_a_file_as_folder(a_file / "run")


def test_a_folder_error_is_an_environment_failure_and_a_bug_is_not() -> None:
    """OutputFolderError says its own sentence (2); a KeyError is a bug: None, traceback kept."""
    failure = environment_failure(OutputFolderError("out/reports is a file where ..."))
    assert failure is not None and failure.exit_code == 2
    assert environment_failure(KeyError("x")) is None
    assert environment_failure(ValueError("x")) is None


def start_marked(token: str) -> subprocess.Popen[bytes]:
    """A process standing in for the server: it sleeps, with the watchdog's mark."""
    environment = {**os.environ, LEFT_BY: token}
    command = [sys.executable, "-c", "import time; time.sleep(60)"]
    process = subprocess.Popen(command, env=environment)
    for _ in range(50):  # its environment is readable once it has started
        if process.pid in marked_processes(token):
            break
        time.sleep(0.05)
    return process


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_the_watchdog_stops_the_marked_processes_when_the_command_ends_without_a_word() -> None:
    """End of file (the command was killed): the marked process is stopped."""
    process = start_marked("killed-command")
    watch("killed-command", io.BytesIO(b""))
    assert process.wait(timeout=10) != 0
    assert marked_processes("killed-command") == []


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_the_watchdog_stands_down_when_the_command_says_so() -> None:
    """The command stopped the server itself and said so: the watchdog touches nothing."""
    process = start_marked("finished-command")
    try:
        watch("finished-command", io.BytesIO(STAND_DOWN))
        assert process.poll() is None
    finally:
        process.kill()
        process.wait()
