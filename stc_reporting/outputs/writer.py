"""The one output writer: every file of a run, atomically, then `manifest.json`.

Renderers and the data serialisers here only make documents (bytes and where they
go); `write_run` is the single place a run's files reach the disk. It stages them in
a transaction of the output folder (`outputs/folder.py`) and commits them together,
so a run that fails or is killed never leaves a half-written file nor a mix of two
runs, and never deletes a file it did not write. The same inputs give byte-identical
`rollups.json` and `issues.csv`, and both are safe to open in a spreadsheet.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from stc_reporting.figures.document import Rollups, rollups_json
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.issues import Issue
from stc_reporting.outputs.folder import Transaction, aside_name
from stc_reporting.outputs.spreadsheet_safety import escape_formula
from stc_reporting.reports.document import DocumentKind, RenderedDocument
from stc_reporting.sources.snapshot import Snapshot, snapshot_json, snapshot_of, snapshot_path

ISSUE_COLUMNS = (
    "collaborative",
    "tab",
    "row",
    "column",
    "value",
    "severity",
    "rule",
    "message",
    "link",
)
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class WrittenFile:
    """One file a run wrote, as listed in `manifest.json`."""

    path: str
    kind: str
    collaborative: str | None
    sha256: str
    bytes: int


def stage_document(transaction: Transaction, document: RenderedDocument) -> WrittenFile:
    """Stage one document in the run's transaction and describe it for the manifest."""
    transaction.put(document.path, document.content)
    return WrittenFile(
        path=document.path,
        kind=document.kind.value,
        collaborative=document.collaborative,
        sha256=hashlib.sha256(document.content).hexdigest(),
        bytes=len(document.content),
    )


def json_bytes(document: Any) -> bytes:
    """Serialise a document as stable, readable JSON (no NaN, UTF-8, trailing newline)."""
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


def issues_csv_bytes(issues: Iterable[Issue]) -> bytes:
    """Render issues as `issues.csv` (interface.md), formula-escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ISSUE_COLUMNS)
    for issue in issues:
        cells = (
            issue.collaborative,
            issue.tab,
            "" if issue.row is None else str(issue.row),
            issue.column,
            issue.value,
            issue.severity.value,
            issue.rule,
            issue.message,
            issue.link,
        )
        writer.writerow([escape_formula(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8")


def manifest_bytes(files: Sequence[WrittenFile]) -> bytes:
    """Render `manifest.json`: every file the run wrote, sorted by path."""
    entries = [
        {
            "path": f.path,
            "kind": f.kind,
            "collaborative": f.collaborative,
            "sha256": f.sha256,
            "bytes": f.bytes,
        }
        for f in sorted(files, key=lambda f: f.path)
    ]
    return json_bytes({"files": entries})


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    files: list[WrittenFile]


def read_manifest(content: bytes) -> list[WrittenFile]:
    """Read `manifest.json` back: every file the run wrote, as the writer described it.

    Raises:
        pydantic.ValidationError: The content is not a manifest.
    """
    return _Manifest.model_validate_json(content).files


def data_documents(
    rollups: Rollups, issues: Sequence[Issue], followup: dict[str, Any] | None = None
) -> list[RenderedDocument]:
    """Serialise the run's data files: `rollups.json`, `issues.csv`, `issues-followup.json`.

    Args:
        rollups: The rollups document.
        issues: Every issue, sorted.
        followup: The issue follow-up document for the next run, if any.

    Returns:
        The documents, in that order.
    """
    documents = [
        RenderedDocument("rollups.json", DocumentKind.ROLLUPS, None, rollups_json(rollups)),
        RenderedDocument("issues.csv", DocumentKind.ISSUES, None, issues_csv_bytes(issues)),
    ]
    if followup is not None:
        documents.append(
            RenderedDocument(
                "issues-followup.json", DocumentKind.ISSUES_FOLLOWUP, None, json_bytes(followup)
            )
        )
    return documents


def snapshot_documents(
    trackers: Iterable[ParsedTracker], as_of: date, run_date: date
) -> list[RenderedDocument]:
    """Serialise each tracker as read: `snapshots/<collaborative-id>.json`.

    A tracker that could not be read gets a snapshot too, holding only the reason:
    a replay then fails it the same way, and no earlier snapshot of it is left
    looking like this run's.

    Args:
        trackers: The trackers of the run, as read.
        as_of: The run's as-of date.
        run_date: The day of the run.

    Returns:
        One document per tracker, in the order given.
    """
    return [
        RenderedDocument(
            snapshot_path(tracker.collaborative),
            DocumentKind.SNAPSHOT,
            tracker.collaborative,
            snapshot_json(
                Snapshot(
                    collaborative=tracker.collaborative,
                    read_on=run_date,
                    as_of=as_of,
                    tracker=None if tracker.kept is None else snapshot_of(tracker.kept),
                    unreadable=tracker.unreadable,
                )
            ),
        )
        for tracker in trackers
    ]


def write_run(
    transaction: Transaction,
    documents: Sequence[RenderedDocument],
    damaged: Sequence[str] = (),
) -> list[WrittenFile]:
    """Stage every document of a run and `manifest.json`, then commit them all at once.

    This is the only function that writes a run's files: it gets the run's complete
    list of documents at once. Nothing is removed: a draft this run did not remake
    (a collaborative that failed, a report that failed to render, a partial run)
    stays as the earlier run left it.

    Args:
        transaction: The run's transaction of its (locked) output folder.
        documents: Every file of the run (data files, reports), in the order to list them.
        damaged: Files now in the folder that could not be used: each is kept as
            `<name>.damaged-<time>.<ext>` (and listed) before this run replaces it.

    Returns:
        Every file the manifest lists, in the order given, then the manifest itself.
    """
    written = [stage_document(transaction, document) for document in documents]
    written += [kept for relative in damaged if (kept := _set_aside(transaction, relative))]
    manifest = RenderedDocument(MANIFEST, DocumentKind.MANIFEST, None, manifest_bytes(written))
    written.append(stage_document(transaction, manifest))
    transaction.commit(last=[MANIFEST])
    return written


def _set_aside(transaction: Transaction, relative: str) -> WrittenFile | None:
    """Stage a copy of a damaged file under a dated name nobody else uses (None: no file)."""
    name = aside_name(relative, "damaged", datetime.now())
    stem, suffix = os.path.splitext(name)
    number = 1
    while (transaction.folder / name).exists():
        number += 1
        name = f"{stem}-{number}{suffix}"
    if not transaction.keep_copy(relative, name):
        return None
    content = (transaction.staging / name).read_bytes()
    return WrittenFile(
        name, DocumentKind.SET_ASIDE.value, None, hashlib.sha256(content).hexdigest(), len(content)
    )
