"""Drafts to reviewers' Drive folder; finals a reviewer approved to the funder's."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from prefect import get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from stc_reporting.config import Config
from stc_reporting.google_access import GoogleAccessError, google_access
from stc_reporting.outputs.drive import share_drafts as share_in_drive
from stc_reporting.outputs.publish_run import PUBLISHED_FILE, PublishResult, PublishRunError
from stc_reporting.outputs.publisher_factory import drive_access
from stc_reporting.outputs.run_page import shared_files
from stc_reporting.outputs.runs import DraftRun
from stc_reporting.outputs.writer import WrittenFile
from stc_reporting.pipeline import publish_approved as publish

PUBLICATION_KEY = "publication"


@task(
    name="publish finals",
    task_run_name="publish finals",
    cache_policy=NO_CACHE,
    persist_result=False,
)
def publish_approved(
    draft: DraftRun,
    config: Config,
    reviewer: str,
    note: str | None,
    google_secret: str | None = None,
) -> PublishResult:
    """Publish exactly the reviewed drafts as finals; record who, when, what and where."""
    try:
        result = publish(draft, config, reviewer, note, drive_access(config, google_secret))
    except (PublishRunError, GoogleAccessError) as error:
        result = PublishResult(destination="nowhere", publication=None, failures=[str(error)])
    create_markdown_artifact(key=PUBLICATION_KEY, markdown=_record(result, reviewer, note))
    return result


def _record(result: PublishResult, reviewer: str, note: str | None) -> str:
    published = result.publication.files if result.publication else []
    lines = [
        "# Publication",
        f"Approved by **{reviewer}**" + (f": {note}" if note else "") + ".",
        f"{len(published)} final(s) published to {result.destination}"
        + (f", recorded in `{PUBLISHED_FILE}`." if result.publication else "."),
        *(
            f"- [{report.file}]({report.link}) (SHA-256 {report.sha256[:12]}…)"
            for report in published
        ),
        *(f"- **Not published:** {failure}" for failure in result.failures),
    ]
    return "\n".join(lines)


@task(
    name="share drafts",
    task_run_name="share drafts",
    cache_policy=NO_CACHE,
    persist_result=False,
)
def share_drafts(
    config: Config,
    folder_id: str,
    run_dir: Path,
    files: Sequence[WrittenFile],
    month: str,
    google_secret: str | None = None,
) -> dict[str, str]:
    """Put the drafts in the reviewers' Drive folder; return each one's Drive link.

    A draft that cannot be shared is linked on the outputs share instead; the run
    says why, as a warning (the drafts themselves are written either way).
    """
    logger = get_run_logger()
    try:
        access = google_access(config.google, secret_json=google_secret)
    except GoogleAccessError as error:
        logger.warning("Drafts not put in the Drive drafts folder: %s", error)
        return {}
    shared = share_in_drive(access, folder_id, run_dir, shared_files(files), month)
    for failure in shared.failures:
        logger.warning("Drafts folder: %s", failure)
    create_link_artifact(
        key="drafts-folder",
        link=f"https://drive.google.com/drive/folders/{folder_id}",
        link_text="Drafts folder in Google Drive",
    )
    return shared.links
