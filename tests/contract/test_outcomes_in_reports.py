"""The sample reports as a funder reads them: outcomes first, no empty status, no privacy counts.

One run of the domain pipeline on the five sample trackers (config/program.yaml);
the tests read the Word files it writes.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from stc_reporting.config import load_config
from stc_reporting.contract.tabs import OUTCOMES
from stc_reporting.figures.document import Rollups
from stc_reporting.pipeline import plan_run, run_monthly_report
from stc_reporting.reports.labels import load_labels
from stc_reporting.reports.outcomes import program_outcomes
from tests.reporting import RUN_DATE, docx_text

pytestmark = pytest.mark.contract

SAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "config" / "program.yaml"
WORDING = load_labels()
INDICATOR_HEADER = {"en": "Indicator", "es": "Indicador"}
"""The indicator table's first heading, template text in each language's template."""


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Rollups, Path]:
    """The samples' rollups and the folder of their funder reports."""
    out = tmp_path_factory.mktemp("samples") / "out"
    plan = plan_run(SAMPLE_CONFIG, out, date(2021, 10, 31), run_date=RUN_DATE)
    outcome = run_monthly_report(plan)
    return outcome.rollups, out / "reports"


def first_cells(path: Path, first_header: str) -> list[str]:
    """The first cell of every row under the header of the table headed `first_header`."""
    for table in Document(str(path)).tables:
        if table.rows[0].cells[0].text == first_header:
            return [row.cells[0].text for row in table.rows[1:]]
    raise AssertionError(f"no table headed {first_header!r} in {path.name}")


def test_no_funder_report_shows_a_privacy_count(sample_run: tuple[Rollups, Path]) -> None:
    """Some samples have privacy issues; no funder report mentions privacy at all."""
    rollups, reports = sample_run
    assert sum(entry.data_quality.privacy for entry in rollups.collaboratives.values()) > 0
    for path in sorted(reports.glob("*.docx")):
        assert "privacy" not in docx_text(path).lower(), path.name


def test_collaboratives_at_a_glance_has_no_status_for_those_that_report(
    sample_run: tuple[Rollups, Path],
) -> None:
    """No Status column, and no `Reporting` repeated on every row."""
    rollups, reports = sample_run
    table = table_with(reports / "program-report.docx", "Participants")
    assert "Status" not in table[0]
    names = [row[0] for row in table[1:]]
    assert names == [entry.name for entry in rollups.reporting.values()] + ["Program total"]


def table_with(path: Path, header: str) -> list[list[str]]:
    """The cells, row by row, of the first table with a header cell starting with `header`."""
    for table in Document(str(path)).tables:
        if any(cell.text.startswith(header) for cell in table.rows[0].cells):
            return [[cell.text for cell in row.cells] for row in table.rows]
    raise AssertionError(f"no table with a {header!r} column in {path.name}")


def test_each_collaborative_report_lists_every_indicator_once_under_its_outcome(
    sample_run: tuple[Rollups, Path],
) -> None:
    """Outcome rows in program order; each indicator under the outcome the rollups give it.

    In the report's own language: Fresno's report is in Spanish, its outcomes too.
    """
    rollups, reports = sample_run
    languages = {c.id: c.language or "en" for c in load_config(SAMPLE_CONFIG).collaboratives}
    for identifier, entry in rollups.reporting.items():
        combined = entry.periods["Y2-Y3"]
        assert combined is not None
        names = load_labels(languages[identifier]).choices.outcomes
        printed = [names[outcome] for outcome in OUTCOMES]
        header = INDICATOR_HEADER[languages[identifier]]
        cells = first_cells(reports / f"collaborative-{identifier}.docx", header)
        outcome_rows = [cell for cell in cells if cell in printed]
        assert outcome_rows == [o for o in printed if o in outcome_rows]
        expected = Counter(names[i.outcome] for i in combined.indicators.values())
        assert sorted(expected) == sorted(outcome_rows)
        under: Counter[str] = Counter()
        current = ""
        for cell in cells:
            if cell in printed:
                current = cell
            else:
                under[current] += 1
        assert under == expected


def test_the_program_report_says_how_close_those_behind_are_for_every_outcome(
    sample_run: tuple[Rollups, Path],
) -> None:
    """Per outcome: a row per collaborative and one for all; counts add up to the totals."""
    rollups, reports = sample_run
    rows = table_with(reports / "program-report.docx", "How close")[1:]
    totals = [row for row in rows if row[0] == WORDING.outcomes.all_collaboratives]
    standing = program_outcomes(rollups, "Y2-Y3").program
    assert len(totals) == len(standing.with_indicators)
    assert sum(int(row[1]) for row in totals) == standing.overall.counts.total == 15
    assert all(row[4] for row in totals if int(row[3]) > 0)  # behind: always how close
    text = docx_text(reports / "program-report.docx")
    assert "11 behind (10 within 14% of target and 1 at 60%)" in text


def test_the_status_chart_names_only_statuses_that_occur(
    sample_run: tuple[Rollups, Path],
) -> None:
    """The samples' indicators are on track or behind: the alt text names no other status."""
    _, reports = sample_run
    document = Document(str(reports / "program-report.docx"))
    alts = [shape._inline.docPr.get("descr", "") for shape in document.inline_shapes]
    status_alt = next(alt for alt in alts if WORDING.charts.statuses.title in alt)
    assert WORDING.statuses.behind in status_alt
    assert WORDING.statuses.no_target not in status_alt
    assert WORDING.statuses.no_data not in status_alt
