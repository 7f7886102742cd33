"""The Sheets requests benchmark (B1) runs quickly and counts each way of reading."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]


def test_the_quick_benchmark_counts_the_pipelines_and_the_naive_requests_per_tracker(
    tmp_path: Path,
) -> None:
    """Two trackers: one request each for the pipeline, two before, the naive idiom's, bytes."""
    figures_file = tmp_path / "figures.json"
    finished = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "sheets_requests.py"),
            *("--trackers", "2", "--json", str(figures_file)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "B1 Sheets requests per tracker" in finished.stdout
    figures = json.loads(figures_file.read_text())
    assert {"figure", "unit", "measured", "target", "ratio", "met"} <= set(figures["rows"][0])
    pipeline, before, naive, listed = figures["details"]["ways"]
    assert [way["way"] for way in (pipeline, before, naive, listed)] == [
        "pipeline",
        "two requests",
        "naive gspread",
        "worksheets()",
    ]
    assert sorted(pipeline["per_tracker"]) == ["mckinleyville-01", "oakland-02"]
    for kinds in pipeline["per_tracker"].values():
        assert kinds == {"sheets.spreadsheets.get": 1}
    for kinds in before["per_tracker"].values():
        assert kinds == {"sheets.spreadsheets.get": 1, "sheets.spreadsheets.values.batchGet": 1}
    for kinds in naive["per_tracker"].values():
        assert kinds["sheets.spreadsheets.values.get"] >= 1
    assert all(size > 0 for size in pipeline["bytes_per_tracker"].values())
    assert figures["details"]["median_answer_bytes"]["pipeline"] > 0
    sent = figures["details"]["median_sent_bytes"]
    assert 0 < sent["pipeline"] < sent["two requests"]  # gzipped, the way before was not
    assert figures["details"]["failed_collaboratives"] == []
