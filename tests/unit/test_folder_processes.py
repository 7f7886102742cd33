"""Real processes: a run killed at any point, and two runs at once, never mix two runs."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from stc_reporting.outputs.folder import OutputFolder
from tests.folder_driver import run_files, write_run
from tests.unit.test_folder import snapshot

pytestmark = pytest.mark.unit

DRIVER = Path(__file__).resolve().parents[1] / "folder_driver.py"
PAUSE = 0.003  # seconds before each write, sync and rename of the driver
KILLS = 20
REVIEWED = "reports/program-report (reviewed by Ana).docx"


def launch(out: Path, label: str, pause: float = PAUSE, *go: str) -> subprocess.Popen[str]:
    """Start the driver writing the run `label` into `out`."""
    command = [sys.executable, str(DRIVER), str(out), label, "--pause", str(pause), *go]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def ready(process: subprocess.Popen[str]) -> subprocess.Popen[str]:
    """Wait until the driver is about to open the folder (its imports are done)."""
    assert process.stdout is not None and process.stdout.readline() == "ready\n"
    return process


def start(out: Path, label: str, pause: float = PAUSE) -> subprocess.Popen[str]:
    return ready(launch(out, label, pause))


def finish(process: subprocess.Popen[str]) -> list[str]:
    """The driver's lines after `ready`, once it has ended well."""
    assert process.stdout is not None
    output = process.stdout.read()  # what readline() buffered included
    assert process.wait(timeout=60) == 0, output
    return output.splitlines()


def with_run(before: dict[str, bytes], label: str) -> dict[str, bytes]:
    return {**before, **run_files(label)}


@pytest.fixture
def october(tmp_path: Path) -> Path:
    """A folder holding a finished run and a reviewer's copy beside the drafts."""
    out = tmp_path / "october"
    write_run(out, "october")
    (out / REVIEWED).write_bytes(b"Ana's comments")
    return out


def expected(scratch: Path, files: dict[str, bytes]) -> dict[str, str]:
    """The snapshot of a folder holding exactly these files."""
    for path, content in files.items():
        (scratch / path).parent.mkdir(parents=True, exist_ok=True)
        (scratch / path).write_bytes(content)
    return snapshot(scratch)


def test_a_run_killed_at_any_point_leaves_the_folder_before_or_after(
    october: Path, tmp_path: Path
) -> None:
    """SIGKILL at 20 points from staging to the last rename: then exactly before or after."""
    before = snapshot(october)
    after = expected(
        tmp_path / "after",
        with_run({REVIEWED: b"Ana's comments", **run_files("october")}, "november"),
    )
    trial = tmp_path / "trial"
    shutil.copytree(october, trial)
    steps = sum(line.startswith("step ") for line in finish(start(trial, "november")))
    assert snapshot(trial) == after  # the run, not killed, leaves exactly "after"

    def kill_once(point: int) -> tuple[str, bool, str]:
        """Kill one run at a random moment of its slice of the steps; recover; run again."""
        out = tmp_path / f"kill-{point}"
        shutil.copytree(october, out)
        step = random.randint(point * steps // KILLS, (point + 1) * steps // KILLS - 1)
        process = start(out, "november")
        assert process.stdout is not None
        seen = [line for line, _ in zip(process.stdout, range(step + 1), strict=False)]
        time.sleep(random.uniform(0, 1.5 * PAUSE))  # before, during or after that step
        process.kill()
        process.wait()
        where = f"step {step} ({seen[-1].strip()}) and a little"
        recovery = OutputFolder(out).recover()
        state = snapshot(out)
        assert state in (before, after), f"killed at {where}"
        # A later run completes. It may wait an instant: a driver another thread is starting
        # holds a copy of every open descriptor, this folder's lock too, until it execs.
        write_run(out, "november", wait=5.0)
        assert snapshot(out) == after
        return ("after" if state == after else "before"), bool(recovery.finished), where

    with ThreadPoolExecutor(max_workers=4) as pool:  # the runs mostly wait: overlap them
        outcomes, finished_by_recovery, points = zip(
            *pool.map(kill_once, range(KILLS)), strict=True
        )
    assert {"before", "after"} <= set(outcomes), (outcomes, points)
    assert any(finished_by_recovery), f"no kill between commit and last rename: {points}"


def test_two_runs_at_once_take_turns(october: Path, tmp_path: Path) -> None:
    """The second waits for the first, naming it; the folder ends as the second left it."""
    first, second = (launch(october, label, 0.01, "--go") for label in ("november-a", "november-b"))
    for process in (ready(first), ready(second)):
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    lines = {"november-a": finish(first), "november-b": finish(second)}
    waited = [
        label for label, output in lines.items() if any(x.startswith("waiting:") for x in output)
    ]
    assert len(waited) == 1, {k: [x for x in v if x[:4] != "step"] for k, v in lines.items()}
    later, earlier = waited[0], ({"november-a", "november-b"} - set(waited)).pop()
    message = next(x for x in lines[later] if x.startswith("waiting:"))
    holder = first if earlier == "november-a" else second
    assert f"pid {holder.pid}" in message and f"driver {earlier}" in message

    def held(label: str) -> tuple[float, float]:
        times = {
            x.split()[0]: float(x.split()[1]) for x in lines[label] if x[:4] in ("lock", "done")
        }
        return times["locked"], times["done"]

    assert held(earlier)[1] <= held(later)[0]  # never inside the folder at the same time
    files = with_run({REVIEWED: b"Ana's comments", **run_files("october")}, later)
    assert snapshot(october) == expected(tmp_path / "both", files)
