"""Numbers, dates and period names in the words a funder reads.

The words themselves (`no change`, `Year 2`) and the date patterns come from the
labels file (`labels.py`); month names, separators and the places of the percent
and dollar signs come from Babel (the CLDR data) for the report's locale, so a
Spanish report reads `31 de octubre de 2021` where the English one reads
`31 October 2021`. This module only puts values into them.

Every printed figure is rounded half-up (a half goes away from zero) on the
number as it is written in decimal, not on its binary approximation: 92.5 %
prints as 93 %, 0.125 to two places as 0.13, −0.5 as −1. Python's `round()` and
format specs round a half to even (92.5 to 92), so they are not used for
printing. A change between two periods is the difference of the two printed
(rounded) values, so a table never contradicts itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from stc_reporting.reports.labels import DateWords, PeriodWords, ValueWords

NOT_AVAILABLE = "—"
"""Printed where a figure is withheld or not available."""

ENGLISH_LOCALE = "en_US"
"""The locale of the English reports (and of the internal pages)."""


def long_date(day: date, words: DateWords, locale: str) -> str:
    """`31 October 2021` (`31 de octubre de 2021`): the labels' pattern, Babel's month names."""
    return format_date(day, words.long, locale=locale)


def short_date(day: date, words: DateWords, locale: str) -> str:
    """`31 Oct 2021`."""
    return format_date(day, words.short, locale=locale)


def month_year(day: date, words: DateWords, locale: str) -> str:
    """`October 2021` (`octubre de 2021`)."""
    return format_date(day, words.month_year, locale=locale)


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


@dataclass(frozen=True)
class NumberFormat:
    """Figures written the way readers of one locale write them (Babel's CLDR data).

    Every value is rounded half-up here first and only then handed to Babel, which
    would otherwise round a half to even; Babel only writes the rounded number
    (separators, the percent and dollar signs and where they go).

    Attributes:
        locale: A Babel locale name: `en_US`, `es_US`.
    """

    locale: str

    def integer(self, value: int) -> str:
        """A whole number with the locale's grouping: `1,234`."""
        return format_decimal(value, locale=self.locale)

    def decimal(self, value: Decimal) -> str:
        """A rounded number as it stands, no decimal more or less: `12.3`, `1,234`."""
        return format_decimal(value, format=_EXACT_DECIMALS, locale=self.locale)

    def percent(self, percent: int | Decimal) -> str:
        """A percent already rounded (93, or 92.5 for an indicator): `93%`, `92.5%`."""
        return format_percent(
            Decimal(percent).scaleb(-2), locale=self.locale, decimal_quantization=False
        )

    def dollars(self, value: int) -> str:
        """Whole US dollars: `$12,346` (the locale's currency pattern, without cents)."""
        pattern = Locale.parse(self.locale).currency_formats["standard"].pattern
        whole_dollars = pattern.replace(".00", "")
        return format_currency(
            value, "USD", format=whole_dollars, locale=self.locale, currency_digits=False
        )

    def count(self, value: float | None) -> str:
        """A count of things (not people): `1,234`."""
        return NOT_AVAILABLE if value is None else self.integer(whole(value))

    def money(self, value: float | None) -> str:
        """Dollars, rounded half-up to the dollar: `$12,346`."""
        return NOT_AVAILABLE if value is None else self.dollars(whole(value))

    def rate(self, value: float | None) -> str:
        """A share that is not of people (months): `92%`."""
        return NOT_AVAILABLE if value is None else self.percent(whole_percent(value))

    def number(self, value: float | None, unit: str) -> str:
        """An indicator value in its unit: one decimal at most, none when it rounds to whole.

        `unit` is the contract's unit (`Count`, `Percent`, `Dollars`, `Score`), not its label.
        """
        if value is None:
            return NOT_AVAILABLE
        if unit == "Dollars":
            return self.money(value)
        rounded = round_half_up(value, 1)
        if rounded == rounded.to_integral_value():
            rounded = rounded.quantize(Decimal(1))
        return self.percent(rounded) if unit == "Percent" else self.decimal(rounded)


_EXACT_DECIMALS = "#,##0.##########"
"""Babel's pattern for a number already rounded: every decimal it has, none added."""

ENGLISH = NumberFormat(ENGLISH_LOCALE)
"""Figures in English (US): the program report's, and the internal pages'."""


def fmt_count(value: float | None) -> str:
    """A count of things in English: `1,234` (`NumberFormat.count`)."""
    return ENGLISH.count(value)


def fmt_money(value: float | None) -> str:
    """Dollars in English: `$12,346` (`NumberFormat.money`)."""
    return ENGLISH.money(value)


def fmt_rate(value: float | None) -> str:
    """A share in English: `92%` (`NumberFormat.rate`)."""
    return ENGLISH.rate(value)


def fmt_number(value: float | None, unit: str) -> str:
    """An indicator value in English (`NumberFormat.number`)."""
    return ENGLISH.number(value, unit)


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
