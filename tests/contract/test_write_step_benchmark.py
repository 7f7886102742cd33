"""The write-step benchmark runs in its quick mode and reports each step of the run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]


def test_the_quick_mode_times_the_roll_up_and_write_steps_of_a_run_that_wrote_its_files(
    tmp_path: Path,
) -> None:
    """Five collaboratives, once: every step timed, and the run's audit.xlsx was written."""
    figures_file = tmp_path / "figures.json"
    finished = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "write_step.py"),
            "--quick",
            *("--out", str(tmp_path / "runs")),
            *("--json", str(figures_file)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    figures = json.loads(figures_file.read_text())
    assert figures["collaboratives"] == 5 and figures["with_reports"] is False
    assert {"read", "check", "roll_up", "write"} <= set(figures["steps"])
    assert all(set(seconds) == {"wall", "cpu"} for seconds in figures["steps"].values())
    assert (tmp_path / "runs" / "run-0" / "audit.xlsx").is_file()
    assert (tmp_path / "runs" / "run-0" / "manifest.json").is_file()
