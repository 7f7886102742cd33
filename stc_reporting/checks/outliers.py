"""Outlier warnings: values far from the collaborative's own history.

The modified z-score (Iglewicz and Hoaglin), `0.6745 * (x - median) / MAD`, flags
a value when its size exceeds 3.5, and only where there are at least 8 values to
compare with (DHIS2 does the same). Outliers are warnings: they never exclude a
row, because an unusual month is often real. Checked: participants per completed
activity, funding amounts, and each indicator's measurements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from statistics import median

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
_CONSISTENCY = 0.6745  # makes the MAD comparable to a standard deviation


class ValueKind(Enum):
    """What a series measures, which decides the scale it is judged on."""

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


def flag_outliers(values: Sequence[float], kind: ValueKind) -> list[int]:
    """Return the positions of the values the rule flags.

    Args:
        values: One series' values, in any order.
        kind: What the values measure.

    Returns:
        The indexes of the flagged values, in order.
    """
    scores = modified_z_scores(values)
    if scores is None:
        return []
    return [index for index, score in enumerate(scores) if abs(score) > THRESHOLD]


def typical_range(values: Sequence[float]) -> tuple[float, float]:
    """The range of values whose modified z-score is within the threshold (floored at 0)."""
    centre = median(values)
    spread = median(abs(v - centre) for v in values)
    reach = THRESHOLD * spread / _CONSISTENCY
    return max(0.0, centre - reach), centre + reach


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
        flagged = flag_outliers(values, series.kind)
        if not flagged:
            continue
        low, high = typical_range(values)
        for index in flagged:
            found.append(_warning(tracker, series, series.rows[index], values[index], (low, high)))
    return found


def _number(value: float) -> str:
    """A plain number: no fraction when whole, else up to one decimal."""
    rounded = round(value, 1)
    return f"{rounded:,.0f}" if rounded.is_integer() else f"{rounded:,.1f}"


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
        message=f"{column.header} {shown} is far from this collaborative's other "
        f"{series.what} (typically {_number(low)} to {_number(high)}). Check it is right: a "
        "typo or a misplaced digit is common. The row still counts.",
    )
