"""The GX-versus-pandas benchmark (B4) runs quickly, and both ways find the same issues."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]
SUITES = [json.loads(path.read_text()) for path in (REPO / "expectations").glob("*.json")]
SUITE_RULES = sum(len(suite["expectations"]) for suite in SUITES)
RULE_IDS = {rule["meta"]["rule"] for suite in SUITES for rule in suite["expectations"]}


def test_the_pandas_rules_find_the_same_issues_as_the_suites_with_every_rule_failing_some_row(
    tmp_path: Path,
) -> None:
    """One copy per suite rule, each breaking its rule: the script checks GX = pandas."""
    figures_file = tmp_path / "figures.json"
    finished = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "checks_gx_vs_pandas.py"),
            *("--trackers", str(SUITE_RULES), "--repeat", "1"),
            *("--json", str(figures_file)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    figures = json.loads(figures_file.read_text())
    details = figures["details"]
    assert details["same_issues"] is True
    assert details["collaboratives"] == SUITE_RULES
    assert details["suite_rules"] == SUITE_RULES
    assert details["suite_rules_failing_some_row"] == SUITE_RULES
    assert set(details["issues_by_rule"]) == RULE_IDS
    assert len(details["gx_seconds"]) == len(details["pandas_seconds"]) == 1
    assert figures["rows"][0]["target"] == 3.0
