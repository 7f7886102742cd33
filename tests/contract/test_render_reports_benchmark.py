"""The rendering benchmark runs quickly, and one process and two make the same bytes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]


def test_the_quick_rendering_benchmark_renders_the_samples_alike_with_one_process_and_two(
    tmp_path: Path,
) -> None:
    figures_file = tmp_path / "figures.json"
    finished = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "render_reports.py"),
            *("--quick", "--json", str(figures_file)),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert finished.returncode == 0, finished.stdout + finished.stderr
    figures = json.loads(figures_file.read_text())
    assert figures["identical"] is True
    assert [run["processes"] for run in figures["runs"]] == [1, 2]
    assert {run["funder_reports"] for run in figures["runs"]} == {6}
