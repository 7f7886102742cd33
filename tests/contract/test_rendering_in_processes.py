"""Reports rendered in worker processes are the very bytes rendered one after the other here.

The samples are read, checked and rolled up once; then the funder reports and the
data-quality report with its pages are rendered twice from the same inputs: in this
process alone (`STC_RENDER_PROCESSES=1`), and by workers alone (every job pickled to a
fresh process). Every document, its path and order, and every failure must be the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from stc_reporting.pipeline import (
    CheckedTrackers,
    RunPlan,
    follow_up_issues,
    plan_run,
    read_and_check,
    render_quality_report,
    render_reports,
    roll_up,
)
from stc_reporting.reports import funder, pool, quality
from stc_reporting.reports.document import RenderedDocument

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]
AS_OF, RUN_DATE = date(2021, 10, 31), date(2021, 11, 20)


def _render_all(
    plan: RunPlan, checked: CheckedTrackers
) -> tuple[list[RenderedDocument], list[str]]:
    rollups = roll_up(plan, checked.trackers, checked.issues).rollups
    followup = follow_up_issues(plan, checked.issues, checked.trackers)
    reports = render_reports(plan, rollups, checked.trackers, checked.issues)
    pages = render_quality_report(plan, rollups, checked.trackers, followup)
    return [*reports.documents, *reports.inputs, *pages], reports.failures


def _in_workers_only(
    jobs: Sequence[pool.RenderJob], processes: int | None = None, pool_from: int = 2
) -> list[pool.JobResult]:
    return pool.render_jobs(jobs, processes=2, pool_from=1, render_here=False)


def test_reports_rendered_in_worker_processes_are_byte_identical_to_those_rendered_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = plan_run(REPO / "config" / "program.yaml", tmp_path / "out", AS_OF, run_date=RUN_DATE)
    checked = read_and_check(plan.config, plan.selection.collaboratives, plan.run_date)
    monkeypatch.setenv(pool.PROCESSES_VARIABLE, "1")
    here, failures_here = _render_all(plan, checked)
    monkeypatch.setattr(funder, "render_jobs", _in_workers_only)
    monkeypatch.setattr(quality, "render_jobs", _in_workers_only)

    in_workers, failures_in_workers = _render_all(plan, checked)

    assert [d.path for d in in_workers] == [d.path for d in here]
    different = [a.path for a, b in zip(here, in_workers, strict=True) if a != b]
    assert different == []
    assert failures_in_workers == failures_here
    docx = [d for d in here if d.path.endswith(".docx")]
    assert len(docx) == 1 + len(plan.selection.collaboratives) * 2 + 1
