"""Outputs are atomic, reproducible and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from stc_reporting.issues import Issue, Severity
from stc_reporting.outputs.folder import OutputFolder
from stc_reporting.outputs.summary import run_notes
from stc_reporting.outputs.writer import (
    ISSUE_COLUMNS,
    WrittenFile,
    escape_formula,
    issues_csv_bytes,
    write_atomically,
    write_run_outputs,
)

pytestmark = pytest.mark.unit


def issue(value: str, message: str = "m") -> Issue:
    return Issue("fresno", "Activities", 3, "Title", value, Severity.ERROR, "required", message)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-2", "@SUM(A1)", "\t=x"])
def test_cells_a_spreadsheet_would_run_are_escaped(value: str) -> None:
    """A leading = + - @ (or tab) gets a leading apostrophe."""
    assert escape_formula(value) == "'" + value


def test_issues_csv_has_the_contract_columns_and_escapes_every_cell() -> None:
    """Header row as interface.md names it; values and messages escaped."""
    text = issues_csv_bytes([issue('=HYPERLINK("x")', "-oops")]).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == ISSUE_COLUMNS
    assert rows[1] == [
        "fresno",
        "Activities",
        "3",
        "Title",
        '\'=HYPERLINK("x")',
        "error",
        "required",
        "'-oops",
    ]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    """The rename happens only after a complete write."""
    target = tmp_path / "rollups.json"
    target.write_text("old")

    with pytest.raises(TypeError):
        write_atomically(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["rollups.json"]


def test_run_outputs_are_byte_identical_when_repeated(tmp_path: Path) -> None:
    """Same inputs, same bytes; the manifest lists every file with its hash."""
    rollups = {"schema_version": 1, "b": [1, 2], "a": None}
    first = write_run(tmp_path / "1", rollups)
    second = write_run(tmp_path / "2", rollups)
    assert [f.sha256 for f in first] == [f.sha256 for f in second]
    manifest = json.loads((tmp_path / "1" / "manifest.json").read_text())
    assert [f["path"] for f in manifest["files"]] == ["issues.csv", "rollups.json"]
    assert all(
        set(f) == {"path", "kind", "collaborative", "sha256", "bytes"} for f in manifest["files"]
    )


def write_run(out: Path, rollups: dict[str, Any]) -> list[WrittenFile]:
    with OutputFolder(out).open() as session, session.transaction() as transaction:
        return write_run_outputs(transaction, rollups, [issue("x")], extra=())


def written(*paths: str, kind: str = "collaborative-report") -> list[WrittenFile]:
    return [WrittenFile(path, kind, None, "0" * 64, 1) for path in paths]


ROLLUPS: dict[str, Any] = {
    "collaboratives": {
        "oakland": {"name": "Allies Against Violence", "status": "failed"},
        "fresno": {"name": "Mujeres Poderosas Amorosas", "status": "ok"},
    }
}


def test_the_run_names_every_draft_it_did_not_remake(tmp_path: Path) -> None:
    """A failed collaborative's earlier draft is named as such; a report never made is said."""
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports/collaborative-oakland.docx").write_bytes(b"september")
    notes = run_notes(tmp_path, ROLLUPS, written("reports/program-report.docx"), partial=False)
    assert notes == [
        "reports/collaborative-oakland.docx is the draft of an earlier run, kept as it was: "
        "Allies Against Violence failed this time.",
        "reports/collaborative-fresno.docx was not made, and there is no earlier draft of it.",
    ]


def test_a_partial_run_says_what_it_covers_and_leaves_the_program_report(tmp_path: Path) -> None:
    """No program report is expected of a partial run; the note names the collaboratives."""
    files = written("reports/collaborative-fresno.docx")
    notes = run_notes(tmp_path, ROLLUPS, files, partial=True)
    assert len(notes) == 1 and notes[0].startswith("This run covers only oakland, fresno:")


def test_a_damaged_followup_file_is_named_with_the_copy_it_was_kept_as(tmp_path: Path) -> None:
    """The warning names the file, the copy, and what it means for the comparison."""
    files = [
        *written("reports/program-report.docx", "reports/collaborative-fresno.docx"),
        *written("issues-followup.damaged-20211103-101500.json", kind="set-aside"),
    ]
    problem = "out/issues-followup.json could not be used (Expecting value: line 1 column 1)"
    notes = run_notes(tmp_path, ROLLUPS, files, partial=False, history_problem=problem)
    assert notes == [
        f"{problem}; it was kept as issues-followup.damaged-20211103-101500.json. Issues were "
        "compared as if there were no earlier run."
    ]
