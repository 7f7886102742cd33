"""Percent cells read as points; Sheets cells typed as openpyxl types them; limiter and backoff."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook

from stc_reporting.google_access import RetryPolicy
from stc_reporting.ingest.parsing import percent_points
from stc_reporting.ingest.reading import parse_tracker
from stc_reporting.issues import Issue, Severity
from stc_reporting.sources import RawTracker
from stc_reporting.sources.sheets import ReadLimiter, _from_serial, _raw_tab, _typed
from stc_reporting.sources.xlsx import XlsxSource, is_percent_format
from tests.builders import minimal_tabs, raw_tracker

pytestmark = pytest.mark.unit

INDICATORS_HEADER = ["Indicator ID", "Indicator", "Outcome", "Unit", "Aggregation", "Baseline"]
INDICATORS_HEADER += ["Target Y2"]
MEASUREMENTS_HEADER = ["Indicator ID", "Date", "Value"]


def indicator_tabs() -> dict[str, list[list[object]]]:
    tabs = {name: [list(row) for row in grid] for name, grid in minimal_tabs().items()}
    tabs["Indicators"] = [
        INDICATORS_HEADER,
        ["P-1", "Share", "Continued change", "Percent", "Latest", 0.45, "70%"],
        ["C-1", "Count", "Continued change", "Count", "Sum", 0.5, 3],
    ]
    tabs["Measurements"] = [
        MEASUREMENTS_HEADER,
        ["P-1", "2020-03-01", 0.662],
        ["P-1", "2020-04-01", "66.2 %"],
        ["C-1", "2020-04-01", 0.5],
        ["P-1", "2020-05-01", 0.3],
    ]
    return tabs


def with_percent_cells(
    tabs: dict[str, list[list[object]]], cells: dict[str, set[tuple[int, int]]]
) -> RawTracker:
    """The tracker as a source gives it, these (row, column) cells formatted as percentages."""
    raw = raw_tracker(tabs)
    return replace(
        raw,
        tabs=tuple(
            replace(t, percent_cells=frozenset(cells.get(t.title, set()))) for t in raw.tabs
        ),
    )


def test_percent_cells_of_a_percent_indicator_read_as_points() -> None:
    """Baseline 45 %, Value 66.2 % read 45 and 66.2; "66.2 %" text too; a Count keeps 0.5."""
    raw = with_percent_cells(
        indicator_tabs(),
        {"Indicators": {(2, 5), (3, 5)}, "Measurements": {(2, 2), (4, 2)}},
    )
    tracker = parse_tracker(raw, "x")
    indicators = tracker.tabs["Indicators"].rows
    assert (indicators[0]["baseline"], indicators[0]["target_y2"]) == (45.0, 70.0)
    assert indicators[1]["baseline"] == 0.5
    values = [row["value"] for row in tracker.tabs["Measurements"].rows]
    assert values == [66.2, 66.2, 0.5, 0.3]  # the last P-1 value is not a percent cell


def test_without_percent_cells_a_stored_fraction_stays_as_typed() -> None:
    """No cell formatted as a percentage: 0.662 stays 0.662 (one habit per indicator)."""
    tracker = parse_tracker(raw_tracker(indicator_tabs()), "x")
    assert tracker.tabs["Measurements"].rows[0]["value"] == 0.662


def test_percent_points_move_the_decimal_point_exactly() -> None:
    """0.662 → 66.2, not 66.20000000000002; 1 → 100."""
    assert [percent_points(v) for v in (0.662, 0.07, 1.0, 0.125)] == [66.2, 7.0, 100.0, 12.5]


def test_an_xlsx_source_finds_percent_formatted_cells(tmp_path: Path) -> None:
    """`0%` and `0.0 %` cells are marked with their sheet row; text and `"%"` literals are not."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Measurements"
    sheet.append(MEASUREMENTS_HEADER)
    sheet.append(["P-1", datetime(2020, 3, 1), 0.662])
    sheet.append(["P-1", datetime(2020, 4, 1), "66.2%"])
    sheet.append(["P-1", datetime(2020, 5, 1), 0.5])
    sheet.append(["P-1", datetime(2020, 6, 1), 12])
    sheet["C2"].number_format = "0.0%"
    sheet["C3"].number_format = "0%"
    sheet["C4"].number_format = "0.00 %"
    sheet["C5"].number_format = '0"%"'
    workbook.save(tmp_path / "t.xlsx")
    (tab,) = XlsxSource(tmp_path / "t.xlsx").read().tabs
    assert tab.percent_cells == {(2, 2), (4, 2)}
    assert [is_percent_format(p) for p in ("0%", "[Red]0.0%", '0"%"', "General", None)] == [
        True,
        True,
        False,
        False,
        False,
    ]


