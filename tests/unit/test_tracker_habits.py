"""Trackers as people type them: a title above the headers, values in a column with no header.

tracker-format.md v1.1, reading rules "Header row" and "Headers".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stc_reporting.ingest.reading import ParsedTracker, parse_tracker, read_tracker
from stc_reporting.ingest.withholding import withhold_personal_data
from stc_reporting.issues import Severity
from stc_reporting.sources import RawTracker
from stc_reporting.sources.snapshot import raw_tracker_of, snapshot_of
from stc_reporting.sources.xlsx import XlsxSource
from tests.builders import (
    ACTIVITIES_HEADER,
    activity,
    minimal_tabs,
    partner,
    raw_tracker,
    write_workbook,
)

pytestmark = pytest.mark.unit

TITLE = "Safety Through Connection - Activities 2020"


def located(tracker: ParsedTracker) -> list[tuple[str, int | None, str, str, Severity, str]]:
    """Each issue as (tab, row, column, cell, severity, rule)."""
    return [(i.tab, i.row, i.column, i.cell, i.severity, i.rule) for i in tracker.issues]


def activities_with(*rows_above: list[Any], data: list[list[Any]] | None = None) -> RawTracker:
    """A valid tracker whose Activities tab has these rows above its header row."""
    tabs = minimal_tabs([], [partner()])
    rows = data if data is not None else [activity("A1"), activity("A2")]
    tabs["Activities"] = [*rows_above, ACTIVITIES_HEADER, *rows]
    return raw_tracker(tabs)


def activity_rows(tracker: ParsedTracker) -> list[tuple[object, object]]:
    return [(r["row"], r["activity_id"]) for r in tracker.tabs["Activities"].rows]


class TestTitleAboveTheHeaders:
    def test_a_title_in_row_1_reads_the_tab_from_row_2_with_one_warning(self) -> None:
        """Headers in row 2: one header-below-title warning on row 2, records from row 3."""
        tracker = parse_tracker(activities_with([TITLE]), "x")
        assert not tracker.failed
        assert located(tracker) == [
            ("Activities", 2, "", "", Severity.WARNING, "header-below-title")
        ]
        assert "row 2, not row 1" in tracker.issues[0].message
        assert "delete row 1 " in tracker.issues[0].message
        assert activity_rows(tracker) == [(3, "A1"), (4, "A2")]

    def test_a_title_and_a_note_push_the_headers_to_row_3_and_rows_keep_sheet_numbers(
        self,
    ) -> None:
        """Row numbers in every message are the sheet's own: a bad date in row 5 is row 5."""
        tracker = parse_tracker(
            activities_with(
                [TITLE],
                [None, "Fill one row per activity"],
                data=[activity("A1"), activity("A2", day="TBD")],
            ),
            "x",
        )
        assert located(tracker) == [
            ("Activities", 3, "", "", Severity.WARNING, "header-below-title"),
            ("Activities", 5, "Date", "B5", Severity.ERROR, "bad-date"),
        ]
        assert "delete rows 1-2 " in tracker.issues[0].message

    def test_blank_rows_above_the_headers_count_as_a_title(self) -> None:
        """Headers typed in row 5 below four blank rows: read from row 5."""
        tracker = parse_tracker(activities_with([], [None], [""], [" "]), "x")
        assert [i.rule for i in tracker.issues] == ["header-below-title"]
        assert activity_rows(tracker) == [(6, "A1"), (7, "A2")]

    def test_headers_below_row_5_are_not_searched(self) -> None:
        """Row 6 is too far down: the tab has no header row, a structural problem as before."""
        tracker = parse_tracker(activities_with([TITLE], [], [], [], []), "x")
        assert tracker.failed
        assert {i.rule for i in tracker.issues} == {"extra-column", "missing-column"}

    def test_a_header_row_missing_a_required_column_is_not_taken_for_the_headers(self) -> None:
        """Row 2 lacks Date: row 1 stays the header row and Date is reported missing."""
        tabs = minimal_tabs([], [partner()])
        short = [h for h in ACTIVITIES_HEADER if h != "Date"]
        tabs["Activities"] = [[TITLE], short, ["A1"]]
        tracker = parse_tracker(raw_tracker(tabs), "x")
        assert tracker.failed
        assert ("Activities", None, "Date", "", Severity.STRUCTURAL, "missing-column") in located(
            tracker
        )
        assert "header-below-title" not in {i.rule for i in tracker.issues}

    def test_row_1_stays_the_header_row_when_it_holds_every_required_header(self) -> None:
        """A complete row 1 is the header row even when a later row repeats the headers."""
        tabs = minimal_tabs([activity("A1")], [partner()])
        tracker = parse_tracker(raw_tracker(tabs), "x")
        assert tracker.issues == []
        assert activity_rows(tracker) == [(2, "A1")]

    def test_problems_of_a_lower_header_row_are_reported_on_that_row(self) -> None:
        """An extra column in headers typed in row 2 is a warning on row 2 (cell L2)."""
        tabs = minimal_tabs([], [partner()])
        tabs["Activities"] = [[TITLE], [*ACTIVITIES_HEADER, "Room"], [*activity("A1"), "yes"]]
        tracker = parse_tracker(raw_tracker(tabs), "x")
        assert located(tracker) == [
            ("Activities", 2, "", "", Severity.WARNING, "header-below-title"),
            ("Activities", 2, "Room", "L2", Severity.WARNING, "extra-column"),
        ]

    def test_the_title_is_never_kept(self) -> None:
        """What is typed above the headers is not read, so it is not kept nor snapshotted."""
        kept = withhold_personal_data(activities_with(["Coordinator: ana.r@example.org"]))
        [activities] = [t for t in kept.tabs if t.title == "Activities"]
        assert activities.header_row == 2
        assert activities.header == tuple(ACTIVITIES_HEADER)
        assert [row.number for row in activities.rows] == [3, 4]
        assert "ana.r@example.org" not in repr(kept)

    def test_locating_the_headers_again_in_kept_cells_changes_nothing(self) -> None:
        """Withholding is idempotent with a title: the kept tab keeps its header row."""
        kept = withhold_personal_data(activities_with([TITLE], [None]))
        assert withhold_personal_data(kept) == kept

    def test_an_xlsx_workbook_with_a_title_reads_like_the_same_cells_in_memory(
        self, tmp_path: Path
    ) -> None:
        """The grid openpyxl reads goes through the same decision: same rows, same issue."""
        tabs = minimal_tabs([], [partner()])
        tabs["Activities"] = [[TITLE], ACTIVITIES_HEADER, activity("A1")]
        workbook = write_workbook(tmp_path / "titled.xlsx", tabs)
        from_file = read_tracker(XlsxSource(workbook), "x")
        in_memory = parse_tracker(raw_tracker(tabs), "x")
        assert located(from_file) == located(in_memory) != []
        assert from_file.tabs["Activities"].rows == in_memory.tabs["Activities"].rows

    def test_a_google_sheets_grid_with_an_empty_first_row_reads_from_row_2(self) -> None:
        """Sheets returns a blank row as `[]` and drops trailing empty cells."""
        grid: list[list[object]] = [[], list(ACTIVITIES_HEADER), activity("A1")[:7]]
        tabs: dict[str, Any] = {**minimal_tabs([], [partner()]), "Activities": grid}
        tracker = parse_tracker(raw_tracker(tabs), "x")
        assert [i.rule for i in tracker.issues] == ["header-below-title"]
        assert activity_rows(tracker) == [(3, "A1")]

    def test_a_snapshot_keeps_the_header_row_and_reads_back_to_the_same_issues(self) -> None:
        """Replaying a snapshot gives the same warning on the same row."""
        first = parse_tracker(activities_with([TITLE], [None]), "x")
        assert first.kept is not None
        replayed = parse_tracker(raw_tracker_of(snapshot_of(first.kept)), "x")
        assert replayed.issues == first.issues
        assert replayed.tabs["Activities"].rows == first.tabs["Activities"].rows


