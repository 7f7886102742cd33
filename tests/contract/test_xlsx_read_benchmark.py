"""The xlsx reading benchmark runs quickly, and both readers give the same cells."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]


def test_the_quick_mode_reads_a_small_portfolio_both_ways_with_the_same_cells(
    tmp_path: Path,
) -> None:
    figures_file = tmp_path / "figures.json"
    finished = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "xlsx_read.py"),
            *("--quick", "--json", str(figures_file)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    figures = json.loads(figures_file.read_text())
    quick = figures["details"]["6"]
    assert quick["same_cells"] is True
    assert quick["workbooks"] == quick["read_by_calamine"] == 5
    assert figures["rows"][0]["target"] == 1.0
