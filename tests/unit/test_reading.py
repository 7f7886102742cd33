"""Reading a tracker applies the contract's tab, header, row and privacy rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from stc_reporting.ingest.failure import FailureKind, TrackerFailure
from stc_reporting.ingest.reading import ParsedTracker, parse_tracker, read_tracker
from stc_reporting.issues import Severity
from stc_reporting.privacy import WITHHELD_TEXT
from stc_reporting.sources.workbook_file import SAVE_AS_XLSX
from stc_reporting.sources.xlsx import XlsxSource
from tests.builders import (
    ACTIVITIES_HEADER,
    PARTNERS_HEADER,
    activity,
    minimal_tabs,
    partner,
    raw_tracker,
    write_workbook,
)

pytestmark = pytest.mark.unit


def funding_tabs(amount_header: str) -> dict[str, list[list[object]]]:
    """A valid tracker whose Funding tab heads its amount column `amount_header`."""
    tabs: dict[str, list[list[object]]] = {**minimal_tabs([activity()], [partner()])}
    tabs["Funding"] = [
        ["Funding ID", "Source", "Source type", "Status", amount_header, "Date"],
        ["F1", "A foundation", "Foundation", "Secured", "$1,000", date(2020, 1, 1)],
    ]
    return tabs


def rules(tracker: ParsedTracker) -> list[tuple[str, int | None, str, str]]:
    return [(i.tab, i.row, i.column, i.rule) for i in tracker.issues]


class TestTabsAndHeaders:
    def test_tab_names_match_ignoring_case_and_surrounding_spaces(self) -> None:
        """` activities ` is the Activities tab."""
        tabs = minimal_tabs([activity()], [partner()])
        tracker = parse_tracker(
            raw_tracker({" activities ": tabs["Activities"], "PARTNERS": tabs["Partners"]}), "x"
        )
        assert not tracker.failed
        assert set(tracker.tabs) == {"Activities", "Partners"}
        assert tracker.tabs["Activities"].sheet_title == " activities "

    def test_headers_match_after_normalising_case_spaces_underscores_and_hyphens(self) -> None:
        """`activity_id`, `CORE-COMPONENT` and `  Partner   IDs ` are contract columns."""
        header = [h.upper().replace(" ", "_") for h in ACTIVITIES_HEADER]
        header[2] = "core-component"
        header[8] = "  Partner   IDs "
        tabs = minimal_tabs([], [partner()])
        tabs["Activities"] = [header, activity(partners="P1")]
        tracker = parse_tracker(raw_tracker(tabs), "x")
        row = tracker.tabs["Activities"].rows[0]
        assert row["core_component"] == "Collaborative capacity building"
        assert row["partner_ids"] == ("P1",)
        assert tracker.issues == []

    @pytest.mark.parametrize(
        "spelling",
        ["Amount (USD)", "amount usd", "Amount_USD", " AMOUNT ", "amount (usd)", "Amount-USD"],
    )
    def test_a_trailing_unit_in_parentheses_matches_with_or_without_it(self, spelling: str) -> None:
        """`Amount (USD)` = `amount usd` = `Amount_USD` = `Amount`."""
        tracker = parse_tracker(raw_tracker(funding_tabs(spelling)), "x")
        assert tracker.tabs["Funding"].rows[0]["amount_usd"] == 1000.0
        assert tracker.issues == []

    @pytest.mark.parametrize(
        "spelling", ["Amount ($)", "Amount (US$)", "amount ( us $ )", "Amount (USD$)", "AMOUNT_($)"]
    )
    def test_a_currency_sign_as_the_unit_counts_as_that_unit(self, spelling: str) -> None:
        """`Amount ($)` and `Amount (US$)` are the Amount (USD) column, with nothing to fix."""
        tracker = parse_tracker(raw_tracker(funding_tabs(spelling)), "x")
        assert not tracker.failed
        assert tracker.tabs["Funding"].rows[0]["amount_usd"] == 1000.0
        assert tracker.issues == []

    def test_another_currency_is_not_the_usd_column(self) -> None:
        """`Amount (€)` is not read as dollars: an extra column, and Amount (USD) is missing."""
        tracker = parse_tracker(raw_tracker(funding_tabs("Amount (€)")), "x")
        assert rules(tracker) == [
            ("Funding", 1, "Amount (€)", "extra-column"),
            ("Funding", None, "Amount (USD)", "missing-column"),
        ]

    def test_column_order_does_not_matter(self) -> None:
        """Columns are found by header, not position."""
        header = list(reversed(ACTIVITIES_HEADER))
        row = list(reversed(activity(identifier="A9")))
        tabs = minimal_tabs([], [partner()])
        tabs["Activities"] = [header, row]
        tracker = parse_tracker(raw_tracker(tabs), "x")
        assert tracker.tabs["Activities"].rows[0]["activity_id"] == "A9"

    def test_an_extra_column_is_ignored_with_one_warning(self) -> None:
        """Unknown columns are reported once, on the header row."""
        tabs = minimal_tabs([], [partner()])
        tabs["Activities"] = [
            [*ACTIVITIES_HEADER, "Room booked"],
            [*activity("A1"), "yes"],
            [*activity("A2"), "no"],
        ]
        tracker = parse_tracker(raw_tracker(tabs), "x")
        assert rules(tracker) == [("Activities", 1, "Room booked", "extra-column")]
        assert tracker.issues[0].severity is Severity.WARNING
        assert "room_booked" not in tracker.tabs["Activities"].rows[0]

    def test_target_year_columns_are_read_for_any_year(self) -> None:
        """`Target Y2`, `target_y3`, `TARGET Y4` are targets."""
        tabs = minimal_tabs([activity()], [partner()])
        tabs["Indicators"] = [
            [
                "Indicator ID",
                "Indicator",
                "Outcome",
                "Unit",
                "Aggregation",
                "Target Y2",
                "target_y3",
                "TARGET Y4",
            ],
            ["I1", "Partners trained", "Greater capacity", "Count", "Sum", 10, "1,200", None],
        ]
        data = parse_tracker(raw_tracker(tabs), "x").tabs["Indicators"]
        assert data.target_years == (2, 3, 4)
        assert (data.rows[0]["target_y2"], data.rows[0]["target_y3"]) == (10.0, 1200.0)
        assert data.rows[0]["target_y4"] is None
        assert data.rows[0]["direction"] == "Increase"


class TestStructuralProblems:
    def test_a_missing_required_tab_fails_the_collaborative(self) -> None:
        """No Partners tab: structural, with the contract's reason."""
        tabs = minimal_tabs([activity()])
        del tabs["Partners"]
        tracker = parse_tracker(raw_tracker(tabs), "oakland")
        assert tracker.failure == TrackerFailure(
            kind=FailureKind.MISSING_TAB, tabs=("Partners",), reason="tab 'Partners' is missing"
        )
        structural = [i for i in tracker.issues if i.severity is Severity.STRUCTURAL]
        assert [(i.tab, i.rule) for i in structural] == [("Partners", "missing-tab")]

    def test_a_missing_required_column_fails_the_collaborative(self) -> None:
        """A present tab without a required column is structural."""
        tabs = minimal_tabs([], [partner()])
        tabs["Activities"] = [ACTIVITIES_HEADER[:1] + ACTIVITIES_HEADER[2:], ["A1"]]
        tracker = parse_tracker(raw_tracker(tabs), "x")
        assert tracker.failure == TrackerFailure(
            kind=FailureKind.MISSING_COLUMNS,
            tabs=("Activities",),
            reason="tab 'Activities' has no column 'Date'",
        )

    def test_a_missing_tab_outranks_missing_columns_in_the_failure_kind(self) -> None:
        """Partners missing and Activities short of a column: the kind names the missing tab."""
        tabs = minimal_tabs([])
        tabs["Activities"] = [ACTIVITIES_HEADER[:1] + ACTIVITIES_HEADER[2:], ["A1"]]
        del tabs["Partners"]
        failure = parse_tracker(raw_tracker(tabs), "x").failure
        assert failure is not None
        assert (failure.kind, failure.tabs) == (FailureKind.MISSING_TAB, ("Partners",))
        assert failure.reason == (
            "tab 'Activities' has no column 'Date'; tab 'Partners' is missing"
        )

    def test_a_missing_optional_tab_is_a_warning(self) -> None:
        """Optional tabs may be absent; each absence is noted once, as a warning."""
        tabs = minimal_tabs([activity()], [partner()])
        del tabs["Lessons"], tabs["Submissions"]
        tracker = parse_tracker(raw_tracker(tabs), "x")
        assert rules(tracker) == [
            ("Lessons", None, "", "optional-tab-missing"),
            ("Submissions", None, "", "optional-tab-missing"),
        ]
        assert {i.severity for i in tracker.issues} == {Severity.WARNING}
        assert not tracker.failed

    def test_an_optional_tab_may_leave_out_its_optional_columns(self) -> None:
        """Funding without Purpose reads; its rows have no purpose."""
        tabs = minimal_tabs([activity()], [partner()])
        tabs["Funding"] = [tabs["Funding"][0][:-1], ["F1", "F", "Foundation", "Secured", 5, 43831]]
        tracker = parse_tracker(raw_tracker(tabs), "x")
        assert tracker.issues == []
        assert tracker.tabs["Funding"].rows[0]["purpose"] is None

    def test_an_unreadable_file_fails_only_that_tracker(self, tmp_path: Path) -> None:
        """A file that is not a workbook gives a plain-words structural failure."""
        broken = tmp_path / "broken.xlsx"
        broken.write_text("not a workbook")
        tracker = read_tracker(XlsxSource(broken), "x")
        assert tracker.failure is not None
        assert tracker.failure.kind is FailureKind.UNREADABLE and tracker.failure.tabs == ()
        assert tracker.failure.reason == (
            "the tracker could not be read: broken.xlsx is a text file (such as a .csv), "
            f"not a workbook: {SAVE_AS_XLSX}"
        )

    def test_a_missing_file_fails_only_that_tracker(self, tmp_path: Path) -> None:
        """The reason names the missing file."""
        tracker = read_tracker(XlsxSource(tmp_path / "nope.xlsx"), "x")
        assert tracker.failure is not None
        assert tracker.failure.kind is FailureKind.UNREADABLE
        assert "does not exist" in tracker.failure.reason


