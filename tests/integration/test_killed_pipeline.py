"""The real pipeline killed at random moments leaves its folder exactly before or after.

`tests/unit/test_folder_processes.py` kills a small driver of the folder API at every
step of a commit; this kills the whole domain pipeline on the sample trackers (reading,
Great Expectations, rendering, writing) at random times, as a crashed worker would.
"""

from __future__ import annotations

import hashlib
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
