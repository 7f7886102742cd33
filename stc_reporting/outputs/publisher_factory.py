"""The one place that chooses where a run's finals are published."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from stc_reporting.config import Config
from stc_reporting.outputs.local_publisher import LocalFolderPublisher
from stc_reporting.outputs.publishing import Publisher, PublishOutcome
from stc_reporting.outputs.writer import WrittenFile

FINAL_FOLDER = "final"


class _NoDrivePublisher:
    """Stands in for Google Drive publishing until it is built: publishes nothing."""

    def __init__(self, folder_id: str) -> None:
        self.folder_id = folder_id

    def publish(self, run_dir: Path, files: Sequence[WrittenFile]) -> PublishOutcome:
        reason = (
            f"Google Drive folder {self.folder_id} cannot be used: this version publishes "
            f"to a local folder only; remove google.drive_folder_id from the config to "
            f"write the finals to {FINAL_FOLDER}/ in the run folder"
        )
        return PublishOutcome(failures=[f"{f.path} was not published: {reason}" for f in files])


def publisher_for(config: Config, run_dir: Path) -> Publisher:
    """Return the publisher for this config (interface.md, `stc-report publish`).

    Args:
        config: The program config; `google.drive_folder_id` picks Drive.
        run_dir: The run folder whose finals are published.

    Returns:
        The Drive publisher when a Drive folder is configured, else one that
        writes into `run_dir/final/`.
    """
    if config.google is not None and config.google.drive_folder_id is not None:
        return _NoDrivePublisher(config.google.drive_folder_id)
    return LocalFolderPublisher(run_dir / FINAL_FOLDER)
