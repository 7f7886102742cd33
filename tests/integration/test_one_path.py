"""The Prefect flow and the domain pipeline are one path: the same steps, the same files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flows.monthly_report import run_to_folder
from stc_reporting.pipeline import plan_run, run_monthly_report

pytestmark = pytest.mark.integration

AS_OF = date(2021, 10, 31)


def test_the_flow_and_the_domain_function_write_identical_figures_and_issues(
    sample_config: Path, tmp_path: Path
) -> None:
    """On the samples, rollups.json and issues.csv are byte-identical either way."""
    by_flow, by_function = tmp_path / "flow", tmp_path / "function"
    flow_summary = run_to_folder(config_path=str(sample_config), as_of=AS_OF, out_dir=str(by_flow))
    outcome = run_monthly_report(plan_run(sample_config, by_function, AS_OF))
    assert [c.status for c in outcome.summary.collaboratives] == ["ok"] * 5
    for name in ("rollups.json", "issues.csv"):
        assert (by_flow / name).read_bytes() == (by_function / name).read_bytes(), name
    assert outcome.summary.files == flow_summary.files
    assert outcome.summary.collaboratives == flow_summary.collaboratives
