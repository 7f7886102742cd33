"""Every deployment run gets a folder of its own; approval publishes only what was reviewed."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from stc_reporting.outputs.runs import (
    draft_run,
    drafts_unchanged,
    is_committed,
    previous_run,
    run_folder,
)
from stc_reporting.outputs.summary import RunSummary
from stc_reporting.reports.document import DocumentKind, RenderedDocument
from tests.builders import write_documents

pytestmark = pytest.mark.unit

AS_OF = date(2021, 10, 31)
RUN_ID = "3f2a1b9c-0000-4000-8000-000000000000"


def summary(out: Path) -> RunSummary:
    return RunSummary(out_dir=str(out), as_of=AS_OF.isoformat(), collaboratives=[], files=[])


def a_run(root: Path, started: datetime, scope: str = "all collaboratives") -> Path:
    folder = run_folder(root, AS_OF, started, scope, RUN_ID)
    write_documents(
        folder,
        [
            RenderedDocument(
                "reports/program-report.docx", DocumentKind.PROGRAM_REPORT, None, b"p"
            ),
            RenderedDocument(
                "reports/collaborative-fresno.docx",
                DocumentKind.COLLABORATIVE_REPORT,
                "fresno",
                b"f",
            ),
            RenderedDocument("rollups.json", DocumentKind.ROLLUPS, None, b"{}"),
        ],
    )
    return folder


def test_a_run_folder_is_named_by_month_start_scope_and_run(tmp_path: Path) -> None:
    """Readable in a file browser, sorted by start, unique per run, stable on resume."""
    folder = run_folder(tmp_path, AS_OF, datetime(2026, 11, 30, 10, 18), "Fresno, Oakland", RUN_ID)
    assert folder == tmp_path / "2021-10" / "2026-11-30T1018-fresno-oakland-3f2a1b9c"
    again = run_folder(tmp_path, AS_OF, datetime(2026, 11, 30, 10, 18), "Fresno, Oakland", RUN_ID)
    assert again == folder


def test_issues_are_followed_up_against_the_latest_committed_run_of_any_month(
    tmp_path: Path,
) -> None:
    """The run before this one, even of another month; never a half-written one."""
    older = a_run(tmp_path, datetime(2026, 10, 1, 6, 0))
    newer = run_folder(tmp_path, date(2021, 9, 30), datetime(2026, 11, 2, 9, 0), "x", RUN_ID)
    write_documents(newer, [RenderedDocument("rollups.json", DocumentKind.ROLLUPS, None, b"{}")])
    unfinished = run_folder(tmp_path, AS_OF, datetime(2026, 11, 3, 9, 0), "y", RUN_ID)
    unfinished.mkdir(parents=True)
    this = run_folder(tmp_path, AS_OF, datetime(2026, 11, 30, 10, 0), "z", RUN_ID)
    assert previous_run(tmp_path, this) == newer
    assert previous_run(tmp_path, newer) == older
    assert previous_run(tmp_path, older) is None
    assert not is_committed(unfinished)
    assert previous_run(tmp_path / "nothing-yet", this) is None


def test_the_drafts_up_for_review_are_the_funder_reports_with_their_hashes(
    tmp_path: Path,
) -> None:
    """Only funder reports are approved; the data files are not drafts."""
    folder = a_run(tmp_path, datetime(2026, 11, 30, 10, 0))
    files = write_documents(
        folder,
        [
            RenderedDocument(
                "reports/program-report.docx", DocumentKind.PROGRAM_REPORT, None, b"p"
            ),
            RenderedDocument("issues.csv", DocumentKind.ISSUES, None, b"x"),
        ],
    )
    draft = draft_run(folder, files, summary(folder))
    assert [d.path for d in draft.drafts] == ["reports/program-report.docx"]
    assert drafts_unchanged(draft) == []


def test_a_draft_changed_after_the_review_is_named(tmp_path: Path) -> None:
    """A later write into the run folder makes the approval refuse, naming the file."""
    folder = a_run(tmp_path, datetime(2026, 11, 30, 10, 0))
    files = write_documents(
        folder,
        [RenderedDocument("reports/program-report.docx", DocumentKind.PROGRAM_REPORT, None, b"p")],
    )
    draft = draft_run(folder, files, summary(folder))
    write_documents(
        folder,
        [RenderedDocument("reports/program-report.docx", DocumentKind.PROGRAM_REPORT, None, b"q")],
    )
    assert drafts_unchanged(draft) == [
        "reports/program-report.docx was changed or replaced since the run wrote it"
    ]
    (folder / "manifest.json").unlink()
    assert "has no manifest.json" in drafts_unchanged(draft)[0]