class TestRows:
    def test_blank_rows_are_skipped_and_row_numbers_are_sheet_rows(self) -> None:
        """Header is row 1; a blank row in between keeps later numbers right."""
        tabs = minimal_tabs([], [partner()])
        tabs["Activities"] = [ACTIVITIES_HEADER, activity("A1"), [None, "  ", ""], activity("A2")]
        rows = parse_tracker(raw_tracker(tabs), "x").tabs["Activities"].rows
        assert [(r["row"], r["activity_id"]) for r in rows] == [(2, "A1"), (4, "A2")]

    def test_a_bad_cell_is_an_error_on_its_row_and_column(self) -> None:
        """The issue names tab, sheet row, column, value and cell."""
        tabs = minimal_tabs([activity("A1"), activity("A2", day="TBD")], [partner()])
        tracker = parse_tracker(raw_tracker(tabs), "x")
        [issue] = tracker.issues
        assert (issue.tab, issue.row, issue.column, issue.value) == ("Activities", 3, "Date", "TBD")
        assert (issue.severity, issue.rule, issue.cell) == (Severity.ERROR, "bad-date", "B3")
        assert ("Activities", 3, "date") in tracker.unparsed_cells

    def test_a_spreadsheet_error_cell_is_an_error(self) -> None:
        """`#REF!` is never read as a value."""
        tabs = minimal_tabs([activity(participants="#REF!")], [partner()])
        [issue] = parse_tracker(raw_tracker(tabs), "x").issues
        assert (issue.column, issue.rule) == ("Participants", "spreadsheet-error")

    def test_choices_are_stored_as_canonical_labels(self) -> None:
        """`strategy IMPLEMENTATION` is stored as `Strategy implementation`."""
        tabs = minimal_tabs(
            [activity(component="strategy IMPLEMENTATION", strategy=" policy  change")],
            [partner()],
        )
        row = parse_tracker(raw_tracker(tabs), "x").tabs["Activities"].rows[0]
        assert (row["core_component"], row["strategy"]) == (
            "Strategy implementation",
            "Policy change",
        )


