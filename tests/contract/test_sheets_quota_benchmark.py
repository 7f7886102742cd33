"""The Sheets quota benchmark runs, quickly, to the end with no failed collaborative."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]


def test_the_quick_benchmark_reads_every_tracker_through_the_injected_429s(
    tmp_path: Path,
) -> None:
    """Six trackers, two injected 429s: every tracker read, the quota kept, the B3 table written."""
    figures_file = tmp_path / "figures.json"
    finished = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "sheets_quota.py"),
            *("--trackers", "6", "--quota", "600", "--faults", "2"),
            *("--json", str(figures_file)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "failed collaboratives: 0 (none)" in finished.stdout
    figures = json.loads(figures_file.read_text())
    assert figures["failed_collaboratives"] == []
    assert figures["answered_reads"] == 6  # one per tracker
    assert figures["reads_per_tracker"] == 1
    assert figures["injected_429s"] == 2
    assert figures["sheets_requests"] == 8
    assert figures["quota_429s"] == 0
    rows = {row["figure"]: row for row in figures["rows"]}
    assert rows["answered Sheets reads per tracker"]["met"] is True
    assert rows["read time / quota bound (requests made)"]["target"] == 1.1
    assert rows["read time / quota bound (one read per tracker)"]["target"] == 1.1
    assert rows["failed collaboratives"]["measured"] == 0
    assert rows["failed collaboratives"]["met"] is True
    assert "B3 quota-bound pull" in finished.stdout
