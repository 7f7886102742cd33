"""Writing run outputs: atomically, reproducibly, safe to open in a spreadsheet.

Every file is written to a temporary sibling and renamed into place, so a run
that fails or is killed never leaves a half-written file. The same inputs give
byte-identical `rollups.json` and `issues.csv`.
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

ISSUE_COLUMNS = ("collaborative", "tab", "row", "column", "value", "severity", "rule", "message")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _default_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _default_file_mode()


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


def write_output(
    out_dir: Path, relative: str, content: bytes, kind: str, collaborative: str | None = None
) -> WrittenFile:
    """Write one output file atomically and describe it for the manifest."""
    write_atomically(out_dir / relative, content)
    return WrittenFile(
        path=relative,
        kind=kind,
        collaborative=collaborative,
        sha256=hashlib.sha256(content).hexdigest(),
        bytes=len(content),
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


def write_run_outputs(
    out_dir: Path,
    rollups: Rollups,
    issues: Sequence[Issue],
    extra: Sequence[WrittenFile],
    followup: dict[str, Any] | None = None,
) -> list[WrittenFile]:
    """Write `rollups.json`, `issues.csv`, the follow-up file and, last, `manifest.json`.

    Args:
        out_dir: The run's output folder.
        rollups: The rollups document.
        issues: Every issue, sorted.
        extra: Files already written this run (reports), for the manifest.
        followup: The issue follow-up document for the next run, if any.

    Returns:
        Every file the manifest lists, plus the manifest itself.
    """
    written = [
        write_output(out_dir, "rollups.json", rollups_json(rollups), "rollups"),
        write_output(out_dir, "issues.csv", issues_csv_bytes(issues), "issues"),
        *extra,
    ]
    if followup is not None:
        written.append(
            write_output(out_dir, "issues-followup.json", json_bytes(followup), "issues-followup")
        )
    manifest = write_output(out_dir, "manifest.json", manifest_bytes(written), "manifest")
    return [*written, manifest]
