"""Outlier warnings flag values far from a collaborative's own history, never block."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stc_reporting.checks.outliers import (
    MIN_FACTOR_ABOVE,
    MIN_FACTOR_BELOW,
    find_outliers,
    flag_outliers,
    modified_z_scores,
    usual_range,
)
from stc_reporting.ingest.reading import ParsedTracker, parse_tracker
from stc_reporting.issues import Issue, Severity, rows_in_error
from tests.builders import activity, minimal_tabs, partner, raw_tracker

pytestmark = pytest.mark.unit


def tracker_with_participants(counts: list[int]) -> ParsedTracker:
    rows = [
        activity(f"A{i}", day=date(2020, 1, 1 + i), participants=n) for i, n in enumerate(counts)
    ]
    return parse_tracker(raw_tracker(minimal_tabs(rows, [partner()])), "x")


def tracker_with_indicator(unit: str, values: Sequence[float]) -> ParsedTracker:
    tabs = minimal_tabs([activity()], [partner()])
    tabs["Indicators"].append(["I1", "a", "Greater capacity", unit, "Sum", None, 0, 5, 9])
    for month, value in enumerate(values, start=1):
        tabs["Measurements"].append(["I1", date(2020, month, 1), value, None])
    return parse_tracker(raw_tracker(tabs), "x")


def test_a_clear_outlier_is_a_warning_with_the_usual_range() -> None:
    """600 among counts around 20 (an extra digit): flagged on its row, with the usual range."""
    tracker = tracker_with_participants([18, 22, 20, 25, 19, 21, 23, 600])
    [issue] = find_outliers(tracker, [])
    assert (issue.tab, issue.row, issue.column, issue.value) == (
        "Activities",
        9,
        "Participants",
        "600",
    )
    assert issue.severity is Severity.WARNING and issue.rule == "outlier"
    assert "(most are between 19 and 24)" in issue.message


def test_ordinary_values_are_not_flagged() -> None:
    """115 among monthly counts from 40 to 110 is an ordinary month, not an outlier.

    The old rule said "115 is far from ... (typically 33.6 to 111.4)".
    """
    counts = [40, 52, 61, 70, 72, 75, 80, 88, 95, 104, 110, 115]
    assert find_outliers(tracker_with_indicator("Count", counts), []) == []


def test_a_small_activity_is_not_flagged() -> None:
    """5 participants where most activities have 15 to 50 is a small activity, not a typo."""
    tracker = tracker_with_participants([5, 15, 22, 28, 31, 35, 40, 44, 50, 26, 30])
    assert find_outliers(tracker, []) == []


def test_a_missing_digit_is_flagged() -> None:
    """30 where every other value is 250 to 400: a digit too few."""
    tracker = tracker_with_participants([300, 250, 280, 350, 400, 330, 270, 310, 30])
    [issue] = find_outliers(tracker, [])
    assert issue.value == "30"


def test_the_usual_range_of_counts_is_printed_in_whole_numbers() -> None:
    """Counts read as whole numbers: no "33.6 to 111.4" for people."""
    tracker = tracker_with_indicator("Count", [33, 41, 47, 52, 58, 64, 70, 77, 83, 90, 700])
    [issue] = find_outliers(tracker, [])
    assert "(most are between 40 and 84)" in issue.message


def test_the_usual_range_of_money_is_printed_in_dollars() -> None:
    """Amounts read as dollars: "$5,050", not "5050.0"."""
    amounts = [5000.0, 5100.0, 4900.0, 5200.0, 5300.0, 4800.0, 5050.0, 4950.0, 52000.0]
    [issue] = find_outliers(tracker_with_indicator("Dollars", amounts), [])
    assert "Value $52,000 is far" in issue.message
    assert "(most are between $4,870 and $5,230)" in issue.message


def test_an_outlier_is_never_an_error_and_never_excludes_its_row() -> None:
    """The warning asks for a look; the value still counts in every figure."""
    tracker = tracker_with_participants([18, 22, 20, 25, 19, 21, 23, 600])
    issues = find_outliers(tracker, [])
    assert issues and all(issue.severity is Severity.WARNING for issue in issues)
    assert rows_in_error(issues) == set()


def test_fewer_than_eight_values_are_never_flagged() -> None:
    """Seven values are too few to judge."""
    tracker = tracker_with_participants([18, 22, 20, 25, 19, 21, 600])
    assert find_outliers(tracker, []) == []


def test_rows_in_error_are_not_compared() -> None:
    """An excluded row neither gets flagged nor shifts the median."""
    tracker = tracker_with_participants([18, 22, 20, 25, 19, 21, 23, 600])
    error = Issue("x", "Activities", 9, "Date", "", Severity.ERROR, "bad-date", "m")
    assert find_outliers(tracker, [error]) == []


def test_identical_values_give_no_score() -> None:
    """With most values equal the spread is 0: nothing can be judged."""
    assert modified_z_scores([5, 5, 5, 5, 5, 5, 5, 9]) is None


def test_the_usual_range_is_the_middle_80_percent_of_the_values() -> None:
    """The 10th to the 90th percentile: what most values look like."""
    assert usual_range([float(v) for v in range(11)]) == pytest.approx((1.0, 9.0))


@given(st.lists(st.integers(min_value=0, max_value=100_000), min_size=8, max_size=40))
def test_a_flagged_value_is_always_far_from_the_median(values: list[int]) -> None:
    """Whatever the data, a flag means at least 4 times, or at most an eighth of, the median."""
    middle = sorted(values)[len(values) // 2 - 1 : len(values) // 2 + 1]
    centre = (
        (middle[0] + middle[-1]) / 2 if len(values) % 2 == 0 else sorted(values)[len(values) // 2]
    )
    for index in flag_outliers([float(v) for v in values]):
        shifted = values[index] + 1
        assert (
            shifted >= MIN_FACTOR_ABOVE * (centre + 1) or shifted * MIN_FACTOR_BELOW <= centre + 1
        )


@given(st.lists(st.integers(min_value=0, max_value=100_000), min_size=8, max_size=40), st.randoms())
def test_the_order_of_the_values_does_not_change_what_is_flagged(
    values: list[int], shuffler: random.Random
) -> None:
    """Rows sorted differently in the tracker get the same flags."""
    order = list(range(len(values)))
    shuffler.shuffle(order)
    flagged = {values[i] for i in flag_outliers([float(v) for v in values])}
    shuffled = [float(values[i]) for i in order]
    assert {int(shuffled[i]) for i in flag_outliers(shuffled)} == flagged


def test_each_indicator_is_compared_only_with_itself() -> None:
    """Two indicators on different scales do not flag each other."""
    tabs = minimal_tabs([activity()], [partner()])
    tabs["Indicators"] += [
        ["I1", "a", "Greater capacity", "Count", "Sum", None, 0, 5, 9],
        ["I2", "b", "Greater capacity", "Dollars", "Sum", None, 0, 5, 9],
    ]
    for month in range(1, 10):
        tabs["Measurements"] += [
            ["I1", date(2020, month, 1), 3 + month % 2, None],
            ["I2", date(2020, month, 1), 5000 + 100 * (month % 3), None],
        ]
    tracker = parse_tracker(raw_tracker(tabs), "x")
    assert find_outliers(tracker, []) == []
