"""Every suite in expectations/ loads completely, matches the contract, and catches its rules."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from stc_reporting.checks.validation import CheckWindow, SuiteError, validate_trackers
from stc_reporting.contract.suites import SUITES_DIR, render_suite, suite_path
from stc_reporting.contract.tabs import TABS, Tab
from stc_reporting.ingest.reading import parse_tracker
from stc_reporting.issues import Issue, Severity
from tests.builders import ACTIVITIES_HEADER, activity, minimal_tabs, partner, raw_tracker

pytestmark = pytest.mark.contract

WINDOW = CheckWindow(date(2018, 11, 1), date(2021, 10, 31), run_date=date(2022, 1, 10))


@pytest.mark.parametrize("tab", TABS, ids=lambda t: t.slug)
def test_each_suite_file_is_what_the_contract_generates(tab: Tab) -> None:
    """Regenerate with `python -m stc_reporting.contract.suites` after changing contract.py."""
    assert suite_path(tab).read_text(encoding="utf-8") == render_suite(tab)


@pytest.mark.parametrize("tab", TABS, ids=lambda t: t.slug)
def test_each_suite_loads_every_rule_in_its_file(tab: Tab) -> None:
    """GX silently drops rules it cannot build; none may be lost."""
    from great_expectations.core.expectation_suite import ExpectationSuite

    document = json.loads(suite_path(tab).read_text(encoding="utf-8"))
    suite = ExpectationSuite(**document)
    assert len(suite.expectations) == len(document["expectations"]) > 0
    for expectation in document["expectations"]:
        assert {"rule", "field", "message"} <= set(expectation["meta"])


def test_a_suite_that_loses_a_rule_stops_the_run(tmp_path: Path) -> None:
    """An unknown expectation type is a bug, never a silently skipped rule."""
    for tab in TABS:
        document = json.loads(suite_path(tab).read_text(encoding="utf-8"))
        if tab.name == "Activities":
            document["expectations"].append({"type": "expect_nothing_real", "kwargs": {}})
        (tmp_path / f"{tab.slug}.json").write_text(json.dumps(document))
    tracker = parse_tracker(raw_tracker(minimal_tabs([activity()], [partner()])), "x")
    with pytest.raises(SuiteError, match=r"only \d+ loaded"):
        validate_trackers([tracker], WINDOW, suites_dir=tmp_path)


def check(tabs: dict[str, Any], collaborative: str = "x") -> list[Issue]:
    tracker = parse_tracker(raw_tracker(tabs), collaborative)
    return [*tracker.issues, *validate_trackers([tracker], WINDOW, SUITES_DIR)]


def found(issues: list[Issue]) -> set[tuple[str, int | None, str, str, str]]:
    return {(i.tab, i.row, i.column, i.rule, i.severity.value) for i in issues}


class TestActivitiesRules:
    def test_a_clean_tracker_has_no_issues(self) -> None:
        """The baseline: valid rows give nothing to fix."""
        assert check(minimal_tabs([activity()], [partner()])) == []

    def test_every_activity_rule(self) -> None:
        """One planted problem per row, each reported on its row and column."""
        rows = [
            activity("A1"),
            activity("A1"),  # duplicate of row 2
            activity("A3", title=None),  # required
            activity("A4", component="Strategy implementation", strategy=None),
            activity("A5", participants=None),  # completed without participants
            activity("A6", participants=5, lived=6),
            activity("A7", day=date(2019, 10, 31)),  # year one is inside the program window
            activity("A8", day=date(2021, 11, 1)),  # after the program ends
            activity("A9", status="Done"),
            activity("A10", partners="P1; P9"),
            activity("A11", day=date(2021, 10, 1), status="Planned", participants=None),
        ]
        issues = check(minimal_tabs(rows, [partner()]))
        assert found(issues) == {
            ("Activities", 2, "Activity ID", "duplicate-id", "error"),
            ("Activities", 3, "Activity ID", "duplicate-id", "error"),
            ("Activities", 4, "Title", "required", "error"),
            ("Activities", 5, "Strategy", "required-when", "error"),
            ("Activities", 6, "Participants", "required-when", "error"),
            (
                "Activities",
                7,
                "Lived experience participants",
                "lived-experience-within-participants",
                "error",
            ),
            ("Activities", 9, "Date", "outside-program-window", "error"),
            ("Activities", 10, "Status", "not-a-choice", "error"),
            ("Activities", 11, "Partner IDs", "unknown-partner", "warning"),
        }
        unknown = next(i for i in issues if i.rule == "unknown-partner")
        assert unknown.value == "P9"

    def test_a_completed_activity_after_the_run_date_is_an_error(self) -> None:
        """Planned activities may be in the future; completed ones may not."""
        window = CheckWindow(date(2018, 11, 1), date(2021, 10, 31), run_date=date(2021, 3, 1))
        rows = [
            activity("A1", day=date(2021, 3, 2)),
            activity("A2", day=date(2021, 3, 2), status="Planned", participants=None),
        ]
        tracker = parse_tracker(raw_tracker(minimal_tabs(rows, [partner()])), "x")
        issues = validate_trackers([tracker], window)
        assert found(issues) == {("Activities", 2, "Date", "date-in-future", "error")}

    def test_a_tab_without_the_strategy_column_flags_only_rows_that_need_it(self) -> None:
        """`Strategy` is required only for Strategy implementation, so the column may go."""
        rows = [activity("A1"), activity("A2", component="Strategy implementation")]
        tabs = minimal_tabs(rows, [partner()])
        strategy = ACTIVITIES_HEADER.index("Strategy")
        tabs["Activities"] = [
            [cell for position, cell in enumerate(row) if position != strategy]
            for row in tabs["Activities"]
        ]
        tracker = parse_tracker(raw_tracker(tabs), "x")
        assert not tracker.failed
        issues = validate_trackers([tracker], WINDOW)
        assert found(issues) == {("Activities", 3, "Strategy", "required-when", "error")}
        assert "no 'Strategy' column" in issues[0].message

    def test_a_cell_that_failed_to_read_is_not_reported_twice(self) -> None:
        """`TBD` in Date is a bad date, not also a missing required date."""
        issues = check(minimal_tabs([activity(day="TBD")], [partner()]))
        assert [i.rule for i in issues] == ["bad-date"]

    def test_ids_repeat_freely_across_collaboratives(self) -> None:
        """Uniqueness is per tracker, even though tabs are validated together."""
        tabs = minimal_tabs([activity("A1")], [partner()])
        trackers = [parse_tracker(raw_tracker(tabs), name) for name in ("a", "b")]
        assert validate_trackers(trackers, WINDOW) == []


def test_partner_rules() -> None:
    """Left and commitment before Joined, future dates, yes/no and sector."""
    rows = [
        partner("P1", left=date(2018, 1, 1)),
        partner("P2", commitment=date(2018, 1, 1)),
        partner("P3", joined=date(2022, 2, 1)),  # after the run date
        partner("P4", prior_ipv="maybe"),
        partner("P5", sector="Labor"),
        partner("P6", joined=date(2010, 1, 1)),  # partners may predate the program
    ]
    issues = check(minimal_tabs([activity()], rows))
    assert found(issues) == {
        ("Partners", 2, "Left", "left-on-or-after-joined", "error"),
        ("Partners", 3, "Formal commitment date", "commitment-on-or-after-joined", "error"),
        ("Partners", 4, "Joined", "date-in-future", "error"),
        ("Partners", 5, "Prior IPV focus", "bad-yes-no", "error"),
        ("Partners", 6, "Sector", "not-a-choice", "error"),
    }


def test_funding_milestone_and_lesson_rules() -> None:
    """Amount must be positive; dates inside the program; choices from the lists."""
    tabs = minimal_tabs([activity()], [partner()])
    tabs["Funding"] += [
        ["F1", "Foundation A", "Foundation", "Secured", "$0", date(2020, 1, 1)],
        ["F2", "Foundation B", "Foundation", "Won", 100, date(2020, 1, 1)],
    ]
    tabs["Milestones"] += [["M1", date(2022, 1, 1), "Strategic plan", None, "Achieved", "Plan"]]
    tabs["Lessons"] += [["L1", date(2020, 1, 1), "Insight", None, "Text", None]]
    assert found(check(tabs)) == {
        ("Funding", 2, "Amount (USD)", "out-of-range", "error"),
        ("Funding", 3, "Status", "not-a-choice", "error"),
        ("Milestones", 2, "Date", "outside-program-window", "error"),
        ("Lessons", 2, "Share with funder", "required", "error"),
    }


def test_indicator_measurement_and_submission_rules() -> None:
    """Unknown indicators, negative values, duplicate months, early submissions."""
    tabs = minimal_tabs([activity()], [partner()])
    tabs["Indicators"] += [["I1", "Trained", "Greater capacity", "Count", "Sum", None, 0, 5, 9]]
    tabs["Measurements"] += [
        ["I1", date(2020, 1, 1), 4, None],
        ["I9", date(2020, 1, 1), 4, None],
        ["I1", date(2020, 2, 1), -1, None],
    ]
    tabs["Submissions"] += [
        ["2020-01", date(2020, 2, 3)],
        ["2020-01", date(2020, 2, 4)],
        ["2020-03", date(2020, 2, 28)],
        ["2018-10", date(2018, 11, 5)],
    ]
    assert found(check(tabs)) == {
        ("Measurements", 3, "Indicator ID", "unknown-indicator", "error"),
        ("Measurements", 4, "Value", "out-of-range", "error"),
        ("Submissions", 2, "Month", "duplicate-id", "error"),
        ("Submissions", 3, "Month", "duplicate-id", "error"),
        ("Submissions", 4, "Submitted on", "submitted-on-or-after-month-start", "error"),
        ("Submissions", 5, "Month", "outside-program-window", "error"),
    }


def test_a_repeated_month_is_named_as_the_month_people_wrote() -> None:
    """`2020-01` as text and as a date cell are one month, shown as 2020-01, not a day."""
    tabs = minimal_tabs([activity()], [partner()])
    tabs["Submissions"] += [["2020-01", date(2020, 2, 3)], [date(2020, 1, 20), date(2020, 2, 4)]]
    issues = check(tabs)
    assert [(i.row, i.value) for i in issues] == [(2, "2020-01"), (3, "2020-01")]
    assert all("one row per month" in i.message and "ID" not in i.message for i in issues)


def test_a_partner_id_withheld_as_personal_data_is_not_also_an_unknown_partner() -> None:
    """The privacy issue names the cell; a stand-in token in a warning would mean nothing."""
    issues = check(minimal_tabs([activity(partners="P1; jo@example.org")], [partner()]))
    assert [(i.column, i.rule, i.severity.value) for i in issues] == [
        ("Partner IDs", "personal-data-text", "privacy")
    ]


def test_issue_values_never_carry_personal_data() -> None:
    """An e-mail typed into a choice column is masked in the issue."""
    issues = check(minimal_tabs([activity(status="ana@example.org")], [partner()]))
    assert [i.value for i in issues] == ["[e-mail address masked]"]
    assert all("ana@example.org" not in i.message for i in issues)
    assert {i.severity for i in issues} == {Severity.ERROR}


def test_every_rule_id_code_or_suites_can_emit_is_documented_with_a_fix() -> None:
    """docs/data-quality-rules.md has a section for each rule id."""
    import re

    from stc_reporting.contract.rules import Rule

    page = (Path(__file__).resolve().parents[2] / "docs/data-quality-rules.md").read_text()
    documented = set(re.findall(r"^### `([a-z-]+)`", page, flags=re.MULTILINE))
    emitted = {rule.value for rule in Rule}
    for tab in TABS:
        document = json.loads(suite_path(tab).read_text(encoding="utf-8"))
        emitted |= {e["meta"]["rule"] for e in document["expectations"]}
    assert emitted - documented == set()
    assert documented - emitted == set(), "documented rules that nothing emits"


def test_a_near_miss_of_a_choice_names_the_choice_and_anything_else_lists_them_all() -> None:
    """'Labor' is told 'Labor and worker rights'; 'Banana' gets the whole list, as before."""
    rows = [partner("P1", sector="Labor"), partner("P2", sector="Banana")]
    issues = {i.value: i.message for i in check(minimal_tabs([activity()], rows))}
    assert issues["Labor"] == (
        "'Labor' is not an allowed Sector: did you mean 'Labor and worker rights'? "
        "Write the choice exactly as listed."
    )
    assert issues["Banana"].startswith("'Banana' is not an allowed Sector: use one of ")
    assert "Labor and worker rights; Housing" in issues["Banana"]
