"""The real pipeline killed at random moments leaves its folder exactly before or after.

`tests/unit/test_folder_processes.py` kills a small driver of the folder API at every
step of a commit; this kills the whole domain pipeline on the sample trackers (reading,
Great Expectations, rendering, writing) at random times, as a crashed worker would.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stc_reporting.outputs.folder import INTERNAL_FOLDER, OutputFolder

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "config" / "program.yaml"
KILLS = 5
REVIEWED = "reports/program-report (reviewed by Ana).docx"

# One run of the domain pipeline, dated so that its bytes never depend on the day.
DRIVER = """
import sys
from datetime import date
from pathlib import Path
from stc_reporting.pipeline import plan_run, run_monthly_report
plan = plan_run(Path(sys.argv[1]), Path(sys.argv[2]), date.fromisoformat(sys.argv[3]),
                run_date=date(2021, 11, 5))
run_monthly_report(plan)
"""


def start_run(out: Path, as_of: str) -> subprocess.Popen[bytes]:
    """Start one pipeline run into `out`, in its own process."""
    command = [sys.executable, "-c", DRIVER, str(CONFIG), str(out), as_of]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def run(out: Path, as_of: str) -> float:
    """Run the pipeline to the end; return how long it took."""
    began = time.monotonic()
    process = start_run(out, as_of)
    _, errors = process.communicate(timeout=600)
    assert process.returncode == 0, errors.decode()
    return time.monotonic() - began


def snapshot(folder: Path) -> dict[str, str]:
    """Every file a person sees in the folder, with its SHA-256 (bookkeeping left out)."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and INTERNAL_FOLDER not in path.relative_to(folder).parts
    }


@pytest.fixture(scope="module")
def september(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder after September's run, with a reviewer's copy beside the drafts."""
    out = tmp_path_factory.mktemp("kills") / "september"
    run(out, "2021-09-30")
    (out / REVIEWED).write_bytes(b"Ana's comments")
    return out


def test_a_run_killed_at_any_moment_leaves_the_folder_before_or_after(
    september: Path, tmp_path: Path
) -> None:
    """After recovery the folder is September's or October's run, never a mix; a rerun ends."""
    before = snapshot(september)
    finished = tmp_path / "finished"
    shutil.copytree(september, finished)
    duration = run(finished, "2021-10-31")
    after = snapshot(finished)
    assert after != before and after[REVIEWED] == before[REVIEWED]
    chance = random.Random(20211031)  # the same kill times on every run of the test
    for attempt in range(KILLS):
        out = tmp_path / f"killed-{attempt}"
        shutil.copytree(september, out)
        process = start_run(out, "2021-10-31")
        time.sleep(chance.uniform(0.2, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        OutputFolder(out).recover()
        state = snapshot(out)
        assert state in (before, after), f"kill {attempt}: a mix of two runs"
    run(out, "2021-10-31")  # a later run completes in a folder a kill left behind
    assert snapshot(out)[REVIEWED] == before[REVIEWED]


# --- The real command, killed: its folder, and the temporary Prefect server ----------------

CLI_KILLS = 5


def start_command(out: Path, marker: str) -> subprocess.Popen[bytes]:
    """`stc-report run` into `out` with no PREFECT_API_URL: Prefect's temporary server.

    `marker` goes into the environment, which every process it starts inherits, so a
    test can find each one left behind whatever its parent became.
    """
    environment = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    environment["STC_TEST_PROCESS_MARKER"] = marker
    command = [sys.executable, "-m", "flows.cli", "run", "--config", str(CONFIG)]
    command += ["--out", str(out), "--as-of", "2021-10-31"]
    return subprocess.Popen(
        command, cwd=REPO, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def marked_processes(marker: str) -> list[str]:
    """The command lines of live processes whose environment holds `marker` (Linux /proc)."""
    found = []
    needle = f"STC_TEST_PROCESS_MARKER={marker}".encode()
    for entry in Path("/proc").iterdir():
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":  # a zombie is gone, only not yet reaped
                    found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, ValueError, IndexError):
            continue
    return found


def left_behind(marker: str, within: float = 15.0) -> list[str]:
    """What is still running `within` seconds after the command ended (the watchdog's grace)."""
    deadline = time.monotonic() + within
    while (found := marked_processes(marker)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def is_whole_run(folder: Path, finished: dict[str, str]) -> bool:
    """The folder holds one whole run: the finished run's files, each as its manifest says.

    The command dates its run by the day it runs, so two runs' report files may differ
    in their dates; the figures and every file's agreement with the manifest may not.
    """
    state = snapshot(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    return (
        state.keys() == finished.keys()
        and state["rollups.json"] == finished["rollups.json"]
        and all(state[entry["path"]] == entry["sha256"] for entry in manifest["files"])
    )


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_the_command_killed_at_any_moment_leaves_no_server_and_a_whole_folder(
    september: Path, tmp_path: Path
) -> None:
    """SIGKILL or SIGTERM at random times: no server left, the folder before or after."""
    before = snapshot(september)
    finished = tmp_path / "finished"
    shutil.copytree(september, finished)
    began = time.monotonic()
    process = start_command(finished, "finished")
    _, errors = process.communicate(timeout=600)
    duration = time.monotonic() - began
    assert process.returncode == 0, errors.decode()
    assert left_behind("finished") == []
    after = snapshot(finished)
    chance = random.Random(20211105)  # the same kill times and signals on every run
    for attempt in range(CLI_KILLS):
        out, marker = tmp_path / f"killed-{attempt}", f"killed-{attempt}"
        shutil.copytree(september, out)
        process = start_command(out, marker)
        time.sleep(chance.uniform(0.5, duration * 1.1))
        process.send_signal(chance.choice([signal.SIGKILL, signal.SIGTERM]))
        process.wait(timeout=60)
        assert left_behind(marker) == [], f"kill {attempt}: processes left running"
        OutputFolder(out).recover()
        state = snapshot(out)
        assert state == before or is_whole_run(out, after), f"kill {attempt}: a mix of two runs"
        assert state[REVIEWED] == before[REVIEWED]
    process = start_command(out, "rerun")  # a later run completes where a kill left off
    assert process.wait(timeout=600) == 0
    assert snapshot(out)[REVIEWED] == before[REVIEWED]