def test_sheets_cells_are_typed_as_openpyxl_types_the_same_workbook() -> None:
    """Date serials → datetime (a time below one day), whole numbers → int, "" → None."""
    assert _typed(44197, "DATE") == datetime(2021, 1, 1)
    assert _typed(44197.5, "DATE_TIME") == datetime(2021, 1, 1, 12)
    assert _from_serial(0.25) == time(6)
    assert _typed(12.0, None) == 12 and isinstance(_typed(12.0, None), int)
    assert _typed(0.7, "PERCENT") == 0.7
    assert (_typed("", None), _typed(True, None), _typed("#REF!", None)) == (None, True, "#REF!")


def test_grid_data_cells_are_typed_placed_and_trimmed_to_the_last_value() -> None:
    """Errors as their code, "" blank, a block placed by startRow/startColumn, formats ignored."""
    date = {"numberFormat": {"type": "DATE"}}
    percent = {"numberFormat": {"type": "PERCENT"}}
    sheet = {
        "properties": {"sheetId": 7, "title": "Measurements", "index": 1},
        "data": [
            {
                "rowData": [
                    {"values": [{"effectiveValue": {"stringValue": t}} for t in ("ID", "Date")]},
                    {
                        "values": [
                            {"effectiveValue": {"stringValue": "I-1"}},
                            {"effectiveValue": {"numberValue": 44197}, "effectiveFormat": date},
                            {"effectiveValue": {"numberValue": 0.25}, "effectiveFormat": percent},
                            {"effectiveValue": {"errorValue": {"type": "N_A", "message": "x"}}},
                        ]
                    },
                    {
                        "values": [
                            {"effectiveValue": {"stringValue": ""}},
                            {"effectiveFormat": date},
                        ]
                    },
                    {"values": [{}, {"effectiveFormat": date}, {"effectiveFormat": percent}]},
                ]
            },
            {
                "startRow": 3,
                "startColumn": 1,
                "rowData": [
                    {"values": [{"effectiveValue": {"boolValue": False}}]},
                    {"values": [{"effectiveValue": {"errorValue": {"type": "SOMETHING_NEW"}}}]},
                    {"values": [{"effectiveFormat": date}, {}, {}, {"effectiveFormat": date}]},
                ],
            },
        ],
    }
    tab = _raw_tab(sheet)
    assert (tab.title, tab.gid, tab.header) == ("Measurements", 7, ("ID", "Date", None, None))
    assert [row.cells for row in tab.rows] == [
        ("I-1", datetime(2021, 1, 1), 0.25, "#N/A"),
        (None, None, None, None),
        (None, False, None, None),
        (None, "#ERROR!", None, None),
    ]
    assert [row.number for row in tab.rows] == [2, 3, 4, 5]
    assert tab.percent_cells == {(2, 2)}


def test_a_tab_without_grid_data_has_no_header_and_no_rows() -> None:
    """An empty tab (`data: [{}]`, or no `data`) reads as no cells at all."""
    for sheet in (
        {"properties": {"title": "Lessons"}, "data": [{}]},
        {"properties": {"title": "X"}},
    ):
        tab = _raw_tab(sheet)
        assert (tab.header, tab.rows, tab.percent_cells) == ((), (), frozenset())


def test_a_google_sheets_issue_carries_its_cell_link() -> None:
    """…/d/<id>/edit#gid=<gid>&range=<A1>; a whole-tab issue links the tab; xlsx has none."""
    issue = Issue("x", "Activities", 3, "Date", "", Severity.ERROR, "r", "m", "B3", "", 7, "1AbC")
    assert issue.link == "https://docs.google.com/spreadsheets/d/1AbC/edit#gid=7&range=B3"
    assert replace(issue, cell="").link.endswith("/edit#gid=7")
    assert replace(issue, spreadsheet_id=None).link == ""


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_read_limiter_keeps_any_minute_within_the_quota() -> None:
    """3 per minute: the 4th read waits until a minute after the 1st ended."""
    clock = FakeClock()
    limiter = ReadLimiter(3, clock=clock, sleep=clock.sleep)
    ends = []
    for _ in range(7):
        with limiter.read():
            clock.now += 1.0  # each read takes a second
        ends.append(clock.now)
    for index, end in enumerate(ends[3:], start=3):
        assert end - ends[index - 3] >= 60
    assert ends[3] == pytest.approx(62.0)


def test_backoff_doubles_up_to_the_cap_with_half_of_it_random() -> None:
    """Base 1 s, cap 30 s: retry n waits between half and all of min(30, 2^(n-1))."""
    policy = RetryPolicy(attempts=8, first_delay=1.0, max_delay=30.0)
    lows = [policy.delay(n, lambda: 0.0) for n in range(1, 8)]
    highs = [policy.delay(n, lambda: 1.0) for n in range(1, 8)]
    assert lows == [0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 15.0]
    assert highs == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
