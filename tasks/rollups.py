"""Computing the year two / year three / combined figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from stc_reporting.config import Config
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.issues import Issue
from stc_reporting.pipeline import RunSelection, build_rollups


@task(name="compute-rollups", cache_policy=NO_CACHE, persist_result=False)
def compute_rollups(
    config: Config,
    selection: RunSelection,
    trackers: Sequence[ParsedTracker],
    issues: Sequence[Issue],
) -> dict[str, Any]:
    """Build the rollups document from the checked trackers."""
    return build_rollups(config, selection, trackers, issues)