class TestColumnsWithoutAHeader:
    def test_values_under_no_header_give_one_warning_per_column_naming_its_letter(
        self,
    ) -> None:
        """Two rows with a value in column M (no header): one warning, on row 1, cell M1."""
        tabs = minimal_tabs([], [partner()])
        tabs["Activities"] = [
            ACTIVITIES_HEADER,
            [*activity("A1"), None, "x"],
            [*activity("A2"), None, "y"],
        ]
        tracker = parse_tracker(raw_tracker(tabs), "x")
        assert located(tracker) == [("Activities", 1, "", "M1", Severity.WARNING, "unnamed-column")]
        assert tracker.issues[0].message.startswith("Column M has values but no header in row 1")
        assert activity_rows(tracker) == [(2, "A1"), (3, "A2")]

    def test_a_row_filled_only_under_no_header_is_a_blank_row(self) -> None:
        """No record, so no 'is empty' errors for it: only the column's one warning."""
        tabs = minimal_tabs([], [partner()])
        tabs["Activities"] = [
            ACTIVITIES_HEADER,
            activity("A1"),
            [None] * len(ACTIVITIES_HEADER) + ["stray note"],
        ]
        tracker = parse_tracker(raw_tracker(tabs), "x")
        assert [i.rule for i in tracker.issues] == ["unnamed-column"]
        assert activity_rows(tracker) == [(2, "A1")]

    def test_a_blank_header_between_named_columns_is_a_column_without_a_header(self) -> None:
        """A gap in the header row (column B blank) with values below it."""
        tabs = minimal_tabs([activity()], [])
        tabs["Partners"] = [
            ["Partner ID", None, "Organization", "Sector", "Joined", "Prior IPV focus"],
            ["P1", "42", "Clinic", "Health care", "2019-01-01", "No"],
            [None, "17", None, None, None, None],
        ]
        tracker = parse_tracker(raw_tracker(tabs), "x")
        assert located(tracker) == [("Partners", 1, "", "B1", Severity.WARNING, "unnamed-column")]
        assert [r["row"] for r in tracker.tabs["Partners"].rows] == [2]

    def test_a_named_extra_column_still_makes_a_row_count_as_filled(self) -> None:
        """Only cells under no header are ignored for blankness; a header makes them data."""
        tabs = minimal_tabs([], [partner()])
        tabs["Activities"] = [
            [*ACTIVITIES_HEADER, "Room"],
            [None] * len(ACTIVITIES_HEADER) + ["Hall B"],
        ]
        tracker = parse_tracker(raw_tracker(tabs), "x")
        assert activity_rows(tracker) == [(2, None)]

    def test_a_column_without_a_header_below_a_title_is_named_on_the_header_row(self) -> None:
        """Headers in row 2: the column's warning is on row 2."""
        tracker = parse_tracker(activities_with([TITLE], data=[[*activity("A1"), None, "x"]]), "x")
        assert located(tracker) == [
            ("Activities", 2, "", "", Severity.WARNING, "header-below-title"),
            ("Activities", 2, "", "M2", Severity.WARNING, "unnamed-column"),
        ]

    def test_a_snapshot_keeps_only_that_the_column_was_filled_and_warns_the_same(self) -> None:
        """The stray values are not kept; the replay gives the same warning."""
        tabs = minimal_tabs([], [partner()])
        tabs["Activities"] = [ACTIVITIES_HEADER, [*activity("A1"), None, "stray value"]]
        first = parse_tracker(raw_tracker(tabs), "x")
        assert first.kept is not None
        assert "stray value" not in repr(first.kept)
        replayed = parse_tracker(raw_tracker_of(snapshot_of(first.kept)), "x")
        assert replayed.issues == first.issues
