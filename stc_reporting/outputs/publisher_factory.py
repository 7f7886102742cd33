"""The one place that chooses where a run's finals are published."""

from __future__ import annotations

from pathlib import Path

from stc_reporting.config import Config
from stc_reporting.google_access import GoogleAccess, RetryPolicy, google_access
from stc_reporting.outputs.drive import DrivePublisher
from stc_reporting.outputs.local_publisher import LocalFolderPublisher
from stc_reporting.outputs.publishing import Publisher

FINAL_FOLDER = "final"


class PublisherConfigError(Exception):
    """The config asks for a publisher that cannot be built as given."""


def drive_folder_of(config: Config) -> str | None:
    """The configured Drive folder for finals (`google.drive_folder_id`), if any."""
    return config.google.drive_folder_id if config.google is not None else None


def drive_access(config: Config, secret_json: str | None = None) -> GoogleAccess | None:
    """Google access when a Drive folder is configured; None when finals stay local.

    Args:
        config: The program config.
        secret_json: The service-account JSON of the Prefect Secret block, if the caller
            has one (used after `google.credentials` and the environment).

    Raises:
        GoogleAccessError: A Drive folder is configured but no usable credentials.
    """
    if drive_folder_of(config) is None:
        return None
    return google_access(config.google, secret_json=secret_json)


def publisher_for(
    config: Config,
    run_dir: Path,
    access: GoogleAccess | None = None,
    retry: RetryPolicy | None = None,
) -> Publisher:
    """Return the publisher for this config (interface.md, `stc-report publish`).

    Args:
        config: The program config; `google.drive_folder_id` picks Drive.
        run_dir: The run folder whose finals are published.
        access: Google access, needed when a Drive folder is configured (the caller
            builds it once per run: `google_access(config.google, ...)`).
        retry: How failing Drive requests are tried again (default `RetryPolicy()`).

    Returns:
        The Drive publisher when a Drive folder is configured, else one that
        writes into `run_dir/final/`.

    Raises:
        PublisherConfigError: A Drive folder is configured but no Google access was given.
    """
    folder_id = drive_folder_of(config)
    if folder_id is None:
        return LocalFolderPublisher(run_dir / FINAL_FOLDER)
    if access is None:
        raise PublisherConfigError(
            f"google.drive_folder_id is set ({folder_id}) but no Google credentials were "
            "given to publish with"
        )
    return DrivePublisher(access, folder_id, retry)
