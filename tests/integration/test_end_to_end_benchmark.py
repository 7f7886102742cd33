"""B2's quick mode runs to the end against the session's Prefect server and writes every figure.

No timing is judged here: only that every run finished, the same figures came out of all
four, and the JSON holds every field docs/performance.md is made from.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
RUNS = (
    "flow_with_reports",
    "flow_without_reports",
    "domain_with_reports",
    "domain_without_reports",
)
RUN_FIELDS = {
    "wall_seconds",
    "cpu_seconds",
    "peak_memory_mb",
    "exit_code",
    "server_cpu_seconds",
    "reports_written",
    "stages",
}
STEPS = ["read", "check", "follow_up", "roll_up", "render", "data_quality_report", "write"]
TARGETS = [
    "end to end with reports, s",
    "end to end without reports, s",
    "time(large)/time(small), with reports",
    "time(large)/time(small), without reports",
    "peak memory with reports, MB",
    "orchestration overhead",
    "cores busy while rendering",
]


def test_the_quick_end_to_end_benchmark_writes_every_figure(tmp_path: Path) -> None:
    """Sizes 3 and 6: four runs each, the same rollups, every step timed, every target."""
    from prefect.settings import PREFECT_API_URL

    figures_file = tmp_path / "b2.json"
    finished = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "end_to_end.py"),
            *("--quick", "--api", str(PREFECT_API_URL.value())),
            *("--json", str(figures_file), "--keep", str(tmp_path / "work")),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    figures = json.loads(figures_file.read_text())
    assert figures["sizes"] == [3, 6]
    assert {"cpus", "memory_gb", "load_average_at_start"} <= set(figures["machine"])
    for size, unusable in (("3", 1), ("6", 2)):
        result = figures["results"][size]
        assert len(result["portfolio"]["unusable"]) == unusable
        assert result["same_rollups"] is True
        assert set(result["runs"]) == set(RUNS)
        for kind, run in result["runs"].items():
            assert set(run) == RUN_FIELDS, kind
            assert run["exit_code"] == 1, kind  # the unusable trackers failed, the rest ran
            assert run["wall_seconds"] > 0 and run["peak_memory_mb"] > 0, kind
            assert run["server_cpu_seconds"] is None, kind  # the server is not its own
        runs = result["runs"]
        assert list(runs["domain_with_reports"]["stages"]) == STEPS
        assert "render" not in runs["domain_without_reports"]["stages"]
        # A funder report per usable tracker, the program's, the data-quality report and
        # its page per collaborative.
        usable, everyone = int(size) - unusable, int(size)
        assert runs["flow_with_reports"]["reports_written"] == usable + 1 + 1 + everyone
        assert runs["flow_without_reports"]["reports_written"] == 0
        assert set(result["derived"]) == {
            "orchestration_overhead",
            "cores_busy_while_rendering",
            "cores_busy_flow_with_reports",
        }
    assert set(figures["ratios"]) == set(RUNS)
    assert [target["name"] for target in figures["targets"]] == TARGETS
    assert "targets (for 500; measured at 6)" in finished.stdout
