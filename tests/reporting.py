"""Running the domain pipeline (no Prefect) on small trackers, for report tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document

from stc_reporting.figures.document import Rollups
from stc_reporting.issues import Issue
from stc_reporting.outputs.writer import WrittenFile
from stc_reporting.pipeline import plan_run, run_monthly_report
from stc_reporting.reports.document import RenderedReports
from tests.builders import Grid, write_workbook

RUN_DATE = date(2022, 1, 15)


@dataclass
class DomainRun:
    """What one run of the domain steps produced."""

    rollups: Rollups
    issues: list[Issue]
    reports: RenderedReports
    files: list[WrittenFile]
    out: Path


def write_program(tmp_path: Path, trackers: Mapping[str, Mapping[str, Grid] | None]) -> Path:
    """Write each tracker (None: a missing file) and a config naming them; return the config."""
    lines = [
        "program: {name: Safety Through Connection, funder: Test Funder, start: 2018-11-01,"
        " end: 2021-10-31, years: [2, 3]}",
        "collaboratives:",
    ]
    for identifier, tabs in trackers.items():
        if tabs is not None:
            write_workbook(tmp_path / f"{identifier}.xlsx", tabs)
        lines.append(
            f"  - {{id: {identifier}, name: {identifier.title()} collaborative, "
            f"city: {identifier.title()}, workbook: {identifier}.xlsx}}"
        )
    config_path = tmp_path / "program.yaml"
    config_path.write_text("\n".join(lines) + "\n")
    return config_path


def run_domain(
    tmp_path: Path,
    trackers: Mapping[str, Mapping[str, Grid] | None],
    as_of: date = date(2021, 10, 31),
) -> DomainRun:
    """Write the trackers and a config, and run the domain pipeline into `tmp_path/out`."""
    out = tmp_path / "out"
    plan = plan_run(write_program(tmp_path, trackers), out, as_of, run_date=RUN_DATE)
    outcome = run_monthly_report(plan)
    return DomainRun(outcome.rollups, outcome.checked.issues, outcome.reports, outcome.files, out)


def docx_text(path: Path) -> str:
    """Every piece of text in a .docx: body, tables, headers, footers, picture alt text."""
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    parts += [shape._inline.docPr.get("descr", "") for shape in document.inline_shapes]
    return "\n".join(parts)


def table_rows(path: Path, first_header: str) -> dict[str, list[str]]:
    """The rows (by first cell) of the table whose first header cell is `first_header`."""
    document = Document(str(path))
    for table in document.tables:
        if table.rows[0].cells[0].text == first_header:
            return {row.cells[0].text: [c.text for c in row.cells[1:]] for row in table.rows[1:]}
    raise AssertionError(f"no table headed {first_header!r}")
