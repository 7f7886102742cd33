"""A narrative from narratives.yaml is printed as typed, and kept so the final prints it too."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from stc_reporting.figures.document import read_rollups
from stc_reporting.reports.funder import render_reports_from
from stc_reporting.reports.texts import REPORT_TEXTS_FILE, read_report_texts
from tests.builders import Grid, activity, minimal_tabs, partner
from tests.reporting import DomainRun, docx_text, run_domain

pytestmark = pytest.mark.contract

PROGRAM_TEXT = "Our program: {{ 7*7 }}, {% if x %}, <b>bold</b> & more."
ALPHA_TEXT = "Alpha's own words."


def tabs() -> dict[str, Grid]:
    """A small tracker: two activities, one partner."""
    return dict(
        minimal_tabs(
            [activity("A1", day=date(2020, 3, 1), participants=40), activity("A2")], [partner()]
        )
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> DomainRun:
    """A run with a program narrative and one for alpha (two paragraphs)."""
    tmp = tmp_path_factory.mktemp("narratives")
    (tmp / "narratives.yaml").write_text(
        f"program: '{PROGRAM_TEXT}'\ncollaboratives:\n  alpha: |\n    {ALPHA_TEXT}\n\n"
        "    Second paragraph.\n",
        encoding="utf-8",
    )
    return run_domain(tmp, {"alpha": tabs(), "beta": tabs()})


def test_narratives_are_printed_as_typed_in_their_own_reports(run: DomainRun) -> None:
    """Jinja-looking text and markup print literally; each narrative only in its report."""
    reports = run.out / "reports"
    program = docx_text(reports / "program-report.docx")
    alpha = docx_text(reports / "collaborative-alpha.docx")
    beta = docx_text(reports / "collaborative-beta.docx")
    assert PROGRAM_TEXT in program.splitlines()
    assert "49" not in program.split("Our program")[1].split("\n")[0]
    assert ALPHA_TEXT in alpha.splitlines() and "Second paragraph." in alpha.splitlines()
    assert ALPHA_TEXT not in program and ALPHA_TEXT not in beta
    assert PROGRAM_TEXT not in alpha


def test_the_run_keeps_the_narratives_so_the_drafts_render_again_the_same(
    run: DomainRun,
) -> None:
    """report-texts.json holds the narratives: the drafts made from it are the same bytes."""
    texts = read_report_texts((run.out / REPORT_TEXTS_FILE).read_bytes())
    assert texts.program.narrative == PROGRAM_TEXT
    assert texts.collaboratives["alpha"].narrative.startswith(ALPHA_TEXT)
    again = render_reports_from(read_rollups(run.out / "rollups.json"), texts)
    for document in again.documents:
        assert document.content == (run.out / document.path).read_bytes(), document.path


def test_a_narratives_file_that_cannot_be_used_stops_the_reports_and_says_why(
    tmp_path: Path,
) -> None:
    """Personal data in a narrative: like a broken labels file, no report, and the reason."""
    (tmp_path / "narratives.yaml").write_text("program: 'Write to ana@example.org.'\n")
    run = run_domain(tmp_path, {"alpha": tabs()})
    assert run.reports.documents == []
    assert len(run.reports.failures) == 1
    assert "no report was made" in run.reports.failures[0]
    assert "program: seems to hold an e-mail address" in run.reports.failures[0]
    assert "example.org" not in run.reports.failures[0]
    assert {"rollups.json", "data-quality-report.docx"} <= {f.path for f in run.files}
