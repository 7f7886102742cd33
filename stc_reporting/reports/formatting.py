"""Numbers, dates and period names in the words a funder reads.

The words themselves (month names, `no change`, `Year 2`) come from the labels
file (`labels.py`); this module only puts values into them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from stc_reporting.reports.labels import DateWords, PeriodWords, ValueWords

NOT_AVAILABLE = "—"
"""Printed where a figure is withheld or not available."""


def long_date(day: date, words: DateWords) -> str:
    """`31 October 2021`."""
    return words.long.format(day=day.day, month=words.months[day.month - 1], year=day.year)


def short_date(day: date, words: DateWords) -> str:
    """`31 Oct 2021`."""
    return words.short.format(day=day.day, month=words.months_short[day.month - 1], year=day.year)


def month_year(day: date, words: DateWords) -> str:
    """`October 2021`."""
    return words.month_year.format(month=words.months[day.month - 1], year=day.year)


def fmt_count(value: float | None) -> str:
    """A count of things (not people): `1,234`."""
    return NOT_AVAILABLE if value is None else f"{round(value):,}"


def fmt_money(value: float | None) -> str:
    """Dollars, rounded to the dollar: `$12,346`."""
    return NOT_AVAILABLE if value is None else f"${value:,.0f}"


def fmt_rate(value: float | None) -> str:
    """A share that is not of people (months): `92%`."""
    return NOT_AVAILABLE if value is None else f"{value:.0%}"


def fmt_number(value: float | None, unit: str) -> str:
    """An indicator value in its unit."""
    if value is None:
        return NOT_AVAILABLE
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if unit == "Percent":
        return f"{text}%"
    if unit == "Dollars":
        return f"${value:,.0f}"
    return text


def signed(delta: float, formatter: Callable[[float], str], words: ValueWords) -> str:
    """A change: `+12`, `−3` (a true minus sign), or `no change`."""
    if delta == 0:
        return words.no_change
    sign = "+" if delta > 0 else "−"
    return sign + formatter(abs(delta))


def signed_points(before: float, after: float, words: ValueWords) -> str:
    """A change between two shares in percentage points: `+4 pts`, `−2 pts`, `no change`."""
    points = round(100 * (after - before))
    if points == 0:
        return words.no_change
    return words.points.format(points=f"{points:+d}".replace("-", "−"))


def period_name(label: str, words: PeriodWords) -> str:
    """A period label in words: `Y2` is `Year 2`, `Y2-Y3` is `Years 2–3`."""
    if "-" in label:
        first, last = label.split("-")
        return words.years.format(first=first[1:], last=last[1:])
    return words.year.format(number=label[1:])
