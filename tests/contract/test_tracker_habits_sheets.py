"""People's habits read the same from Google Sheets as from the `.xlsx` download.

A title typed above the headers, values in a column with no header, and `Amount ($)`
(tracker-format.md v1.1), served by the fake Google as a Sheet and read by the real client.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stc_reporting.config import GoogleConfig
from stc_reporting.google_access import google_access
from stc_reporting.ingest.reading import ParsedTracker, parse_tracker, read_tracker
from stc_reporting.issues import Severity
from stc_reporting.sources.sheets import SheetsSource
from stc_reporting.sources.xlsx import XlsxSource
from tests.builders import ACTIVITIES_HEADER, activity, minimal_tabs, partner, write_workbook
from tests.fakes.google import FakeGoogle, GoogleAccounts

pytestmark = pytest.mark.contract


def habits_workbook(path: Path) -> Path:
    """A tracker with a title over Activities, a stray column in Partners, `Amount ($)`."""
    tabs: dict[str, list[list[Any]]] = minimal_tabs([], [])
    tabs["Activities"] = [["Activities 2020"], ACTIVITIES_HEADER, activity("A1", partners="P1")]
    tabs["Partners"] = [
        tabs["Partners"][0],
        [*partner("P1"), None, "stray"],
        [None] * 9 + ["only here"],
    ]
    tabs["Funding"] = [
        ["Funding ID", "Source", "Source type", "Status", "Amount ($)", "Date"],
        ["F1", "A foundation", "Foundation", "Secured", 1500, "2020-02-01"],
    ]
    return write_workbook(path, tabs)


def located(tracker: ParsedTracker) -> list[tuple[str, int | None, str, str, Severity, str]]:
    return [(i.tab, i.row, i.column, i.cell, i.severity, i.rule) for i in tracker.issues]


def test_a_title_a_column_without_header_and_a_dollar_unit_read_the_same_from_sheets(
    tmp_path: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """Same warnings on the same sheet rows and cells, same records, from both sources."""
    workbook = habits_workbook(tmp_path / "habits.xlsx")
    fake_google.load_xlsx(workbook, "habits-sheet", readers=[google_accounts.reader.email])
    access = google_access(
        GoogleConfig(
            credentials=google_credentials_file,
            sheets_endpoint=fake_google.sheets_base,
            token_uri=fake_google.token_uri,
        ),
        environment={},
    )
    from_sheets = parse_tracker(SheetsSource("habits-sheet", access).read(), "x")
    from_xlsx = read_tracker(XlsxSource(workbook), "x")
    expected = [
        ("Activities", 2, "", "", Severity.WARNING, "header-below-title"),
        ("Partners", 1, "", "J1", Severity.WARNING, "unnamed-column"),
    ]
    for tracker in (from_sheets, from_xlsx):
        assert not tracker.failed
        assert located(tracker) == expected
        assert [r["row"] for r in tracker.tabs["Activities"].rows] == [3]
        assert [r["row"] for r in tracker.tabs["Partners"].rows] == [2]
        assert tracker.tabs["Funding"].rows[0]["amount_usd"] == 1500.0
    for name, data in from_xlsx.tabs.items():
        assert from_sheets.tabs[name].rows == data.rows, name
