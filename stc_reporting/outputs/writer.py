"""The one output writer: every file of a run, atomically, then `manifest.json`.

Renderers and the data serialisers here only make documents (bytes and where they
go); `write_run` is the single place a run's files reach the disk. Every file is
written to a temporary sibling and renamed into place, so a run that fails or is
killed never leaves a half-written file. The same inputs give byte-identical
`rollups.json` and `issues.csv`, and both are safe to open in a spreadsheet.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stc_reporting.figures.document import Rollups, rollups_json
from stc_reporting.issues import Issue
from stc_reporting.reports.document import REPORTS_FOLDER, DocumentKind, RenderedDocument

ISSUE_COLUMNS = ("collaborative", "tab", "row", "column", "value", "severity", "rule", "message")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _default_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _default_file_mode()


def file_mode() -> int:
    """The mode of a file this process writes: 0666 less the umask, like any new file."""
    return _FILE_MODE


@dataclass(frozen=True)
class WrittenFile:
    """One file a run wrote, as listed in `manifest.json`."""

    path: str
    kind: str
    collaborative: str | None
    sha256: str
    bytes: int


def write_atomically(path: Path, content: bytes) -> None:
    """Write bytes to `path` through a temporary file and a rename.

    Args:
        path: Where the file ends up; its folder is created if needed.
        content: The complete file content.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _FILE_MODE)  # mkstemp makes 0600; outputs are shared files
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_document(out_dir: Path, document: RenderedDocument) -> WrittenFile:
    """Write one document atomically under `out_dir` and describe it for the manifest."""
    write_atomically(out_dir / document.path, document.content)
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


def escape_formula(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with `'`."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


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


def write_run(out_dir: Path, documents: Sequence[RenderedDocument]) -> list[WrittenFile]:
    """Write every document of a run, remove stale reports, and write `manifest.json` last.

    This is the only function that writes a run's files: it gets the run's complete
    list of documents at once.

    Args:
        out_dir: The run's output folder.
        documents: Every file of the run (data files, reports), in the order to list them.

    Returns:
        Every file the manifest lists, in the order given, then the manifest itself.
    """
    written = [write_document(out_dir, document) for document in documents]
    _remove_stale_reports(out_dir, {f.path for f in written})
    manifest = RenderedDocument(
        "manifest.json", DocumentKind.MANIFEST, None, manifest_bytes(written)
    )
    return [*written, write_document(out_dir, manifest)]


def _remove_stale_reports(out_dir: Path, written: set[str]) -> None:
    """Delete drafts of earlier runs this run did not make (a collaborative that failed)."""
    folder = out_dir / REPORTS_FOLDER
    for path in folder.glob("*.docx") if folder.is_dir() else ():
        if f"{REPORTS_FOLDER}/{path.name}" not in written:
            path.unlink()
