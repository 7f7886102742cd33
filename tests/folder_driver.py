"""Write one run's files into an output folder through its transaction, for process tests.

    python tests/folder_driver.py OUT LABEL [--pause SECONDS] [--wait SECONDS] [--go]

The files and their contents depend only on LABEL (`run_files`), so a test knows the
folder a finished run leaves. `--pause` sleeps before every write, sync and rename
and prints what it is about to do, so a test can kill the process at many different
points and tell where it was. Prints `ready` once imported, `locked` (with the time)
once it holds the folder, `done` (with the time) after the commit. With `--go` it
waits after `ready` for a line on stdin, so a test can start two runs at once.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stc_reporting.outputs.folder import OutputFolder, Transaction

COLLABORATIVES = ("mckinleyville", "oakland", "fresno", "los-angeles", "san-diego")
MANIFEST = "manifest.json"


def run_files(label: str) -> dict[str, bytes]:
    """The files a run labelled `label` writes, manifest included."""
    draw = random.Random(label)
    files = {
        "rollups.json": json.dumps({"run": label, "figures": draw.random()}).encode(),
        "issues.csv": f"collaborative,tab,row\r\n{label},Activities,3\r\n".encode(),
        "issues-followup.json": json.dumps({"month": label, "issues": []}).encode(),
        "data-quality-report.html": draw.randbytes(3_000),
        "reports/program-report.docx": draw.randbytes(8_000),
    }
    for identifier in COLLABORATIVES:
        files[f"reports/collaborative-{identifier}.docx"] = draw.randbytes(6_000)
    entries = [
        {"path": path, "sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
        for path, content in sorted(files.items())
    ]
    files[MANIFEST] = json.dumps({"files": entries}, indent=2).encode()
    return files


def say(line: str) -> None:
    """One line on stdout, at once (the test reads it while this process runs)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _slowed(name: str, function: Callable[..., Any], pause: float) -> Callable[..., Any]:
    def slow(*args: Any, **kwargs: Any) -> Any:
        say(f"step {name}")
        time.sleep(pause)
        return function(*args, **kwargs)

    return slow


def _slow_down(pause: float) -> None:
    """Pause before each step a kill could interrupt: staging, syncing, renaming."""
    os.replace = _slowed("rename", os.replace, pause)
    os.fsync = _slowed("sync", os.fsync, pause)
    Transaction.put = _slowed("stage", Transaction.put, pause)  # type: ignore[method-assign]


def write_run(out: Path, label: str, wait: float = 30.0) -> None:
    """Write the run `label` into the folder `out`, as the pipeline's writer does."""
    files = run_files(label)
    with OutputFolder(out).open(
        f"driver {label}", wait, on_wait=lambda message: say(f"waiting: {message}")
    ) as session:
        say(f"locked {time.time()}")
        with session.transaction() as transaction:
            for path, content in files.items():
                transaction.put(path, content)
            transaction.commit(last=[MANIFEST])
        say(f"done {time.time()}")


def main() -> None:
    """Write the run named on the command line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("label")
    parser.add_argument("--pause", type=float, default=0.0)
    parser.add_argument("--wait", type=float, default=30.0)
    parser.add_argument("--go", action="store_true", help="after `ready`, wait for a line")
    arguments = parser.parse_args()
    if arguments.pause:
        _slow_down(arguments.pause)
    say("ready")
    if arguments.go:
        sys.stdin.readline()
    write_run(arguments.out, arguments.label, arguments.wait)


if __name__ == "__main__":
    main()
