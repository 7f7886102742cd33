"""The one place that chooses where each collaborative's tracker is read from."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

from stc_reporting.config import CollaborativeConfig
from stc_reporting.sources import TrackerSource, TrackerUnreadableError
from stc_reporting.sources.sheets import SheetsReading, SheetsSource
from stc_reporting.sources.snapshot import SnapshotSource
from stc_reporting.sources.xlsx import XlsxSource

NO_GOOGLE_SET_UP = "Google access was not set up for this run"


class _UnreachableSheet:
    """A Google Sheets tracker in a run that has no Google access: fails with the reason."""

    def __init__(self, sheet_id: str, problem: str) -> None:
        self.sheet_id = sheet_id
        self.problem = problem

    def read(self) -> NoReturn:
        raise TrackerUnreadableError(
            f"Google Sheet {self.sheet_id} cannot be read: {self.problem} (docs/google.md)"
        )


def source_for(
    collaborative: CollaborativeConfig,
    sheets: SheetsReading | None = None,
    from_snapshots: Path | None = None,
) -> TrackerSource:
    """Return the source that reads this collaborative's tracker.

    Args:
        collaborative: The collaborative's config entry (paths already resolved).
        sheets: How this run reads Google Sheets (access built once per run, the shared
            read limiter); needed only for a collaborative with `sheet_id`.
        from_snapshots: A folder of an earlier run's snapshots to replay instead:
            the workbook and Google are then never touched.

    Returns:
        The tracker source for its snapshot, `workbook` or `sheet_id`.
    """
    if from_snapshots is not None:
        return SnapshotSource(from_snapshots, collaborative.id)
    if collaborative.workbook is not None:
        return XlsxSource(collaborative.workbook)
    assert collaborative.sheet_id is not None
    if sheets is None or sheets.access is None:
        problem = sheets.problem if sheets is not None else NO_GOOGLE_SET_UP
        return _UnreachableSheet(collaborative.sheet_id, problem)
    return SheetsSource(
        collaborative.sheet_id,
        sheets.access,
        limiter=sheets.limiter,
        retry=sheets.retry,
        before_read=sheets.before_read,
    )
