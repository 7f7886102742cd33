"""Numbers, dates and period labels in the words a funder reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

NOT_AVAILABLE = "—"
"""Printed where a figure is withheld or not available."""

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: date) -> str:
    """`31 October 2021`."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """`31 Oct 2021`."""
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def month_year(day: date) -> str:
    """`October 2021`."""
    return f"{MONTHS[day.month - 1]} {day.year}"


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


def signed(delta: float, formatter: Callable[[float], str]) -> str:
    """A change: `+12`, `−3` (a true minus sign), or `no change`."""
    if delta == 0:
        return "no change"
    sign = "+" if delta > 0 else "−"
    return sign + formatter(abs(delta))


def signed_points(before: float, after: float) -> str:
    """A change between two shares in percentage points: `+4 pts`, `−2 pts`, `no change`."""
    points = round(100 * (after - before))
    return "no change" if points == 0 else f"{points:+d} pts".replace("-", "−")


def period_name(label: str) -> str:
    """A period label in words: `Y2` is `Year 2`, `Y2-Y3` is `Years 2–3`."""
    if "-" in label:
        first, last = label.split("-")
        return f"Years {first[1:]}–{last[1:]}"
    return f"Year {label[1:]}"
