"""Suppression: no count of 1-10 people is printed, and none can be worked out."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stc_reporting.reports.suppression import (
    Cell,
    Line,
    format_count,
    format_share,
    recoverable_cells,
    suppression_pattern,
)

pytestmark = pytest.mark.unit

PERIODS = ("Y2", "Y3")


def build(counts: dict[str, tuple[int, int]]) -> tuple[dict[Cell, int], list[Line]]:
    """Each collaborative's Y2 and Y3 add up to Y2-Y3; collaboratives add up to the program."""
    values: dict[Cell, int] = {}
    lines: list[Line] = []
    scopes = [*counts, "program"]
    for scope, (y2, y3) in counts.items():
        values[Cell(scope, "Y2", "participants")] = y2
        values[Cell(scope, "Y3", "participants")] = y3
        values[Cell(scope, "Y2-Y3", "participants")] = y2 + y3
    for period in (*PERIODS, "Y2-Y3"):
        values[Cell("program", period, "participants")] = sum(
            values[Cell(scope, period, "participants")] for scope in counts
        )
        lines.append(
            Line(
                tuple(Cell(s, period, "participants") for s in counts),
                Cell("program", period, "participants"),
            )
        )
    for scope in scopes:
        lines.append(
            Line(
                (Cell(scope, "Y2", "participants"), Cell(scope, "Y3", "participants")),
                Cell(scope, "Y2-Y3", "participants"),
            )
        )
    return values, lines


people = st.integers(min_value=0, max_value=60)
collaboratives = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d", "e"]), st.tuples(people, people), min_size=1
)


@settings(max_examples=400)
@given(collaboratives)
def test_no_small_count_is_printed(counts: dict[str, tuple[int, int]]) -> None:
    """Every count from 1 to 10, program totals included, is suppressed."""
    values, lines = build(counts)
    hidden = suppression_pattern(values, lines)
    assert all(cell in hidden for cell, count in values.items() if 1 <= count <= 10)


@settings(max_examples=400)
@given(collaboratives)
def test_no_suppressed_count_can_be_recovered_by_subtraction(
    counts: dict[str, tuple[int, int]],
) -> None:
    """In every printed row and column with a total, hidden cells come in pairs or more."""
    values, lines = build(counts)
    hidden = suppression_pattern(values, lines)
    assert recoverable_cells(values, lines, hidden) == set()


def test_one_small_year_hides_the_other_year_too() -> None:
    """Y2 = 5, Y3 = 40, total 45: Y3 goes too, or 45 - 40 gives Y2 away."""
    values, lines = build({"a": (5, 40), "b": (50, 50), "c": (30, 30)})
    hidden = suppression_pattern(values, lines)
    assert Cell("a", "Y3", "participants") in hidden
    assert Cell("a", "Y2-Y3", "participants") not in hidden


def test_the_next_smallest_collaborative_is_the_complement() -> None:
    """A = 5 in Y2: of b = 50 and c = 20, c (the smaller) is hidden too."""
    values, lines = build({"a": (5, 60), "b": (50, 70), "c": (20, 80)})
    hidden = suppression_pattern(values, lines)
    assert Cell("c", "Y2", "participants") in hidden
    assert Cell("b", "Y2", "participants") not in hidden


def test_zero_is_printed_and_never_used_as_a_complement() -> None:
    """Hiding a zero protects nothing; with only zeros left the total is hidden."""
    values, lines = build({"a": (0, 7)})
    hidden = suppression_pattern(values, lines)
    assert Cell("a", "Y2", "participants") not in hidden
    assert Cell("a", "Y2-Y3", "participants") in hidden
    assert recoverable_cells(values, lines, hidden) == set()


@pytest.mark.parametrize(
    ("numerator", "denominator", "num_hidden", "den_hidden", "printed"),
    [
        (10, 40, False, False, "25%"),
        (5, 29, True, False, "n<30"),
        (5, 40, True, False, "—"),
        (15, 40, False, True, "—"),
        (0, 0, False, False, "n<30"),
    ],
)
def test_shares(
    numerator: int, denominator: int, num_hidden: bool, den_hidden: bool, printed: str
) -> None:
    """n<30 for small denominators; hidden when the share would reveal a hidden count."""
    assert format_share(numerator, denominator, num_hidden, den_hidden) == printed


def test_counts_print_with_commas_or_as_less_than_eleven() -> None:
    """1,234 stays; a small hidden cell is <11; a complementary one is —; zero is 0."""
    printed = (
        format_count(1234, False),
        format_count(7, True),
        format_count(45, True),
        format_count(0, False),
    )
    assert printed == ("1,234", "<11", "—", "0")


def test_a_withheld_partner_never_gives_a_small_count_away() -> None:
    """Y2 = 1, Y3 = 11, total 12: `<11` + `—` (11 or more) = 12 would pin Y2 at 1."""
    values, lines = build({"a": (1, 11), "b": (40, 40), "c": (50, 50)})
    hidden = suppression_pattern(values, lines)
    assert recoverable_cells(values, lines, hidden) == set()
    assert Cell("a", "Y2-Y3", "participants") in hidden


def test_two_small_counts_at_the_edge_of_the_range_are_protected() -> None:
    """10 + 10 = 20 printed would show both are 10."""
    values, lines = build({"a": (10, 10), "b": (30, 40)})
    hidden = suppression_pattern(values, lines)
    assert recoverable_cells(values, lines, hidden) == set()
