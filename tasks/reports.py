"""Rendering the funder reports as .docx drafts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from stc_reporting.checks.followup import FollowUp
from stc_reporting.config import CollaborativeConfig, Config
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.issues import Issue
from stc_reporting.outputs.writer import WrittenFile
from stc_reporting.reports.funder import ReportsWritten, make_reports
from stc_reporting.reports.quality import write_dq_report


@task(name="render-reports", cache_policy=NO_CACHE, persist_result=False)
def render_reports(
    out_dir: Path,
    rollups: dict[str, Any],
    collaboratives: Sequence[CollaborativeConfig],
    trackers: Sequence[ParsedTracker],
    issues: Sequence[Issue],
    program_report: bool = True,
) -> ReportsWritten:
    """Write the program report (unless told not to) and one per collaborative that reported."""
    return make_reports(
        out_dir,
        rollups,
        collaboratives,
        trackers,
        issues,
        date.today(),
        program_report=program_report,
    )


@task(name="write-data-quality-report", cache_policy=NO_CACHE, persist_result=False)
def write_data_quality_report(
    out_dir: Path,
    rollups: dict[str, Any],
    config: Config,
    collaboratives: Sequence[CollaborativeConfig],
    trackers: Sequence[ParsedTracker],
    followup: FollowUp,
) -> list[WrittenFile]:
    """Write the internal data-quality report as HTML and Word."""
    program = {"start": config.program.start, "years": config.program.years}
    return write_dq_report(
        out_dir, rollups, collaboratives, trackers, followup, program, date.today()
    )
