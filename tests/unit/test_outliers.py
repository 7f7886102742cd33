"""Outlier warnings flag values far from a collaborative's own history, never block."""

from __future__ import annotations

from datetime import date

import pytest

from stc_reporting.checks.outliers import find_outliers, modified_z_scores, typical_range
from stc_reporting.ingest.reading import ParsedTracker, parse_tracker
from stc_reporting.issues import Severity
from tests.builders import activity, minimal_tabs, partner, raw_tracker

pytestmark = pytest.mark.unit


def tracker_with_participants(counts: list[int]) -> ParsedTracker:
    rows = [
        activity(f"A{i}", day=date(2020, 1, 1 + i), participants=n) for i, n in enumerate(counts)
    ]
    return parse_tracker(raw_tracker(minimal_tabs(rows, [partner()])), "x")


def test_a_value_far_from_the_rest_is_a_warning_with_the_typical_range() -> None:
    """600 among counts around 20: flagged on its row, with the usual range."""
    tracker = tracker_with_participants([18, 22, 20, 25, 19, 21, 23, 600])
    [issue] = find_outliers(tracker, [])
    assert (issue.tab, issue.row, issue.column, issue.value) == (
        "Activities",
        9,
        "Participants",
        "600",
    )
    assert issue.severity is Severity.WARNING and issue.rule == "outlier"
    assert "typically" in issue.message


def test_fewer_than_eight_values_are_never_flagged() -> None:
    """Seven values are too few to judge."""
    tracker = tracker_with_participants([18, 22, 20, 25, 19, 21, 600])
    assert find_outliers(tracker, []) == []


def test_rows_in_error_are_not_compared() -> None:
    """An excluded row neither gets flagged nor shifts the median."""
    tracker = tracker_with_participants([18, 22, 20, 25, 19, 21, 23, 600])
    from stc_reporting.issues import Issue

    error = Issue("x", "Activities", 9, "Date", "", Severity.ERROR, "bad-date", "m")
    assert find_outliers(tracker, [error]) == []


def test_identical_values_give_no_score() -> None:
    """With most values equal the spread is 0: nothing can be judged."""
    assert modified_z_scores([5, 5, 5, 5, 5, 5, 5, 9]) is None


def test_the_typical_range_is_median_plus_or_minus_the_threshold_spread() -> None:
    """Median 20, MAD 2: 20 ± 3.5 x 2 / 0.6745, floored at 0."""
    low, high = typical_range([16, 18, 19, 20, 20, 21, 22, 24])
    assert low == pytest.approx(20 - 3.5 * 1.5 / 0.6745)
    assert high == pytest.approx(20 + 3.5 * 1.5 / 0.6745)


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
