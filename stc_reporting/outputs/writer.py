"""Writing run outputs: atomically, reproducibly, safe to open in a spreadsheet.

A run's files are staged in a transaction of its output folder and moved into
place together (`outputs.folder`), so a run that fails or is killed never leaves
a half-written file nor a mix of two runs. The same inputs give byte-identical
`rollups.json` and `issues.csv`.
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
from datetime import datetime
from pathlib import Path
from typing import Any

from stc_reporting.issues import Issue
from stc_reporting.outputs.folder import FILE_MODE, Transaction, aside_name

ISSUE_COLUMNS = ("collaborative", "tab", "row", "column", "value", "severity", "rule", "message")
MANIFEST = "manifest.json"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
        os.chmod(temporary, FILE_MODE)  # mkstemp makes 0600; outputs are shared files
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
    transaction: Transaction,
    rollups: dict[str, Any],
    issues: Sequence[Issue],
    extra: Sequence[WrittenFile],
    followup: dict[str, Any] | None = None,
    damaged: Sequence[str] = (),
) -> list[WrittenFile]:
    """Stage `rollups.json`, `issues.csv`, the follow-up file and the manifest; commit the run.

    Args:
        transaction: The run's transaction of its output folder.
        rollups: The rollups document.
        issues: Every issue, sorted.
        extra: Files already staged this run (reports), for the manifest.
        followup: The issue follow-up document for the next run, if any.
        damaged: Files now in the folder that could not be used: each is kept as
            `<name>.damaged-<time>.<ext>` (and listed) before this run replaces it.

    Returns:
        Every file the manifest lists, plus the manifest itself.
    """
    staging = transaction.staging
    written = [
        write_output(staging, "rollups.json", json_bytes(rollups), "rollups"),
        write_output(staging, "issues.csv", issues_csv_bytes(issues), "issues"),
        *extra,
    ]
    written += [kept for relative in damaged if (kept := _set_aside(transaction, relative))]
    if followup is not None:
        written.append(
            write_output(staging, "issues-followup.json", json_bytes(followup), "issues-followup")
        )
    manifest = write_output(staging, MANIFEST, manifest_bytes(written), "manifest")
    transaction.commit(last=[MANIFEST])
    return [*written, manifest]


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
    return WrittenFile(name, "set-aside", None, hashlib.sha256(content).hexdigest(), len(content))
