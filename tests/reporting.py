"""Running the domain pipeline (no Prefect) on small trackers, for report tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from docx import Document

from stc_reporting.config import load_config
from stc_reporting.issues import Issue
from stc_reporting.pipeline import RunSelection, build_rollups, check_trackers, fetch_tracker
from stc_reporting.reports.funder import ReportsWritten, make_reports
from tests.builders import Grid, write_workbook


@dataclass
class DomainRun:
    """What one run of the domain steps produced."""

    rollups: dict[str, Any]
    issues: list[Issue]
    reports: ReportsWritten
    out: Path


def run_domain(
    tmp_path: Path,
    trackers: Mapping[str, Mapping[str, Grid] | None],
    as_of: date = date(2021, 10, 31),
) -> DomainRun:
    """Write each tracker (None: a missing file), a config, and run every domain step."""
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
    config = load_config(config_path)
    read = [fetch_tracker(c) for c in config.collaboratives]
    issues = check_trackers(config, read, date(2022, 1, 15))
    selection = RunSelection(tuple(config.collaboratives), as_of)
    rollups = build_rollups(config, selection, read, issues)
    out = tmp_path / "out"
    reports = make_reports(out, rollups, config.collaboratives, read, issues, date(2022, 1, 15))
    return DomainRun(rollups, issues, reports, out)


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
