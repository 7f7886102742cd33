"""Failures of the machine a run works on, told in one line a person can act on.

A full disk, an output folder that is a file or read-only, a path that loops, an
unreachable Prefect API: none of these is a bug, and a traceback would only hide the
one sentence that matters. `EnvironmentFailure` is that sentence and the exit status
(`stc-report`, interface.md): 2 when the set-up must be fixed before anything can work
(a path, a permission, the Prefect API's address), 1 when the run failed on the way
and can simply run again once the machine has room (a full disk, an I/O error).

Anything else (a bug) is not described here and keeps its traceback: hiding it would
lose what is needed to fix it.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from stc_reporting.locations import file_in_the_way
from stc_reporting.outputs.folder import OutputFolderError

EXIT_RUN_FAILED, EXIT_FIX_SETUP = 1, 2

_RESOURCES = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG, errno.ENOMEM})
"""Faults of the machine's resources: the set-up is right, the run can be made again."""
_NO_PERMISSION = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


@dataclass(frozen=True)
class EnvironmentFailure:
    """What stopped a run, in one line, and the exit status that goes with it.

    Attributes:
        line: One sentence: what happened and what to do.
        exit_code: 2 fix the set-up; 1 the run failed on the way (run it again).
    """

    line: str
    exit_code: int


def environment_failure(
    error: BaseException, out_dir: Path | None = None
) -> EnvironmentFailure | None:
    """The failure of the environment `error` is, or None when it is not one (a bug).

    Args:
        error: What stopped the run.
        out_dir: The run's output folder, named when the error names no file (a full
            disk is found by a write that has no name).
    """
    if isinstance(error, OutputFolderError):
        return EnvironmentFailure(str(error), EXIT_FIX_SETUP)
    if isinstance(error, OSError):
        exit_code = EXIT_RUN_FAILED if error.errno in _RESOURCES else EXIT_FIX_SETUP
        return EnvironmentFailure(describe_os_error(error, out_dir), exit_code)
    return None


def describe_os_error(error: OSError, out_dir: Path | None = None) -> str:
    """One sentence for a failed file operation: which path, what is wrong, what to do."""
    path = _path_of(error)
    code = error.errno
    where = _where(path, out_dir)
    if code in (errno.ENOSPC, errno.EDQUOT):
        return (
            f"the disk is full (no space left to write in {where}): free some space, then run again"
        )
    if code in _NO_PERMISSION:
        return (
            f"cannot write in {where} ({error.strerror or 'not permitted'}): it is read-only or "
            "belongs to someone else; choose another output folder, or ask for write access"
        )
    if code in (errno.ENOTDIR, errno.EEXIST):
        blocking = file_in_the_way(Path(path)) if path else None
        if blocking is not None:
            return f"{blocking} is a file, not a folder: choose a folder for the outputs"
    if code == errno.ELOOP:
        return f"{path} is a symbolic link that leads back to itself: point it at a real file"
    what = error.strerror or type(error).__name__
    return f"{what}: {path}" if path else what


def _where(path: str, out_dir: Path | None) -> str:
    """Where a write failed, in the words of the person who chose the output folder.

    A file inside the output folder (its bookkeeping files included) or a write with no
    name is the output folder; any other file is named itself.
    """
    if out_dir is None:
        return path or "the outputs"
    if not path or Path(os.path.abspath(path)).is_relative_to(os.path.abspath(out_dir)):
        return str(out_dir)
    return path


def _path_of(error: OSError) -> str:
    return str(error.filename) if error.filename is not None else ""
