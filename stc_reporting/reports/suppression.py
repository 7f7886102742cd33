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

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from stc_reporting.reports.formatting import ENGLISH, NumberFormat, whole_percent

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
    that would let a reader pin down a hidden cell (see `recoverable_cells`) gets
    its smallest printed non-zero part suppressed too, or its total when no such
    part is left.

    Args:
        values: Every people count that any report prints.
        lines: Every set of printed cells that adds up to a printed total.

    Returns:
        The cells that are not printed.
    """
    suppressed = {cell for cell, count in values.items() if is_small(count)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            if not _line_exposes(line, values, suppressed):
                continue
            printed = [c for c in line.parts if c not in suppressed and values[c] > 0]
            suppressed.add(min(printed, key=lambda c: (values[c], c)) if printed else line.total)
            changed = True
    return frozenset(suppressed)


def _bounds(
    cell: Cell, values: Mapping[Cell, int], suppressed: set[Cell] | frozenset[Cell]
) -> tuple[float, float]:
    """What a reader knows of a cell: its value if printed; 1-10 for `<11`; 11+ for `—`."""
    count = values[cell]
    if cell not in suppressed:
        return count, count
    return (1, SMALL_COUNT_MAX) if is_small(count) else (SMALL_COUNT_MAX + 1, math.inf)


def _line_exposes(
    line: Line, values: Mapping[Cell, int], suppressed: set[Cell] | frozenset[Cell]
) -> bool:
    return bool(_exposed_in_line(line, values, suppressed))


def _exposed_in_line(
    line: Line, values: Mapping[Cell, int], suppressed: set[Cell] | frozenset[Cell]
) -> list[Cell]:
    """Hidden cells of a line whose value the printed cells pin down exactly."""
    hidden = [cell for cell in line.parts if cell in suppressed]
    if line.total in suppressed:
        # An unknown total says little, unless every part is printed: then it is their sum.
        return [line.total] if not hidden else []
    rest = values[line.total] - sum(values[c] for c in line.parts if c not in suppressed)
    bounds = {cell: _bounds(cell, values, suppressed) for cell in hidden}
    exposed = []
    for cell in hidden:
        others = [bounds[other] for other in hidden if other != cell]
        low = max(bounds[cell][0], rest - sum(high for _, high in others))
        high = min(bounds[cell][1], rest - sum(low for low, _ in others))
        if low == high:
            exposed.append(cell)
    return exposed


def recoverable_cells(
    values: Mapping[Cell, int], lines: Iterable[Line], suppressed: frozenset[Cell]
) -> set[Cell]:
    """Return hidden cells a reader could pin down exactly from one printed line.

    The reader is assumed to know that `<11` means 1 to 10 and that `—` (a count
    withheld to protect another) is at least 11. Used by the tests and as a last
    check before printing: the answer must be empty.
    """
    return {cell for line in lines for cell in _exposed_in_line(line, values, suppressed)}


def format_count(count: int, suppressed: bool, numbers: NumberFormat = ENGLISH) -> str:
    """Print a people count: `<11` for a small one, `—` for a complementary one.

    A count withheld only to protect another is not small, so it never prints as
    `<11` (that would tell the reader something false).
    """
    if not suppressed:
        return numbers.integer(count)
    return SUPPRESSED if is_small(count) else WITHHELD


def format_share(
    numerator: int,
    denominator: int,
    numerator_suppressed: bool,
    denominator_suppressed: bool,
    numbers: NumberFormat = ENGLISH,
) -> str:
    """Print a share of people as a whole percent, or its safe stand-in.

    `n<30` when fewer than 30 people are behind it; `—` when printing it would
    reveal a suppressed count (share x denominator = numerator).
    """
    if denominator < SHARE_MIN_DENOMINATOR:
        return SMALL_DENOMINATOR
    if numerator_suppressed or denominator_suppressed:
        return WITHHELD
    return numbers.percent(share_percent(numerator, denominator))


def share_percent(numerator: int, denominator: int) -> int:
    """A share of people as the whole percent printed for it, rounded half-up (37/40 is 93)."""
    return whole_percent(Decimal(numerator) / Decimal(denominator))
