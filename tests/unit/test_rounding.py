"""Printed figures round half-up, and a printed change is the difference of printed values."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stc_reporting.figures.document import CollaborativeFigures
from stc_reporting.reports.chart_slots import chart_value_format
from stc_reporting.reports.charts import bar_label
from stc_reporting.reports.context_models import ChartNumbers
from stc_reporting.reports.formatting import (
    ENGLISH,
    fmt_count,
    fmt_money,
    fmt_number,
    fmt_rate,
    round_half_up,
    whole,
)
from stc_reporting.reports.labels import load_labels
from stc_reporting.reports.period_labels import PeriodLabels
from stc_reporting.reports.scope import Scope
from stc_reporting.reports.suppression import format_share

pytestmark = pytest.mark.unit

WORDING = load_labels()
LABELS = PeriodLabels(years=("Y2", "Y3"), combined="Y2-Y3")
CHART = ChartNumbers(
    locale=WORDING.locale,
    thousands_of_dollars=WORDING.charts.thousands_of_dollars,
    millions_of_dollars=WORDING.charts.millions_of_dollars,
)


def scope(first: CollaborativeFigures, last: CollaborativeFigures) -> Scope:
    """A collaborative with the given figures in Y2 and Y3, nothing suppressed."""
    periods = {"Y2": first, "Y3": last, "Y2-Y3": last}
    return Scope("solo", periods, LABELS, frozenset(), WORDING)


def figures(**values: float) -> CollaborativeFigures:
    """Only the figures a test reads; the rest are never looked at."""
    construct: Callable[..., CollaborativeFigures] = CollaborativeFigures.model_construct
    return construct(**values)


def signed_number(text: str) -> int:
    """`+5 pts`, `−1 pt`, `+1,234` or `no change` as the number it says."""
    if text == WORDING.values.no_change:
        return 0
    number = text.split(" ")[0].replace(",", "").replace("$", "").replace("−", "-")
    return int(number)


def printed_number(text: str) -> int:
    """`93%`, `$1,235` or `1,234` as the number it shows."""
    return int(text.rstrip("%").replace(",", "").replace("$", ""))


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (0.5, 0, "1"),
        (1.5, 0, "2"),
        (2.5, 0, "3"),
        (92.5, 0, "93"),
        (-0.5, 0, "-1"),
        (-2.5, 0, "-3"),
        (0.125, 2, "0.13"),
        (2.675, 2, "2.68"),
        (0.49, 0, "0"),
    ],
)
def test_a_half_always_rounds_away_from_zero(value: float, places: int, expected: str) -> None:
    """A half rounds up (away from zero), on the number as written: 2.5 is 3, 2.675 is 2.68."""
    assert round_half_up(value, places) == Decimal(expected)


def test_a_small_negative_value_never_prints_as_minus_zero() -> None:
    """−0.4 rounds to 0, printed as `0`, never `-0`."""
    assert str(round_half_up(-0.4)) == "0"
    assert fmt_count(-0.4) == "0"


def test_printed_figures_round_a_half_up_in_every_unit() -> None:
    """92.5 % prints as 93 %, $2.50 as $3, 2.5 activities as 3, an indicator's 12.25 as 12.3."""
    assert fmt_rate(0.925) == "93%"
    assert fmt_rate(0.125) == "13%"
    assert fmt_money(2.5) == "$3"
    assert fmt_count(2.5) == "3"
    assert fmt_number(12.25, "Count") == "12.3"
    assert fmt_number(92.5, "Percent") == "92.5%"
    assert fmt_number(12.96, "Count") == "13"
    assert fmt_number(1234.5, "Dollars") == "$1,235"


def test_a_share_of_people_rounds_a_half_up() -> None:
    """37 of 40 people is 92.5 %, printed as 93 %; 1 of 200 (0.5 %) as 1 %."""
    assert format_share(37, 40, False, False) == "93%"
    assert format_share(1, 200, False, False) == "1%"


def test_a_change_of_five_points_between_15_and_20_percent_reads_plus_5_pts() -> None:
    """14.6 % (printed 15 %) to 20.4 % (printed 20 %) is +5 pts, not the +6 of the raw shares."""
    row = scope(
        figures(lived_experience_participants=73, participants=500),
        figures(lived_experience_participants=102, participants=500),
    ).share_row()
    assert (row.first, row.last, row.change) == ("15%", "20%", "+5 pts")


