"""Rendering the funder reports as .docx drafts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from stc_reporting.config import CollaborativeConfig
from stc_reporting.issues import Issue
from stc_reporting.reading import ParsedTracker
from stc_reporting.reports import ReportsWritten, make_reports


@task(name="render-reports", cache_policy=NO_CACHE, persist_result=False)
def render_reports(
    out_dir: Path,
    rollups: dict[str, Any],
    collaboratives: Sequence[CollaborativeConfig],
    trackers: Sequence[ParsedTracker],
    issues: Sequence[Issue],
) -> ReportsWritten:
    """Write the program report and one report per collaborative that reported."""
    return make_reports(out_dir, rollups, collaboratives, trackers, issues, date.today())