class TestPrivacy:
    def test_a_personal_data_column_is_dropped_and_its_values_never_stored(self) -> None:
        """`E-mail` and `Full Name` columns are privacy issues with no value."""
        tabs = minimal_tabs([activity()], [])
        tabs["Partners"] = [
            [*PARTNERS_HEADER, "E-mail", "Full_Name"],
            [*partner(), "maria@example.org", "Maria Lopez"],
        ]
        tracker = parse_tracker(raw_tracker(tabs), "x")
        privacy = [(i.column, i.rule, i.value) for i in tracker.issues]
        assert privacy == [
            ("E-mail", "personal-data-column", ""),
            ("Full_Name", "personal-data-column", ""),
        ]
        assert "maria@example.org" not in repr(tracker)
        assert "Maria Lopez" not in repr(tracker)

    @pytest.mark.parametrize(
        ("text", "kind"),
        [
            ("Call Ana at (559) 555-0142", "phone number"),
            ("write to ana.r@example.org", "e-mail address"),
            ("Meet at 4500 E. Kings Canyon Rd", "street address"),
        ],
    )
    def test_personal_data_in_free_text_is_withheld_and_masked(self, text: str, kind: str) -> None:
        """The row still counts; the text is replaced and the issue value masked."""
        tabs = minimal_tabs([activity(title=text)], [partner()])
        tracker = parse_tracker(raw_tracker(tabs), "x")
        [issue] = tracker.issues
        assert issue.severity is Severity.PRIVACY
        assert issue.value == f"[{kind} masked]"
        assert tracker.tabs["Activities"].rows[0]["title"] == WITHHELD_TEXT
        assert text not in repr(tracker)

    @pytest.mark.parametrize("column", [1, 6, 7])  # Date, Participants, Lived experience
    def test_a_bad_cell_holding_personal_data_is_masked_in_value_and_message(
        self, column: int
    ) -> None:
        """The parse error names the cell but never repeats the personal data."""
        row = activity()
        row[column] = "call 415-555-0123"
        tracker = parse_tracker(raw_tracker(minimal_tabs([row], [partner()])), "x")
        [issue] = tracker.issues
        assert "415-555-0123" not in f"{issue.value} {issue.message}"
        assert issue.value == "[phone number masked]"

    def test_an_extra_column_named_with_personal_data_is_masked(self) -> None:
        """Even a header is redacted when it looks like an e-mail address."""
        tabs = minimal_tabs([activity()], [partner()])
        tabs["Activities"][0] = [*tabs["Activities"][0], "ana@example.org"]
        [issue] = parse_tracker(raw_tracker(tabs), "x").issues
        assert "ana@example.org" not in f"{issue.column} {issue.message}"

    def test_notes_are_scanned_then_never_stored(self) -> None:
        """Notes are not needed after the scan, so they are not kept at all."""
        tabs = minimal_tabs([activity(notes="ok: jo@example.org")], [partner()])
        tracker = parse_tracker(raw_tracker(tabs), "x")
        assert [i.rule for i in tracker.issues] == ["personal-data-text"]
        assert "notes" not in tracker.tabs["Activities"].rows[0]


def test_an_xlsx_workbook_reads_like_the_same_cells_in_memory(tmp_path: Path) -> None:
    """The .xlsx source hands the reader typed cells and sheet row numbers."""
    tabs = minimal_tabs([activity("A1", participants="1,200"), activity("A2")], [partner()])
    path = write_workbook(tmp_path / "t.xlsx", tabs)
    from_file = read_tracker(XlsxSource(path), "x")
    in_memory = parse_tracker(raw_tracker(tabs), "x")
    assert from_file.tabs["Activities"].rows == in_memory.tabs["Activities"].rows
    assert from_file.tabs["Activities"].rows[0]["participants"] == 1200