def test_a_change_of_one_point_reads_plus_1_pt_and_two_read_plus_2_pts() -> None:
    """One point is `+1 pt` or `−1 pt` (singular); two are `+2 pts`."""
    one = scope(figures(reporting_completeness=0.5), figures(reporting_completeness=0.51)).rate_row(
        "Completeness", lambda f: f.reporting_completeness
    )
    down = scope(
        figures(reporting_completeness=0.51), figures(reporting_completeness=0.5)
    ).rate_row("Completeness", lambda f: f.reporting_completeness)
    two = scope(figures(reporting_completeness=0.5), figures(reporting_completeness=0.52)).rate_row(
        "Completeness", lambda f: f.reporting_completeness
    )
    assert (one.change, down.change, two.change) == ("+1 pt", "−1 pt", "+2 pts")


def test_equal_printed_shares_read_no_change() -> None:
    """92.6 % and 93.4 % both print as 93 %: the change is `no change`, never `+1 pt`."""
    row = scope(
        figures(reporting_completeness=0.926), figures(reporting_completeness=0.934)
    ).rate_row("Completeness", lambda f: f.reporting_completeness)
    assert (row.first, row.last, row.change) == ("93%", "93%", WORDING.values.no_change)


@given(
    st.integers(min_value=30, max_value=5000).flatmap(
        lambda n: st.tuples(st.integers(0, n), st.just(n))
    ),
    st.integers(min_value=30, max_value=5000).flatmap(
        lambda n: st.tuples(st.integers(0, n), st.just(n))
    ),
)
def test_a_printed_share_change_is_the_difference_of_the_printed_shares(
    before: tuple[int, int], after: tuple[int, int]
) -> None:
    """For any two shares of people, change = printed last year − printed first year."""
    row = scope(
        figures(lived_experience_participants=before[0], participants=before[1]),
        figures(lived_experience_participants=after[0], participants=after[1]),
    ).share_row()
    expected = printed_number(row.last) - printed_number(row.first)
    assert signed_number(row.change) == expected
    assert row.change.endswith(" pt") == (abs(expected) == 1)


@given(
    st.floats(min_value=0, max_value=1, allow_nan=False),
    st.floats(min_value=0, max_value=1, allow_nan=False),
)
def test_a_printed_rate_change_is_the_difference_of_the_printed_rates(
    before: float, after: float
) -> None:
    """For any two month shares (completeness), change = printed last − printed first."""
    row = scope(
        figures(reporting_completeness=before), figures(reporting_completeness=after)
    ).rate_row("Completeness", lambda f: f.reporting_completeness)
    assert signed_number(row.change) == printed_number(row.last) - printed_number(row.first)


@given(
    st.floats(min_value=0, max_value=10_000_000, allow_nan=False),
    st.floats(min_value=0, max_value=10_000_000, allow_nan=False),
)
def test_a_printed_money_change_is_the_difference_of_the_printed_dollars(
    before: float, after: float
) -> None:
    """For any two dollar amounts, change = printed last year − printed first year."""
    row = scope(figures(funding_secured_usd=before), figures(funding_secured_usd=after)).count_row(
        "Funding", lambda f: f.funding_secured_usd, fmt_money
    )
    assert signed_number(row.change) == printed_number(row.last) - printed_number(row.first)
    assert signed_number(row.change) == whole(after) - whole(before)


@given(st.integers(0, 100_000), st.integers(0, 100_000))
def test_a_printed_count_change_is_the_difference_of_the_printed_counts(
    before: int, after: int
) -> None:
    """For any two counts of people (none suppressed), change = printed last − printed first."""
    row = scope(figures(participants=before), figures(participants=after)).people_row(
        "Participants", "participants"
    )
    assert signed_number(row.change) == printed_number(row.last) - printed_number(row.first)


def test_an_empty_funding_bar_has_no_dollar_label() -> None:
    """A bar of $0 gets no label (not `$0`); bars of other units still show their zero."""
    assert bar_label(0.0, "dollars", CHART) == ""
    assert bar_label(0.0, "count", CHART) == "0"
    assert bar_label(0.0, "percent", CHART) == "0%"


def test_chart_labels_and_alt_text_round_a_half_up_like_the_tables() -> None:
    """112.5 % of target reads 113 % on the bar and in the alt text, as in the table."""
    assert (
        bar_label(112.5, "percent", CHART)
        == chart_value_format("percent", ENGLISH)(112.5)
        == "113%"
    )
    assert bar_label(2.5, "count", CHART) == chart_value_format("count", ENGLISH)(2.5) == "3"
    assert bar_label(2500.0, "dollars", CHART) == "$3k"
    assert bar_label(1_250_000.0, "dollars", CHART) == "$1.3M"
    assert bar_label(2_000_000.0, "dollars", CHART) == "$2M"
    assert chart_value_format("dollars", ENGLISH)(2.5) == "$3"
