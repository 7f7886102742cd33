"""A collaborative with `language: es` gets its report in Spanish, with the same figures."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from stc_reporting.config import load_config
from stc_reporting.figures.build import RunSelection, build_rollups
from stc_reporting.figures.document import Rollups
from stc_reporting.pipeline import check_trackers, fetch_tracker
from stc_reporting.reports.document import RenderedReports
from stc_reporting.reports.funder import render_funder_reports, render_reports_from
from stc_reporting.reports.texts import ReportTexts, read_report_texts
from tests.builders import activity, minimal_tabs, partner
from tests.reporting import run_domain

pytestmark = pytest.mark.contract

SAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "config" / "program.yaml"
FRESNO = "reports/collaborative-fresno.docx"
PROGRAM = "reports/program-report.docx"
# A figure as printed in either language (1,234 · $12,346 · 93% · 12.5 · −3 · +2), or a mark.
_FIGURE = re.compile(r"n<30|<11|—|[+−-]?\$?\d[\d,]*(?:\.\d+)?%?")


@dataclass(frozen=True)
class SampleReports:
    """The sample run's figures and texts, and the reports made from them."""

    rollups: Rollups
    texts: ReportTexts
    reports: RenderedReports

    def document(self, path: str, reports: RenderedReports | None = None) -> bytes:
        """The bytes of one report."""
        made = reports or self.reports
        return next(d.content for d in made.documents if d.path == path)


@pytest.fixture(scope="module")
def sample() -> SampleReports:
    """The five sample trackers as a run reports them (Fresno's config says `language: es`)."""
    config = load_config(SAMPLE_CONFIG)
    trackers = [fetch_tracker(c) for c in config.collaboratives]
    issues = check_trackers(config, trackers, date(2021, 11, 20))
    selection = RunSelection(tuple(config.collaboratives), date(2021, 10, 31))
    rollups = build_rollups(config, selection, trackers, issues)
    reports = render_funder_reports(
        rollups, config.collaboratives, trackers, issues, date(2021, 11, 20)
    )
    assert reports.failures == []
    texts = read_report_texts(reports.inputs[0].content)
    return SampleReports(rollups, texts, reports)


def tables_and_alt_texts(content: bytes) -> list[str]:
    """Every table cell, then every chart's alt text, in document order."""
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return cells + [shape._inline.docPr.get("descr", "") for shape in document.inline_shapes]


def figures_of(content: bytes) -> list[str]:
    """The figures and suppression marks of a report, in order, without their locale's marks."""
    found = [m for text in tables_and_alt_texts(content) for m in _FIGURE.findall(text)]
    return [figure.replace(",", "") for figure in found]


def body_text(content: bytes) -> str:
    """The paragraphs, table cells, header and footer of a report."""
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs] + tables_and_alt_texts(content)
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


def test_the_sample_run_records_fresnos_language_for_the_finals(sample: SampleReports) -> None:
    """`report-texts.json` keeps each report's language, so finals come out in the same one."""
    assert sample.texts.language_of("fresno") == "es"
    assert sample.texts.language_of("oakland") == "en"
    assert sample.texts.language_of(None) == "en"
    finals = render_reports_from(sample.rollups, sample.texts, is_draft=False)
    assert "1. Resumen" in body_text(sample.document(FRESNO, finals))


def test_fresnos_report_is_in_spanish(sample: SampleReports) -> None:
    """Headings, row labels, choices, month names and dates are Spanish; no English heading."""
    text = body_text(sample.document(FRESNO))
    for spanish in (
        "1. Resumen",
        "Actividades realizadas",
        "Participantes con experiencia vivida",
        "Fortalecimiento de la capacidad del colaborativo",  # a core component
        "Socios activos por sector",
        "Datos al 31 de octubre de 2021",
        "Cambio del año 2 al\u00a0año\u00a03",
    ):
        assert spanish in text, spanish
    for english in ("Summary", "Activities completed", "Data as of", "October", "Core component"):
        assert english not in text, english


def test_the_spanish_report_prints_the_same_figures_and_marks_as_the_english_one(
    sample: SampleReports,
) -> None:
    """Rendered in English from the same figures, every number and every `<11` is the same."""
    in_english = sample.texts.model_copy(update={"languages": {}})
    english = render_reports_from(sample.rollups, in_english)
    spanish_figures = figures_of(sample.document(FRESNO))
    english_figures = figures_of(sample.document(FRESNO, english))
    assert spanish_figures == english_figures
    assert len(spanish_figures) > 100


def test_small_numbers_are_suppressed_the_same_way_in_spanish(tmp_path: Path) -> None:
    """A collaborative of four and three participants prints `<11` where English does."""
    days = [date(2020, 3, 1), date(2021, 3, 1)]
    small = [activity(f"A{i}", day=days[i], participants=n, lived=1) for i, n in enumerate((4, 3))]
    big = [activity(f"B{i}", day=days[i % 2], participants=40) for i in range(4)]
    run = run_domain(
        tmp_path,
        {"small": minimal_tabs(small, [partner()]), "big": minimal_tabs(big, [partner()])},
    )
    texts = read_report_texts(run.reports.inputs[0].content)
    spanish = render_reports_from(
        run.rollups, texts.model_copy(update={"languages": {"small": "es"}})
    )
    english = render_reports_from(run.rollups, texts)
    path = "reports/collaborative-small.docx"
    in_spanish = figures_of(next(d.content for d in spanish.documents if d.path == path))
    in_english = figures_of(next(d.content for d in english.documents if d.path == path))
    assert in_spanish == in_english
    assert "<11" in in_spanish


def test_the_program_report_stays_english_and_prints_spanish_lessons_as_written(
    sample: SampleReports,
) -> None:
    """The funder's report is English; Fresno's lessons appear in it in Fresno's own words."""
    text = body_text(sample.document(PROGRAM))
    assert "1. Summary" in text
    assert "Resumen" not in text
    lessons = [lesson.text for lesson in sample.texts.collaboratives["fresno"].lessons]
    printed = [lesson for lesson in lessons if lesson in text]
    assert any(accent in lesson for lesson in printed for accent in "áéíóúñ")


def test_a_language_without_its_template_fails_naming_the_file(
    sample: SampleReports, tmp_path: Path
) -> None:
    """Labels alone are not enough: the missing Word template is named, other reports are made."""
    templates = Path(__file__).resolve().parents[2] / "templates"
    for name in ("labels.en.yaml", "labels.es.yaml", "program-report.docx"):
        (tmp_path / name).write_bytes((templates / name).read_bytes())
    (tmp_path / "collaborative-report.docx").write_bytes(
        (templates / "collaborative-report.docx").read_bytes()
    )
    made = render_reports_from(sample.rollups, sample.texts, tmp_path)
    assert any("collaborative-report.es.docx is missing" in f for f in made.failures)
    assert FRESNO not in [d.path for d in made.documents]
    assert PROGRAM in [d.path for d in made.documents]
