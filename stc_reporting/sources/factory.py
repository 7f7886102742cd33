"""The one place that chooses where each collaborative's tracker is read from."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

from stc_reporting.config import CollaborativeConfig
from stc_reporting.sources import TrackerSource, TrackerUnreadableError
from stc_reporting.sources.snapshot import SnapshotSource
from stc_reporting.sources.xlsx import XlsxSource


class _NoGoogleSource:
    """Stands in for a Google Sheets tracker until that source is configured."""

    def __init__(self, sheet_id: str) -> None:
        self.sheet_id = sheet_id

    def read(self) -> NoReturn:
        raise TrackerUnreadableError(
            f"Google Sheet {self.sheet_id} cannot be read: this version reads .xlsx trackers "
            "only; download the sheet as .xlsx and set 'workbook' in the config"
        )


def source_for(
    collaborative: CollaborativeConfig, from_snapshots: Path | None = None
) -> TrackerSource:
    """Return the source that reads this collaborative's tracker.

    Args:
        collaborative: The collaborative's config entry (paths already resolved).
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
    return _NoGoogleSource(collaborative.sheet_id)
