"""Small-number suppression for funder reports (reports.md, "Safety rules").

Counts of people from 1 to 10 print as `<11`. Where a printed total sums some
cells, a suppressed cell could be worked out by subtraction, so a second cell is
suppressed too (complementary suppression, the next smallest non-zero one).

One pattern is decided for the whole run, over every "line" (cells plus the total
they add up to) that any report prints: a collaborative's year two and year three
add up to its combined period, and the collaboratives' figures add up to the
program's. Deciding once keeps every table in every document consistent, so no
table reveals what another hides. Shares whose denominator is under 30 people print
as `n<30`; a share whose numerator is suppressed is not printed either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

SMALL_COUNT_MAX = 10
"""People counts from 1 to this are never printed."""
SHARE_MIN_DENOMINATOR = 30
"""Shares need at least this many people behind them."""

SUPPRESSED = "<11"
SMALL_DENOMINATOR = "n<30"
WITHHELD = "—"


@dataclass(frozen=True, order=True)
class Cell:
    """One printed people count: whose, for which period, which figure.

    Attributes:
        scope: A collaborative id, or `program` for program-wide totals.
        period: The period label (`Y2`, `Y3`, `Y2-Y3`).
        figure: `participants` or `lived_experience_participants`.
    """

    scope: str
    period: str
    figure: str


@dataclass(frozen=True)
class Line:
    """Cells that add up to a printed total, so subtraction could reveal one of them."""

    parts: tuple[Cell, ...]
    total: Cell


def is_small(count: int) -> bool:
    """Whether a people count must not be printed (1 to 10; zero may be)."""
    return 1 <= count <= SMALL_COUNT_MAX


def suppression_pattern(values: Mapping[Cell, int], lines: Sequence[Line]) -> frozenset[Cell]:
    """Decide which people counts are suppressed, everywhere at once.

    Every cell from 1 to 10 is suppressed. Then, until nothing changes, each line
    that would let a reader subtract their way to a hidden cell gets its next
    smallest printed non-zero part suppressed too (or, when there is none, its total).

    Args:
        values: Every people count that any report prints.
        lines: Every set of printed cells that adds up to a printed total.

    Returns:
        The cells to print as `<11`.
    """
    suppressed = {cell for cell, count in values.items() if is_small(count)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            extra = _complement(line, values, suppressed)
            if extra is not None:
                suppressed.add(extra)
                changed = True
    return frozenset(suppressed)


def _complement(line: Line, values: Mapping[Cell, int], suppressed: set[Cell]) -> Cell | None:
    """Return the cell to suppress so this line exposes nothing, or None if safe.

    A line is safe when its total is printed and none or two-plus parts are hidden,
    or when its total is hidden and at least one part is hidden too.
    """
    hidden = [cell for cell in line.parts if cell in suppressed]
    printed_nonzero = [c for c in line.parts if c not in suppressed and values[c] > 0]
    if line.total in suppressed:
        if hidden or not printed_nonzero:
            return None
        return min(printed_nonzero, key=lambda c: (values[c], c))  # else total = sum of parts
    if len(hidden) != 1:
        return None
    if not printed_nonzero:
        return line.total
    return min(printed_nonzero, key=lambda c: (values[c], c))


def recoverable_cells(
    values: Mapping[Cell, int], lines: Iterable[Line], suppressed: frozenset[Cell]
) -> set[Cell]:
    """Return suppressed cells that a reader could work out from one line by subtraction.

    Used by tests and as a last check before printing: the answer must be empty.
    """
    exposed: set[Cell] = set()
    for line in lines:
        hidden = [cell for cell in line.parts if cell in suppressed]
        if line.total not in suppressed and len(hidden) == 1:
            exposed.add(hidden[0])
        nonzero_hidden = [cell for cell in hidden if values[cell] > 0]
        if line.total not in suppressed and len(hidden) > 1 and len(nonzero_hidden) == 1:
            exposed.add(nonzero_hidden[0])  # the others are zeros: the sum is this one
        if line.total in suppressed and not hidden:
            exposed.add(line.total)  # every part is printed: the total is their sum
    return exposed


def format_count(count: int, suppressed: bool) -> str:
    """Print a people count: `<11` for a small one, `—` for a complementary one.

    A count withheld only to protect another is not small, so it never prints as
    `<11` (that would tell the reader something false).
    """
    if not suppressed:
        return f"{count:,}"
    return SUPPRESSED if is_small(count) else WITHHELD


def format_share(
    numerator: int, denominator: int, numerator_suppressed: bool, denominator_suppressed: bool
) -> str:
    """Print a share of people as a whole percent, or its safe stand-in.

    `n<30` when fewer than 30 people are behind it; `—` when printing it would
    reveal a suppressed count (share x denominator = numerator).
    """
    if denominator < SHARE_MIN_DENOMINATOR:
        return SMALL_DENOMINATOR
    if numerator_suppressed or denominator_suppressed:
        return WITHHELD
    return f"{numerator / denominator:.0%}"
