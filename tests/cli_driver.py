"""Run `stc-report` in this process with a fault of the machine injected at the OS boundary.

    python tests/cli_driver.py FAULT FOLDER -- ARGUMENTS...

FAULT is `none`, `full-disk` (every `os.fsync` of a file under FOLDER fails with
ENOSPC, as a write to a full disk does when the data reaches it) or `read-only` (every
`os.open` for writing and every `os.mkdir` under FOLDER fails with EROFS, as on a
read-only mount). Only FOLDER is affected, so Prefect and Python work as usual. The
command's stdout, stderr and exit status are the real ones: the test reads them.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from typing import Any

_real_fsync, _real_open, _real_mkdir = os.fsync, os.open, os.mkdir
_WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT


def _under(folder: str, path: Any) -> bool:
    return os.path.realpath(os.fsdecode(path)).startswith(folder)


def _fault(code: int, path: object = None) -> OSError:
    return OSError(code, os.strerror(code), path)


def inject(fault: str, folder: Path) -> None:
    """Make the OS calls that touch `folder` fail as `fault` says."""
    root = os.path.realpath(folder)

    def fsync_on_a_full_disk(descriptor: Any) -> None:
        number = descriptor if isinstance(descriptor, int) else descriptor.fileno()
        if _under(root, os.readlink(f"/proc/self/fd/{number}")):
            raise _fault(errno.ENOSPC)
        _real_fsync(descriptor)

    def open_read_only(path: Any, flags: int, mode: int = 0o777, **kwargs: Any) -> int:
        if flags & _WRITING and _under(root, path):
            raise _fault(errno.EROFS, os.fsdecode(path))
        return _real_open(path, flags, mode, **kwargs)

    def mkdir_read_only(path: Any, mode: int = 0o777, **kwargs: Any) -> None:
        if _under(root, path):
            raise _fault(errno.EROFS, os.fsdecode(path))
        _real_mkdir(path, mode, **kwargs)

    if fault == "full-disk":
        os.fsync = fsync_on_a_full_disk  # type: ignore[assignment]
    elif fault == "read-only":
        os.open = open_read_only
        os.mkdir = mkdir_read_only
    elif fault != "none":
        raise SystemExit(f"unknown fault {fault!r}")


def main(argv: list[str]) -> None:
    """Inject the fault, then run the command line as `stc-report` would."""
    fault, folder, separator, *arguments = argv
    assert separator == "--"
    inject(fault, Path(folder))
    from flows.cli import app

    app(arguments, prog_name="stc-report")


if __name__ == "__main__":
    main(sys.argv[1:])
