"""Numbers, dates and period names in the words a funder reads.

The words themselves (month names, `no change`, `Year 2`) come from the labels
file (`labels.py`); this module only puts values into them.

Every printed figure is rounded half-up (a half goes away from zero) on the
number as it is written in decimal, not on its binary approximation: 92.5 %
prints as 93 %, 0.125 to two places as 0.13, −0.5 as −1. Python's `round()` and
format specs round a half to even (92.5 to 92), so they are not used for
printing. A change between two periods is the difference of the two printed
(rounded) values, so a table never contradicts itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

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


def round_half_up(value: float | int | Decimal, places: int = 0) -> Decimal:
    """Round `value` to `places` decimals, a half away from zero: 92.5 is 93, 0.125 is 0.13.

    A float is taken as it is written (its shortest decimal form, `str`), so 2.675
    rounds to 2.68 although the binary number is a little below it. Never −0.
    """
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return rounded + 0  # adding zero turns −0 into 0


def whole(value: float | int | Decimal) -> int:
    """A figure rounded half-up to a whole number, as it is printed: 2.5 is 3."""
    return int(round_half_up(value))


def whole_percent(share: float | int | Decimal) -> int:
    """A share (0.925) as the whole percent printed for it (93)."""
    exact = share if isinstance(share, Decimal) else Decimal(str(share))
    return whole(exact.scaleb(2))


def fmt_count(value: float | None) -> str:
    """A count of things (not people): `1,234`."""
    return NOT_AVAILABLE if value is None else f"{whole(value):,}"


def fmt_money(value: float | None) -> str:
    """Dollars, rounded half-up to the dollar: `$12,346`."""
    return NOT_AVAILABLE if value is None else f"${whole(value):,}"


def fmt_rate(value: float | None) -> str:
    """A share that is not of people (months): `92%`."""
    return NOT_AVAILABLE if value is None else f"{whole_percent(value)}%"


def fmt_number(value: float | None, unit: str) -> str:
    """An indicator value in its unit: one decimal at most, none when it rounds to whole."""
    if value is None:
        return NOT_AVAILABLE
    if unit == "Dollars":
        return fmt_money(value)
    rounded = round_half_up(value, 1)
    text = f"{rounded:,.0f}" if rounded == rounded.to_integral_value() else f"{rounded:,.1f}"
    return f"{text}%" if unit == "Percent" else text


def signed(delta: float, formatter: Callable[[float], str], words: ValueWords) -> str:
    """A change: `+12`, `−3` (a true minus sign), or `no change`."""
    if delta == 0:
        return words.no_change
    sign = "+" if delta > 0 else "−"
    return sign + formatter(abs(delta))


def printed_change(before: float, after: float) -> int:
    """The change between two figures printed as whole numbers: after minus before, as printed."""
    return whole(after) - whole(before)


def signed_points(before: int, after: int, words: ValueWords) -> str:
    """A change between two printed whole percents: `+1 pt`, `−2 pts`, `no change`.

    Takes the printed percents (93 for 92.5 %), so the change is their difference.
    """
    points = after - before
    if points == 0:
        return words.no_change
    label = words.point if abs(points) == 1 else words.points
    return label.format(points=f"{points:+d}".replace("-", "−"))


def period_name(label: str, words: PeriodWords) -> str:
    """A period label in words: `Y2` is `Year 2`, `Y2-Y3` is `Years 2–3`."""
    if "-" in label:
        first, last = label.split("-")
        return words.years.format(first=first[1:], last=last[1:])
    return words.year.format(number=label[1:])
