"""The data-quality report benchmark runs quickly, and its report is a short program summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]


def test_the_quick_mode_renders_30_collaboratives_report_and_pages(tmp_path: Path) -> None:
    """30 collaboratives: the report (HTML, Word) and 2 pages each; the report stays short."""
    figures_file = tmp_path / "figures.json"
    finished = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "quality_report.py"),
            *("--quick", "--json", str(figures_file)),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    figures = json.loads(figures_file.read_text())
    [size] = figures["details"]["sizes"]
    assert size["collaboratives"] == 30
    assert size["documents"] == 2 + 2 * 30
    assert set(size["report_bytes"]) == {"data-quality-report.html", "data-quality-report.docx"}
    [row] = figures["rows"]
    assert row["unit"] == "KB" and row["target"] == 60.0
    assert "internal report HTML, 30 collaboratives" in finished.stdout
