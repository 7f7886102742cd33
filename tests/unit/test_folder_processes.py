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


def launch(out: Path, label: str, pause: float = PAUSE) -> subprocess.Popen[str]:
    """Start the driver writing the run `label` into `out`."""
    command = [sys.executable, str(DRIVER), str(out), label, "--pause", str(pause)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def ready(process: subprocess.Popen[str]) -> subprocess.Popen[str]:
    """Wait until the driver is about to open the folder (its imports are done)."""
    assert process.stdout is not None and process.stdout.readline() == "ready\n"
    return process


def start(out: Path, label: str, pause: float = PAUSE) -> subprocess.Popen[str]:
    return ready(launch(out, label, pause))


def finish(process: subprocess.Popen[str]) -> list[str]:
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
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
    process = start(trial, "november")
    started = time.monotonic()
    finish(process)
    duration = time.monotonic() - started
    assert snapshot(trial) == after  # the run, not killed, leaves exactly "after"

    def kill_once(point: int) -> tuple[str, bool, str]:
        """Kill one run at a random moment of its slice of the run; recover; run again."""
        out = tmp_path / f"kill-{point}"
        shutil.copytree(october, out)
        delay = random.uniform(point, point + 1) / KILLS * duration * 1.1
        process = start(out, "november")
        time.sleep(delay)
        process.kill()
        output, _ = process.communicate()
        last_step = output.splitlines()[-1] if output else "ready"
        recovery = OutputFolder(out).recover()
        state = snapshot(out)
        assert state in (before, after), f"killed after {delay:.3f} s, at {last_step!r}"
        write_run(out, "november", wait=0.0)  # a later run completes
        assert snapshot(out) == after
        return ("after" if state == after else "before"), bool(recovery.finished), last_step

    with ThreadPoolExecutor(max_workers=4) as pool:  # the runs mostly wait: overlap them
        outcomes, finished_by_recovery, last_steps = zip(
            *pool.map(kill_once, range(KILLS)), strict=True
        )
    assert {"before", "after"} <= set(outcomes), (outcomes, last_steps)
    assert any(finished_by_recovery), f"no kill between commit and last rename: {last_steps}"


def test_two_runs_at_once_take_turns(october: Path, tmp_path: Path) -> None:
    """The second waits for the first, naming it; the folder ends as the second left it."""
    first, second = (launch(october, label, pause=0.01) for label in ("november-a", "november-b"))
    ready(first), ready(second)
    lines = {"november-a": finish(first), "november-b": finish(second)}
    waited = [
        label for label, output in lines.items() if any(x.startswith("waiting:") for x in output)
    ]
    assert len(waited) == 1, lines
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
