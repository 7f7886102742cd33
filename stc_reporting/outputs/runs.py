"""A folder of its own for every deployment run, under one outputs root.

Runs started from the Prefect UI or the schedule never share a folder (docs/outputs.md,
"Run folders"): each writes into

    <outputs root>/<YYYY-MM of the data>/<YYYY-MM-DD>T<HHMM>-<scope>-<run id>/

so a partial run, a rejected draft or two runs at once can never change another run's
files. The name sorts by when the run was started, so the latest committed run is the
one a new run follows issues up against (`previous_run`). A run's folder is the same
on every start of the run (a run resumed after approval finds its own drafts).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from stc_reporting.outputs.folder import INTERNAL_FOLDER, JOURNAL_FILE
from stc_reporting.outputs.summary import RunSummary
from stc_reporting.outputs.writer import MANIFEST, WrittenFile, read_manifest
from stc_reporting.reports.document import DocumentKind

_MONTH = re.compile(r"^\d{4}-\d{2}$")
_RUN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{4}-[a-z0-9-]+$")
REVIEWED_KINDS = frozenset({DocumentKind.PROGRAM_REPORT, DocumentKind.COLLABORATIVE_REPORT})


def run_folder(root: Path, as_of: date, started: datetime, scope: str, run_id: str) -> Path:
    """Where one run writes: under its data month, named by start time, scope and id.

    Args:
        root: The outputs root the deployment fixes.
        as_of: The last day whose records count: its month names the month folder.
        started: When the run was created (the same on every start of the run).
        scope: Its collaboratives in words ("all collaboratives", "fresno, oakland").
        run_id: The flow run's id; its first 8 characters keep names unique.
    """
    words = re.sub(r"[^a-z0-9]+", "-", scope.lower()).strip("-")[:60].strip("-")
    name = f"{started:%Y-%m-%dT%H%M}-{words or 'run'}-{run_id.replace('-', '')[:8]}"
    return root / f"{as_of:%Y-%m}" / name


def is_committed(folder: Path) -> bool:
    """The folder holds a finished run: its manifest is there and no commit is half done."""
    return (folder / MANIFEST).is_file() and not (folder / INTERNAL_FOLDER / JOURNAL_FILE).exists()


def previous_run(root: Path, before: Path) -> Path | None:
    """The latest committed run under `root` started before `before`, in any month.

    Issues are followed up against it: a tracker's issues are what they are on the day
    of the run, whatever month a run reports.
    """
    if not root.is_dir():
        return None
    earlier = [
        folder
        for month in root.iterdir()
        if month.is_dir() and _MONTH.match(month.name)
        for folder in month.iterdir()
        if _RUN.match(folder.name) and folder.name < before.name and is_committed(folder)
    ]
    return max(earlier, key=lambda folder: folder.name, default=None)


class Draft(BaseModel):
    """A funder report draft put before a reviewer, as the run wrote it."""

    model_config = ConfigDict(frozen=True)

    path: str
    collaborative: str | None
    sha256: str


class DraftRun(BaseModel):
    """What a run waiting for approval keeps: its folder, its drafts' hashes, its outcome.

    Never any tracker content: it is stored by the orchestrator while the run waits,
    possibly for days (docs/privacy.md).
    """

    model_config = ConfigDict(frozen=True)

    run_dir: str
    drafts: list[Draft]
    summary: RunSummary


def draft_run(run_dir: Path, files: list[WrittenFile], summary: RunSummary) -> DraftRun:
    """The drafts a reviewer is asked to approve: the funder reports this run wrote."""
    drafts = [
        Draft(path=f.path, collaborative=f.collaborative, sha256=f.sha256)
        for f in files
        if f.kind in REVIEWED_KINDS
    ]
    return DraftRun(run_dir=str(run_dir), drafts=drafts, summary=summary)


def drafts_unchanged(draft: DraftRun) -> list[str]:
    """Which drafts of `draft` no longer match what the run recorded (none: all as reviewed).

    Checked against both the hashes kept while waiting and the run's `manifest.json`.
    """
    run_dir = Path(draft.run_dir)
    manifest_path = run_dir / MANIFEST
    if not manifest_path.is_file():
        return [f"{run_dir} has no {MANIFEST}: the run folder was moved or removed"]
    recorded = {f.path: f.sha256 for f in read_manifest(manifest_path.read_bytes())}
    return [
        f"{d.path} was changed or replaced since the run wrote it"
        for d in draft.drafts
        if recorded.get(d.path) != d.sha256
    ]
