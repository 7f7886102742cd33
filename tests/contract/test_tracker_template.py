"""The blank tracker template matches the contract, and a tracker filled from it reads clean."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from stc_reporting.checks.validation import CheckWindow, validate_trackers
from stc_reporting.contract.tabs import TABS
from stc_reporting.ingest.reading import read_tracker
from stc_reporting.sources.xlsx import XlsxSource
from tools.tracker_template import TEMPLATE_PATH, build_tracker_template

pytestmark = pytest.mark.contract

VALIDATED_KINDS = {"choice", "yes/no", "date", "whole number", "money"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "tracker-template.xlsx"
    build_tracker_template().save(path)
    return path


def cells(sheet: Any) -> list[list[object]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows(max_row=60)]


def test_the_committed_template_has_the_same_tabs_and_headers_as_a_fresh_one() -> None:
    """Regenerate with `python -m tools.tracker_template` after changing the contract."""
    committed = load_workbook(TEMPLATE_PATH)
    fresh = build_tracker_template()
    assert committed.sheetnames == fresh.sheetnames
    for name in fresh.sheetnames:
        assert cells(committed[name]) == cells(fresh[name]), name


def test_every_choice_column_has_a_dropdown_listing_exactly_the_contract_labels(
    template: Path,
) -> None:
    """Read each validation back and resolve its range on the Lists tab."""
    workbook = load_workbook(template)
    lists = workbook["Lists"]
    for tab in TABS:
        sheet = workbook[tab.name]
        headers = {cell.value: cell.column_letter for cell in sheet[1]}
        for column in tab.columns:
            if not column.choices:
                continue
            letter = headers[column.header]
            [validation] = [
                v
                for v in sheet.data_validations.dataValidation
                if f"{letter}2:{letter}1000" in str(v.sqref)
            ]
            assert validation.type == "list"
            source = validation.formula1.split("!")[1].replace("$", "")
            labels = [c.value for row in lists[source] for c in row]
            assert tuple(labels) == column.choices, (tab.name, column.header)


def validations(workbook: Any) -> list[tuple[str, Any]]:
    """Every data validation of the template's data tabs, with its tab's name."""
    return [
        (tab.name, validation)
        for tab in TABS
        for validation in workbook[tab.name].data_validations.dataValidation
    ]


def test_every_validation_stops_an_invalid_entry_with_an_english_and_spanish_alert(
    template: Path,
) -> None:
    """Error alert on, style stop, title and text in both languages within Excel's limits.

    With the alert off (openpyxl's default) a dropdown or date check accepts anything.
    """
    found = validations(load_workbook(template))
    assert len(found) == sum(
        1 for tab in TABS for c in tab.columns if c.kind.value in VALIDATED_KINDS
    )
    for tab_name, validation in found:
        where = (tab_name, str(validation.sqref))
        assert validation.showErrorMessage is True, where
        assert validation.errorStyle == "stop", where
        assert validation.allow_blank is True, where
        english, spanish = validation.error.split(" / ")
        assert english and spanish, where
        assert " / " in validation.errorTitle, where
        assert len(validation.errorTitle) <= 32 and len(validation.error) <= 255, where


def test_the_committed_template_stops_invalid_entries_too() -> None:
    """The file people download, not only a fresh build, has its alerts switched on."""
    found = validations(load_workbook(TEMPLATE_PATH))
    assert found
    assert all(v.showErrorMessage and v.errorStyle == "stop" for _, v in found)


def _libreoffice_convert(source: Path, target_format: str, out: Path, profile: Path) -> Path:
    """Convert a file with LibreOffice Calc, headless, with its own user profile."""
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            target_format,
            "--outdir",
            str(out),
            str(source),
        ],
        check=False,
        capture_output=True,
        timeout=240,
    )
    converted = out / f"{source.stem}.{target_format.split(':')[0]}"
    if not converted.is_file():
        pytest.skip("LibreOffice Calc could not convert the template (is Calc installed?)")
    return converted


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_keeps_every_alert_when_it_saves_the_template_again(
    template: Path, tmp_path: Path
) -> None:
    """Opened and saved by LibreOffice (.xlsx to .ods and back): the alerts still stop entries."""
    profile = tmp_path / "profile"
    ods = _libreoffice_convert(template, "ods", tmp_path / "ods", profile)
    back = _libreoffice_convert(ods, "xlsx", tmp_path / "xlsx", profile)
    before = validations(load_workbook(template))
    after = validations(load_workbook(back))
    assert len(after) == len(before)
    for tab_name, validation in after:
        where = (tab_name, str(validation.sqref))
        assert validation.showErrorMessage is True, where
        assert validation.errorStyle == "stop", where
        assert " / " in validation.errorTitle and " / " in validation.error, where


def test_the_instructions_recommend_year_month_day_dates_never_month_first(
    template: Path,
) -> None:
    """In a Spanish-locale sheet `3/4/2021` becomes 3 April: neither language recommends it."""
    workbook = load_workbook(template)
    for name in ("Instructions", "Instrucciones"):
        lines = [str(c.value) for c in workbook[name]["A"][:12] if c.value]
        [dates] = [line for line in lines if line.startswith(("Dates", "Fechas"))]
        assert "2020-03-15" in dates, name
        assert "No " in dates or "Do not" in dates, name


def test_the_template_is_ready_to_type_into(template: Path) -> None:
    """Frozen header rows, and instructions in English and Spanish first."""
    workbook = load_workbook(template)
    assert workbook.sheetnames[:2] == ["Instructions", "Instrucciones"]
    assert all(workbook[tab.name].freeze_panes == "A2" for tab in TABS)
    assert workbook["Lists"].sheet_state == "hidden"
    text = "\n".join(str(c.value) for c in workbook["Instructions"]["A"])
    assert "duplicate-id (error)" in text and "outlier (warning)" in text


def test_a_tracker_filled_from_the_template_reads_with_zero_issues(
    template: Path, tmp_path: Path
) -> None:
    """Type one valid row into every tab: nothing to fix."""
    workbook = load_workbook(template)
    day = datetime(2020, 3, 15)
    rows = {
        "Activities": [
            "A1",
            day,
            "Strategy implementation",
            "Policy change",
            "Town hall",
            "Completed",
            40,
            12,
            "P1",
            "In person",
            None,
        ],
        "Partners": [
            "P1",
            "County health department",
            "Public health",
            datetime(2019, 1, 5),
            None,
            "Involved",
            "No",
            day,
        ],
        "Milestones": ["M1", day, "Strategic plan", "Local", "Achieved", "Plan adopted"],
        "Funding": ["F1", "A foundation", "Foundation", "Secured", 25000, day, "Programs"],
        "Indicators": [
            "I1",
            "Partners trained",
            "Greater capacity",
            "Count",
            "Sum",
            "Increase",
            2,
            10,
            20,
        ],
        "Measurements": ["I1", day, 6, None],
        "Lessons": ["L1", day, "Insight", "Sustainability", "Meet where people are.", "Yes"],
        "Submissions": ["2020-03", datetime(2020, 4, 10)],
    }
    for name, values in rows.items():
        for index, value in enumerate(values, start=1):
            workbook[name].cell(2, index, value)
    filled = tmp_path / "filled.xlsx"
    workbook.save(filled)
    tracker = read_tracker(XlsxSource(filled), "x")
    window = CheckWindow(date(2018, 11, 1), date(2021, 10, 31), date(2022, 1, 1))
    issues = [*tracker.issues, *validate_trackers([tracker], window)]
    assert issues == []
    assert {name: len(data.rows) for name, data in tracker.tabs.items()} == dict.fromkeys(rows, 1)
