"""An edit a program manager makes in Word, or in the labels file, shows in the next run."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from stc_reporting.figures.build import build_rollups
from stc_reporting.locations import TEMPLATES_DIR
from stc_reporting.pipeline import plan_run, read_and_check, render_reports
from stc_reporting.reports.funder import PROGRAM_TEMPLATE
from tests.builders import Grid, activity, minimal_tabs, partner
from tests.reporting import RUN_DATE, docx_text, write_program

pytestmark = pytest.mark.contract

OLD_HEADING, NEW_HEADING = "4. Multisector partnerships", "4. Partners across sectors"
OLD_DEFINITION = "Each program year runs for twelve months from the anniversary"
NEW_DEFINITION = "A program year is the twelve months that start on the program's anniversary."
OLD_ROW, NEW_ROW = "lessons_shared: Lessons shared", "lessons_shared: Lessons passed on"
OLD_TOTAL, NEW_TOTAL = "program_total: Program total", "program_total: All five together"


def edit_in_word(template: Path) -> None:
    """Change a heading and a definition the way Word saves an edit: the runs' text."""
    document = Document(str(template))
    heading = next(p for p in document.paragraphs if p.text == OLD_HEADING)
    heading.runs[0].text = NEW_HEADING
    definition = next(p for p in document.paragraphs if OLD_DEFINITION in p.text)
    term, meaning = definition.runs  # the bold term, then what it means
    assert term.text == "Periods. "
    meaning.text = NEW_DEFINITION
    document.save(str(template))


def edit_labels(labels: Path) -> None:
    """Rename a row label and the total row's label, as in a text editor."""
    text = labels.read_text(encoding="utf-8")
    for old, new in ((OLD_ROW, NEW_ROW), (OLD_TOTAL, NEW_TOTAL)):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    labels.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def edited_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The program report rendered by the pipeline's render step from edited templates."""
    tmp = tmp_path_factory.mktemp("edits")
    templates = tmp / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    edit_in_word(templates / PROGRAM_TEMPLATE)
    edit_labels(templates / "labels.en.yaml")
    tabs: dict[str, Grid] = dict(minimal_tabs([activity()], [partner()]))
    indicator = ["I1", "Partners trained", "Greater capacity", "Count", "Sum", None, 0, 5, 9]
    tabs["Indicators"] = [*tabs["Indicators"], indicator]
    config = write_program(tmp, {"alpha": tabs, "beta": tabs})
    plan = plan_run(config, tmp / "out", date(2021, 10, 31), run_date=RUN_DATE)
    checked = read_and_check(plan.config, plan.selection.collaboratives, plan.run_date)
    rollups = build_rollups(plan.config, plan.selection, checked.trackers, checked.issues)
    rendered = render_reports(plan, rollups, checked.trackers, checked.issues, templates)
    assert rendered.failures == []
    program = next(d for d in rendered.documents if d.collaborative is None)
    path = tmp / "program-report.docx"
    path.write_bytes(program.content)
    return path


def test_a_heading_edited_in_word_is_printed(edited_report: Path) -> None:
    """The new heading is in the report and the old one is gone."""
    text = docx_text(edited_report)
    assert NEW_HEADING in text
    assert "Multisector partnerships" not in text


def test_a_definition_edited_in_word_is_printed(edited_report: Path) -> None:
    """The definitions live in the template: the edited one replaces the old words."""
    text = docx_text(edited_report)
    assert f"Periods. {NEW_DEFINITION}" in text
    assert OLD_DEFINITION not in text


def test_a_row_label_edited_in_the_labels_file_is_printed(edited_report: Path) -> None:
    """Row labels live in labels.en.yaml: the renamed row is in the summary table.

    (The definitions, template text, still name the figure as the template has it.)
    """
    first_cells = [
        row.cells[0].text for table in Document(str(edited_report)).tables for row in table.rows
    ]
    assert "Lessons passed on" in first_cells
    assert "Lessons shared" not in first_cells


def test_a_renamed_total_row_is_still_the_bold_total(edited_report: Path) -> None:
    """Total rows are flagged, not matched by their English label, so they stay bold."""
    document = Document(str(edited_report))
    renamed = [
        row
        for table in document.tables
        for row in table.rows
        if row.cells[0].text == "All five together"
    ]
    assert len(renamed) == 1  # the overview's; each outcome's total says All collaboratives
    outcome_totals = [
        row
        for table in document.tables
        for row in table.rows
        if row.cells[0].text == "All collaboratives"
    ]
    assert outcome_totals
    for row in renamed + outcome_totals:
        runs = [run for cell in row.cells for p in cell.paragraphs for run in p.runs]
        assert runs and all(run.bold for run in runs if run.text)
    assert "Program total" not in docx_text(edited_report)
