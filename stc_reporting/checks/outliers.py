"""Outlier warnings: values far from the collaborative's own history.

A warning costs a program manager a look at the tracker, so it is raised only for a
value that is both improbable and far away:

- improbable: its modified z-score (Iglewicz and Hoaglin), `0.6745 * (x - median) / MAD`,
  is above 3.5, computed on the log scale (`log(1 + x)`): counts, money and percentages
  spread in proportion to their size, and the mistake worth catching, a digit too many or
  too few, multiplies or divides by ten;
- far away: at least 4 times the median, or at most an eighth of it (1 is added to both
  so that 0 and 1 are not "infinitely" apart). Below is stricter than above because small
  activities and slow months are common and real.

Series with fewer than 8 values, or with more than half of them equal, are not judged.
Outliers are warnings: they never exclude a row, because an unusual month is often real.
The message gives the range of the middle 80 % of the other values, in whole numbers for
counts and in dollars for money. Checked: participants per completed activity, funding
amounts, and each indicator's measurements (its unit decides how values are printed).
The false-alarm rate is measured by `benchmarks/outlier_false_alarms.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from math import log1p
from statistics import median, quantiles

from stc_reporting.contract.rules import Rule
from stc_reporting.contract.tabs import (
    ACTIVITIES,
    FUNDING,
    INDICATORS,
    MEASUREMENTS,
    tab_named,
)
from stc_reporting.ingest.reading import ParsedTracker, Row, located_issue
from stc_reporting.issues import Issue, Severity, rows_in_error

THRESHOLD = 3.5
MIN_VALUES = 8
MIN_FACTOR_ABOVE = 4.0
"""A value must be at least this many times the median to be flagged as too large."""
MIN_FACTOR_BELOW = 8.0
"""A value must be at most the median divided by this to be flagged as too small."""
_CONSISTENCY = 0.6745  # makes the MAD comparable to a standard deviation


class ValueKind(Enum):
    """What a series measures, which decides how its values are printed."""

    COUNT = "count"
    MONEY = "money"
    OTHER = "other"


@dataclass(frozen=True)
class Series:
    """Values of one field that should resemble each other, with their rows."""

    tab: str
    field: str
    rows: tuple[Row, ...]
    what: str
    kind: ValueKind


def modified_z_scores(values: Sequence[float]) -> list[float] | None:
    """Return each value's modified z-score, or None when they cannot be judged.

    None when there are fewer than 8 values or the median absolute deviation is 0
    (more than half the values are equal: any other value would look infinite).
    """
    if len(values) < MIN_VALUES:
        return None
    centre = median(values)
    spread = median(abs(v - centre) for v in values)
    if spread == 0:
        return None
    return [_CONSISTENCY * (v - centre) / spread for v in values]


def flag_outliers(values: Sequence[float]) -> list[int]:
    """Return the positions of the values the rule flags.

    Args:
        values: One series' values, in any order.

    Returns:
        The indexes of the flagged values, in order.
    """
    scores = modified_z_scores([log1p(max(v, 0.0)) for v in values])
    if scores is None:
        return []
    centre = median(values)
    return [
        index
        for index, (value, score) in enumerate(zip(values, scores, strict=True))
        if abs(score) > THRESHOLD and _far_from(value, centre)
    ]


def _far_from(value: float, centre: float) -> bool:
    """Whether a value is far enough from the median to be worth a look."""
    shifted, middle = max(value, 0.0) + 1, max(centre, 0.0) + 1
    return shifted >= MIN_FACTOR_ABOVE * middle or shifted * MIN_FACTOR_BELOW <= middle


def usual_range(values: Sequence[float]) -> tuple[float, float]:
    """The range of the middle 80 % of the values (10th to 90th percentile)."""
    if len(values) < 2:
        return values[0], values[0]
    cuts = quantiles(values, n=10, method="inclusive")
    return cuts[0], cuts[-1]


_KIND_OF_UNIT = {"Count": ValueKind.COUNT, "Dollars": ValueKind.MONEY}


def _series(tracker: ParsedTracker, excluded: set[tuple[str, str, int]]) -> Iterable[Series]:
    def valid(tab: str) -> list[Row]:
        data = tracker.tabs.get(tab)
        rows = data.rows if data else []
        return [r for r in rows if (tracker.collaborative, tab, r["row"]) not in excluded]

    activities = [
        r
        for r in valid(ACTIVITIES.name)
        if r["status"] == "Completed" and r["participants"] is not None
    ]
    yield Series(
        ACTIVITIES.name,
        "participants",
        tuple(activities),
        "participants per activity",
        ValueKind.COUNT,
    )
    funding = [r for r in valid(FUNDING.name) if r["amount_usd"] is not None]
    yield Series(FUNDING.name, "amount_usd", tuple(funding), "funding amounts", ValueKind.MONEY)
    units = {row["indicator_id"]: row["unit"] for row in valid(INDICATORS.name)}
    by_indicator: dict[object, list[Row]] = defaultdict(list)
    for row in valid(MEASUREMENTS.name):
        if row["value"] is not None:
            by_indicator[row["indicator_id"]].append(row)
    for indicator, rows in by_indicator.items():
        kind = _KIND_OF_UNIT.get(str(units.get(indicator)), ValueKind.OTHER)
        what = f"values of indicator {indicator}"
        yield Series(MEASUREMENTS.name, "value", tuple(rows), what, kind)


def find_outliers(tracker: ParsedTracker, issues: Iterable[Issue]) -> list[Issue]:
    """Warn about values far from the rest of this collaborative's values.

    Args:
        tracker: One collaborative's tracker as read.
        issues: Issues found so far (rows in error are not compared).

    Returns:
        One warning per outlying cell.
    """
    if tracker.failed:
        return []
    excluded = rows_in_error(issues)
    found = []
    for series in _series(tracker, excluded):
        values = [float(str(row[series.field])) for row in series.rows]
        flagged = flag_outliers(values)
        if not flagged:
            continue
        flagged_set = set(flagged)
        others = [v for index, v in enumerate(values) if index not in flagged_set]
        bounds = usual_range(others)
        for index in flagged:
            found.append(_warning(tracker, series, series.rows[index], values[index], bounds))
    return found


def _number(value: float) -> str:
    """A plain number: no fraction when whole, else up to one decimal (halves round up)."""
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{rounded:,.0f}" if rounded == rounded.to_integral_value() else f"{rounded:,.1f}"


def _whole(value: float) -> str:
    """A whole number with thousands separators (halves round up)."""
    return f"{Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def shown_as(value: float, kind: ValueKind) -> str:
    """A value the way people read it: whole counts, whole dollars, else up to one decimal."""
    if kind is ValueKind.COUNT:
        return _whole(value)
    if kind is ValueKind.MONEY:
        return "$" + _whole(value)
    return _number(value)


def _warning(
    tracker: ParsedTracker, series: Series, row: Row, value: float, bounds: tuple[float, float]
) -> Issue:
    column = tab_named(series.tab).column(series.field)
    data = tracker.tabs[series.tab]
    shown = _number(value)
    low, high = bounds
    row_number = int(str(row["row"]))
    return located_issue(
        tracker,
        data,
        row=row_number,
        header=column.header,
        position=data.positions.get(series.field),
        value=shown,
        severity=Severity.WARNING,
        rule=Rule.OUTLIER,
        message=f"{column.header} {shown_as(value, series.kind)} is far from this "
        f"collaborative's other {series.what} (most are between {shown_as(low, series.kind)} "
        f"and {shown_as(high, series.kind)}). Check it is right: a "
        "typo or a misplaced digit is common. The row still counts.",
    )
