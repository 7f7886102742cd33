"""Outputs are atomic, reproducible and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from stc_reporting.figures.document import FailedCollaborative, ReportingCollaborative, Rollups
from stc_reporting.ingest.failure import FailureKind
from stc_reporting.issues import DataQualityCounts, Issue, Severity
from stc_reporting.outputs.folder import OutputFolder
from stc_reporting.outputs.spreadsheet_safety import escape_formula
from stc_reporting.outputs.summary import NOTES_AT_MOST, run_notes
from stc_reporting.outputs.writer import (
    ISSUE_COLUMNS,
    WrittenFile,
    data_documents,
    issues_csv_bytes,
    write_run,
)
from stc_reporting.reports.document import DocumentKind, RenderedDocument

pytestmark = pytest.mark.unit


def empty_rollups() -> Rollups:
    """A rollups document with no collaborative: enough for the writer."""
    return Rollups(
        program="P",
        funder="F",
        as_of=date(2021, 10, 31),
        periods={"Y3": (date(2020, 11, 1), date(2021, 10, 31))},
        collaboratives={},
        program_totals={"Y3": None},
        collaboratives_failed=[],
    )


def issue(value: str, message: str = "m") -> Issue:
    return Issue("fresno", "Activities", 3, "Title", value, Severity.ERROR, "required", message)


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+1", "-2", "@SUM(A1)", "\t=x", "\r=cmd", "\n=1", "  =1+1", "＝1+1", "＠SUM(1)"],
)
def test_cells_a_spreadsheet_would_run_are_escaped(value: str) -> None:
    """A leading = + - @, tab, CR or LF (after spaces, or full-width) gets an apostrophe."""
    assert escape_formula(value) == "'" + value


def test_issues_csv_has_the_contract_columns_and_escapes_every_cell() -> None:
    """Header row as interface.md names it, then `link`; values and messages escaped."""
    in_sheet = replace(issue("x"), cell="D3", gid=7, spreadsheet_id="1AbC")
    text = issues_csv_bytes([issue('=HYPERLINK("x")', "-oops"), in_sheet]).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == ISSUE_COLUMNS
    assert ISSUE_COLUMNS[-1] == "link"
    assert rows[1] == [
        "fresno",
        "Activities",
        "3",
        "Title",
        '\'=HYPERLINK("x")',
        "error",
        "required",
        "'-oops",
        "",
    ]
    assert rows[2][-1] == "https://docs.google.com/spreadsheets/d/1AbC/edit#gid=7&range=D3"


def test_run_outputs_are_byte_identical_when_repeated(tmp_path: Path) -> None:
    """Same inputs, same bytes; the manifest lists every file with its hash."""
    rollups = empty_rollups()
    first = write_in(tmp_path / "1", data_documents(rollups, [issue("x")]))
    second = write_in(tmp_path / "2", data_documents(rollups, [issue("x")]))
    assert [f.sha256 for f in first] == [f.sha256 for f in second]
    manifest = json.loads((tmp_path / "1" / "manifest.json").read_text())
    assert [f["path"] for f in manifest["files"]] == ["issues.csv", "rollups.json"]
    assert all(
        set(f) == {"path", "kind", "collaborative", "sha256", "bytes"} for f in manifest["files"]
    )


def report(collaborative: str, content: bytes) -> RenderedDocument:
    return RenderedDocument(
        f"reports/collaborative-{collaborative}.docx",
        DocumentKind.COLLABORATIVE_REPORT,
        collaborative,
        content,
    )


def write_in(out: Path, documents: list[RenderedDocument]) -> list[WrittenFile]:
    """Write a run's documents through a locked transaction of the folder, as a run does."""
    with OutputFolder(out).open() as session, session.transaction() as transaction:
        return write_run(transaction, documents)


def test_the_writer_writes_every_document_and_lists_it_in_the_manifest(tmp_path: Path) -> None:
    """Each document lands at its path with its bytes; the manifest entry matches the file."""
    documents = [
        *data_documents(empty_rollups(), [], {"issues": []}),
        report("fresno", b"docx bytes"),
    ]
    written = write_in(tmp_path, documents)
    assert [f.path for f in written] == [
        "rollups.json",
        "issues.csv",
        "issues-followup.json",
        "reports/collaborative-fresno.docx",
        "manifest.json",
    ]
    assert (tmp_path / "reports/collaborative-fresno.docx").read_bytes() == b"docx bytes"
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    entry = next(f for f in manifest["files"] if f["kind"] == "collaborative-report")
    assert entry == {
        "path": "reports/collaborative-fresno.docx",
        "kind": "collaborative-report",
        "collaborative": "fresno",
        "sha256": hashlib.sha256(b"docx bytes").hexdigest(),
        "bytes": len(b"docx bytes"),
    }
    assert "manifest.json" not in [f["path"] for f in manifest["files"]]


def test_a_report_the_run_did_not_make_is_kept_as_it_was(tmp_path: Path) -> None:
    """A collaborative that failed this run keeps last run's draft; a person's file stays."""
    write_in(tmp_path, [report("fresno", b"old"), report("oakland", b"old")])
    (tmp_path / "reports/program-report (reviewed by Ana).docx").write_text("mine")
    write_in(tmp_path, [report("fresno", b"new")])
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [
        "collaborative-fresno.docx",
        "collaborative-oakland.docx",
        "program-report (reviewed by Ana).docx",
    ]
    assert (tmp_path / "reports/collaborative-fresno.docx").read_bytes() == b"new"
    assert (tmp_path / "reports/collaborative-oakland.docx").read_bytes() == b"old"


def written(*paths: str, kind: str = "collaborative-report") -> list[WrittenFile]:
    return [WrittenFile(path, kind, None, "0" * 64, 1) for path in paths]


def _counts() -> DataQualityCounts:
    return DataQualityCounts(errors=0, warnings=0, privacy=0, structural=0, rows_excluded=0)


ROLLUPS = empty_rollups().model_copy(
    update={
        "collaboratives": {
            "oakland": FailedCollaborative(
                name="Allies Against Violence",
                city="Oakland",
                reason="tab 'Partners' is missing",
                reason_kind=FailureKind.MISSING_TAB,
                reason_tabs=["Partners"],
                data_quality=_counts(),
            ),
            "fresno": ReportingCollaborative(
                name="Mujeres Poderosas Amorosas",
                city="Fresno",
                data_quality=_counts(),
                periods={"Y3": None},
            ),
        },
        "collaboratives_failed": ["oakland"],
    }
)


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


def test_a_run_of_many_names_five_drafts_not_made_and_counts_the_rest(tmp_path: Path) -> None:
    """`--no-reports` over 40 collaboratives: six notes, not forty-one."""
    ids = [f"c{number:03}" for number in range(40)]
    entries = {i: ROLLUPS.collaboratives["fresno"].model_copy(update={"name": i}) for i in ids}
    many = ROLLUPS.model_copy(update={"collaboratives": entries, "collaboratives_failed": []})
    notes = run_notes(tmp_path, many, [], partial=False)
    assert notes[:NOTES_AT_MOST] == [
        f"{path} was not made, and there is no earlier draft of it."
        for path in [
            "reports/program-report.docx",
            *(f"reports/collaborative-c00{n}.docx" for n in range(4)),
        ]
    ]
    assert notes[NOTES_AT_MOST:] == [
        "36 more report drafts were not made, and there is no earlier draft of them."
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
