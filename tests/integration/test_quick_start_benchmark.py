"""The quick-start benchmark (B5) runs the README's command cold and then warm."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def test_one_pair_of_quick_starts_runs_cold_then_warm_and_writes_its_figures(
    tmp_path: Path,
) -> None:
    """One cold and one warm run of `stc-report run` on the samples, both to the end."""
    figures_file = tmp_path / "figures.json"
    finished = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "quick_start.py"),
            *("--runs", "1", "--json", str(figures_file)),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    figures = json.loads(figures_file.read_text())
    runs = figures["details"]["runs"]
    assert [run["kind"] for run in runs] == ["cold", "warm"]
    assert all(run["exit_code"] in (0, 1) and run["wall_seconds"] > 0 for run in runs)
    assert figures["rows"][0]["target"] == 20.0
